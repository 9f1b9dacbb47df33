"""Up-to-date checks: what a month's output depends on, as hashes, and why it is rebuilt.

A month is rebuilt only when something it depends on changed: its data, its
params, the previous month's inputs, the notebook, the templates, crmlib's own
code or the renderer. The fingerprint a month was built from is kept in its
``build-info.json`` (:data:`STATE_FILE`), with the hash of every published file.
Files are hashed through the project's stat-keyed cache (:mod:`crmlib.publish.hashcache`):
an unchanged file is not read again, so a no-change check reads no data and no report.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from crmlib import __version__
from crmlib.data.locate import locate_sources
from crmlib.data.params import DEFAULT_ONLY, raw_params, resolve_data_path
from crmlib.data.periode import previous_periode
from crmlib.errors import CrmReportError, StorageError
from crmlib.project import Project
from crmlib.publish import hashcache
from crmlib.publish.hashcache import HashCache

STATE_FILE = "build-info.json"
# The lock of every Python package (`make lock`): its hash is recorded with every build.
LOCK_FILE = "requirements.lock"
# What the templates are made of: a change in any of these rebuilds every month.
TEMPLATE_GLOBS = ("_quarto.yml", "_extensions/**/*")


def hash_bytes(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(c)
    return h.hexdigest()


def _hash_path(path: Path, cache: HashCache) -> str:
    """Content hash of a file or of every file in a folder (names included)."""
    if path.is_file():
        return cache.sha256(path)
    if path.is_dir():
        parts = []
        for p in sorted(path.rglob("*")):
            if p.is_file() and not p.name.startswith("."):
                parts.append(str(p.relative_to(path)).encode() + b"\0" + cache.sha256(p).encode())
        return hash_bytes(*parts)
    return "missing"


def data_hash(path: Path, cache: HashCache) -> str:
    """Hash of exactly the files the reader would read from a month's data path.

    The path is located (and so validated) first: a wrong ``data:`` such as a big
    folder is never read, and the build then reports it through the reader.
    """
    try:
        files = sorted({src.path for src in locate_sources(path).values()})
        return hash_bytes(*(f.name.encode() + b"\0" + cache.sha256(f).encode() for f in files))
    except CrmReportError:
        return "tidak-valid"
    except OSError:
        return "tidak-terbaca"


def _file_hashes(month_dir: Path) -> dict[str, str]:
    """SHA-256 of every file of a month folder but the state file, by relative path."""
    return {
        p.relative_to(month_dir).as_posix(): hash_bytes(p.read_bytes())
        for p in sorted(month_dir.rglob("*"))
        if p.is_file() and p.name != STATE_FILE
    }


def _named_hashes(root: Path, files: list[Path], cache: HashCache) -> list[bytes]:
    return [str(p.relative_to(root)).encode() + cache.sha256(p).encode() for p in files]


_CODE_SUFFIXES = (".py", ".csv", ".yaml", ".mplstyle", ".typ", ".css")
_code_hash: list[str] = []


def code_hash(cache: HashCache | None = None) -> str:
    """crmlib's own code and reference data: a change rebuilds every month.

    Computed once per process: the code this process runs is the code it loaded, and a
    build's months, its annual report and ``status`` all ask for it.
    """
    if not _code_hash:
        pkg = Path(__file__).resolve().parents[1]  # the crmlib package
        files = sorted(
            Path(folder, name)
            for folder, _dirs, names in os.walk(pkg)
            for name in names
            if name.endswith(_CODE_SUFFIXES)
        )
        hashes = _named_hashes(pkg, files, cache or HashCache(None))
        _code_hash.append(hash_bytes(__version__.encode(), *hashes))
    return _code_hash[0]


def lock_sha256(root: Path, cache: HashCache | None = None) -> str | None:
    """SHA-256 of the project's ``requirements.lock``; ``None`` when there is none."""
    path = Path(root) / LOCK_FILE
    return (cache or HashCache(None)).sha256(path) if path.is_file() else None


def templates_hash(root: Path, cache: HashCache | None = None) -> str:
    """The templates (``_quarto.yml``, ``_extensions/``): a change rebuilds every month."""
    files = sorted({p for g in TEMPLATE_GLOBS for p in root.glob(g) if p.is_file()})
    return hash_bytes(*_named_hashes(root, files, cache or HashCache(None)))


