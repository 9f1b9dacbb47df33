"""``verify --bangun-ulang``: build every final edition again and compare it byte for byte.

An edition keeps its canonical tables, merged params and notebook
(:mod:`crmlib.publish.edisi_masukan`) and records the commit it was built at. Here
that commit is checked out into a temporary git worktree
(:func:`crmlib.publish.gitstate.worktree_at`), and the worktree's own crmlib builds
the edition from what it keeps (``crm-report bangun-edisi``, a child process with
the worktree first on ``PYTHONPATH``), in this environment. The five files are then
compared with the stored ones: "identik", or what differs (for ``metrics.json`` and
the notebook, which keys and values). No export, no network, nothing published.

A signed PDF is the rendered PDF plus the signature, appended as an incremental
update: it matches when the rebuilt PDF is exactly the bytes before the signature.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crmlib.data.periode import is_periode
from crmlib.errors import EditionError
from crmlib.project import Project
from crmlib.publish import edisi
from crmlib.publish.edisi_masukan import keeps_inputs, kept_mismatches
from crmlib.publish.fingerprint import lock_sha256

# How many differences are listed per file; the rest are counted.
SHOWN = 12
# A rebuild takes a few seconds; far longer means something hangs.
TIMEOUT = 1800
_YEAR = re.compile(r"^\d{4}$")


def verify_months(
    project: Project,
    periode: str,
    rederive: bool,
    echo: Callable[[str], None],
    roots: list | None = None,
) -> bool:
    """``verify [--bangun-ulang] PERIODE``: every final edition of a month or a year.

    Each month's report lines go to ``echo`` as they are known; True when everything
    matched (and, with ``rederive``, every edition was rebuilt identically).
    ``roots``: trusted roots instead of the configured ones (``--akar``).
    """
    from crmlib.publish.verify import verify_month

    all_ok = True
    annual = _annual(project, periode)
    if annual:
        all_ok &= _verify_year(project, periode, echo, roots)
    for month in final_months(project.root, periode, allow_none=bool(annual)):
        lines, ok = verify_month(project.root, project.output_dir, month, roots)
        kept_lines, kept_ok = verify_kept(project.root, month)
        echo("\n".join(lines + kept_lines))
        ok &= kept_ok
        if rederive:
            echo(f"{month}: membangun ulang dari terbitan/ ...")
            rederived_lines, rederived_ok = rederive_month(project.root, month)
            echo("\n".join(rederived_lines))
            ok &= rederived_ok
        echo(f"{month}: {'SEMUA COCOK' if ok else 'ADA YANG TIDAK COCOK'}")
        all_ok &= ok
    return all_ok


def _annual(project: Project, tahun: str) -> list[int]:
    """The year's annual editions, stored or known missing (empty: never finalized)."""
    if not _YEAR.match(tahun):
        return []
    known = edisi.known_editions(project.root, project.output_dir, tahun)
    return sorted(set(known.tersimpan) | set(known.hilang))


def _verify_year(project: Project, tahun: str, echo, roots) -> bool:
    """The annual edition's check, as a month's (its inputs are the months' editions)."""
    from crmlib.publish.edisi_tahunan import stale_hint, year_changes
    from crmlib.publish.verify import verify_month

    lines, ok = verify_month(project.root, project.output_dir, tahun, roots)
    changes = year_changes(project, tahun)
    if changes:
        lines.append(f"catatan: {stale_hint(tahun, changes)}")
    echo("\n".join([f"Laporan tahunan {tahun}:", *lines]))
    echo(f"{tahun} (tahunan): {'SEMUA COCOK' if ok else 'ADA YANG TIDAK COCOK'}")
    return ok


def build_kept_edition(project: Project, edition_dir: Path, target: Path) -> None:
    """Build a kept edition with this checkout's code into ``target`` (``crm-report bangun-edisi``).

    The child side of :func:`rederive_edition`, run in the worktree at the edition's commit.
    """
    from crmlib.publish.edisi_masukan import stored_inputs
    from crmlib.publish.month import rederive_month as build_again

    stored = stored_inputs(Path(edition_dir))
    build_again(str(project.root), stored, Path(target), stored.renderer)


