"""The month pipeline: validate → compute metrics → execute the notebook → render → publish.

:func:`build_month` builds one month end to end in a temporary folder inside
``output/`` and publishes it with one atomic swap only when every step succeeded,
so a failed or killed build never touches what is already published. It runs in
a worker process or in the build process itself and never prints: each step's
time and notices go to the month's ``build.log`` (kept in ``.crm-report/log/``, outside
the published ``output/``, when the month fails) and to the returned :class:`MonthResult`.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from crmlib import __version__
from crmlib.data.contract import CANONICAL_FOLDER as CANONICAL
from crmlib.data.params import load_params, raw_params, resolve_data_path
from crmlib.project import Project
from crmlib.publish import riwayat as riwayat_store
from crmlib.publish.build_log import LogFile, close_log
from crmlib.publish.edisi import FILES, STATUS_PAGE, Edition
from crmlib.publish.edisi_masukan import KeptInputs, StoredInputs, as_json
from crmlib.publish.failures import describe_failure, drop_failed_log, keep_failed_log
from crmlib.publish.final_edition import FinalReady, check_final, prepare_final
from crmlib.publish.fingerprint import lock_sha256, month_fingerprint, rebuild_reasons, write_state
from crmlib.publish.kernel_handoff import DrawAhead, hand_over, log_drawn_ahead, log_handed_over
from crmlib.publish.publishing import publish, temp_folder
from crmlib.publish.volume import WARNINGS_KEY, volume_warnings


@dataclass
class MonthResult:
    """Outcome of one month."""

    periode: str
    status: str  # "dibangun", "terkini", "gagal"
    seconds: float = 0.0
    reason: str = ""
    steps: dict = field(default_factory=dict)
    renderer: str = ""
    warnings: list[str] = field(default_factory=list)  # plausibility warnings (published anyway)
    log: str = ""  # a failed month's kept build.log
    exit_code: int = 0  # a failed month's error class exit code (1 data, 74 disk, ...)
    published: bool = False  # output/<periode>/ was (re)written by this run
    final: Any = None  # a final edition prepared by build_month (FinalReady), not yet stored


def git_commit(root: Path) -> str | None:
    """The project's git commit (12 hex digits), when it is a git checkout.

    A fixed length: git's default abbreviation grows with the number of objects, so
    a fresh clone and a well-used repository could print the same commit differently.
    """
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def notebook_parameters(params: dict, data_rel: str, provenance: dict, riwayat: list) -> dict:
    """The values injected into the notebook's ``parameters`` cell."""
    return {
        "periode": params["periode"],
        "data": data_rel,
        "per_tanggal": params.get("per_tanggal") or "",
        "kota": params.get("kota", "jakarta-timur"),
        "metrik": params.get("metrik") or {},
        "kendala": params.get("kendala") or [],
        "saran": params.get("saran") or [],
        "catatan": params.get("catatan") or "",
        "izinkan_kosong": bool(params.get("izinkan_kosong")),
        "output_dir": ".",
        "arsip_dir": "..",
        "riwayat": riwayat,
        "provenance": provenance,
    }


# What a month's build imports (pandas, the reader, the report's modules, Arrow, the
# charts' matplotlib), and what imports them: see import_pipeline().
PIPELINE_MODULES = (
    "crmlib.data.schema",
    "crmlib.data.reader",
    "crmlib.data.canonical",
    "crmlib.report.laporan",
    "crmlib.report.outputs",
    "crmlib.report.workbook",
    "crmlib.report.frontmatter",
    "crmlib.report.handoff",
    "pyarrow.feather",
    "crmlib.report.narasi",
    "crmlib.report.figures",
    "crmlib.report.charts",
    "jinja2.sandbox",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.style",
    "openpyxl.writer.excel",
    "openpyxl.cell",
    "openpyxl.worksheet.hyperlink",
    "crmlib.report.xlsx_stream",
    "python_calamine",
    "pypandoc",
    "crmlib.render.renderer",
)


def import_pipeline() -> None:
    """Import the month pipeline's modules now, in this thread, before a month starts.

    The no-change path imports none of them, so a build imports them here, before its
    first month (and while its kernel boots). Imported in the middle of a month, they
    would meet a Ctrl-C there: a ``KeyboardInterrupt`` raised inside a C extension's
    initialisation makes CPython end the process by SIGINT even after the build stopped
    cleanly (exit -2 instead of 130), and an import in the drawing thread could leave
    the import locks held.
    """
    import importlib

    for name in PIPELINE_MODULES:
        importlib.import_module(name)


