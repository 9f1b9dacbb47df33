"""Editions of a month: draft → final (edition 1) → revisions (edition 2, 3, ...).

A month is a *draft* until it is finalized; drafts rebuild freely. A *final*
edition is a set of exact bytes kept in the repository, in the edition store::

    terbitan/<YYYY-MM>/edisi-<N>/
        laporan.html  laporan.pdf  laporan.ipynb  metrics.json  tabel.xlsx
        manifest.json     SHA-256 of every file, who/when, inputs, crmlib, signature

The build never renders a month that has a final edition again: it republishes
the store's bytes into ``output/<YYYY-MM>/`` (the current edition) and
``output/<YYYY-MM>/edisi-<N>/`` (earlier editions), byte for byte. Navigation
between months lives outside those bytes, in small pages written at archive time
(:func:`write_nav_pages`).

This module holds the store, the manifest, publication of finals and the
archive's view of editions; rendering stays in :mod:`crmlib.publish.build`, signing in
:mod:`crmlib.publish.tandatangan`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from crmlib import __version__
from crmlib.errors import BuildError, ParamsError
from crmlib.publish.pdfa import pdf_standard, pdfa_problem
from crmlib.report.escape import teks_data
from crmlib.report.fmt import format_bulan_tahun
from crmlib.report.frontmatter import PDF_STANDARD_KEY

STORE_DIR = "terbitan"
MANIFEST = "manifest.json"
# Published beside a month (outside the signed files): the archive's list of editions.
EDITIONS_FILE = "edisi.json"
FILES = ("laporan.html", "laporan.pdf", "laporan.ipynb", "metrics.json", "tabel.xlsx")
# Typst's PDF standard of a final edition: PDF/A-3 (attachments allowed), level "a" (tagged).
PDF_STANDARD = "a-3a"
PDF_STANDARD_FALLBACK = "a-3b"
NAV_PAGES = ("sebelumnya.html", "berikutnya.html")
_EDITION_DIR = re.compile(r"^edisi-([1-9][0-9]*)$")
_PERIODE_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_BULAN = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()


def sha256(path: Path) -> str:
    """SHA-256 of a file, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tanggal_label(tanggal: dt.date) -> str:
    """``28 November 2026``."""
    return f"{tanggal.day} {_BULAN[tanggal.month - 1]} {tanggal.year}"


# --------------------------------------------------------------------------- the store


def month_store(root: Path, periode: str) -> Path:
    """``terbitan/<YYYY-MM>/`` of a project."""
    return Path(root) / STORE_DIR / periode


def edition_numbers(root: Path, periode: str) -> list[int]:
    """Numbers of the month's stored editions (those with a manifest), ascending."""
    folder = month_store(root, periode)
    if not folder.is_dir():
        return []
    found = []
    for child in folder.iterdir():
        m = _EDITION_DIR.match(child.name)
        if m and (child / MANIFEST).is_file():
            found.append(int(m.group(1)))
    return sorted(found)


def current_edition(root: Path, periode: str) -> int | None:
    """The month's current (highest) final edition, or ``None`` for a draft month."""
    numbers = edition_numbers(root, periode)
    return numbers[-1] if numbers else None


def read_manifest(root: Path, periode: str, edisi: int) -> dict[str, Any]:
    """The manifest of one stored edition."""
    path = month_store(root, periode) / f"edisi-{edisi}" / MANIFEST
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- editions


