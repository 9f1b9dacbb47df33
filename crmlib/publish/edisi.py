"""Editions of a month: draft → final (edition 1) → revisions (edition 2, 3, ...).

A month is a *draft* until it is finalized; drafts rebuild freely. A *final*
edition is a set of exact bytes kept in the repository, in the edition store::

    terbitan/<YYYY-MM>/edisi-<N>/
        laporan.html  laporan.pdf  laporan.ipynb  metrics.json  tabel.xlsx
        manifest.json     SHA-256 of every file, who/when, inputs, crmlib, signature

An edition is prepared beside the store, signed and checked there, and appears in
it with one rename (:mod:`crmlib.publish.store`). A signed edition's manifest is
bound to its signature: the signature's reason carries :func:`manifest_digest`.

Editions are numbered from everything known about the month: the store, what
git's history has ever held, and what ``output/`` publishes (:func:`known_editions`);
a final whose store went missing is never silently made a draft or edition 1 again.

This module holds the model and the store; publishing finals into ``output/`` is
:mod:`crmlib.publish.finals`, checking them :mod:`crmlib.publish.verify`, signing
:mod:`crmlib.publish.tandatangan`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib import __version__
from crmlib.data.periode import parse_periode
from crmlib.errors import ParamsError, StorageError
from crmlib.publish import history
from crmlib.publish.pdfa import pdf_standard
from crmlib.report.escape import teks_data
from crmlib.report.frontmatter import PDF_STANDARD_KEY

STORE_DIR = "terbitan"
MANIFEST = "manifest.json"
# Published beside a month (outside the signed files): the archive's list of editions.
EDITIONS_FILE = "edisi.json"
# Published beside every report of a month (outside the signed files): what the edition
# is now (draft, current final, or replaced by which edition and why). A final links it.
STATUS_PAGE = "status.html"
FILES = ("laporan.html", "laporan.pdf", "laporan.ipynb", "metrics.json", "tabel.xlsx")
# An annual edition (``terbitan/<YYYY>/``): the annual report has no metrics.json of its own.
YEAR_FILES = ("laporan.html", "laporan.pdf", "laporan.ipynb", "tabel.xlsx")
# Typst's PDF standard of a final edition: PDF/A-3 (attachments allowed), level "a" (tagged).
PDF_STANDARD = "a-3a"
PDF_STANDARD_FALLBACK = "a-3b"
# The manifest keys that describe the signature itself (not part of what it binds).
SIGNATURE_KEY = "tanda_tangan"
TMP_PREFIX = ".tmp-"
MAX_LINE = 300
# Unicode categories refused in a one-line text: controls, format (bidi, zero-width),
# private use, unassigned, surrogates, line and paragraph separators.
_NOT_IN_A_LINE = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"})
_EDITION_DIR = re.compile(r"^edisi-([1-9][0-9]*)$")
_PERIODE_DIR = re.compile(r"^\d{4}-(0[1-9]|1[0-2])\Z")
_BULAN = (
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
).split()
# Jakarta's time (no daylight saving): a finalize time reads the same on any machine.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def _now_wib() -> dt.datetime:
    return dt.datetime.now(WIB).replace(microsecond=0)


def is_year(periode: str) -> bool:
    """True for a year's period (``2022``: the annual report), False for a month's."""
    return (
        isinstance(periode, str) and len(periode) == 4 and periode.isascii() and periode.isdigit()
    )


def files_of(periode: str) -> tuple[str, ...]:
    """The files an edition of ``periode`` consists of (month: five, year: four)."""
    return YEAR_FILES if is_year(periode) else FILES


def periode_label(periode: str) -> str:
    """``Juni 2022`` for a month, ``Tahun 2022`` for a year."""
    from crmlib.report.fmt import format_bulan_tahun

    return f"Tahun {periode}" if is_year(periode) else format_bulan_tahun(periode)


def sha256(path: Path) -> str:
    """SHA-256 of a file, hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def bulan_label(periode: str) -> str:
    """``Juni 2022`` for ``2022-06``, from the names above (no Babel: ``status`` stays light)."""
    return f"{_BULAN[int(periode[5:7]) - 1]} {periode[:4]}"


def tanggal_label(tanggal: dt.date) -> str:
    """``28 November 2026``."""
    return f"{tanggal.day} {_BULAN[tanggal.month - 1]} {tanggal.year}"


# --------------------------------------------------------------------------- the store


def month_store(root: Path, periode: str) -> Path:
    """``terbitan/<YYYY-MM>/`` (or ``terbitan/<YYYY>/`` for a year's annual editions) of a project.

    ``periode`` is checked first (it becomes a path): a real month, or a year of four digits.
    """
    if not is_year(periode):
        periode = parse_periode(periode)
    return Path(root) / STORE_DIR / periode