def build_month(
    root: str,
    periode: str,
    renderer: str = "auto",
    force: bool = False,
    built_at: str | None = None,
    warm: bool = True,
    edition: Edition | None = None,
    signer=None,
    draw_ahead: bool = False,
    roots: list | None = None,
) -> MonthResult:
    """Build one month end to end in a temporary folder and publish it atomically.

    Runs in a worker process: it never prints; everything goes to the month's
    ``build.log`` and the returned :class:`MonthResult`. Without ``edition`` the
    month is a draft (DRAF mark) and is published; with it, a final edition
    (PDF/A, attachments, signed with ``signer`` when given, checked against the
    trusted ``roots``) is prepared beside the store and returned unpublished in
    ``MonthResult.final``: the caller puts it into ``terbitan/`` and publishes it
    (:func:`crmlib.publish.finalize.finalize`). ``draw_ahead`` draws the charts in a thread of this
    process while the kernel executes the notebook (for a build of one month at a
    time, where the second core is otherwise idle). ``built_at`` is the batch's
    wall-clock start: it goes to ``build-info.json`` only, never into a document.
    """
    b = _Build(root, periode, edition)
    try:
        b.open_log()
        inputs, warnings = _make(b, renderer, force, warm, draw_ahead)
        if b.edition is not None:
            with b.step("edisi"):
                _prepare_final(b, inputs, signer, roots or [])
        state = _write_build_info(b, inputs, warnings, built_at)
        if b.edition is not None:
            return _final_ready(b, inputs.reasons, warnings, state)
        _publish(b)
        return _built(b, inputs.reasons, warnings)
    except KeyboardInterrupt:
        # Stopped (Ctrl-C, SIGTERM): leave nothing behind and stop the whole batch.
        close_log(b.log)
        _discard(b)
        raise
    except Exception as exc:
        return _failed(b, exc)


def rederive_month(root: str, stored: StoredInputs, target: Path, renderer: str) -> None:
    """Build a final edition again from what it keeps; its five files go to ``target``.

    The same steps as :func:`build_month`, from the edition's canonical tables,
    params and notebook (:class:`crmlib.publish.edisi_masukan.StoredInputs`) instead
    of the project's files, in a fresh kernel; nothing is signed, stored or published.

    Raises
    ------
    CrmReportError
        The month failed to build (the reason names the step).
    """
    b = _Build(root, stored.edition.periode, stored.edition, stored)
    try:
        b.open_log()
        _make(b, renderer, True, False, False)
        close_log(b.log)
        Path(target).mkdir(parents=True, exist_ok=True)
        for name in (*FILES, "build.log"):
            shutil.move(b.tmp / name, Path(target) / name)
    finally:
        close_log(b.log)
        shutil.rmtree(b.tmp, ignore_errors=True)


def _make(
    b: _Build, renderer: str, force: bool, warm: bool, draw_ahead: bool
) -> tuple[_Inputs, list[str]]:
    """The month's files in its temp folder (the steps every build shares); its warnings.

    The warnings are the inputs' (also in ``metrics.json``) and the volume comparison's
    (``build-info.json`` only).
    """
    with b.step("validasi"):
        inputs = _validate(b, renderer, force, warm)
    with b.step("metrik"):
        provenance, metrics = _compute_metrics(b, inputs)
    with b.step("notebook"):
        ahead = _execute_notebook(b, inputs, provenance, metrics, warm, draw_ahead)
    with b.step("render"):
        _render(b, inputs.params, provenance)
    log_drawn_ahead(b.log, ahead)
    # Compared with the months published now: a build observation, kept out of the documents.
    warnings = [] if b.stored else volume_warnings(b.project, b.periode, int(metrics.total_laporan))
    for w in warnings:
        b.log.warning("PERINGATAN: %s", w)
    return inputs, [*inputs.warnings, *warnings]


