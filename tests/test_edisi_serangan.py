"""Attacks on final editions, as someone who can commit to ``terbitan/`` would make them.

Each attack is its own test. Each must make ``verify`` exit non-zero, or
``finalize`` refuse, with a message naming the problem, and none may make the
archive claim an intact signature. The attacker always updates the manifest's
hashes to match what they changed, and the archive is rebuilt with ``build``.

The projects come from :mod:`fixtures_edisi`: 2022-06 signed edition 1 (the test
CA trusted), and its revision, unsigned edition 2, both committed to git. Nothing
here renders a report: attacks that reach ``finalize`` are refused before it
renders.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fixtures_edisi import (
    GIT_EMAIL,
    PENANDATANGAN,
    SANDI,
    commit_all,
    copy_of,
    finalized_project,
    revised_project,
    run_cli,
    tte_certificates,
)

from crmlib.publish.edisi import manifest_digest, new_edition, read_manifest, write_manifest

pytestmark = pytest.mark.e2e

STORE = Path("terbitan") / "2022-06"


# Someone finalizing 2022-06 once more (the test projects run crmlib from outside them).
FINALIZE_AGAIN = [
    "finalize",
    "2022-06",
    "--oleh",
    "Orang Lain",
    "--renderer",
    "embedded",
    "--izinkan-perubahan",
]


@pytest.fixture
def signed(tmp_path_factory, tmp_path):
    """A copy of the project whose 2022-06 edition 1 is signed (current edition)."""
    return copy_of(finalized_project(tmp_path_factory), tmp_path / "proj")


@pytest.fixture
def unsigned(tmp_path_factory, tmp_path):
    """A copy of the project whose 2022-06 edition 2 is unsigned (current edition)."""
    return copy_of(revised_project(tmp_path_factory), tmp_path / "proj")


def rehash(root: Path, edisi: int, *names: str) -> dict:
    """The attacker's step: the manifest's hashes made to match the changed files."""
    folder = root / STORE / f"edisi-{edisi}"
    manifest = read_manifest(root, "2022-06", edisi)
    for name in names:
        manifest["berkas"][name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    write_manifest(folder / "manifest.json", manifest)
    return manifest


def verify(root: Path) -> tuple[int, str]:
    rc, out, err = run_cli(["verify", "2022-06"], root)
    return rc, out + err


def archive_card(root: Path) -> str:
    """``build`` (republishes 2022-06 from the store), then 2022-06's card text on the archive."""
    rc, out, err = run_cli(["build", "2022-06", "--renderer", "embedded"], root)
    assert rc == 0, out + err
    html = (root / "output" / "index.html").read_text(encoding="utf-8")
    card = re.search(r'id="bulan-2022-06".*?<div class="edisi">(.*?)</div>', html, re.S)
    assert card, "2022-06 has no card on the archive"
    return re.sub(r"<[^>]+>", "", card.group(1))


def assert_refused(root: Path, *problems: str) -> None:
    """``verify`` fails naming each problem; the archive claims no intact signature."""
    rc, out = verify(root)
    assert rc == 1 and "ADA YANG TIDAK COCOK" in out, out
    for problem in problems:
        assert problem in out, (problem, out)
    card = archive_card(root)
    assert "tanda tangan utuh" not in card, card
    assert "tidak lolos pemeriksaan" in card, card


# ------------------------------------------------------------------ 1. changed after signing


def test_incremental_update_painting_999_on_page_8_fails(signed):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import TextStamp, TextStampStyle

    pdf = signed / STORE / "edisi-1" / "laporan.pdf"
    with open(pdf, "rb") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        TextStamp(writer, TextStampStyle(stamp_text="Jumlah 999", border_width=0)).apply(
            7, 100, 400
        )
        out = io.BytesIO()
        writer.write(out)
    pdf.write_bytes(out.getvalue())
    rehash(signed, 1, "laporan.pdf")
    assert_refused(signed, "ada pembaruan inkremental setelah tanda tangan")


