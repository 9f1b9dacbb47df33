"""Batch builds: validate → execute the notebook → render → publish, per month.

Each month is built in a temporary folder inside ``output/`` and swapped in with
one atomic directory exchange only when every step succeeded, so a failed or
killed build never touches what is already published. A month is rebuilt only
when something it depends on changed (its fingerprint); months build in a
process pool and report back to the parent, which alone writes to the terminal.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from crmlib import __version__
from crmlib.data.params import list_months, load_params, resolve_data_path
from crmlib.data.periode import previous_periode
from crmlib.errors import BuildError, CrmReportError, ParamsError, StorageError
from crmlib.project import Project
from crmlib.publish.edisi import Edition, write_nav_pages
from crmlib.publish.lock import DEFAULT_WAIT, hold_output_lock
from crmlib.report.frontmatter import DRAFT_FRONT_MATTER

STATE_FILE = "build-info.json"
# A stopped pool worker exits after at most this many seconds, its cleanup done or not.
WORKER_STOP_SECONDS = 2.0
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
# Failed months' build.log, kept outside the published months: output/_log/<YYYY-MM>-gagal.log.
LOG_DIR = "_log"
# What the templates are made of: a change in any of these rebuilds every month.
TEMPLATE_GLOBS = ("_quarto.yml", "_extensions/**/*")


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


# --------------------------------------------------------------------------- fingerprints


def _hash_bytes(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(c)
    return h.hexdigest()


def _hash_path(path: Path) -> str:
    """Content hash of a file or of every file in a folder (names included)."""
    if path.is_file():
        return _hash_bytes(path.read_bytes())
    if path.is_dir():
        parts = []
        for p in sorted(path.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                parts.append(str(p.relative_to(path)).encode() + b"\0" + p.read_bytes())
        return _hash_bytes(*parts)
    return "missing"


def _hash_data(path: Path) -> str:
    """Hash of exactly the files the reader would read from a month's data path.

    The path is located (and so validated) first: a wrong ``data:`` such as a big
    folder is never read, and the build then reports it through the reader.
    """
    from crmlib.data.sources import locate_sources

    try:
        files = sorted({src.path for src in locate_sources(path).values()})
        return _hash_bytes(*(f.name.encode() + b"\0" + f.read_bytes() for f in files))
    except CrmReportError:
        return "tidak-valid"
    except OSError:
        return "tidak-terbaca"


def _file_hashes(month_dir: Path) -> dict[str, str]:
    """SHA-256 of every file of a month folder but the state file, by relative path."""
    return {
        p.relative_to(month_dir).as_posix(): _hash_bytes(p.read_bytes())
        for p in sorted(month_dir.rglob("*"))
        if p.is_file() and p.name != STATE_FILE
    }


def _code_hash() -> str:
    """crmlib's own code and reference data: a change rebuilds every month."""
    pkg = Path(__file__).resolve().parents[1]  # the crmlib package
    files = sorted(
        p
        for p in pkg.rglob("*")
        if p.is_file() and p.suffix in {".py", ".csv", ".yaml", ".mplstyle", ".typ", ".css"}
    )
    return _hash_bytes(
        __version__.encode(), *(str(p.relative_to(pkg)).encode() + p.read_bytes() for p in files)
    )


def _templates_hash(root: Path) -> str:
    files = sorted({p for g in TEMPLATE_GLOBS for p in root.glob(g) if p.is_file()})
    return _hash_bytes(*(str(p.relative_to(root)).encode() + p.read_bytes() for p in files))


def month_fingerprint(
    project: Project, periode: str, params: dict, renderer: str, shared: dict | None = None
) -> dict:
    """Everything a month's output depends on, as hashes.

    The previous month's data and params are included because the report
    compares the month with the one before.
    """
    shared = shared or shared_fingerprint(project)
    prev = previous_periode(periode)
    prev_file = project.params_dir / f"{prev}.yaml"
    prev_part = "none"
    if prev_file.exists():
        try:
            prev_params = load_params(project.params_dir, prev)
            prev_part = _hash_bytes(
                prev_file.read_bytes(),
                _hash_data(resolve_data_path(prev_params, project.root)).encode(),
            )
        except CrmReportError:
            prev_part = "invalid"
    return {
        "periode": periode,
        "data": _hash_data(resolve_data_path(params, project.root)),
        "params": _hash_json(params),
        # Per key, so a rebuild can say which parameters changed.
        "params_kunci": {k: _hash_json(v) for k, v in sorted(params.items())},
        "bulan_sebelumnya": prev_part,
        "renderer": renderer,
        **shared,
    }