class _Build:
    """One month being built: its temp folder, its log and its steps' times."""

    def __init__(
        self, root: str, periode: str, edition: Edition | None, stored: StoredInputs | None = None
    ) -> None:
        self.project = Project(Path(root))
        self.periode = periode
        self.edition = edition
        self.stored = stored  # a final edition built again from what it keeps
        self.start = time.perf_counter()
        self.steps: dict[str, float] = {}
        self.tmp = temp_folder(self.project.output_dir, periode)
        self.log = logging.getLogger(f"{__name__}.{periode}.{os.getpid()}")
        self.log.handlers.clear()
        self.log.propagate = False
        self.log.setLevel(logging.INFO)
        self.renderer = ""  # the renderer used, once picked
        self.prepared = None  # a final edition prepared beside the store (store.PreparedEdition)

    def open_log(self) -> None:
        """Create the temp folder and the month's ``build.log`` in it."""
        self.tmp.mkdir(parents=True)
        handler = LogFile(self.tmp / "build.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        self.log.addHandler(handler)
        self.log.info("crm-report %s: membangun %s", __version__, self.periode)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as step ``name`` (in the log and the result) when it succeeds."""
        t0 = time.perf_counter()
        yield
        self.steps[name] = round(time.perf_counter() - t0, 3)
        self.log.info("%-10s %.2f s", name, self.steps[name])
        for handler in self.log.handlers:
            if isinstance(handler, LogFile) and handler.error is not None:
                raise handler.error  # build.log could not be written: the disk is full


class _Inputs(NamedTuple):
    """What the month is built from, as the validation step found it."""

    params: dict
    fingerprint: dict
    reasons: list[str]  # why the month is built
    data_path: Path  # the export (or a kept canonical folder) the month was read from
    month: Any  # crmlib.data.reader's MonthData, as read back from the canonical folder
    ref: Any  # crmlib.data.refdata's Reference
    riwayat: list[dict]  # the month before's headline figures (empty: not compared)
    notebook: Path  # the report notebook that runs
    canonical: dict[str, str]  # SHA-256 of the canonical folder's files, by name
    warnings: list[str]  # published with the month: the month before unreadable, odd dates


def _validate(b: _Build, renderer: str, force: bool, warm: bool) -> _Inputs:
    """Load the params, pick the renderer, log why the month is built, read and validate its data."""
    from crmlib.render import renderer as render
    from crmlib.render.execute import prestart_warm_kernel

    if warm:
        prestart_warm_kernel()
    b.renderer = render.pick_renderer(renderer)
    if b.stored is not None:
        params, fingerprint = b.stored.params, {}
        reasons = [f"edisi final {b.edition.edisi} dibangun ulang dari terbitan/"]
        data_path, riwayat, notebook = b.stored.data, b.stored.riwayat, b.stored.notebook
    else:
        params = load_params(b.project.params_dir, b.periode)
        written = raw_params(b.project.params_dir, b.periode)  # as the up-to-date check sees them
        fingerprint = month_fingerprint(b.project, b.periode, written, b.renderer)
        reasons = (
            [f"edisi final {b.edition.edisi}"]
            if b.edition
            else rebuild_reasons(b.project, b.periode, fingerprint, force)
        )
        data_path = resolve_data_path(params, b.project.root)
        riwayat, notebook = None, b.project.notebook
    b.log.info("dibangun karena: %s", "; ".join(reasons))
    month, ref, canonical = _read_month_logged(params, data_path, b.periode, b.log, b.tmp)
    if riwayat is None:  # remembered by the previous month's build, else computed
        riwayat, warnings = _input_warnings(b.project, b.periode, params)
    else:  # a kept edition: the warnings its first build published
        warnings = list(b.stored.peringatan)
    # As a kept edition gives them back, so that its second build sees the same values.
    params, riwayat = as_json(params), as_json(riwayat)
    return _Inputs(
        params, fingerprint, reasons, data_path, month, ref, riwayat, notebook, canonical, warnings
    )


def _input_warnings(project: Project, periode: str, params: dict) -> tuple[list[dict], list[str]]:
    """The month before's figures, and the warnings on the inputs that do not stop the month."""
    from crmlib.data.params import date_warnings

    riwayat, unreadable = riwayat_store.previous_headline(project, periode)
    return riwayat, [*date_warnings(params, periode), *([unreadable] if unreadable else [])]


def _compute_metrics(b: _Build, inputs: _Inputs) -> tuple[dict, Any]:
    """Compute the month into ``metrics.json`` and ``tabel.xlsx``; its provenance and metrics.

    The provenance says what the month is made of, never when it was built: the
    wall-clock time goes to ``build-info.json`` and ``build.log`` only.
    """
    extra = {
        "renderer": b.renderer,
        "git_commit": git_commit(b.project.root),
        # What the figures were computed from (a final edition keeps these files).
        "masukan_kanonik": inputs.canonical,
        **(b.edition.provenance() if b.edition else {}),
    }
    provenance, metrics = _write_metrics(inputs, b.tmp, extra)
    for w in inputs.warnings:
        b.log.warning("PERINGATAN: %s", w)
    if b.stored is None:
        # The next month's comparison, computed (keyed by this month's inputs in the project).
        riwayat_store.remember(b.project, b.periode, metrics)
    return provenance, metrics


def _execute_notebook(
    b: _Build, inputs: _Inputs, provenance: dict, metrics, warm: bool, draw_ahead: bool
) -> DrawAhead | None:
    """Execute the report notebook on the month handed over, the charts drawn ahead when asked to."""
    # The kernel reads the month's canonical folder beside it, like the build did.
    parameters = notebook_parameters(inputs.params, CANONICAL, provenance, inputs.riwayat)
    hand_over(b.periode, b.tmp, inputs.params, inputs.month, metrics, b.log)
    ahead = DrawAhead(inputs.month, inputs.ref, metrics, parameters, b.tmp) if draw_ahead else None
    try:
        _run_notebook(inputs.notebook, inputs.params, parameters, b.tmp, warm)
    finally:
        if ahead is not None:
            ahead.stop.set()
        log_handed_over(b.tmp, b.log)
    return ahead


def _render(b: _Build, params: dict, provenance: dict) -> None:
    """Put the front matter into the executed notebook and render the HTML and PDF."""
    from crmlib.render import renderer as render
    from crmlib.report.frontmatter import inject_front_matter

    meta = month_front_matter(params, b.periode, provenance, b.edition)
    inject_front_matter(b.tmp / "laporan.ipynb", meta)
    rendered = render.render_month(b.tmp, renderer=b.renderer, kertas=params.get("kertas", "a4"))
    for w in rendered["warnings"]:
        b.log.info("render: %s", w)


def _write_build_info(
    b: _Build, inputs: _Inputs, warnings: list[str], built_at: str | None
) -> dict:
    """Close the log; a draft's ``build-info.json`` is written (a final's when it is published).

    ``build-info.json`` sits beside the documents and is never part of them: it is
    where the build's wall-clock time and the lock's hash are recorded.
    """
    b.log.info("selesai dalam %.2f s", time.perf_counter() - b.start)
    failed_write = close_log(b.log)
    if failed_write is not None:
        raise failed_write  # build.log is incomplete: the disk is full
    state = {
        "fingerprint": inputs.fingerprint,
        "renderer": b.renderer,
        "crmlib": __version__,
        "waktu_build": built_at or dt.datetime.now().replace(microsecond=0).isoformat(),
        "lock_sha256": lock_sha256(b.project.root),
        "langkah_detik": b.steps,
        WARNINGS_KEY: warnings,
        "alasan_build": inputs.reasons,
    }
    if b.edition is None:
        state["status"] = "draf"
        shutil.rmtree(b.tmp / CANONICAL)  # row-level data stays out of output/
        write_state(b.tmp, state)
    return state


def _publish(b: _Build) -> None:
    """Swap the month into ``output/<periode>/``; its last failure's log goes."""
    publish(b.tmp, b.project.output_dir / b.periode)
    drop_failed_log(b.project, b.periode)


def _built(b: _Build, reasons: list[str], warnings: list[str]) -> MonthResult:
    """The result of a month built and published."""
    return MonthResult(
        b.periode,
        "final" if b.edition else "dibangun",
        time.perf_counter() - b.start,
        reason="; ".join(reasons),
        steps=b.steps,
        renderer=b.renderer,
        warnings=warnings,
        published=True,
    )


def _failed(b: _Build, exc: Exception) -> MonthResult:
    """The result of a month that failed: its log kept in ``.crm-report/log/``, its temp folder gone."""
    reason, code = describe_failure(exc, b.log)
    result = MonthResult(
        b.periode,
        "gagal",
        time.perf_counter() - b.start,
        reason=reason,
        steps=b.steps,
        renderer=b.renderer,
        exit_code=code,
    )
    close_log(b.log)
    result.log = keep_failed_log(b.project, b.periode, b.tmp)
    _discard(b)
    return result


def _discard(b: _Build) -> None:
    """Remove the month's temp folder and a prepared final edition (nothing was stored)."""
    shutil.rmtree(b.tmp, ignore_errors=True)
    if b.prepared is not None:
        b.prepared.discard()


def _run_notebook(notebook: Path, params: dict, parameters: dict, tmp: Path, warm: bool) -> None:
    """Execute the report notebook into ``tmp/laporan.ipynb`` with the month's parameters."""
    from crmlib.render.execute import execute_notebook

    execute_notebook(
        notebook,
        tmp / "laporan.ipynb",
        parameters,
        cwd=tmp,
        timeout=int(params.get("sel_timeout_detik") or 300),
        warm=warm,
    )


def _read_month_logged(params: dict, data_path: Path, periode: str, log: logging.Logger, tmp: Path):
    """Read and validate the month's export into its canonical folder, and read that back.

    Everything downstream (the metrics here, the notebook's kernel) reads
    ``tmp/masukan/`` (:mod:`crmlib.data.canonical`), never the export: what a final
    edition keeps is then exactly what its figures were computed from. Counts and
    notices go to the month's log.
    """
    from crmlib.data.canonical import write_canonical
    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference

    ref = load_reference(params.get("kota", "jakarta-timur"))
    allow_empty = bool(params.get("izinkan_kosong"))
    export = read_month(data_path, periode, reference=ref, izinkan_kosong=allow_empty)
    hashes = write_canonical(export, tmp / CANONICAL)
    month = read_month(tmp / CANONICAL, periode, reference=ref, izinkan_kosong=allow_empty)
    for sheet, c in month.counts.items():
        log.info(
            "%s: dibaca %d, dipakai %d, di luar periode %d",
            sheet,
            c["read"],
            c["kept"],
            c["left_out"],
        )
    for note in month.notices:  # e.g. how many reporter-like values were masked
        log.info("catatan: %s", note)
    return month, ref, hashes


def _write_metrics(inputs: _Inputs, tmp: Path, extra: dict) -> tuple[dict, Any]:
    """Compute the month, write ``metrics.json`` and ``tabel.xlsx`` into ``tmp``; provenance, metrics.

    ``extra`` is added to the provenance (renderer, commit, edition). The inputs'
    warnings (the month before unreadable, odd dates) go under :data:`WARNINGS_KEY`
    when there are any: they follow from the inputs alone, unlike the volume warnings,
    which compare with the months published now and stay in ``build-info.json``.
    """
    from crmlib.report.laporan import compute_month
    from crmlib.report.outputs import month_provenance, write_metrics_json
    from crmlib.report.workbook import write_tables_xlsx

    params, month = inputs.params, inputs.month
    per_tanggal = params.get("per_tanggal")
    metrics = compute_month(
        month, inputs.ref, metrik=params.get("metrik"), per_tanggal=per_tanggal, tiket=True
    )
    provenance = month_provenance(month, metrics, per_tanggal or None)
    provenance.update(extra)
    if inputs.warnings:
        provenance[WARNINGS_KEY] = list(inputs.warnings)
    write_metrics_json(metrics, tmp / "metrics.json", provenance)
    write_tables_xlsx(metrics, tmp / "tabel.xlsx")
    return provenance, metrics


def month_front_matter(
    params: dict, periode: str, provenance: dict, edition: Edition | None
) -> dict:
    """The month's front matter: cover, links, and the draft or final edition's marks.

    Links to other months go through ``sebelumnya.html``/``berikutnya.html``
    beside the report (written at archive time, :func:`crmlib.publish.navigation.write_nav_pages`),
    never to a month directly: the report's bytes never go stale.
    """
    from crmlib.report.frontmatter import DRAFT_FRONT_MATTER, build_front_matter

    links = {
        "pdf": "laporan.pdf",
        "ipynb": "laporan.ipynb",
        "json": "metrics.json",
        "xlsx": "tabel.xlsx",
        "index": "../index.html",
        "prev": "sebelumnya.html",
        "next": "berikutnya.html",
    }
    if edition is not None:
        # The edition's current state (replaced or not) lives beside it, never in its bytes.
        links["status"] = STATUS_PAGE
    meta = build_front_matter(params, periode, links, provenance)
    # The notebook has its own "Tentang Laporan Ini" section; keep only the PDF footer line.
    meta["tentang"] = []
    meta.update(edition.front_matter() if edition else DRAFT_FRONT_MATTER)
    return meta


def _prepare_final(b: _Build, inputs: _Inputs, signer, roots: list) -> None:
    """Prepare the final edition beside the store (signed when ``signer``) and check it.

    See :mod:`crmlib.publish.final_edition`. ``b.prepared`` is set before the check,
    so that a month whose edition fails it discards the prepared folder (:func:`_discard`).
    """
    kept = KeptInputs(
        inputs.params,
        inputs.riwayat,
        inputs.notebook,
        b.edition,
        b.renderer,
        peringatan=inputs.warnings,
    )
    b.prepared = prepare_final(b.project.root, b.edition, b.tmp, kept, signer, b.log)
    check_final(b.prepared, b.periode, b.edition, roots, b.log)


def _final_ready(b: _Build, reasons: list[str], warnings: list[str], state: dict) -> MonthResult:
    """The result of a final edition prepared (not yet stored or published)."""
    result = _built(b, reasons, warnings)
    result.status, result.published = "final", False
    result.final = FinalReady(b.prepared, b.tmp, state)
    return result
