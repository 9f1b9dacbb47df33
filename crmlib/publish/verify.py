"""``verify``: check a final edition against everything an attacker could not rewrite.

Per edition (:func:`check_edition`):

- every file against the manifest's SHA-256;
- the PDF itself: PDF/A identification, the period in its title, no DRAF
  keyword, its attached ``metrics.json``/``tabel.xlsx`` byte for byte equal to the
  stored files, the stored ``metrics.json`` of this period and edition, the HTML
  without the draft banner;
- a signed PDF (:func:`crmlib.publish.tandatangan.check_pdf_signatures`): one
  signature, intact, covering the whole file, certificate valid at signing time
  and allowed to sign, binding exactly this manifest, made with the certificate
  the manifest records; trusted when it chains to the configured root store
  (required once a root store is configured);
- git: the edition folder equals what the commit that first added it recorded.
  An unsigned edition rests on this alone, so one that git never recorded fails.

:func:`verify_month` adds what the month as a whole must satisfy: no final
edition missing from the store, and ``output/<periode>/`` equal to the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmlib.errors import EditionError
from crmlib.publish import history, tandatangan
from crmlib.publish.edisi import (
    MANIFEST,
    SIGNATURE_KEY,
    STORE_DIR,
    edition_dir,
    files_of,
    is_year,
    known_editions,
    lost_message,
    manifest_digest,
    month_store,
    periode_label,
    published_matches_store,
    sha256,
)
from crmlib.publish.pdfa import pdf_standard, pdfa_problem
from crmlib.publish.pdfinfo import DRAFT_KEYWORD, read_pdf_facts

ATTACHED = ("metrics.json", "tabel.xlsx")
_DRAFT_BANNER = 'class="draf"'


def configured_roots(root: Path, override: Path | None = None, validate: bool = True) -> list:
    """The trusted roots: ``override`` (``verify --akar``), else ``edisi.akar_terpercaya``.

    ``validate=False`` reads ``_default.yaml`` as written, without the params schema
    (``status``: a no-change path that imports no pydantic; build and verify report a
    broken setting).
    """
    if override is None:
        from crmlib.data.params import DEFAULT_FILE, load_defaults, read_raw
        from crmlib.project import Project

        params_dir = Project(root).params_dir
        defaults = load_defaults(params_dir) if validate else read_raw(params_dir / DEFAULT_FILE)
        edisi_block = defaults.get("edisi") if isinstance(defaults, dict) else None
        value = edisi_block.get("akar_terpercaya") if isinstance(edisi_block, dict) else None
        override = Path(root) / str(value) if value else None
    return tandatangan.load_trust_roots(override)


@dataclass
class EditionCheck:
    """One edition's findings: report lines, and the problems (empty: it verifies)."""

    edisi: int
    lines: list[str] = field(default_factory=list)
    masalah: list[str] = field(default_factory=list)
    signature: tandatangan.SignatureCheck | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    # The signature's verdicts, each on its own: utuh (intact, whole file, binds this
    # manifest), sah (certificate valid at signing time, for signing), terpercaya,
    # sesuai_catatan (the certificate the manifest records). None: not signed.
    tanda_tangan: dict[str, bool] | None = None

    @property
    def ok(self) -> bool:
        return not self.masalah

    def problem(self, text: str) -> None:
        self.masalah.append(text)
        self.lines.append(f"  MASALAH: {text}")


def check_edition(
    folder: Path,
    periode: str,
    n: int,
    roots: list,
    *,
    git_root: Path | None = None,
) -> EditionCheck:
    """Check one edition folder (stored, or prepared before it is stored).

    ``git_root``: also compare with the commit that added the edition (None: a
    prepared edition, not committed yet).
    """
    check = EditionCheck(n, [f"Edisi {n} ({_shown(folder, git_root)}):"])
    try:
        check.manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        check.problem(f"{MANIFEST} tidak terbaca ({type(e).__name__})")
        return check
    _check_identity(check, periode, n)
    _check_hashes(check, folder, periode)
    _check_pdf(check, folder, periode, n)
    _check_signature(check, folder, roots)
    if git_root is not None:
        _check_git(check, folder, git_root)
    return check


def _shown(folder: Path, root: Path | None) -> str:
    try:
        return folder.relative_to(root).as_posix() if root else folder.name
    except ValueError:
        return str(folder)