def _hash_json(value) -> str:
    return _hash_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode())


def shared_fingerprint(project: Project) -> dict:
    """The parts of the fingerprint every month shares (computed once per run)."""
    return {
        "notebook": _hash_path(project.notebook),
        "templates": _templates_hash(project.root),
        "crmlib": _code_hash(),
    }


def is_up_to_date(project: Project, periode: str, fingerprint: dict) -> bool:
    """True when the published month was built from exactly this fingerprint.

    Every published file must still be the one the build wrote (its SHA-256 is in
    the state file): a truncated PDF or an emptied workbook makes the month stale.
    """
    month_dir = project.output_dir / periode
    try:
        state = json.loads((month_dir / STATE_FILE).read_text(encoding="utf-8"))
        files = state.get("berkas") or {}
        needed = ("laporan.html", "laporan.pdf", "laporan.ipynb", "metrics.json", "tabel.xlsx")
        return (
            state.get("fingerprint") == fingerprint
            and all(n in files for n in needed)
            and all(_hash_bytes((month_dir / n).read_bytes()) == h for n, h in files.items())
        )
    except (OSError, ValueError, AttributeError):
        return False


# Why a month is rebuilt: fingerprint part -> the analyst's words.
_REASONS = {
    "data": "data berubah",
    "notebook": "notebook berubah",
    "templates": "templat berubah",
    "crmlib": "crmlib berubah",
    "bulan_sebelumnya": "bulan sebelumnya berubah",
    "renderer": "renderer berubah",
}