def final_months(root: Path, periode: str, allow_none: bool = False) -> list[str]:
    """The months ``verify`` checks: ``YYYY-MM`` itself, or a year's final months.

    Raises
    ------
    EditionError
        A year without a final month (unless ``allow_none``: its annual edition is checked).
    """
    if not _YEAR.match(periode):
        return [periode]
    store = Path(root) / edisi.STORE_DIR
    months = sorted(
        p.name
        for p in (store.iterdir() if store.is_dir() else [])
        if p.name.startswith(f"{periode}-")
        and is_periode(p.name)
        and edisi.edition_numbers(root, p.name)
    )
    if not months and not allow_none:
        raise EditionError(f"Tahun {periode} belum punya bulan final di {store}.")
    return months


def verify_kept(root: Path, periode: str) -> tuple[list[str], bool]:
    """Each edition's kept inputs against its manifest and its own ``metrics.json``.

    ``metrics.json`` (hash-checked by the manifest, attached to the signed PDF) names
    the SHA-256 of the canonical tables the figures were computed from, so a kept
    table changed together with the manifest still shows here.
    """
    lines, ok = [], True
    for n in edisi.edition_numbers(root, periode):
        folder = edisi.month_store(root, periode) / f"edisi-{n}"
        manifest = edisi.read_manifest(root, periode, n)
        if not keeps_inputs(manifest):
            lines.append(
                f"Edisi {n}: masukan tidak disimpan (edisi lama); tidak dapat dibangun ulang"
            )
            continue
        bad = kept_mismatches(folder, manifest)
        bad += _unlike_metrics(folder, manifest)
        ok &= not bad
        lines.append(
            f"Edisi {n}: masukan, params dan notebook yang disimpan: "
            + ("cocok" if not bad else "TIDAK COCOK: " + ", ".join(sorted(set(bad))))
        )
    return lines, ok


def _unlike_metrics(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Kept canonical files whose SHA-256 is not the one the edition's metrics.json names."""
    try:
        prov = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))["provenance"]
        named = prov["masukan_kanonik"]
    except (OSError, ValueError, KeyError, TypeError):
        return ["metrics.json (tanpa provenance.masukan_kanonik)"]
    canonical = folder / "masukan"
    return [
        f"masukan/{name} (lain dari metrics.json)"
        for name, sha in named.items()
        if not (canonical / name).is_file()
        or hashlib.sha256((canonical / name).read_bytes()).hexdigest() != sha
    ]


def rederive_month(root: Path, periode: str) -> tuple[list[str], bool]:
    """Build every final edition of the month again; report lines and whether all are identical."""
    lines, ok = [], True
    for n in edisi.edition_numbers(root, periode):
        edition_lines, edition_ok = rederive_edition(Path(root), periode, n)
        lines += edition_lines
        ok &= edition_ok
    return lines, ok


def rederive_edition(root: Path, periode: str, n: int) -> tuple[list[str], bool]:
    """Build edition ``n`` again at its commit from what it keeps; compare the five files."""
    from crmlib.publish.gitstate import worktree_at

    folder = edisi.month_store(root, periode) / f"edisi-{n}"
    manifest = edisi.read_manifest(root, periode, n)
    head = f"Edisi {n} dibangun ulang"
    if not keeps_inputs(manifest) or not manifest.get("git_commit"):
        return [f"{head}: TIDAK DAPAT (edisi ini tidak menyimpan masukan atau commit-nya)"], False
    lines = [f"{head} pada commit {manifest['git_commit'][:12]}:"]
    if manifest.get("perubahan_diizinkan"):
        lines.append(
            "  catatan: difinalkan dengan perubahan yang belum di-commit: "
            + ", ".join(manifest["perubahan_diizinkan"])
        )
    if manifest.get("lock_sha256") != lock_sha256(root):
        lines.append("  catatan: requirements.lock sekarang lain dari saat edisi ini dibuat")
    with (
        worktree_at(root, manifest["git_commit"]) as tree,
        tempfile.TemporaryDirectory(prefix="crm-edisi-") as target,
    ):
        failure = _build_in(tree, folder, Path(target))
        if failure:
            return [*lines, f"  GAGAL dibangun ulang: {failure}"], False
        ok = True
        for name in edisi.FILES:
            same, detail = compare_file(name, folder / name, Path(target) / name, manifest)
            ok &= same
            lines.append(f"  {name}: {'identik' if same else 'BERBEDA'}{detail}")
    return lines, ok