def edition_dir(root: Path, periode: str, edisi: int) -> Path:
    """``terbitan/<YYYY-MM>/edisi-<N>/``."""
    return month_store(root, periode) / f"edisi-{edisi}"


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
    path = edition_dir(root, periode, edisi) / MANIFEST
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- what is known


@dataclass
class KnownEditions:
    """A month's editions as the store, git's history and ``output/`` know them.

    ``hilang``: editions known from git or ``output/`` but not (complete) in the
    store, minus those a later edition declared lost (``edisi_hilang``).
    """

    tersimpan: list[int]
    di_git: set[int]
    di_output: set[int]
    tidak_lengkap: list[int]  # edition folders without a manifest or with files missing
    diakui_hilang: set[int]

    @property
    def hilang(self) -> list[int]:
        known = self.di_git | self.di_output | set(self.tidak_lengkap)
        return sorted(known - (set(self.tersimpan) - set(self.tidak_lengkap)) - self.diakui_hilang)

    @property
    def tertinggi(self) -> int | None:
        known = set(self.tersimpan) | self.di_git | self.di_output | self.diakui_hilang
        return max(known) if known else None


def known_editions(
    root: Path, output_dir: Path, periode: str, ever_held: dict[str, set[int]] | None = None
) -> KnownEditions:
    """Every edition of ``periode`` anything remembers (``ever_held``: one git call for many months)."""
    if ever_held is None:
        ever_held = history.editions_ever_held(root, STORE_DIR)
    stored = edition_numbers(root, periode)
    incomplete = _incomplete_editions(root, periode, stored)
    declared: set[int] = set()
    for n in stored:
        try:
            declared |= set(read_manifest(root, periode, n).get("edisi_hilang") or [])
        except (OSError, ValueError):
            pass
    return KnownEditions(
        stored,
        set(ever_held.get(periode, set())),
        _published_editions(output_dir / periode),
        incomplete,
        declared,
    )


def _incomplete_editions(root: Path, periode: str, stored: list[int]) -> list[int]:
    """Edition folders with no manifest, or missing a file their manifest lists."""
    folder = month_store(root, periode)
    found = set()
    for child in folder.iterdir() if folder.is_dir() else []:
        m = _EDITION_DIR.match(child.name)
        if m and child.is_dir() and int(m.group(1)) not in stored:
            found.add(int(m.group(1)))
    for n in stored:
        try:
            names = read_manifest(root, periode, n)["berkas"]
        except (OSError, ValueError, KeyError):
            found.add(n)
            continue
        if any(not (edition_dir(root, periode, n) / name).is_file() for name in names):
            found.add(n)
    return sorted(found)