def rebuild_reasons(
    project: Project, periode: str, fingerprint: dict, force: bool = False
) -> list[str]:
    """Why the month is (re)built, in Indonesian; empty when it is up to date.

    Compares the fingerprint with the one the published month was built from
    (``build-info.json``), part by part; parameters are named by key.
    """
    reasons = ["dipaksa (--force)"] if force else []
    try:
        state = json.loads((project.output_dir / periode / STATE_FILE).read_text(encoding="utf-8"))
        old = state["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return [*reasons, "belum pernah dibangun"]
    if old.get("params") != fingerprint.get("params"):
        before, now = old.get("params_kunci"), fingerprint.get("params_kunci") or {}
        keys = sorted(k for k in {*(before or {}), *now} if (before or {}).get(k) != now.get(k))
        reasons.append("params berubah" + (f": {', '.join(keys)}" if before and keys else ""))
    reasons += [label for key, label in _REASONS.items() if old.get(key) != fingerprint.get(key)]
    if not reasons and not is_up_to_date(project, periode, fingerprint):
        reasons.append("berkas terbit hilang/berubah")
    return reasons


# --------------------------------------------------------------------------- publishing

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False when unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


def publish(tmp_dir: Path, final_dir: Path) -> None:
    """Replace ``final_dir`` by ``tmp_dir`` so that readers see the old or the new month, never a mix.

    Never unpublishes: when ``tmp_dir`` is missing, the live month is left as it is.

    Raises
    ------
    BuildError
        When ``tmp_dir`` is not a folder (it was removed under the build).
    """
    if not tmp_dir.is_dir():
        raise BuildError(
            f"Folder sementara {tmp_dir} hilang sebelum diterbitkan; "
            f"{final_dir.name} yang sudah terbit tidak diubah."
        )
    if not final_dir.exists():
        os.rename(tmp_dir, final_dir)
        return
    if _exchange(tmp_dir, final_dir):
        shutil.rmtree(tmp_dir, ignore_errors=True)  # now holds the old month
        return
    # Fallback: two renames; recover_output() restores the old month if we die in between.
    old = final_dir.parent / f"{OLD_PREFIX}{final_dir.name}-{_unique()}"
    os.rename(final_dir, old)
    try:
        os.rename(tmp_dir, final_dir)
    except BaseException:
        os.rename(old, final_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _unique() -> str:
    """A name part no other process or call uses: pid and a random suffix."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def recover_output(output_dir: Path) -> list[str]:
    """Clean up after a killed build: drop half-built temp folders, restore a month caught mid-swap.

    Only call it while holding ``output/``'s lock (:func:`writing_output`): the
    temp folders it deletes would otherwise be a running build's.
    """
    notes = []
    if not output_dir.is_dir():
        return notes
    for p in sorted(output_dir.iterdir()):
        if p.name.startswith(OLD_PREFIX) and p.is_dir():
            name = p.name[len(OLD_PREFIX) :].split("-")
            final = output_dir / "-".join(name[:2])  # .old-YYYY-MM[-pid-suffix]
            if not final.exists():
                os.rename(p, final)
                notes.append(f"{final.name}: hasil lama dipulihkan setelah build terhenti")
            else:
                shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(TMP_PREFIX) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".") and p.name.endswith(".tmp") and p.is_file():
            p.unlink(missing_ok=True)  # e.g. a killed archive write's .index.html.*.tmp
    return notes


@contextmanager
def writing_output(
    project: Project, command: str, wait: float = DEFAULT_WAIT, notify=None
) -> Iterator[None]:
    """Hold ``output/``'s lock, after cleaning up what a killed run left there.

    Every command that writes ``output/`` runs inside this block, so a cleanup
    never deletes a running build's temp folders and two builds never interleave.
    """
    with hold_output_lock(project.output_dir, command, wait, notify):
        for note in recover_output(project.output_dir):
            if notify:
                notify(note)
        yield


# --------------------------------------------------------------------------- steps


def git_commit(root: Path) -> str | None:
    """The project's git commit, when it is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
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
) -> MonthResult:
    """Build one month end to end in a temporary folder and publish it atomically.

    Runs in a worker process: it never prints; everything goes to the month's
    ``build.log`` and the returned :class:`MonthResult`. Without ``edition`` the
    month is a draft (DRAF mark); with it, a final edition (PDF/A, attachments,
    signed with ``signer`` when given) that is stored in ``terbitan/`` and
    published from there. ``draw_ahead`` draws the charts in a thread of this
    process while the kernel executes the notebook (for a build of one month at a
    time, where the second core is otherwise idle).
    """
    from crmlib.render import renderer as render
    from crmlib.render.execute import prestart_warm_kernel
    from crmlib.report.frontmatter import inject_front_matter

    project = Project(Path(root))
    start = time.perf_counter()
    steps: dict[str, float] = {}
    tmp = project.output_dir / f"{TMP_PREFIX}{periode}-{_unique()}"
    log = logging.getLogger(f"crmlib.publish.build.{periode}.{os.getpid()}")
    log.handlers.clear()
    log.propagate = False
    log.setLevel(logging.INFO)
    used_renderer = ""

    def step(name: str, t0: float) -> None:
        steps[name] = round(time.perf_counter() - t0, 3)
        log.info("%-10s %.2f s", name, steps[name])

    try:
        tmp.mkdir(parents=True)
        handler = logging.FileHandler(tmp / "build.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        log.addHandler(handler)
        log.info("crm-report %s: membangun %s", __version__, periode)

        t0 = time.perf_counter()
        if warm:
            prestart_warm_kernel()
        params = load_params(project.params_dir, periode)
        used_renderer = render.pick_renderer(renderer)
        fingerprint = month_fingerprint(project, periode, params, used_renderer)
        reasons = (
            [f"edisi final {edition.edisi}"]
            if edition
            else rebuild_reasons(project, periode, fingerprint, force)
        )
        log.info("dibangun karena: %s", "; ".join(reasons))
        data_path = resolve_data_path(params, project.root)
        month, ref = _read_month_logged(params, data_path, periode, log)
        step("validasi", t0)

        t0 = time.perf_counter()
        extra = {
            "waktu_build": built_at or dt.datetime.now().replace(microsecond=0).isoformat(),
            "renderer": used_renderer,
            "git_commit": git_commit(project.root),
            **(edition.provenance() if edition else {}),
        }
        provenance, metrics = _write_metrics(project, periode, params, month, ref, tmp, extra)
        warnings = provenance[WARNINGS_KEY]
        for w in warnings:
            log.warning("PERINGATAN: %s", w)
        step("metrik", t0)

        t0 = time.perf_counter()
        parameters = _notebook_parameters(project, periode, params, data_path, provenance)
        ahead = _DrawAhead(month, ref, metrics, parameters, tmp) if draw_ahead else None
        try:
            _run_notebook(project, params, parameters, tmp, warm)
        finally:
            if ahead is not None:
                ahead.stop.set()
        step("notebook", t0)

        t0 = time.perf_counter()
        meta = month_front_matter(params, periode, provenance, edition)
        inject_front_matter(tmp / "laporan.ipynb", meta)
        rendered = render.render_month(
            tmp, renderer=used_renderer, kertas=params.get("kertas", "a4")
        )
        for w in rendered["warnings"]:
            log.info("render: %s", w)
        step("render", t0)
        if ahead is not None:
            log.info("grafik digambar lebih dulu: %s", ", ".join(ahead.finish()) or "tidak ada")
            if ahead.error:
                log.info(
                    "menggambar grafik lebih dulu gagal (notebook menggambarnya): %s", ahead.error
                )

        log.info("selesai dalam %.2f s", time.perf_counter() - start)
        _close_log(log)
        state = {
            "fingerprint": fingerprint,
            "renderer": used_renderer,
            "crmlib": __version__,
            "langkah_detik": steps,
            WARNINGS_KEY: warnings,
            "alasan_build": reasons,
        }
        if edition is not None:
            tmp = _store_final(project, tmp, edition, signer, state)
        else:
            state["status"] = "draf"
            _write_state(tmp, state)
        publish(tmp, project.output_dir / periode)
        _drop_failed_log(project, periode)
        return MonthResult(
            periode,
            "final" if edition else "dibangun",
            time.perf_counter() - start,
            reason="; ".join(reasons),
            steps=steps,
            renderer=used_renderer,
            warnings=warnings,
            published=True,
        )
    except KeyboardInterrupt:
        # Stopped (Ctrl-C, SIGTERM): leave nothing behind and stop the whole batch.
        _close_log(log)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:
        reason, code = _failure(exc, log)
    result = MonthResult(
        periode,
        "gagal",
        time.perf_counter() - start,
        reason=reason,
        steps=steps,
        renderer=used_renderer,
        exit_code=code,
    )
    _close_log(log)
    result.log = _keep_failed_log(project, periode, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def _close_log(log: logging.Logger) -> None:
    for h in log.handlers:
        h.close()
    log.handlers.clear()


def _notebook_parameters(
    project: Project, periode: str, params: dict, data_path: Path, provenance: dict
) -> dict:
    """The parameters injected into the notebook for the month built in ``output/<periode>``."""
    from crmlib.report.laporan import previous_month_headline

    # From where the kernel really runs: output/ may be a symlink to another disk.
    data_rel = os.path.relpath(data_path.resolve(), project.output_dir.resolve() / periode)
    return notebook_parameters(
        params, data_rel, provenance, previous_month_headline(project, periode)
    )


def _run_notebook(project: Project, params: dict, parameters: dict, tmp: Path, warm: bool) -> None:
    """Execute the report notebook into ``tmp/laporan.ipynb`` with the month's parameters."""
    from crmlib.render.execute import execute_notebook

    execute_notebook(
        project.notebook,
        tmp / "laporan.ipynb",
        parameters,
        cwd=tmp,
        timeout=int(params.get("sel_timeout_detik") or 300),
        warm=warm,
    )


class _DrawAhead:
    """The month's charts drawn in a thread of the build while the kernel runs the notebook.

    See :func:`crmlib.report.laporan.gambar_lebih_dulu`. A failure here only means the
    notebook draws the charts itself; it never fails the build.
    """

    def __init__(self, month, ref, metrics, parameters: dict, tmp: Path) -> None:
        from crmlib.report.laporan import laporan_dari

        # No narrative: charts are drawn from the figures and the history only.
        self.lap = laporan_dari(month, ref, metrics, output_dir=tmp, riwayat=parameters["riwayat"])
        self.stop = threading.Event()
        self.drawn: list[str] = []
        self.error = ""
        self.thread = threading.Thread(target=self._run, name="grafik-lebih-dulu", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from crmlib.report.laporan import gambar_lebih_dulu

        try:
            self.drawn = gambar_lebih_dulu(self.lap, self.stop)
        except Exception as exc:  # the notebook draws what is missing; the log says why
            self.error = f"{type(exc).__name__}: {exc}"

    def finish(self) -> list[str]:
        """Wait for the chart in hand, remove the drawn-ahead folder; the charts drawn here."""
        from crmlib.report.laporan import GRAFIK_SIAP_DIR

        self.stop.set()
        self.thread.join()
        shutil.rmtree(self.lap.output_dir / GRAFIK_SIAP_DIR, ignore_errors=True)
        return self.drawn


def _read_month_logged(params: dict, data_path: Path, periode: str, log: logging.Logger):
    """Read and validate the month's export; counts and notices go to the month's log."""
    from crmlib.data.reader import read_month
    from crmlib.data.refdata import load_reference

    ref = load_reference(params.get("kota", "jakarta-timur"))
    month = read_month(
        data_path, periode, reference=ref, izinkan_kosong=bool(params.get("izinkan_kosong"))
    )
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
    return month, ref


def _write_metrics(
    project: Project, periode: str, params: dict, month, ref, tmp: Path, extra: dict
) -> dict:
    """Compute the month, write ``metrics.json`` and ``tabel.xlsx`` into ``tmp``; provenance, metrics.

    ``extra`` is added to the provenance (build time, renderer, commit, edition);
    the plausibility warnings go under :data:`WARNINGS_KEY`.
    """
    from crmlib.report.laporan import compute_month
    from crmlib.report.outputs import month_provenance, write_metrics_json, write_tables_xlsx

    per_tanggal = params.get("per_tanggal")
    metrics = compute_month(month, ref, metrik=params.get("metrik"), per_tanggal=per_tanggal)
    provenance = month_provenance(month, metrics, per_tanggal or None)
    edition_keys = {
        k: extra.pop(k) for k in ("edisi", "menggantikan", "alasan_revisi") if k in extra
    }
    provenance.update(extra)
    provenance[WARNINGS_KEY] = volume_warnings(project, periode, int(metrics.total_laporan))
    provenance.update(edition_keys)
    write_metrics_json(metrics, tmp / "metrics.json", provenance)
    write_tables_xlsx(metrics, tmp / "tabel.xlsx")
    return provenance, metrics


def month_front_matter(
    params: dict, periode: str, provenance: dict, edition: Edition | None
) -> dict:
    """The month's front matter: cover, links, and the draft or final edition's marks.

    Links to other months go through ``sebelumnya.html``/``berikutnya.html``
    beside the report (written at archive time, :func:`crmlib.publish.edisi.write_nav_pages`),
    never to a month directly: the report's bytes never go stale.
    """
    from crmlib.report.frontmatter import build_front_matter

    links = {
        "pdf": "laporan.pdf",
        "ipynb": "laporan.ipynb",
        "json": "metrics.json",
        "xlsx": "tabel.xlsx",
        "index": "../index.html",
        "prev": "sebelumnya.html",
        "next": "berikutnya.html",
    }
    meta = build_front_matter(params, periode, links, provenance)
    # The notebook has its own "Tentang Laporan Ini" section; keep only the PDF footer line.
    meta["tentang"] = []
    meta.update(edition.front_matter() if edition else DRAFT_FRONT_MATTER)
    return meta


def _write_state(folder: Path, state: dict) -> None:
    """``build-info.json``: the fingerprint, the files' hashes, draft or final."""
    state = {**state, "berkas": _file_hashes(folder)}
    (folder / STATE_FILE).write_text(
        json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _store_final(project: Project, tmp: Path, edition: Edition, signer, state: dict) -> Path:
    """Sign (optionally) and store a final edition rendered in ``tmp``; the folder to publish.

    The published folder is staged from the store, so what goes out is exactly
    what the manifest lists.
    """
    from crmlib.publish import edisi

    signature = None
    if signer is not None:
        from crmlib.publish.tandatangan import check_signature, sign_pdf

        signature = sign_pdf(tmp / "laporan.pdf", signer)
        signature.update(check_signature(tmp / "laporan.pdf") or {})
    edisi.store_edition(project.root, edition, tmp, signature)
    staged = project.output_dir / f"{TMP_PREFIX}{edition.periode}-{_unique()}"
    staged.mkdir()
    try:
        edisi.stage_final(project.root, edition.periode, staged)
        shutil.move(tmp / "build.log", staged / "build.log")
        _write_state(staged, {**state, "status": "final", "edisi": edition.edisi})
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    return staged


def _failure(exc: Exception, log: logging.Logger) -> tuple[str, int]:
    """The analyst's message and exit code for a month that failed; logged with the traceback for bugs."""
    if isinstance(exc, OSError):
        exc = StorageError.from_oserror(exc) or exc
    if isinstance(exc, CrmReportError):
        log.error("GAGAL: %s", exc)
        return str(exc), exc.exit_code
    # A bug: keep the traceback in the log, give the analyst one line.
    log.error("kesalahan internal:\n%s", traceback.format_exc())
    return f"kesalahan internal: {type(exc).__name__}: {exc}", 70


def _drop_failed_log(project: Project, periode: str) -> None:
    """The month is published: its last failure's log (and an empty ``_log/``) goes."""
    log_dir = project.output_dir / LOG_DIR
    (log_dir / f"{periode}-gagal.log").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        log_dir.rmdir()  # only when empty


def _keep_failed_log(project: Project, periode: str, tmp: Path) -> str:
    """Move a failed month's build.log to ``output/_log/<periode>-gagal.log``; its path, or ""."""
    source = tmp / "build.log"
    if not source.is_file():
        return ""
    target = project.output_dir / LOG_DIR / f"{periode}-gagal.log"
    try:
        target.parent.mkdir(exist_ok=True)
        os.replace(source, target)
    except OSError:
        return ""
    return os.path.relpath(target, project.root)


# --------------------------------------------------------------------------- plausibility

# Where a month's plausibility warnings are recorded: metrics.json's provenance and
# build-info.json (read by `crm-report status`).
WARNINGS_KEY = "peringatan_kewajaran"


def published_totals(project: Project, before: str) -> dict[str, int]:
    """``total_laporan`` of every published month before ``before`` (from its metrics.json)."""
    from crmlib.data.periode import PERIODE_RE

    totals: dict[str, int] = {}
    if not project.output_dir.is_dir():
        return totals
    for month_dir in project.output_dir.iterdir():
        if not PERIODE_RE.match(month_dir.name) or month_dir.name >= before:
            continue
        try:
            data = json.loads((month_dir / "metrics.json").read_text(encoding="utf-8"))
            totals[month_dir.name] = int(data["total_laporan"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return totals


def volume_warnings(project: Project, periode: str, total: int) -> list[str]:
    """The month's report count against the median of up to 12 earlier published months."""
    from crmlib.data.plausibility import volume_warning

    warning = volume_warning(periode, total, published_totals(project, periode))
    return [warning] if warning else []


# --------------------------------------------------------------------------- orchestration


def plan(project: Project, months: list[str], all_months: bool) -> list[str]:
    """The months to consider, oldest first, validated as YYYY-MM with a params file."""
    from crmlib.data.periode import PERIODE_RE

    available = list_months(project.params_dir)
    if all_months:
        if not available:
            raise ParamsError(f"Tidak ada berkas params/YYYY-MM.yaml di {project.params_dir}.")
        return available
    if not months:
        raise ParamsError("Sebutkan bulan yang dibangun (mis. 2022-06) atau gunakan --all.")
    for m in months:
        if not PERIODE_RE.match(m):
            raise ParamsError(
                f"'{m}' bukan bulan yang valid: gunakan format YYYY-MM, misalnya 2022-06."
            )
    return sorted(dict.fromkeys(months))


def check_up_to_date(
    project: Project, months: list[str], renderer: str, force: bool
) -> tuple[list[str], list[MonthResult]]:
    """Split months into those to build and those already up to date (no execution, no rendering)."""
    from crmlib.render import renderer as render

    if force:
        return months, []
    try:
        chosen = render.pick_renderer(renderer)
    except CrmReportError:
        return months, []  # let the build report the missing renderer per month
    shared = shared_fingerprint(project)
    todo, fresh = [], []
    for periode in months:
        try:
            params = load_params(project.params_dir, periode)
            fp = month_fingerprint(project, periode, params, chosen, shared)
        except CrmReportError:
            todo.append(periode)
            continue
        if is_up_to_date(project, periode, fp):
            fresh.append(MonthResult(periode, "terkini", 0.0, renderer=chosen))
        else:
            todo.append(periode)
    return todo, fresh


def build(
    project: Project,
    months: list[str],
    *,
    jobs: int | None = None,
    force: bool = False,
    renderer: str = "auto",
    on_event=None,
    wait: float = DEFAULT_WAIT,
    command: str = "build",
) -> list[MonthResult]:
    """Build months in a process pool; returns one result per month, oldest first.

    ``on_event(kind, result_or_periode)`` is called in this process only, so the
    caller decides how to show progress (a bar on a terminal, plain lines in CI).
    The whole run holds ``output/``'s lock (waiting up to ``wait`` seconds for it).
    Ctrl-C or SIGTERM stops the whole batch: nothing more is published, temp
    folders, workers and kernels are cleaned up, and ``KeyboardInterrupt`` is raised.
    """
    from crmlib.render import renderer as render

    def emit(kind: str, payload) -> None:
        if on_event:
            on_event(kind, payload)

    if renderer != "auto":
        render.pick_renderer(renderer)  # fail once, early, with the install hint
    results: list[MonthResult] = []
    with _stop_on_sigterm(), writing_output(project, command, wait, lambda n: emit("catatan", n)):
        # Final editions are never rebuilt, not even with --force: republished from the store.
        for r in republish_finals(project, months):
            results.append(r)
            emit("selesai", r)
        months = [m for m in months if m not in {r.periode for r in results}]
        todo, fresh = check_up_to_date(project, months, renderer, force)
        for r in fresh:
            _drop_failed_log(project, r.periode)  # what is published is what was asked for
            results.append(r)
            emit("selesai", r)
        built_at = dt.datetime.now().replace(microsecond=0).isoformat()
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
        args = (str(project.root), renderer, force, built_at)
        try:
            if jobs == 1 or len(todo) == 1:
                _build_serial(todo, args, emit, results)
            elif todo:
                _build_parallel(project, todo, jobs, args, emit, results)
        except KeyboardInterrupt:
            # The index must list exactly the months that are published, also when stopped.
            if any(r.published for r in results):
                refresh_archive(project)
            raise
        # The archive only changes when a month was published (keeps a no-op rebuild instant).
        if any(r.published for r in results) or not (project.output_dir / "index.html").exists():
            refresh_archive(project)
        else:
            write_nav_pages(project.output_dir)  # a month removed by hand: neighbours change
    return sorted(results, key=lambda r: r.periode)


def republish_finals(project: Project, months: list[str]) -> list[MonthResult]:
    """Results for the months that have a final edition; their published copy restored if needed.

    Nothing is rendered: ``output/<periode>/`` is rewritten from ``terbitan/``
    only when it no longer matches the store byte for byte (a fresh clone, an
    edited or deleted file).
    """
    from crmlib.publish import edisi

    results = []
    for periode in months:
        n = edisi.current_edition(project.root, periode)
        if n is None:
            continue
        published = not edisi.published_matches_store(project.root, project.output_dir, periode)
        if published:
            tmp = project.output_dir / f"{TMP_PREFIX}{periode}-{_unique()}"
            tmp.mkdir(parents=True)
            try:
                edisi.stage_final(project.root, periode, tmp)
                _write_state(tmp, {"status": "final", "edisi": n})
                publish(tmp, project.output_dir / periode)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        note = "diterbitkan ulang dari terbitan/" if published else "terbit sesuai terbitan/"
        reason = (
            f"final edisi {n}, tidak dibangun ulang ({note}); untuk mengubahnya: "
            f'crm-report revise {periode} --alasan "..."'
        )
        results.append(MonthResult(periode, "final", reason=reason, published=published))
    return results


def finalize(
    project: Project,
    periode: str,
    *,
    renderer: str = "auto",
    oleh: str | None = None,
    alasan: str | None = None,
    signer=None,
    wait: float = DEFAULT_WAIT,
    notify=None,
) -> MonthResult:
    """Make the month's next final edition from the current inputs (finalize or revise).

    ``alasan`` None: edition 1 of a draft month (``finalize``); given: the next
    edition of a final month (``revise``). The month is rendered again from its
    inputs without the DRAF mark, as PDF/A with its figures attached, signed with
    ``signer`` when given, stored in ``terbitan/`` and published from there.

    Raises
    ------
    ParamsError
        Finalizing a final month, revising a draft, an empty reason.
    BuildError
        The month failed to build (the reason names the step).
    """
    from crmlib.publish import edisi
    from crmlib.render import renderer as render

    if renderer != "auto":
        render.pick_renderer(renderer)
    verb = "revise" if alasan is not None else "finalize"
    with _stop_on_sigterm(), writing_output(project, f"{verb} {periode}", wait, notify):
        edition = edisi.new_edition(project.root, periode, oleh, alasan)
        r = build_month(
            str(project.root), periode, renderer, True, warm=False, edition=edition, signer=signer
        )
        if r.status == "gagal":
            err = BuildError(f"{periode} gagal difinalkan; tidak ada yang diubah.\n{r.reason}")
            err.exit_code = r.exit_code or 1
            raise err
        refresh_archive(project)
    return r


def _build_serial(todo: list[str], args: tuple, emit, results: list[MonthResult]) -> None:
    """Build months one after the other in this process, on one warm kernel."""
    from crmlib.render.execute import kill_warm_kernel, prestart_warm_kernel

    if not todo:
        return
    root, renderer, force, built_at = args
    # Boot the kernel now, while this process still imports the build steps.
    prestart_warm_kernel(papermill=True)
    try:
        for periode in todo:
            emit("mulai", periode)
            r = build_month(root, periode, renderer, force, built_at, draw_ahead=True)
            results.append(r)
            emit("selesai", r)
    except BaseException:
        kill_warm_kernel()
        raise


def _build_parallel(
    project: Project, todo: list[str], jobs: int, args: tuple, emit, results: list[MonthResult]
) -> None:
    """Build months in a pool of worker processes, each with its own warm kernel."""
    root, renderer, force, built_at = args
    # forkserver: workers start from a clean process, not a fork of this one, so they
    # inherit no kernel sockets or event loops; the server preloads crmlib once.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(
        ["crmlib.publish.build", "crmlib.render.execute", "crmlib.render.renderer"]
    )
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
    )
    try:
        futures = {
            pool.submit(_build_month_in_worker, root, p, renderer, force, built_at): p for p in todo
        }
        for fut in as_completed(futures):
            try:
                r = fut.result()
            except Exception as exc:  # a worker died (killed, out of memory)
                r = MonthResult(futures[fut], "gagal", reason=f"proses pekerja berhenti: {exc}")
            results.append(r)
            emit("selesai", r)
    except BaseException:
        _stop_pool(pool)
        # Workers are gone and the lock is still ours: their temp folders can go.
        recover_output(project.output_dir)
        raise
    pool.shutdown(wait=True)


def _stop_pool(pool: ProcessPoolExecutor, grace: float = WORKER_STOP_SECONDS + 1) -> None:
    """Stop a pool now: drop queued months, SIGTERM the workers, SIGKILL those that linger."""
    # A second Ctrl-C must not cut the cleanup short.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for w in workers:
            if w.is_alive():
                w.terminate()  # the worker discards its temp folder and kernel, then exits
        deadline = time.monotonic() + grace
        for w in workers:
            w.join(max(0.0, deadline - time.monotonic()))
            if w.is_alive():
                w.kill()
                w.join(5)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while a build runs (main thread only).

    SIGINT gets Python's own Ctrl-C handler too: a process started in the background
    by a shell without job control inherits SIGINT *ignored*, and then its pool
    workers (which install their own handlers) would stop while the build went on.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


# --------------------------------------------------------------------------- pool workers

_worker = {"busy": False, "stopping": False}


def _init_worker(build_pid: int) -> None:
    """Pool worker start-up: stop on SIGINT/SIGTERM and when the parent dies; clean up the kernel."""
    from multiprocessing import util

    from crmlib.render.execute import shutdown_warm_kernel

    # atexit does not run in pool workers; multiprocessing's own finalizers do.
    util.Finalize(None, shutdown_warm_kernel, exitpriority=10)
    signal.signal(signal.SIGINT, _worker_stop)
    signal.signal(signal.SIGTERM, _worker_stop)
    _die_with_parent(build_pid)


def _worker_stop(signum, frame) -> None:
    """Signal handler of a worker: abandon the month being built, or exit when idle."""
    from crmlib.render.execute import kill_warm_kernel

    if _worker["stopping"]:
        return  # already stopping (Ctrl-C reaches the worker and the parent's SIGTERM follows)
    _worker["stopping"] = True
    # However the month's code reacts to the interruption, the worker is gone within seconds.
    threading.Thread(target=_exit_soon, args=(128 + signum,), daemon=True).start()
    if _worker["busy"]:
        raise KeyboardInterrupt  # build_month removes its temp folder
    kill_warm_kernel()
    os._exit(128 + signum)


def _exit_soon(code: int, after: float = WORKER_STOP_SECONDS) -> None:
    from crmlib.render.execute import kill_warm_kernel

    time.sleep(after)
    kill_warm_kernel()
    os._exit(code)


def _build_month_in_worker(*args) -> MonthResult:
    """:func:`build_month` in a pool worker; a stop ends the worker, not just the month."""
    from crmlib.render.execute import kill_warm_kernel

    _worker["busy"] = True
    try:
        return build_month(*args)
    except KeyboardInterrupt:
        kill_warm_kernel()
        os._exit(130)
    finally:
        _worker["busy"] = False


def _process_start(pid: int) -> str | None:
    """When process ``pid`` started (Linux ``/proc``), or ``None`` when it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc: only ask whether the pid exists
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except OSError:
            pass  # exists, but not ours to signal
        return "?"
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def _die_with_parent(build_pid: int) -> None:
    """Stop this worker when the build process dies (even by ``kill -9``).

    The worker's parent is the forkserver, which lives as long as its workers do,
    so neither the parent-death signal nor ``getppid()`` notice the build dying:
    a watchdog thread polls the build process itself (by pid and start time).
    """
    started = _process_start(build_pid)

    def watch() -> None:
        while started is not None and _process_start(build_pid) == started:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="build-watchdog", daemon=True).start()


def refresh_archive(project: Project) -> Path:
    """Rebuild ``output/index.html`` from the published months."""
    from crmlib.data.refdata import load_reference
    from crmlib.publish.archive import build_archive_index

    kota = "jakarta-timur"
    try:
        kota = load_params_default(project).get("kota", kota)
    except CrmReportError:
        pass
    label = load_reference(kota).kota.get("nama_resmi", "")
    index = build_archive_index(project.output_dir, label)
    write_nav_pages(project.output_dir)
    return index


def load_params_default(project: Project) -> dict:
    """Only ``params/_default.yaml`` (for commands that are not about one month)."""
    from crmlib.data.params import DEFAULT_FILE, read_yaml

    return read_yaml(project.params_dir / DEFAULT_FILE)


__all__ = [
    "MonthResult",
    "Project",
    "build",
    "build_month",
    "month_fingerprint",
    "publish",
    "recover_output",
    "writing_output",
]