def month_fingerprint(
    project: Project, periode: str, params: dict, renderer: str, shared: dict | None = None
) -> dict:
    """Everything a month's output depends on, as hashes.

    ``params`` are the month's params as written (:func:`crmlib.data.params.raw_params`:
    no schema, no pydantic). The previous month's data and params are included
    because the report compares the month with the one before.
    """
    shared = shared or shared_fingerprint(project)
    cache = hashcache.for_project(project)
    prev = previous_periode(periode)
    prev_file = project.params_dir / f"{prev}.yaml"
    prev_part = "none"
    if prev_file.exists():
        try:
            prev_params = raw_params(project.params_dir, prev)
            prev_part = hash_bytes(
                cache.sha256(prev_file).encode(),
                data_hash(resolve_data_path(prev_params, project.root), cache).encode(),
            )
        except CrmReportError:
            prev_part = "invalid"
    # Project-level settings that never reach the report (who finalizes, trusted roots).
    params = {k: v for k, v in params.items() if k not in DEFAULT_ONLY}
    return {
        "periode": periode,
        "data": data_hash(resolve_data_path(params, project.root), cache),
        "params": hash_json(params),
        # Per key, so a rebuild can say which parameters changed.
        "params_kunci": {k: hash_json(v) for k, v in sorted(params.items())},
        "bulan_sebelumnya": prev_part,
        "renderer": renderer,
        **shared,
    }


def hash_json(value) -> str:
    return hash_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode())


def shared_fingerprint(project: Project) -> dict:
    """The parts of the fingerprint every month shares (computed once per run)."""
    cache = hashcache.for_project(project)
    return {
        "notebook": _hash_path(project.notebook, cache),
        "templates": templates_hash(project.root, cache),
        "crmlib": code_hash(cache),
        "lock": lock_sha256(project.root, cache) or "none",
    }


def is_up_to_date(project: Project, periode: str, fingerprint: dict) -> bool:
    """True when the published month was built from exactly this fingerprint.

    Every published file must still be the one the build wrote (its SHA-256 is in
    the state file): a truncated PDF or an emptied workbook makes the month stale.
    """
    month_dir = project.output_dir / periode
    cache = hashcache.for_project(project)
    try:
        state = json.loads((month_dir / STATE_FILE).read_text(encoding="utf-8"))
        files = state.get("berkas") or {}
        needed = ("laporan.html", "laporan.pdf", "laporan.ipynb", "metrics.json", "tabel.xlsx")
        return (
            state.get("fingerprint") == fingerprint
            and all(n in files for n in needed)
            and all(cache.sha256(month_dir / n) == h for n, h in files.items())
        )
    except (OSError, ValueError, AttributeError):
        return False


# Why a month is rebuilt: fingerprint part -> the analyst's words.
_REASONS = {
    "data": "data berubah",
    "notebook": "notebook berubah",
    "templates": "templat berubah",
    "lock": "lock paket berubah",
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


# The reasons every draft shares: one edit of the notebook, a template or crmlib (or another
# renderer) rebuilds every draft, which an analyst should know before a `build --all`.
SHARED_REASONS = tuple(_REASONS[k] for k in ("notebook", "templates", "crmlib", "renderer"))


def shared_change_note(reasons: dict[str, list[str]], *, akan: bool = True) -> str | None:
    """How many drafts a shared change rebuilds, or ``None`` when no month is rebuilt for one.

    Parameters
    ----------
    reasons : dict
        ``{YYYY-MM: rebuild reasons}`` of the drafts considered (:func:`rebuild_reasons`).
    akan : bool
        Said before the rebuild ("akan dibangun ulang") or as a state ("perlu dibangun ulang").
    """
    hit = sorted(m for m, why in reasons.items() if any(r in SHARED_REASONS for r in why))
    if not hit:
        return None
    causes = [r for r in SHARED_REASONS if any(r in reasons[m] for m in hit)]
    span = hit[0] if len(hit) == 1 else f"{hit[0]} s.d. {hit[-1]}"
    verb = "akan dibangun ulang" if akan else "perlu dibangun ulang"
    return f"{' dan '.join(causes)}: {len(hit)} draf {verb} ({span}); edisi final tidak berubah"


def write_state(folder: Path, state: dict) -> None:
    """``build-info.json``: the fingerprint, the files' hashes, draft or final."""
    state = {**state, "berkas": _file_hashes(folder)}
    with StorageError.writing(folder / STATE_FILE):
        (folder / STATE_FILE).write_text(
            json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