def test_bytes_after_eof_fail(signed):
    pdf = signed / STORE / "edisi-1" / "laporan.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n% Jumlah 999\n")
    rehash(signed, 1, "laporan.pdf")
    assert_refused(signed, "ada bait tambahan setelah bagian yang ditandatangani")


# ------------------------------------------------------------------ 2. a forger's second signature


def test_second_signature_by_a_same_name_certificate_fails(signed, tmp_path_factory):
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    tte = tte_certificates(tmp_path_factory)
    forger = signers.SimpleSigner.load_pkcs12(str(tte.p12("palsu")), passphrase=SANDI.encode())
    pdf = signed / STORE / "edisi-1" / "laporan.pdf"
    meta = signers.PdfSignatureMetadata(
        field_name="TandaTangan2", subfilter=fields.SigSeedSubFilter.PADES, reason="disetujui"
    )
    with open(pdf, "rb") as fh:
        out = io.BytesIO()
        signers.sign_pdf(IncrementalPdfFileWriter(fh), meta, signer=forger, output=out)
    pdf.write_bytes(out.getvalue())
    manifest = rehash(signed, 1, "laporan.pdf")
    manifest["tanda_tangan"]["sertifikat_sha256"] = forger.signing_cert.sha256.hex()
    write_manifest(pdf.parent / "manifest.json", manifest)
    assert_refused(signed, "PDF memuat 2 tanda tangan")


# ------------------------------------------------------------------ 3. certificates that may not sign


def _resign_with(root: Path, cert: Path) -> None:
    """The attacker signs the unsigned edition 2 with ``cert``, binding its manifest properly."""
    from pyhanko.sign import signers

    from crmlib.publish import tandatangan

    folder = root / STORE / "edisi-2"
    manifest = read_manifest(root, "2022-06", 2)
    # crmlib refuses such a certificate (load_signer): the attacker opens it with pyHanko.
    signer = signers.SimpleSigner.load_pkcs12(str(cert), passphrase=SANDI.encode())
    reason = tandatangan.binding_reason("Juni 2022", 2, manifest_digest(manifest))
    signature = tandatangan.sign_pdf(folder / "laporan.pdf", signer, reason)
    manifest = rehash(root, 2, "laporan.pdf")
    manifest["tanda_tangan"] = {**signature, "manifest_sha256": manifest_digest(manifest)}
    write_manifest(folder / "manifest.json", manifest)


def _finalize_refuses(root: Path, cert: Path, monkeypatch, *why: str) -> None:
    monkeypatch.setenv("CRM_TTE_SANDI", SANDI)
    args = [
        "finalize",
        "2022-05",
        "--oleh",
        "Kasubbag Uji",
        "--tandatangan",
        str(cert),
        "--izinkan-perubahan",
    ]
    rc, out, err = run_cli([*args, "--renderer", "embedded"], root)
    assert rc == 1, out + err
    assert "tidak dipakai" in err and "Tidak ada yang ditandatangani" in err
    for text in why:
        assert text in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (root / "terbitan" / "2022-05").exists()


def _refused_certificate(root: Path, tmp_path_factory, monkeypatch, name: str, *why: str) -> None:
    """``finalize`` refuses the certificate (saying why); a PDF signed with it fails ``verify``."""
    cert = tte_certificates(tmp_path_factory).p12(name)
    _finalize_refuses(root, cert, monkeypatch, *why)
    _resign_with(root, cert)
    assert_refused(root, f"sertifikat {why[0]}")


def test_expired_certificate_is_refused_by_finalize_and_verify(
    unsigned, tmp_path_factory, monkeypatch
):
    why = ("sudah kedaluwarsa pada waktu penandatanganan", "2021")
    _refused_certificate(unsigned, tmp_path_factory, monkeypatch, "kedaluwarsa", *why)


def test_not_yet_valid_certificate_is_refused_by_finalize_and_verify(
    unsigned, tmp_path_factory, monkeypatch
):
    why = ("belum berlaku pada waktu penandatanganan", "2036")
    _refused_certificate(unsigned, tmp_path_factory, monkeypatch, "belum_berlaku", *why)