def _check_identity(check: EditionCheck, periode: str, n: int) -> None:
    m = check.manifest
    if m.get("periode") != periode or m.get("edisi") != n:
        check.problem(
            f"manifest menyebut periode {m.get('periode')} edisi {m.get('edisi')}, "
            f"padahal foldernya {periode} edisi {n}"
        )


def _check_hashes(check: EditionCheck, folder: Path, periode: str) -> None:
    listed = check.manifest.get("berkas") or {}
    for name in files_of(periode):
        if name not in listed:
            check.problem(f"{name} tidak tercatat di manifest")
    for name, expected in listed.items():
        try:
            actual = sha256(folder / name)
        except OSError:
            check.problem(f"{name}: HILANG")
            continue
        if actual == expected:
            check.lines.append(f"  {name}: cocok (sha256 {actual[:16]})")
        else:
            check.problem(f"{name}: TIDAK COCOK dengan manifest (sha256 {actual[:16]})")


def _check_pdf(check: EditionCheck, folder: Path, periode: str, n: int) -> None:
    """What the PDF says about itself, and the files it carries, against the stored ones."""
    label = periode_label(periode)
    # A month's PDF carries its figures; the annual report has no metrics.json of its own.
    attached = () if is_year(periode) else ATTACHED
    before = len(check.masalah)
    facts = read_pdf_facts(folder / "laporan.pdf")
    if facts.error:
        check.problem(f"laporan.pdf tidak terbaca sebagai PDF ({facts.error})")
        return
    problem = pdfa_problem(folder / "laporan.pdf")  # what the PDF declares, not the manifest
    if problem:
        check.problem(f"PDF/A: TIDAK SESUAI: {problem}")
    if DRAFT_KEYWORD in facts.keywords.split(","):
        check.problem("laporan.pdf adalah DRAF (bertanda DRAF), bukan edisi final")
    if label not in facts.title:
        check.problem(f"judul laporan.pdf ({facts.title!r}) bukan periode {label}")
    for name in attached:
        inside = facts.attachments.get(name)
        if inside is None:
            check.problem(f"laporan.pdf tidak melampirkan {name}")
        elif not (folder / name).is_file() or inside != (folder / name).read_bytes():
            check.problem(f"{name} berbeda dari lampiran {name} di dalam laporan.pdf")
    if not is_year(periode):
        _check_metrics(check, folder, periode, n)
    try:
        if _DRAFT_BANNER in (folder / "laporan.html").read_text(encoding="utf-8"):
            check.problem("laporan.html memuat tanda DRAF")
    except OSError:
        pass  # reported as missing by the hash check
    if len(check.masalah) == before:
        carried = f", lampiran {' dan '.join(attached)} sama dengan berkasnya" if attached else ""
        check.lines.append(
            f"  laporan.pdf: {pdf_standard(folder / 'laporan.pdf')}, periode {label}, "
            f"tanpa tanda DRAF{carried}"
        )


def _check_metrics(check: EditionCheck, folder: Path, periode: str, n: int) -> None:
    try:
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # reported by the hash check
    edisi = (metrics.get("provenance") or {}).get("edisi")
    if metrics.get("periode") != periode or edisi != n:
        check.problem(
            f"metrics.json untuk periode {metrics.get('periode')} edisi {edisi}, bukan "
            f"{periode} edisi {n}"
        )


def _check_signature(check: EditionCheck, folder: Path, roots: list) -> None:
    recorded = check.manifest.get(SIGNATURE_KEY)
    sig = tandatangan.check_pdf_signatures(folder / "laporan.pdf", roots)
    check.signature = sig
    if sig is None:
        if recorded:
            check.problem("manifest mencatat tanda tangan, tetapi laporan.pdf tidak ditandatangani")
        else:
            check.lines.append(
                "  tanda tangan: tidak ditandatangani (keutuhan edisi ini bersandar pada "
                "riwayat git)"
            )
        return
    for problem in sig.masalah:
        check.problem(problem)
    check.tanda_tangan = {"utuh": False, "sah": False, "terpercaya": False, "sesuai_catatan": False}
    if sig.jumlah < 0:
        return
    from crmlib.report.fmt import format_tanggal_waktu

    when = f"{format_tanggal_waktu(sig.waktu)} UTC" if sig.waktu else "waktu tidak diketahui"
    binds = sig.manifest_sha256 == manifest_digest(check.manifest)
    if not binds:
        check.problem(
            "manifest berbeda dari yang diikat tanda tangan (berkas, masukan, periode, edisi "
            "atau alasan diubah setelah ditandatangani)"
        )
    elif sig.utuh:
        check.lines.append(
            f"  tanda tangan {sig.penandatangan} ({when}): utuh, mengikat manifest ini"
        )
    check.tanda_tangan.update(utuh=sig.utuh and binds, sah=sig.sah, terpercaya=sig.terpercaya)
    if sig.sah:
        check.lines.append("  sertifikat: sah saat penandatanganan dan untuk tanda tangan")
    if sig.terpercaya:
        check.lines.append(f"  sertifikat terpercaya ({tandatangan.roots_label(roots)})")
    elif roots:
        check.problem(f"sertifikat tidak terpercaya: {sig.kepercayaan}")
    else:
        check.lines.append(f"  sertifikat tidak terpercaya: {sig.kepercayaan}")
    _check_recorded_signer(check, recorded, sig)