def _published_editions(month_dir: Path) -> set[int]:
    """Editions ``output/<periode>/`` says it publishes (its edition list, its build state)."""
    found: set[int] = set()
    try:
        listing = json.loads((month_dir / EDITIONS_FILE).read_text(encoding="utf-8"))
        found |= {int(e["edisi"]) for e in listing["edisi"]}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        state = json.loads((month_dir / "build-info.json").read_text(encoding="utf-8"))
        if state.get("status") == "final":
            found.add(int(state["edisi"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return found


def complete_editions(root: Path, periode: str) -> list[int]:
    """Stored editions with their manifest and every file it lists, ascending."""
    stored = edition_numbers(root, periode)
    incomplete = set(_incomplete_editions(root, periode, stored))
    return [n for n in stored if n not in incomplete]


def lost_message(periode: str, known: KnownEditions) -> str:
    """Why a month whose final editions went missing is refused, and how to restore them."""
    lost = ", ".join(str(n) for n in known.hilang)
    where = []
    if set(known.hilang) & known.di_git:
        where.append("riwayat git")
    if set(known.hilang) & known.di_output:
        where.append(f"output/{periode}")
    if set(known.hilang) & set(known.tidak_lengkap):
        where.append("folder edisi yang tidak lengkap")
    return (
        f"{periode} sudah final, tetapi edisi {lost} tidak ada (utuh) di "
        f"{STORE_DIR}/{periode}/ (tercatat di {' dan '.join(where)}). Pulihkan dari git: "
        f"git checkout -- {STORE_DIR}/{periode} (atau dari commit yang memuatnya: git log -- "
        f"{STORE_DIR}/{periode}). Bila benar-benar hilang: crm-report revise {periode} "
        '--alasan "..." --abaikan-edisi-hilang (membuat edisi berikutnya, mencatat yang hilang).'
    )


# --------------------------------------------------------------------------- editions


def clean_line(text: str, option: str) -> str:
    """``text`` as one line of printable text, or a ParamsError naming ``option``.

    No control or format characters (newlines, ESC, bidi overrides, zero-width
    marks), at most :data:`MAX_LINE` characters, no e-mail address, phone number
    or NIK (published files carry no personal data).
    """
    from crmlib.data.pii import mask_text

    text = text.strip()
    bad = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in _NOT_IN_A_LINE})
    if bad:
        raise ParamsError(
            f"{option} harus satu baris teks biasa: ditemukan karakter kendali/tak terlihat "
            f"{', '.join(bad[:5])} (baris baru, ESC, pengatur arah teks, dll.)."
        )
    if len(text) > MAX_LINE:
        raise ParamsError(
            f"{option} terlalu panjang: {len(text)} karakter (paling banyak {MAX_LINE})."
        )
    _, found = mask_text(text)
    if found:
        raise ParamsError(
            f"{option} memuat data pribadi ({', '.join(sorted(found))}); "
            "tulis nama atau jabatan saja: berkas terbit tidak memuat data pribadi."
        )
    return text


@dataclass
class Edition:
    """A final edition about to be made (finalize: edition 1; revise: the next one).

    ``alasan`` is the analyst's reason for a revision: plain text, escaped
    wherever it reaches a document. ``waktu`` (Jakarta time) is the only time the
    edition's documents show besides the data's ``per_tanggal``; it is kept with the
    edition's inputs so that building it again shows the same. ``perubahan`` lists
    the uncommitted changes the finalizer allowed (``--izinkan-perubahan``).
    ``edisi_hilang``: earlier editions declared lost when this one was made
    (``--abaikan-edisi-hilang``).
    """

    periode: str
    edisi: int
    oleh: str
    alasan: str | None = None
    tanggal: dt.date = field(default_factory=lambda: _now_wib().date())
    waktu: str = field(default_factory=lambda: _now_wib().isoformat())
    perubahan: list[str] = field(default_factory=list)
    edisi_hilang: list[int] = field(default_factory=list)

    @property
    def menggantikan(self) -> int | None:
        """The edition this one replaces."""
        return self.edisi - 1 if self.edisi > 1 else None

    def revision_line(self) -> str | None:
        """``Revisi ke-1, 28 November 2026: <alasan>`` (plain text), or ``None`` for edition 1."""
        if self.menggantikan is None:
            return None
        return f"Revisi ke-{self.edisi - 1}, {tanggal_label(self.tanggal)}: {self.alasan}"

    def status_line(self) -> str:
        """``Edisi final 1, difinalkan 7 Desember 2026 pukul 00.43 WIB.`` (plain text)."""
        from crmlib.report.fmt import format_waktu_wib

        return f"Edisi final {self.edisi}, difinalkan {format_waktu_wib(self.waktu)}."

    def front_matter(self) -> dict[str, Any]:
        """Front-matter keys of a final edition: no DRAF mark, PDF/A with attachments."""
        meta: dict[str, Any] = {"draf": False, "lampiran": True, PDF_STANDARD_KEY: PDF_STANDARD}
        # What the edition is, known when it is made; whether it was replaced later is
        # said by the status page beside it (``status.html``, written at archive time).
        meta["status-edisi"] = teks_data(self.status_line())
        line = self.revision_line()
        if line:
            meta["revisi"] = teks_data(line)  # analyst text is never markup
        return meta

    def provenance(self) -> dict[str, Any]:
        """Keys added to ``metrics.json``'s ``provenance``."""
        out: dict[str, Any] = {
            "edisi": self.edisi,
            "menggantikan": self.menggantikan,
            "difinalkan_pada": self.waktu,
        }
        if self.alasan:
            out["alasan_revisi"] = self.alasan
        return out


def finalizer_name(root: Path, oleh: str | None) -> str:
    """Who finalizes: ``--oleh``, else ``edisi.difinalkan_oleh`` of ``params/_default.yaml``.

    A role ("Kasubbag Pelayanan Publik") rather than a person; never git's
    identity, whose e-mail would end up in published files.
    """
    from crmlib.data.params import load_defaults
    from crmlib.project import Project

    if oleh is None or not oleh.strip():
        oleh = (load_defaults(Project(root).params_dir).get("edisi") or {}).get("difinalkan_oleh")
    if not oleh or not str(oleh).strip():
        raise ParamsError(
            'Siapa yang memfinalkan belum diketahui: beri --oleh "Jabatan" (mis. --oleh '
            '"Kasubbag Pelayanan Publik") atau isi edisi.difinalkan_oleh di params/_default.yaml.'
        )
    return clean_line(str(oleh), "--oleh")


def new_edition(
    root: Path,
    output_dir: Path,
    periode: str,
    oleh: str | None,
    alasan: str | None,
    abaikan_hilang: bool = False,
) -> Edition:
    """The edition ``finalize`` (``alasan`` None) or ``revise`` (``alasan`` given) makes.

    Raises
    ------
    ParamsError
        Finalizing a month that is (or was) final, revising a draft, an empty or
        malformed reason or name, or final editions missing from the store
        (unless ``abaikan_hilang`` on a revision).
    """
    known = known_editions(root, output_dir, periode)
    if known.hilang and not (abaikan_hilang and alasan is not None):
        raise ParamsError(lost_message(periode, known))
    current = known.tertinggi
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
    return Edition(
        periode,
        current + 1,
        finalizer_name(root, oleh),
        clean_line(alasan, "--alasan"),
        edisi_hilang=known.hilang,
    )


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


def copy_file(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``; a full disk names ``target``, the file being written."""
    with StorageError.writing(target):
        shutil.copyfile(source, target)


# --------------------------------------------------------------------------- the manifest


def bound_part(manifest: dict[str, Any]) -> dict[str, Any]:
    """What a signature binds: the whole manifest but the PDF's own hash and the signature.

    Whatever keys the manifest has (inputs, period, edition, reason, and any key
    added later) are covered; only what the signature itself changes is left out.
    """
    part = {k: v for k, v in manifest.items() if k != SIGNATURE_KEY}
    part["berkas"] = {k: v for k, v in (manifest.get("berkas") or {}).items() if k != "laporan.pdf"}
    return part


def manifest_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 of :func:`bound_part` as canonical JSON (sorted keys, no spaces)."""
    text = json.dumps(
        bound_part(manifest), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """The manifest as stored: indented JSON, UTF-8, one trailing newline."""
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def build_manifest(root: Path, edition: Edition, folder: Path) -> dict[str, Any]:
    """The manifest of the edition files in ``folder`` (the PDF as it is now, unsigned)."""
    prov = {}
    if (folder / "metrics.json").is_file():  # a month's; the annual edition records its months
        prov = json.loads((folder / "metrics.json").read_text(encoding="utf-8")).get("provenance")
        prov = prov or {}
    manifest = {
        "periode": edition.periode,
        "edisi": edition.edisi,
        "menggantikan": edition.menggantikan,
        "alasan": edition.alasan,
        "difinalkan_oleh": edition.oleh,
        "difinalkan_pada": edition.waktu,
        "berkas": {name: sha256(folder / name) for name in files_of(edition.periode)},
        "input": prov.get("input") or prov.get("input_sha256"),
        "crmlib_version": __version__,
        "git_commit": git_commit_full(root),
        "pdf_standar": pdf_standard(folder / "laporan.pdf"),
        SIGNATURE_KEY: None,
    }
    if edition.edisi_hilang:
        manifest["edisi_hilang"] = list(edition.edisi_hilang)
    return manifest


def published_matches_store(
    root: Path, output_dir: Path, periode: str, roots: list | None = None
) -> bool:
    """True when ``output/<periode>/`` holds exactly the store's editions, byte for byte.

    With ``roots``, its edition list must also have been judged against that root
    store (a changed trust configuration republishes the month's signature lines).
    """
    numbers = complete_editions(root, periode)
    month_dir = output_dir / periode
    if not numbers or not month_dir.is_dir():
        return False
    try:
        for n in numbers:
            dest = month_dir if n == numbers[-1] else month_dir / f"edisi-{n}"
            expected = read_manifest(root, periode, n)["berkas"]
            if any(sha256(dest / name) != h for name, h in expected.items()):
                return False
            stored = edition_dir(root, periode, n) / MANIFEST
            if (dest / MANIFEST).read_bytes() != stored.read_bytes():
                return False
        listed = json.loads((month_dir / EDITIONS_FILE).read_text(encoding="utf-8"))
        if roots is not None:
            from crmlib.publish.tandatangan import roots_digest

            if listed.get("akar_sha256") != roots_digest(roots):
                return False
        return [e["edisi"] for e in listed["edisi"]] == numbers
    except (OSError, ValueError, KeyError):
        return False


__all__ = [
    "EDITIONS_FILE",
    "FILES",
    "YEAR_FILES",
    "MANIFEST",
    "STATUS_PAGE",
    "STORE_DIR",
    "Edition",
    "KnownEditions",
    "bound_part",
    "clean_line",
    "complete_editions",
    "current_edition",
    "edition_dir",
    "edition_numbers",
    "files_of",
    "is_year",
    "known_editions",
    "lost_message",
    "manifest_digest",
    "month_store",
    "new_edition",
    "pdf_standard",
    "periode_label",
    "published_matches_store",
    "read_manifest",
    "sha256",
    "write_manifest",
]
