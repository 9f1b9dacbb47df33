"""Batch builds: validate → execute the notebook → render → publish, per month.

Each month is built in a temporary folder inside ``output/`` and swapped in with
one atomic directory exchange only when every step succeeded, so a failed or
killed build never touches what is already published. A month is rebuilt only
when something it depends on changed (its fingerprint); months build in a
process pool and report back to the parent, which alone writes to the terminal.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from crmlib import __version__
from crmlib.errors import CrmReportError, ParamsError
from crmlib.params import list_months, load_params, resolve_data_path
from crmlib.periode import next_periode, previous_periode

NOTEBOOK = Path("notebooks") / "laporan_bulanan.ipynb"
STATE_FILE = "build-info.json"
TMP_PREFIX = ".tmp-"
OLD_PREFIX = ".old-"
# What the templates are made of: a change in any of these rebuilds every month.
TEMPLATE_GLOBS = ("_quarto.yml", "_extensions/**/*")


@dataclass
class Project:
    """Paths of a crm-report project (the folder holding ``params/`` and ``notebooks/``)."""

    root: Path

    @property
    def params_dir(self) -> Path:
        """``params/``."""
        return self.root / "params"

    @property
    def output_dir(self) -> Path:
        """``output/``."""
        return self.root / "output"

    @property
    def notebook(self) -> Path:
        """The report template notebook."""
        return self.root / NOTEBOOK

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project around ``start`` (default: the working directory)."""
        here = Path(start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "params").is_dir() and (candidate / NOTEBOOK).exists():
                return cls(candidate)
        fallback = Path(__file__).resolve().parents[1]
        if (fallback / NOTEBOOK).exists():
            return cls(fallback)
        raise ParamsError(
            f"Folder proyek crm-report tidak ditemukan dari {here}: jalankan perintah di folder "
            "yang berisi params/ dan notebooks/laporan_bulanan.ipynb."
        )


@dataclass
class MonthResult:
    """Outcome of one month."""

    periode: str
    status: str  # "dibangun", "terkini", "gagal"
    seconds: float = 0.0
    reason: str = ""
    steps: dict = field(default_factory=dict)
    renderer: str = ""


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


def _code_hash() -> str:
    """crmlib's own code and reference data: a change rebuilds every month."""
    pkg = Path(__file__).parent
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
                _hash_path(resolve_data_path(prev_params, project.root)).encode(),
            )
        except CrmReportError:
            prev_part = "invalid"
    return {
        "periode": periode,
        "data": _hash_path(resolve_data_path(params, project.root)),
        "params": _hash_bytes(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()),
        "bulan_sebelumnya": prev_part,
        "renderer": renderer,
        **shared,
    }


def shared_fingerprint(project: Project) -> dict:
    """The parts of the fingerprint every month shares (computed once per run)."""
    return {
        "notebook": _hash_path(project.notebook),
        "templates": _templates_hash(project.root),
        "crmlib": _code_hash(),
    }