def _check_recorded_signer(check: EditionCheck, recorded: Any, sig) -> None:
    expected = (recorded or {}).get("sertifikat_sha256") if isinstance(recorded, dict) else None
    if expected is None:
        check.problem("manifest tidak mencatat sertifikat penanda tangan (sertifikat_sha256)")
    elif expected != sig.sertifikat_sha256:
        check.problem(
            f"penanda tangan TIDAK sesuai catatan: sertifikat {sig.sertifikat_sha256[:16]}, "
            f"manifest mencatat {expected[:16]}"
        )
    else:
        check.lines.append(f"  penanda tangan sesuai catatan (sertifikat {expected[:16]})")
        check.tanda_tangan["sesuai_catatan"] = True


def _check_git(check: EditionCheck, folder: Path, root: Path) -> None:
    """The folder against the commit that first added it."""
    signed = check.signature is not None
    if not history.is_checkout(root):
        if signed:
            check.lines.append(
                "  riwayat git: proyek bukan repositori git (keutuhan dari tanda tangan)"
            )
        else:
            check.problem(
                "proyek bukan repositori git: edisi tanpa tanda tangan tidak dapat diperiksa"
            )
        return
    recorded = history.recorded_edition(root, folder)
    if recorded is None:
        note = f"belum tercatat di git: git add {STORE_DIR}/{folder.parent.name} && git commit"
        if signed:
            check.lines.append(f"  riwayat git: {note}")
        else:
            check.problem(f"edisi tanpa tanda tangan {note}")
        return
    now = history.blob_ids(root, folder)
    changed = sorted(
        n for n in set(recorded.blobs) | set(now) if recorded.blobs.get(n) != now.get(n)
    )
    if changed:
        check.problem(
            f"berbeda dari commit {recorded.commit[:10]} yang menambahkan edisi ini: "
            f"{', '.join(changed)}"
        )
    else:
        check.lines.append(
            f"  riwayat git: sama dengan commit {recorded.commit[:10]} yang menambahkannya"
        )


def verify_month(
    root: Path, output_dir: Path, periode: str, roots: list | None = None
) -> tuple[list[str], bool]:
    """Check every stored edition of a month, the store's completeness and ``output/``.

    Returns
    -------
    (list of str, bool)
        Report lines (Indonesian) and whether everything verified.

    Raises
    ------
    EditionError
        When the month has no final edition and none is known to be missing.
    """
    roots = configured_roots(root) if roots is None else roots
    known = known_editions(root, output_dir, periode)
    if not known.tersimpan and not known.hilang:
        raise EditionError(
            f"{periode} belum final: tidak ada edisi di {month_store(root, periode)}."
        )
    lines = [f"Akar terpercaya: {tandatangan.roots_label(roots)}"]
    ok = True
    if known.hilang:
        ok = False
        lines.append(f"MASALAH: {lost_message(periode, known)}")
    for n in known.tersimpan:
        check = check_edition(edition_dir(root, periode, n), periode, n, roots, git_root=root)
        ok &= check.ok
        lines += check.lines
    if published_matches_store(root, output_dir, periode):  # bytes only, whatever the roots
        lines.append(f"output/{periode}: sama persis dengan {STORE_DIR}/")
    else:
        ok = False
        lines.append(
            f"output/{periode}: BERBEDA dari {STORE_DIR}/ (terbitkan ulang: crm-report build {periode})"
        )
    return lines, ok


__all__ = ["EditionCheck", "check_edition", "configured_roots", "verify_month"]