@dataclass
class Edition:
    """A final edition about to be made (finalize: edition 1; revise: the next one).

    ``alasan`` is the analyst's reason for a revision: plain text, escaped
    wherever it reaches a document.
    """

    periode: str
    edisi: int
    oleh: str
    alasan: str | None = None
    tanggal: dt.date = field(default_factory=dt.date.today)
    waktu: str = field(
        default_factory=lambda: dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
    )

    @property
    def menggantikan(self) -> int | None:
        """The edition this one replaces."""
        return self.edisi - 1 if self.edisi > 1 else None

    def revision_line(self) -> str | None:
        """``Revisi ke-1, 28 November 2026: <alasan>`` (plain text), or ``None`` for edition 1."""
        if self.menggantikan is None:
            return None
        return f"Revisi ke-{self.edisi - 1}, {tanggal_label(self.tanggal)}: {self.alasan}"

    def front_matter(self) -> dict[str, Any]:
        """Front-matter keys of a final edition: no DRAF mark, PDF/A with attachments."""
        meta: dict[str, Any] = {"draf": False, "lampiran": True, PDF_STANDARD_KEY: PDF_STANDARD}
        line = self.revision_line()
        if line:
            meta["revisi"] = teks_data(line)  # analyst text is never markup
        return meta

    def provenance(self) -> dict[str, Any]:
        """Keys added to ``metrics.json``'s ``provenance``."""
        out: dict[str, Any] = {"edisi": self.edisi, "menggantikan": self.menggantikan}
        if self.alasan:
            out["alasan_revisi"] = self.alasan
        return out