def test_non_signing_certificate_is_refused_by_finalize_and_verify(
    unsigned, tmp_path_factory, monkeypatch
):
    why = ("tidak untuk tanda tangan", "key_encipherment")
    _refused_certificate(unsigned, tmp_path_factory, monkeypatch, "bukan_tanda_tangan", *why)


# ------------------------------------------------------------------ 4. the files beside the PDF


def _set_total(folder: Path, total: int) -> None:
    metrics = folder / "metrics.json"
    data = json.loads(metrics.read_text(encoding="utf-8"))
    before = data["total_laporan"]
    data["total_laporan"] = total
    metrics.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    html = folder / "laporan.html"
    text = html.read_text(encoding="utf-8")
    assert f">{before}<" in text
    html.write_text(text.replace(f">{before}<", f">{total}<"), encoding="utf-8")


def test_edited_metrics_and_manifest_of_a_signed_final_fail(signed):
    _set_total(signed / STORE / "edisi-1", 999)
    rehash(signed, 1, "metrics.json", "laporan.html")
    assert_refused(
        signed,
        "metrics.json berbeda dari lampiran metrics.json di dalam laporan.pdf",
        "manifest berbeda dari yang diikat tanda tangan",
        "berbeda dari commit",
    )


def test_edited_metrics_and_manifest_of_an_unsigned_final_fail_even_when_committed(unsigned):
    _set_total(unsigned / STORE / "edisi-2", 999)
    rehash(unsigned, 2, "metrics.json", "laporan.html")
    commit_all(unsigned, "koreksi kecil")  # committed: git still has the edition as first added
    assert_refused(
        unsigned,
        "metrics.json berbeda dari lampiran metrics.json di dalam laporan.pdf",
        "berbeda dari commit",
        "laporan.html, manifest.json, metrics.json",
    )


def test_draft_pdf_swapped_into_an_unsigned_final_fails(unsigned):
    draft = unsigned / "output" / "2022-05" / "laporan.pdf"
    shutil.copyfile(draft, unsigned / STORE / "edisi-2" / "laporan.pdf")
    rehash(unsigned, 2, "laporan.pdf")
    assert_refused(
        unsigned,
        "laporan.pdf bukan PDF/A",
        "laporan.pdf adalah DRAF",
        "bukan periode Juni 2022",
        "laporan.pdf tidak melampirkan metrics.json",
    )


def test_forged_signature_claim_in_a_manifest_fails(unsigned):
    folder = unsigned / STORE / "edisi-2"
    manifest = read_manifest(unsigned, "2022-06", 2)
    manifest["tanda_tangan"] = {"penandatangan": PENANDATANGAN, "utuh": True}
    write_manifest(folder / "manifest.json", manifest)
    assert_refused(
        unsigned, "manifest mencatat tanda tangan, tetapi laporan.pdf tidak ditandatangani"
    )
    card = archive_card(unsigned)
    assert "ditandatangani" not in card.replace("tidak ditandatangani", "")


# ------------------------------------------------------------------ 6. the store deleted


def test_store_deleted_then_refinalized_is_refused(signed, monkeypatch):
    final_pdf = (signed / "output" / "2022-06" / "laporan.pdf").read_bytes()
    shutil.rmtree(signed / STORE)
    rc, out, err = run_cli(["status", "--renderer", "embedded"], signed)
    assert re.search(r"2022-06\s+perlu dipulihkan\s+final, EDISI HILANG", out), out
    assert "git checkout -- terbitan/2022-06" in out
    rc, out = verify(signed)
    assert rc == 1 and "edisi 1 tidak ada (utuh) di terbitan/2022-06/" in out, out
    rc, out, err = run_cli(FINALIZE_AGAIN, signed)
    assert rc == 2 and "sudah final, tetapi edisi 1 tidak ada" in err, out + err
    # build refuses the month too, and never turns the published final into a draft.
    rc, out, err = run_cli(["build", "2022-06", "--renderer", "embedded"], signed)
    assert rc == 1 and "sudah final, tetapi edisi 1 tidak ada" in out + err, out + err
    assert (signed / "output" / "2022-06" / "laporan.pdf").read_bytes() == final_pdf
    assert not (signed / STORE).exists()