def is_up_to_date(project: Project, periode: str, fingerprint: dict) -> bool:
    """True when the published month was built from exactly this fingerprint."""
    month_dir = project.output_dir / periode
    try:
        state = json.loads((month_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    needed = ("laporan.html", "laporan.pdf", "laporan.ipynb", "metrics.json")
    return state.get("fingerprint") == fingerprint and all((month_dir / n).exists() for n in needed)


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
    """Replace ``final_dir`` by ``tmp_dir`` so that readers see the old or the new month, never a mix."""
    if not final_dir.exists():
        os.rename(tmp_dir, final_dir)
        return
    if _exchange(tmp_dir, final_dir):
        shutil.rmtree(tmp_dir, ignore_errors=True)  # now holds the old month
        return
    # Fallback: two renames; recover_output() restores the old month if we die in between.
    old = final_dir.parent / f"{OLD_PREFIX}{final_dir.name}"
    shutil.rmtree(old, ignore_errors=True)
    os.rename(final_dir, old)
    os.rename(tmp_dir, final_dir)
    shutil.rmtree(old, ignore_errors=True)


def recover_output(output_dir: Path) -> list[str]:
    """Clean up after a killed build: drop half-built temp folders, restore a month caught mid-swap."""
    notes = []
    if not output_dir.is_dir():
        return notes
    for p in output_dir.iterdir():
        if p.name.startswith(OLD_PREFIX) and p.is_dir():
            final = output_dir / p.name[len(OLD_PREFIX) :]
            if not final.exists():
                os.rename(p, final)
                notes.append(f"{final.name}: hasil lama dipulihkan setelah build terhenti")
            else:
                shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(TMP_PREFIX) and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
    return notes


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
        "output_dir": ".",
        "arsip_dir": "..",
        "riwayat": riwayat,
        "provenance": provenance,
    }


def previous_month_headline(project: Project, periode: str) -> list[dict]:
    """Headline figures of the month before, computed from its own data (build-order independent)."""
    from crmlib.metrics import persen
    from crmlib.reader import read_month
    from crmlib.refdata import load_reference
    from crmlib.report import compute_month

    prev = previous_periode(periode)
    if not (project.params_dir / f"{prev}.yaml").exists():
        return []
    try:
        params = load_params(project.params_dir, prev)
        ref = load_reference(params.get("kota", "jakarta-timur"))
        month = read_month(resolve_data_path(params, project.root), prev, reference=ref)
    except CrmReportError:
        return []
    m = compute_month(month, ref, metrik=params.get("metrik"))
    total = int(m.total_laporan)
    tepat = int(m.respon["tepat_waktu"])
    return [
        {
            "periode": prev,
            "total_laporan": total,
            "capaian_persen": m.capaian_persen,
            "persen_tepat_waktu": persen(tepat, total),
        }
    ]


def build_month(
    root: str,
    periode: str,
    renderer: str = "auto",
    force: bool = False,
    built_at: str | None = None,
    warm: bool = True,
) -> MonthResult:
    """Build one month end to end in a temporary folder and publish it atomically.

    Runs in a worker process: it never prints; everything goes to the month's
    ``build.log`` and the returned :class:`MonthResult`.
    """
    from crmlib import render
    from crmlib.execute import execute_notebook, prestart_warm_kernel
    from crmlib.frontmatter import build_front_matter, inject_front_matter
    from crmlib.outputs import build_provenance, write_metrics_json, write_tables_xlsx
    from crmlib.reader import read_month
    from crmlib.refdata import load_reference
    from crmlib.report import compute_month

    project = Project(Path(root))
    start = time.perf_counter()
    steps: dict[str, float] = {}
    tmp = project.output_dir / f"{TMP_PREFIX}{periode}-{os.getpid()}"
    log = logging.getLogger(f"crmlib.build.{periode}.{os.getpid()}")
    log.handlers.clear()
    log.propagate = False
    log.setLevel(logging.INFO)
    used_renderer = ""

    def step(name: str, t0: float) -> None:
        steps[name] = round(time.perf_counter() - t0, 3)
        log.info("%-10s %.2f s", name, steps[name])

    try:
        shutil.rmtree(tmp, ignore_errors=True)
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
        data_path = resolve_data_path(params, project.root)
        ref = load_reference(params.get("kota", "jakarta-timur"))
        month = read_month(data_path, periode, reference=ref)
        for sheet, c in month.counts.items():
            log.info(
                "%s: dibaca %d, dipakai %d, di luar periode %d",
                sheet,
                c["read"],
                c["kept"],
                c["left_out"],
            )
        step("validasi", t0)

        t0 = time.perf_counter()
        per_tanggal = params.get("per_tanggal")
        metrics = compute_month(month, ref, metrik=params.get("metrik"), per_tanggal=per_tanggal)
        provenance = build_provenance(
            month.sources,
            month.counts,
            metrics.params,
            dropped_columns=month.dropped_columns,
            notices=month.notices,
        )
        provenance.update(
            {
                "periode": periode,
                "per_tanggal": metrics.per_tanggal.isoformat() if per_tanggal else None,
                "waktu_build": built_at or dt.datetime.now().replace(microsecond=0).isoformat(),
                "renderer": used_renderer,
                "git_commit": git_commit(project.root),
            }
        )
        write_metrics_json(metrics, tmp / "metrics.json", provenance)
        write_tables_xlsx(metrics, tmp / "tabel.xlsx")
        step("metrik", t0)

        t0 = time.perf_counter()
        data_rel = os.path.relpath(data_path, project.output_dir / periode)
        parameters = notebook_parameters(
            params, data_rel, provenance, previous_month_headline(project, periode)
        )
        execute_notebook(
            project.notebook,
            tmp / "laporan.ipynb",
            parameters,
            cwd=tmp,
            timeout=int(params.get("sel_timeout_detik") or 300),
            warm=warm,
        )
        step("notebook", t0)

        t0 = time.perf_counter()
        months = list_months(project.params_dir)
        idx = months.index(periode) if periode in months else -1
        links = {
            "pdf": "laporan.pdf",
            "ipynb": "laporan.ipynb",
            "json": "metrics.json",
            "xlsx": "tabel.xlsx",
            "index": "../index.html",
        }
        if idx > 0:
            links["prev"] = f"../{months[idx - 1]}/laporan.html"
        if 0 <= idx < len(months) - 1:
            links["next"] = f"../{months[idx + 1]}/laporan.html"
        meta = build_front_matter(params, periode, links, provenance)
        # The notebook has its own "Tentang Laporan Ini" section; keep only the PDF footer line.
        meta["tentang"] = []
        inject_front_matter(tmp / "laporan.ipynb", meta)
        render.render_month(tmp, renderer=used_renderer, kertas=params.get("kertas", "a4"))
        step("render", t0)

        state = {
            "fingerprint": fingerprint,
            "renderer": used_renderer,
            "crmlib": __version__,
            "langkah_detik": steps,
        }
        (tmp / STATE_FILE).write_text(
            json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        log.info("selesai dalam %.2f s", time.perf_counter() - start)
        for h in log.handlers:
            h.close()
        log.handlers.clear()
        publish(tmp, project.output_dir / periode)
        return MonthResult(
            periode, "dibangun", time.perf_counter() - start, steps=steps, renderer=used_renderer
        )
    except CrmReportError as exc:
        reason = str(exc)
    except KeyboardInterrupt:
        reason = "dihentikan"
    except Exception as exc:  # a bug: keep the traceback in the log, give the user one line
        log.error("kesalahan internal:\n%s", traceback.format_exc())
        reason = f"kesalahan internal: {type(exc).__name__}: {exc}"
    for h in log.handlers:
        h.close()
    log.handlers.clear()
    shutil.rmtree(tmp, ignore_errors=True)
    return MonthResult(
        periode,
        "gagal",
        time.perf_counter() - start,
        reason=reason,
        steps=steps,
        renderer=used_renderer,
    )


# --------------------------------------------------------------------------- orchestration


def plan(project: Project, months: list[str], all_months: bool) -> list[str]:
    """The months to consider, oldest first, validated as YYYY-MM with a params file."""
    from crmlib.periode import PERIODE_RE

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
    from crmlib import render

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
) -> list[MonthResult]:
    """Build months in a process pool; returns one result per month, oldest first.

    ``on_event(kind, result_or_periode)`` is called in this process only, so the
    caller decides how to show progress (a bar on a terminal, plain lines in CI).
    """
    from crmlib import render

    project.output_dir.mkdir(parents=True, exist_ok=True)
    for note in recover_output(project.output_dir):
        if on_event:
            on_event("catatan", note)
    if renderer != "auto":
        render.pick_renderer(renderer)  # fail once, early, with the install hint
    todo, results = check_up_to_date(project, months, renderer, force)
    for r in results:
        if on_event:
            on_event("selesai", r)
    built_at = dt.datetime.now().replace(microsecond=0).isoformat()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    if todo:
        if jobs == 1 or len(todo) == 1:
            from crmlib.execute import prestart_warm_kernel

            # Boot the kernel now, while this process still imports the build steps.
            prestart_warm_kernel()
            for periode in todo:
                if on_event:
                    on_event("mulai", periode)
                r = build_month(str(project.root), periode, renderer, force, built_at)
                results.append(r)
                if on_event:
                    on_event("selesai", r)
        else:
            # forkserver: workers start from a clean process, not a fork of this one, so they
            # inherit no kernel sockets or event loops; the server preloads crmlib once.
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["crmlib.build", "crmlib.execute", "crmlib.render"])
            with ProcessPoolExecutor(
                max_workers=jobs, mp_context=ctx, initializer=_init_worker
            ) as pool:
                futures = {
                    pool.submit(build_month, str(project.root), p, renderer, force, built_at): p
                    for p in todo
                }
                for fut in as_completed(futures):
                    try:
                        r = fut.result()
                    except Exception as exc:  # a worker died (killed, out of memory)
                        r = MonthResult(
                            futures[fut], "gagal", reason=f"proses pekerja berhenti: {exc}"
                        )
                    results.append(r)
                    if on_event:
                        on_event("selesai", r)
    # The archive only changes when a month was published (keeps a no-op rebuild instant).
    if (
        any(r.status == "dibangun" for r in results)
        or not (project.output_dir / "index.html").exists()
    ):
        refresh_archive(project)
    return sorted(results, key=lambda r: r.periode)