def finalizer_name(root: Path, oleh: str | None) -> str:
    """Who finalizes: ``--oleh``, else git's ``user.name <user.email>``."""
    if oleh and oleh.strip():
        return oleh.strip()
    parts = []
    for key in ("user.name", "user.email"):
        try:
            out = subprocess.run(
                ["git", "config", key], cwd=root, capture_output=True, text=True, timeout=5
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        parts.append(out)
    name, email = parts
    who = f"{name} <{email}>" if name and email else (name or email)
    if not who:
        raise ParamsError(
            'Siapa yang memfinalkan tidak diketahui: beri --oleh "Nama" atau atur '
            "git config user.name."
        )
    return who


def new_edition(root: Path, periode: str, oleh: str | None, alasan: str | None) -> Edition:
    """The edition ``finalize`` (``alasan`` None) or ``revise`` (``alasan`` given) makes.

    Raises
    ------
    ParamsError
        Finalizing a month that is already final, revising a draft, or revising
        without a reason.
    """
    current = current_edition(root, periode)
    if alasan is None:
        if current is not None:
            raise ParamsError(
                f"{periode} sudah final (edisi {current}); edisi final tidak diubah. Untuk "
                f'memperbaikinya: crm-report revise {periode} --alasan "..."'
            )
        return Edition(periode, 1, finalizer_name(root, oleh))
    if current is None:
        raise ParamsError(
            f"{periode} belum final; tidak ada yang direvisi. Finalkan dulu: "
            f"crm-report finalize {periode}"
        )
    if not alasan.strip():
        raise ParamsError("Alasan revisi (--alasan) tidak boleh kosong.")
    return Edition(periode, current + 1, finalizer_name(root, oleh), alasan.strip())


def git_commit_full(root: Path) -> str | None:
    """The project's full git commit, when it is a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--verify", "-q", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None


def store_edition(
    root: Path, edition: Edition, month_dir: Path, signature: dict | None = None
) -> dict[str, Any]:
    """Copy a freshly rendered final month into the store, with its manifest.

    Written to a temporary folder and renamed into place, so the store never
    holds half an edition.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    BuildError
        When the edition already exists in the store (editions are never rewritten),
        or its PDF is not PDF/A (:func:`crmlib.publish.pdfa.pdfa_problem`): nothing is
        stored then.
    """
    target = month_store(root, edition.periode) / f"edisi-{edition.edisi}"
    if target.exists():
        raise BuildError(f"{target} sudah ada; edisi final tidak ditimpa.")
    problem = pdfa_problem(month_dir / "laporan.pdf")
    if problem:
        raise BuildError(
            f"{problem} Edisi {edition.edisi} {edition.periode} tidak disimpan. Bila dibuat "
            "dengan Quarto: pakai Quarto 1.10 (conda env update -f environment.yml) atau "
            "finalkan dengan --renderer embedded."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Callers hold output/'s lock: a leftover temp edition is a killed run's, never a live one.
    for stale in target.parent.glob(".tmp-edisi-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = target.parent / f".tmp-edisi-{edition.edisi}-{os.getpid()}"
    tmp.mkdir()
    try:
        for name in FILES:
            shutil.copyfile(month_dir / name, tmp / name)
        metrics = json.loads((tmp / "metrics.json").read_text(encoding="utf-8"))
        prov = metrics.get("provenance") or {}
        manifest = {
            "periode": edition.periode,
            "edisi": edition.edisi,
            "menggantikan": edition.menggantikan,
            "alasan": edition.alasan,
            "difinalkan_oleh": edition.oleh,
            "difinalkan_pada": edition.waktu,
            "berkas": {name: sha256(tmp / name) for name in FILES},
            "input": prov.get("input") or prov.get("input_sha256"),
            "crmlib_version": __version__,
            "git_commit": git_commit_full(root),
            "pdf_standar": pdf_standard(tmp / "laporan.pdf"),
            "tanda_tangan": signature,
        }
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


# --------------------------------------------------------------------------- publishing finals


def edition_summary(manifest: dict[str, Any], href_prefix: str) -> dict[str, Any]:
    """One edition as the archive sees it (see :func:`daftar_edisi`)."""
    ttd = manifest.get("tanda_tangan") or {}
    return {
        "edisi": manifest["edisi"],
        "status": "final",
        "tanggal": manifest.get("difinalkan_pada"),
        "alasan": manifest.get("alasan"),
        "difinalkan_oleh": manifest.get("difinalkan_oleh"),
        "penandatangan": ttd.get("penandatangan"),
        "tanda_tangan_utuh": ttd.get("utuh"),
        "tautan": {name: href_prefix + name for name in FILES},
    }


def stage_final(root: Path, periode: str, tmp: Path) -> None:
    """Fill ``tmp`` with what ``output/<periode>/`` of a final month holds.

    The current edition's five files at the top, every earlier edition under
    ``edisi-<N>/``, each with a copy of its manifest, and ``edisi.json`` (the
    list :func:`daftar_edisi` reads). Nothing here is rendered.
    """
    numbers = edition_numbers(root, periode)
    store = month_store(root, periode)
    current = numbers[-1]
    listing = []
    for n in numbers:
        dest = tmp if n == current else tmp / f"edisi-{n}"
        dest.mkdir(parents=True, exist_ok=True)
        for name in (*FILES, MANIFEST):
            shutil.copyfile(store / f"edisi-{n}" / name, dest / name)
        listing.append(
            edition_summary(read_manifest(root, periode, n), "" if n == current else f"edisi-{n}/")
        )
    (tmp / EDITIONS_FILE).write_text(
        json.dumps({"periode": periode, "edisi": listing}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


def published_matches_store(root: Path, output_dir: Path, periode: str) -> bool:
    """True when ``output/<periode>/`` holds exactly the store's editions, byte for byte."""
    numbers = edition_numbers(root, periode)
    month_dir = output_dir / periode
    if not numbers or not month_dir.is_dir():
        return False
    try:
        for n in numbers:
            dest = month_dir if n == numbers[-1] else month_dir / f"edisi-{n}"
            expected = read_manifest(root, periode, n)["berkas"]
            if any(sha256(dest / name) != h for name, h in expected.items()):
                return False
        listed = json.loads((month_dir / EDITIONS_FILE).read_text(encoding="utf-8"))
        return [e["edisi"] for e in listed["edisi"]] == numbers
    except (OSError, ValueError, KeyError):
        return False


def daftar_edisi(output_dir: Path | str, periode: str) -> list[dict[str, Any]]:
    """Every edition of a published month, for the archive page, oldest first.

    Parameters
    ----------
    output_dir : path
        ``output/``.
    periode : str
        ``YYYY-MM``.

    Returns
    -------
    list of dict
        Empty for a draft month. One dict per final edition::

            {"edisi": 2,                     # edition number, 1 = first final
             "status": "final",
             "tanggal": "2026-11-28T22:30:00+00:00",   # when it was finalized
             "alasan": "Data UKPD X dikoreksi" | None,  # revisions only (plain text)
             "difinalkan_oleh": "Nama <email>",
             "penandatangan": "CN of the certificate" | None,  # None: not signed
             "tanda_tangan_utuh": True | False | None,  # integrity at finalize time
             "tautan": {"laporan.html": "edisi-1/laporan.html", ...}}

        ``tautan`` values are relative to ``output/<periode>/``: the current
        (last) edition's files sit in the month folder itself, earlier ones in
        ``edisi-<N>/``. Text values are plain: escape them for the page.
    """
    path = Path(output_dir) / periode / EDITIONS_FILE
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["edisi"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


# --------------------------------------------------------------------------- navigation pages

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))