def test_store_deleted_in_git_and_output_gone_is_still_known(signed):
    """A fresh clone after the deletion was committed: git's history remembers edition 1."""
    shutil.rmtree(signed / STORE)
    commit_all(signed, "hapus")
    shutil.rmtree(signed / "output")
    rc, out, err = run_cli(FINALIZE_AGAIN, signed)
    assert rc == 2 and "tercatat di riwayat git" in err, err
    # The documented override makes the next number, never a second edition 1.
    edition = new_edition(signed, signed / "output", "2022-06", "Kasubbag Uji", "Hilang", True)
    assert (edition.edisi, edition.edisi_hilang) == (2, [1])


def test_store_deleted_without_git_is_known_from_output(signed):
    shutil.rmtree(signed / ".git")
    shutil.rmtree(signed / STORE)
    rc, out, err = run_cli(
        ["finalize", "2022-06", "--oleh", "Lain", "--renderer", "embedded", "--izinkan-perubahan"],
        signed,
    )
    assert rc == 2 and "tercatat di output/2022-06" in err, err


# ------------------------------------------------------------------ 7. personal data


_ABSOLUTE = re.compile(r"(?<![\w.:/])/(?:home|tmp|root|Users|work|var|usr|opt|mnt|srv)/")


def _texts(path: Path) -> list[str]:
    """A file's text as a reader finds it: plain, inside zip members, inside PDF streams."""
    data = path.read_bytes()
    texts = [data.decode("latin-1")]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            texts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        texts += [page.extract_text() for page in reader.pages]
        texts += [str(reader.metadata)]
        texts += [b.decode("utf-8", "replace") for v in reader.attachments.values() for b in v]
    return texts


def test_no_email_or_absolute_path_in_published_or_stored_files(tmp_path_factory):
    """Finalized without --oleh by a git identity with an e-mail, under a home-like path."""
    root = revised_project(tmp_path_factory)
    found, seen = [], set()
    for path in sorted([*(root / "output").rglob("*"), *(root / "terbitan").rglob("*")]):
        if not path.is_file():
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        for text in _texts(path):
            for needle in (GIT_EMAIL, "budi.pribadi", str(root), "@gmail"):
                if needle in text:
                    found.append(f"{path.relative_to(root)}: {needle}")
            if _ABSOLUTE.search(text):
                found.append(f"{path.relative_to(root)}: {_ABSOLUTE.search(text).group(0)}")
    assert sorted(set(found)) == []
    assert len(seen) > 20  # every kind of file was read (drafts, finals, archive pages)


# ------------------------------------------------------------------ 8. what finalize accepts


@pytest.mark.parametrize(
    ("option", "value", "why"),
    [
        ("--alasan", "Koreksi\nRevisi ke-9, 1 Januari 2030: DISETUJUI WALIKOTA", "satu baris"),
        ("--alasan", "Koreksi \x1b[31mmerah", "U+001B"),
        ("--alasan", "Koreksi \u202eATIKOLAW", "U+202E"),
        ("--alasan", "x" * 301, "terlalu panjang: 301 karakter"),
        ("--oleh", "Budi <budi.pribadi@gmail.com>", "data pribadi (email)"),
        ("--oleh", "Kasubbag\u2066 Uji", "U+2066"),
    ],
)
def test_reason_and_name_are_one_line_of_plain_text(unsigned, option, value, why):
    args = [
        "revise",
        "2022-06",
        "--alasan",
        "Koreksi data",
        "--oleh",
        "Kasubbag Uji",
        "--izinkan-perubahan",
    ]
    args[args.index(option) + 1] = value
    rc, out, err = run_cli([*args, "--renderer", "embedded"], unsigned)
    assert rc == 2 and why in err and option in err, err
    assert not (unsigned / STORE / "edisi-3").exists()