def _init_worker() -> None:
    """Pool worker start-up: stop the worker's warm kernel when the pool shuts the worker down."""
    from multiprocessing import util

    from crmlib.execute import shutdown_warm_kernel

    # atexit does not run in pool workers; multiprocessing's own finalizers do.
    util.Finalize(None, shutdown_warm_kernel, exitpriority=10)


def refresh_archive(project: Project) -> Path:
    """Rebuild ``output/index.html`` from the published months."""
    from crmlib.archive import build_archive_index
    from crmlib.refdata import load_reference

    kota = "jakarta-timur"
    try:
        kota = load_params_default(project).get("kota", kota)
    except CrmReportError:
        pass
    label = load_reference(kota).kota.get("nama_resmi", "")
    return build_archive_index(project.output_dir, label)


def load_params_default(project: Project) -> dict:
    """Only ``params/_default.yaml`` (for commands that are not about one month)."""
    from crmlib.params import DEFAULT_FILE, read_yaml

    return read_yaml(project.params_dir / DEFAULT_FILE)


def write_month_params(
    project: Project, periode: str, data: Path, per_tanggal: str | None, force: bool = False
) -> Path:
    """Create ``params/<YYYY-MM>.yaml`` for a new month after validating its data."""
    from crmlib.reader import check_periode, read_month

    check_periode(periode)
    path = project.params_dir / f"{periode}.yaml"
    if path.exists() and not force:
        raise ParamsError(f"{path} sudah ada; gunakan --force untuk menimpanya.")
    defaults = load_params_default(project)
    month = read_month(data, periode, kota=defaults.get("kota", "jakarta-timur"))
    try:
        data_text = str(Path(data).resolve().relative_to(project.root))
    except ValueError:
        data_text = str(Path(data).resolve())
    nxt = next_periode(periode)
    import yaml

    def block(key: str) -> str:
        items = defaults.get(key) or []
        return yaml.safe_dump({key: items}, allow_unicode=True, width=100, sort_keys=False)

    text = (
        f"# Parameters of the {periode} report; everything else comes from _default.yaml.\n"
        f"# Data divalidasi: {month.counts['laporan']['kept']} laporan, "
        f"{month.counts['koordinasi']['kept']} baris koordinasi.\n"
        f'periode: "{periode}"\n'
        f"data: {data_text}\n"
        f'per_tanggal: "{per_tanggal or dt.datetime.now().strftime("%Y-%m-%d %H:%M")}"  # waktu ekspor CRM\n'
        f'tanggal_laporan: "{nxt}-15"  # tanggal penandatanganan laporan\n'
        "# Kendala dan saran bulan ini (salinan dari _default.yaml; sunting sesuai keadaan bulan ini):\n"
        + block("kendala")
        + block("saran")
    )
    project.params_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    load_params(project.params_dir, periode)  # what we wrote must load
    return path


__all__ = [
    "MonthResult",
    "Project",
    "build",
    "build_month",
    "month_fingerprint",
    "publish",
    "recover_output",
    "write_month_params",
]