_NAV_TEMPLATE = _env.from_string(
    """<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{% if target %}<meta http-equiv="refresh" content="0; url={{ target }}">
{% endif %}<link rel="icon" href="data:,">
<title>{{ judul }}</title>
<style>
body { margin: 0 auto; max-width: 36rem; padding: 3rem 1.25rem; color: #1d232b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
  line-height: 1.6; text-align: center; }
h1 { font-size: 1.25rem; margin: 0 0 1rem; }
a { color: #0b5394; }
.tautan a { display: inline-block; margin: 0.3rem; padding: 0.35rem 0.9rem; border: 1px solid #d4d9de;
  border-radius: 999px; background: #f4f6f8; text-decoration: none; }
a:focus-visible { outline: 3px solid #0b5394; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>{{ judul }}</h1>
<p>{% if target %}Menuju <a href="{{ target }}">{{ label }}</a>…{% else %}{{ kosong }}{% endif %}</p>
<p class="tautan"><a href="{{ arsip }}">Arsip laporan</a></p>
</main>
</body>
</html>
"""
)


def _nav_page(target: str | None, label: str, kosong: str, judul: str, arsip: str) -> str:
    return _NAV_TEMPLATE.render(target=target, label=label, kosong=kosong, judul=judul, arsip=arsip)


def published_months(output_dir: Path) -> list[str]:
    """``YYYY-MM`` folders of ``output/`` that hold a report, oldest first."""
    if not output_dir.is_dir():
        return []
    return sorted(
        p.name
        for p in output_dir.iterdir()
        if p.is_dir() and _PERIODE_DIR.match(p.name) and (p / "laporan.html").is_file()
    )


def write_nav_pages(output_dir: Path | str) -> None:
    """Write ``sebelumnya.html``/``berikutnya.html`` beside every published month.

    A month's report links these stable names, never another month directly; they
    are rewritten at every archive refresh to point at the neighbour that is
    published now (a gap filled later or a month removed is picked up here), so
    the report's own bytes, signed or not, never go stale. Earlier editions
    (``edisi-<N>/``) get the same pages, and their month an ``index.html`` that
    leads to the archive, since their report links ``../index.html``.
    """
    output_dir = Path(output_dir)
    months = published_months(output_dir)
    for i, periode in enumerate(months):
        prev = months[i - 1] if i > 0 else None
        nxt = months[i + 1] if i + 1 < len(months) else None
        month_dir = output_dir / periode
        _write_nav(month_dir, prev, nxt, "../")
        editions = [c for c in month_dir.iterdir() if c.is_dir() and _EDITION_DIR.match(c.name)]
        for child in editions:
            _write_nav(child, prev, nxt, "../../")
        if editions:
            # An earlier edition's report links ../index.html: the month's own landing page.
            target = f"../index.html#bulan-{periode}"
            page = _nav_page(target, "arsip laporan", "", "Arsip laporan", "../index.html")
            _write_text(month_dir / "index.html", page)