def _build_in(tree: Path, edition_dir: Path, target: Path) -> str:
    """Run the worktree's ``crm-report bangun-edisi``; "" on success, else the reason."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "crmlib.cli.main", "bangun-edisi", str(edition_dir), str(target)]
    try:
        out = subprocess.run(
            cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return f"tidak selesai dalam {TIMEOUT} detik"
    if out.returncode != 0:
        return (out.stderr.strip() or out.stdout.strip())[-2000:] or f"kode keluar {out.returncode}"
    return ""


def compare_file(name: str, stored: Path, rebuilt: Path, manifest: dict) -> tuple[bool, str]:
    """Whether a rebuilt file is the stored one, and what differs (Indonesian, leading "; ")."""
    a, b = stored.read_bytes(), rebuilt.read_bytes()
    if a == b:
        return True, ""
    if name == "laporan.pdf" and manifest.get("tanda_tangan") and a.startswith(b):
        return True, " (isi sebelum tanda tangan; tanda tangan ditambahkan sesudahnya)"
    if name.endswith((".json", ".ipynb")):
        try:
            found = json_differences(json.loads(a), json.loads(b))
        except ValueError:
            found = []
        return False, _listed(found, "kunci")
    if name.endswith(".xlsx"):
        return False, _listed(_zip_differences(stored, rebuilt), "bagian")
    sizes = f"; {len(a)} byte tersimpan, {len(b)} byte hasil bangun ulang"
    return False, sizes + (_first_line(a, b) if name.endswith(".html") else "")


def _listed(found: list[str], kind: str) -> str:
    if not found:
        return ""
    more = f"; dan {len(found) - SHOWN} {kind} lain" if len(found) > SHOWN else ""
    return "\n      " + "\n      ".join(found[:SHOWN]) + more


def _first_line(a: bytes, b: bytes) -> str:
    """Where two texts first differ: the line and a few characters of each around it."""
    for i, (x, y) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), start=1):
        if x != y:
            at = next((j for j, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), 0)
            cut = slice(max(0, at - 30), at + 40)
            old, new = (t[cut].decode("utf-8", "replace") for t in (x, y))
            return f"\n      baris {i}: {old!r} → {new!r}"
    return ""


def json_differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Every key path where two JSON values differ: ``path: stored → rebuilt``."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted({*a, *b}, key=str):
            sub = f"{path}.{key}" if path else str(key)
            if key not in a or key not in b:
                where = "hanya di hasil bangun ulang" if key not in a else "hanya di yang tersimpan"
                out.append(f"{sub}: {where}")
            else:
                out += json_differences(a[key], b[key], sub)
        return out
    if isinstance(a, list) and isinstance(b, list):
        out = [] if len(a) == len(b) else [f"{path}: {len(a)} butir → {len(b)} butir"]
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out += json_differences(x, y, f"{path}[{_item(i, x)}]")
        return out
    if a == b and type(a) is type(b):
        return []
    return [f"{path or '(seluruhnya)'}: {_short(a)} → {_short(b)}"]


# Keys that name a row of metrics.json's tables (the unit, the report, the day, ...).
_ROW_NAMES = ("ukpd", "kelompok", "kategori", "nomor_laporan", "kanal", "tanggal", "periode")


def _item(i: int, value: Any) -> str:
    """A list position, with the row's own name when it has one: ``45 KELURAHAN UJUNG MENTENG``."""
    if isinstance(value, dict):
        name = next((value[k] for k in _ROW_NAMES if isinstance(value.get(k), str)), None)
        if name:
            return f"{i} {name}"
    return str(i)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _zip_differences(a: Path, b: Path) -> list[str]:
    try:
        with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
            names = sorted({*za.namelist(), *zb.namelist()})
            return [
                n
                for n in names
                if n not in za.namelist() or n not in zb.namelist() or za.read(n) != zb.read(n)
            ] or ["(isi sama; metadata zip berbeda)"]
    except zipfile.BadZipFile:
        return ["(bukan berkas zip yang utuh)"]


__all__ = [
    "build_kept_edition",
    "compare_file",
    "final_months",
    "json_differences",
    "rederive_edition",
    "rederive_month",
    "verify_kept",
    "verify_months",
]