def _write_nav(folder: Path, prev: str | None, nxt: str | None, up: str) -> None:
    arsip = f"{up}index.html"
    for name, neighbour, kata in (
        ("sebelumnya.html", prev, "sebelumnya"),
        ("berikutnya.html", nxt, "berikutnya"),
    ):
        target = f"{up}{neighbour}/laporan.html" if neighbour else None
        label = f"laporan {format_bulan_tahun(neighbour)}" if neighbour else ""
        page = _nav_page(
            target, label, f"Belum ada laporan bulan {kata} yang terbit.", f"Bulan {kata}", arsip
        )
        _write_text(folder / name, page)


def _write_text(path: Path, text: str) -> None:
    """Write a small page atomically (readers see the old or the new page); unchanged: skipped."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- archive card

# --------------------------------------------------------------------------- verification


def verify_month(root: Path, output_dir: Path, periode: str) -> tuple[list[str], bool]:
    """Check every stored edition of a month against its manifest and signature.

    Returns
    -------
    (list of str, bool)
        Report lines (Indonesian) and whether everything matched: every file's
        SHA-256 equals the manifest's, every PDF declares PDF/A-3
        (:func:`crmlib.publish.pdfa.pdfa_problem`), every signed PDF's signature
        is intact, and ``output/<periode>/`` holds the store's bytes. A self-signed
        certificate is reported as not trusted, which is not a mismatch.

    Raises
    ------
    EditionError
        When the month has no final edition.
    """
    from crmlib.errors import EditionError

    numbers = edition_numbers(root, periode)
    if not numbers:
        raise EditionError(
            f"{periode} belum final: tidak ada edisi di {month_store(root, periode)}."
        )
    lines, ok = [], True
    for n in numbers:
        edition_ok, edition_lines = _verify_edition(root, periode, n)
        ok &= edition_ok
        lines += edition_lines
    if published_matches_store(root, output_dir, periode):
        lines.append(f"output/{periode}: sama persis dengan terbitan/")
    else:
        ok = False
        lines.append(
            f"output/{periode}: BERBEDA dari terbitan/ (terbitkan ulang: crm-report build {periode})"
        )
    return lines, ok


def _verify_edition(root: Path, periode: str, n: int) -> tuple[bool, list[str]]:
    from crmlib.publish.tandatangan import check_signature

    folder = month_store(root, periode) / f"edisi-{n}"
    manifest = read_manifest(root, periode, n)
    ok, lines = True, [f"Edisi {n} ({folder}):"]
    for name, expected in manifest["berkas"].items():
        try:
            actual = sha256(folder / name)
        except OSError:
            actual = "hilang"
        same = actual == expected
        ok &= same
        lines.append(f"  {name}: {'cocok' if same else 'TIDAK COCOK'} (sha256 {actual[:16]})")
    pdf = folder / "laporan.pdf"
    problem = pdfa_problem(pdf)  # what the PDF itself declares, not what the manifest says
    ok &= problem is None
    lines.append(f"  PDF/A: TIDAK SESUAI: {problem}" if problem else f"  {pdf_standard(pdf)}")
    sig = check_signature(folder / "laporan.pdf") if (folder / "laporan.pdf").is_file() else None
    if sig is None:
        if manifest.get("tanda_tangan"):
            ok = False
            lines.append("  tanda tangan: HILANG (manifest mencatat PDF ini ditandatangani)")
        else:
            lines.append("  tanda tangan: tidak ditandatangani")
        return ok, lines
    ok &= sig["utuh"]
    lines.append(
        f"  tanda tangan {sig['penandatangan']}: "
        + ("utuh" if sig["utuh"] else "TIDAK UTUH")
        + ("; sertifikat terpercaya" if sig["terpercaya"] else "; sertifikat tidak terpercaya")
    )
    return ok, lines
