"""Editions end to end: draft → final → revision, frozen bytes, PDF/A, signature, navigation.

The finalized (signed) and revised projects are made once per run
(:mod:`fixtures_edisi`); each test works on its own copy, or only reads a
fixture that performed one expensive action (a forced rebuild) once. Finals are
always made in a fresh kernel (``finalize`` never uses the warm one). The attacks
on editions are in ``test_edisi_serangan.py``, stops during finalize in
``test_finalize_stop.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from fixtures_built import add_months, built_two_months
from fixtures_edisi import (
    ALASAN,
    PENANDATANGAN,
    PERAN,
    SANDI,
    copy_of,
    finalize_record,
    finalized_project,
    revised_project,
    tte_certificates,
)
from pypdf import PdfReader
from test_build import quarto_on_path  # noqa: F401  (autouse: a failing `quarto` on PATH)

from crmlib.cli.main import main
from crmlib.errors import ParamsError
from crmlib.project import Project
from crmlib.publish import edisi
from crmlib.publish.edisi import FILES, pdf_standard, read_manifest
from crmlib.publish.finalize import finalize
from crmlib.publish.finals import daftar_edisi
from crmlib.publish.tandatangan import check_pdf_signatures, load_trust_roots

pytestmark = pytest.mark.e2e

OLEH = "Analis Uji"
# Some projects here are copies outside git (crmlib runs from the checkout): finalize would refuse.
ALLOW = "--izinkan-perubahan"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def pages_with_draf(pdf: Path) -> list[bool]:
    return ["DRAF" in page.extract_text() for page in PdfReader(pdf).pages]


def run_cli(args: list[str]) -> tuple[int, str]:
    """``crm-report ARGS`` in this process; its exit code and what it printed on stdout."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(args)
    return rc, out.getvalue()


@pytest.fixture(scope="module")
def finalized_template(tmp_path_factory):
    """2022-05 (draft) and 2022-06 (final edition 1, signed by the test CA's certificate)."""
    return finalized_project(tmp_path_factory)


@pytest.fixture
def project(finalized_template, tmp_path, monkeypatch):
    root = copy_of(finalized_template, tmp_path / "proj")
    monkeypatch.chdir(root)
    return root


def assert_matches_manifest(root: Path, folder: Path, periode: str, edisi: int) -> None:
    manifest = read_manifest(root, periode, edisi)
    assert sorted(manifest["berkas"]) == sorted(FILES)
    for name, expected in manifest["berkas"].items():
        assert sha(folder / name) == expected, name


# ------------------------------------------------------------------ the acceptance


@pytest.fixture(scope="module")
def rebuilt_after_edits(finalized_template, tmp_path_factory):
    """Edit the Pendahuluan, a template colour and 2022-05's params; build --all --force.

    Done once: (project, what the build printed, hashes of the final and the draft
    before). Only read it.
    """
    project = tmp_path_factory.mktemp("diubah") / "proj"
    shutil.copytree(finalized_template, project, symlinks=True)
    before = {n: sha(project / "output" / "2022-06" / n) for n in FILES}
    draft_pdf_before = sha(project / "output" / "2022-05" / "laporan.pdf")
    nb = project / "notebooks" / "laporan_bulanan.ipynb"
    text = nb.read_text(encoding="utf-8")
    assert "PENDAHULUAN" in text
    nb.write_text(text.replace("PENDAHULUAN", "PENDAHULUAN (diperbarui)", 1), encoding="utf-8")
    layout = project / "_extensions" / "laporan-crm" / "laporan-layout.typ"
    css = layout.read_text(encoding="utf-8")
    assert "luma(215)" in css
    layout.write_text(css.replace("luma(215)", "luma(200)", 1), encoding="utf-8")
    params = project / "params" / "2022-05.yaml"
    params.write_text(params.read_text() + 'catatan: "Catatan baru."\n', encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        rc, out = run_cli(["build", "--all", "--force", "--renderer", "embedded", "-j", "1"])
    assert rc == 0, out
    return project, out, before, draft_pdf_before


def test_final_month_survives_text_template_change_and_forced_build(rebuilt_after_edits):
    """Finalize 2022-06, edit the Pendahuluan and a template colour, build --all --force."""
    project, out, before, draft_pdf_before = rebuilt_after_edits
    store = project / "terbitan" / "2022-06" / "edisi-1"

    # The final month: byte-identical to its manifest and to before; not rebuilt.
    assert_matches_manifest(project, project / "output" / "2022-06", "2022-06", 1)
    assert_matches_manifest(project, store, "2022-06", 1)
    assert {n: sha(project / "output" / "2022-06" / n) for n in FILES} == before
    assert "final edisi 1, tidak dibangun ulang" in out
    assert "crm-report revise 2022-06" in out
    # --all builds the year's annual report too (from the final and the rebuilt draft).
    assert "Laporan tahunan 2022: dibangun" in out
    # The draft: rebuilt, and says why (terminal and build.log).
    assert sha(project / "output" / "2022-05" / "laporan.pdf") != draft_pdf_before
    log = (project / "output" / "2022-05" / "build.log").read_text(encoding="utf-8")
    for reason in ("dipaksa (--force)", "notebook berubah", "templat berubah"):
        assert reason in out
        assert reason in log
    # DRAF on every page of the draft, nowhere in the final; the same for the HTML banner.
    assert all(pages_with_draf(project / "output" / "2022-05" / "laporan.pdf"))
    assert not any(pages_with_draf(project / "output" / "2022-06" / "laporan.pdf"))
    assert 'class="draf"' in (project / "output" / "2022-05" / "laporan.html").read_text()
    assert 'class="draf"' not in (project / "output" / "2022-06" / "laporan.html").read_text()


def test_fresh_clone_republishes_finals_byte_identical(project, capsys):
    """A clone has terbitan/ but no output/: build --all reproduces the final from the store."""
    shutil.rmtree(project / "output")
    assert main(["build", "--all", "--renderer", "embedded", "-j", "1"]) == 0
    assert_matches_manifest(project, project / "output" / "2022-06", "2022-06", 1)
    assert "diterbitkan ulang dari terbitan/" in capsys.readouterr().out
    assert (project / "output" / "2022-05" / "laporan.pdf").is_file()


def test_params_change_names_the_keys(rebuilt_after_edits, monkeypatch, capsys):
    """2022-05's params got a ``catatan``: the rebuild names that key (terminal and build.log)."""
    project, out, _, _ = rebuilt_after_edits
    assert "params berubah: catatan" in out
    log = (project / "output" / "2022-05" / "build.log").read_text(encoding="utf-8")
    assert "params berubah: catatan" in log
    monkeypatch.chdir(project)
    assert main(["status", "--renderer", "embedded"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"2022-05\s+terkini\s+draf", table), table
    assert re.search(r"2022-06\s+terkini\s+final, edisi 1", table), table


def test_status_says_why_a_draft_is_stale(project, capsys):
    data = project / "params" / "2022-05.yaml"
    data.write_text(data.read_text() + 'catatan: "Lain."\n', encoding="utf-8")
    assert main(["status", "--renderer", "embedded"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"2022-05\s+perlu dibangun ulang\s+draf.*params berubah: catatan", table)


# ------------------------------------------------------------------ PDF/A and attachments


def test_final_pdf_is_pdfa3_carrying_its_figures(revised):
    """The revision's edition 2 (unsigned: its XMP as rendered; signing rewrites the XMP)."""
    month = revised / "output" / "2022-06"
    reader = PdfReader(month / "laporan.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfaid:part>3</pdfaid:part>", xmp)
    # Level "a": tagged, every chart with its text alternative.
    assert re.search(r"<pdfaid:conformance>A</pdfaid:conformance>", xmp)
    assert pdf_standard(month / "laporan.pdf") == "PDF/A-3a"
    attachments = reader.attachments
    assert sorted(attachments) == ["metrics.json", "tabel.xlsx"]
    for name in ("metrics.json", "tabel.xlsx"):
        assert attachments[name][0] == (month / name).read_bytes()
    # A draft is a plain PDF (no archival claim).
    assert pdf_standard(revised / "output" / "2022-05" / "laporan.pdf") is None


# ------------------------------------------------------------------ revisions


@pytest.fixture(scope="module")
def revised(tmp_path_factory):
    """The finalized project with 2022-06 revised once, unsigned (edition 2); only read it."""
    return revised_project(tmp_path_factory)


def test_revise_keeps_edition_1_and_names_the_reason(revised, monkeypatch, capsys):
    project, alasan = revised, ALASAN
    monkeypatch.chdir(project)
    month = project / "output" / "2022-06"
    assert_matches_manifest(project, month, "2022-06", 2)
    assert_matches_manifest(project, month / "edisi-1", "2022-06", 1)
    assert_matches_manifest(project, project / "terbitan" / "2022-06" / "edisi-1", "2022-06", 1)
    line = f"Revisi ke-1, {dt.date.today().day}"
    html = (month / "laporan.html").read_text(encoding="utf-8")
    assert "Data &lt;b&gt;UKPD&lt;/b&gt; dikoreksi *ulang* #set" in html
    assert line in html
    first_page = PdfReader(month / "laporan.pdf").pages[0].extract_text()
    assert line in first_page and "Data <b>UKPD</b> dikoreksi *ulang* #set" in first_page
    prov = json.loads((month / "metrics.json").read_text())["provenance"]
    assert (prov["edisi"], prov["menggantikan"], prov["alasan_revisi"]) == (2, 1, alasan)
    manifest = read_manifest(project, "2022-06", 2)
    assert (manifest["edisi"], manifest["menggantikan"], manifest["alasan"]) == (2, 1, alasan)
    # Revised without --tandatangan: an unsigned final, PDF/A all the same.
    assert pdf_standard(month / "laporan.pdf") == "PDF/A-3a"
    assert check_pdf_signatures(month / "laporan.pdf", []) is None
    # The archive links both editions and names the reason.
    editions = daftar_edisi(project / "output", "2022-06")
    assert [e["edisi"] for e in editions] == [1, 2]
    index = (project / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="2022-06/edisi-1/laporan.pdf"' in index
    assert "Revisi: Data &lt;b&gt;UKPD&lt;/b&gt;" in index
    capsys.readouterr()
    assert main(["verify", "2022-06"]) == 0
    out = capsys.readouterr().out
    assert out.count("laporan.pdf: cocok") == 2 and "SEMUA COCOK" in out
    # The unsigned edition rests on git: it equals the commit that added it.
    assert "tidak ditandatangani (keutuhan edisi ini bersandar pada riwayat git)" in out
    assert out.count("riwayat git: sama dengan commit") == 2


def test_finalize_twice_and_revise_a_draft_are_refused(project):
    with pytest.raises(ParamsError, match="sudah final.*crm-report revise 2022-06"):
        finalize(Project(project), "2022-06", renderer="embedded", oleh=OLEH)
    with pytest.raises(ParamsError, match="belum final.*crm-report finalize 2022-05"):
        finalize(Project(project), "2022-05", renderer="embedded", oleh=OLEH, alasan="x")
    assert not (project / "terbitan" / "2022-05").exists()


def test_verify_fails_on_a_changed_stored_file(project, capsys):
    xlsx = project / "terbitan" / "2022-06" / "edisi-1" / "tabel.xlsx"
    data = bytearray(xlsx.read_bytes())
    data[len(data) // 2] ^= 0x01
    xlsx.write_bytes(bytes(data))
    assert main(["verify", "2022-06"]) == 1
    out = capsys.readouterr().out
    assert "tabel.xlsx: TIDAK COCOK" in out and "ADA YANG TIDAK COCOK" in out


def test_verify_fails_on_a_final_pdf_that_is_not_pdfa(project, capsys):
    # A final stored before issue 22 (Quarto read no `pdf-standard`): its bytes match its
    # manifest, its PDF declares no PDF/A.
    edition = project / "terbitan" / "2022-06" / "edisi-1"
    shutil.copyfile(project / "output" / "2022-05" / "laporan.pdf", edition / "laporan.pdf")
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    manifest["berkas"]["laporan.pdf"] = sha(edition / "laporan.pdf")
    manifest["tanda_tangan"] = None
    (edition / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for name in ("laporan.pdf", "manifest.json"):
        shutil.copyfile(edition / name, project / "output" / "2022-06" / name)
    assert main(["verify", "2022-06"]) == 1
    out = capsys.readouterr().out
    assert "laporan.pdf: cocok" in out and "output/2022-06: sama persis" in out
    assert "PDF/A: TIDAK SESUAI: laporan.pdf bukan PDF/A" in out
    assert "ADA YANG TIDAK COCOK" in out


def test_finalize_refuses_a_pdf_that_is_not_pdfa_and_stores_nothing(project, monkeypatch, capsys):
    # A renderer that never received the PDF standard, as Quarto did before issue 22.
    monkeypatch.setattr(edisi, "PDF_STANDARD", None)
    before = {n: sha(project / "output" / "2022-05" / n) for n in FILES}
    assert main(["finalize", "2022-05", "--oleh", OLEH, "--renderer", "embedded", ALLOW]) == 1
    said = "".join(capsys.readouterr())
    assert "laporan.pdf bukan PDF/A" in said and "Edisi 1 2022-05 tidak disimpan" in said, said
    assert not (project / "terbitan" / "2022-05").exists()
    assert {n: sha(project / "output" / "2022-05" / n) for n in FILES} == before


def test_bare_quarto_render_and_preview_leave_finals_verifiable(project, quarto_standin, capsys):
    for args in (["render"], ["preview", "--no-browser"]):
        done = subprocess.run(["quarto", *args], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert main(["verify", "2022-06"]) == 0
    assert "SEMUA COCOK" in capsys.readouterr().out


# ------------------------------------------------------------------ signature


def test_signed_final_verifies_and_a_flipped_byte_fails(project, capsys):
    """2022-06 was finalized with ``--tandatangan``, the test CA configured as trusted root."""
    stored = project / "terbitan" / "2022-06" / "edisi-1" / "laporan.pdf"
    roots = load_trust_roots(project / "sertifikat" / "akar-uji.pem")
    sig = check_pdf_signatures(stored, roots)
    assert sig.penandatangan == PENANDATANGAN and sig.jumlah == 1
    assert sig.utuh and sig.sah and sig.terpercaya and not sig.masalah
    assert pdf_standard(stored) == "PDF/A-3a"  # still PDF/A after signing
    assert b"/Version /2.0" not in stored.read_bytes()  # PDF/A-3 is PDF 1.7 (an RSA key)
    assert sorted(PdfReader(stored).attachments) == ["metrics.json", "tabel.xlsx"]
    recorded = read_manifest(project, "2022-06", 1)["tanda_tangan"]
    assert recorded["penandatangan"] == PENANDATANGAN
    assert recorded["sertifikat_sha256"] == sig.sertifikat_sha256
    assert "utuh" not in recorded  # validity is computed, never read from the manifest
    # The published copy is the signed one.
    assert sha(project / "output" / "2022-06" / "laporan.pdf") == sha(stored)
    assert main(["verify", "2022-06"]) == 0
    out = capsys.readouterr().out
    assert f"tanda tangan {PENANDATANGAN} (" in out and "utuh, mengikat manifest ini" in out
    assert "sertifikat: sah saat penandatanganan" in out
    assert "sertifikat terpercaya (CA Uji Sekali Pakai)" in out
    assert "penanda tangan sesuai catatan" in out
    assert "  laporan.pdf: PDF/A-3a, periode Juni 2022" in out  # read from the stored PDF itself
    # Its kept inputs match the manifest and the signed figures; a year verifies its finals.
    assert "Edisi 1: masukan, params dan notebook yang disimpan: cocok" in out
    assert main(["verify", "2022"]) == 0 and "2022-06: SEMUA COCOK" in capsys.readouterr().out

    data = bytearray(stored.read_bytes())
    data[len(data) // 3] ^= 0x01
    stored.write_bytes(bytes(data))
    assert not check_pdf_signatures(stored, roots).utuh
    assert main(["verify", "2022-06"]) == 1
    assert "laporan.pdf: TIDAK COCOK" in capsys.readouterr().out


def test_ca_issued_certificate_is_trusted_and_a_self_signed_one_is_not(
    tmp_path_factory, tmp_path, caplog
):
    """With the throwaway CA as the trust root: its certificate "terpercaya", the forger's not."""
    import typst

    from crmlib.publish.tandatangan import load_signer, sign_pdf

    tte = tte_certificates(tmp_path_factory)
    roots = load_trust_roots(tte.ca_pem)
    (tmp_path / "a.typ").write_text("Halo.\n", encoding="utf-8")
    found = {}
    for name in ("walikota", "palsu"):
        pdf = tmp_path / f"{name}.pdf"
        typst.compile(str(tmp_path / "a.typ"), output=str(pdf), ignore_system_fonts=True)
        sign_pdf(pdf, load_signer(tte.p12(name), SANDI.encode()), "uji")
        caplog.set_level("DEBUG")
        found[name] = check_pdf_signatures(pdf, roots)
    assert found["walikota"].terpercaya and found["walikota"].utuh
    assert not found["palsu"].terpercaya and found["palsu"].utuh
    assert found["palsu"].penandatangan == found["walikota"].penandatangan == PENANDATANGAN
    assert "CA Uji Sekali Pakai" in found["palsu"].kepercayaan
    # Without a configured root store nothing is trusted, and it says why.
    assert not check_pdf_signatures(tmp_path / "walikota.pdf", []).terpercaya
    # pyHanko's findings are reported by check_pdf_signatures, never logged as tracebacks.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pyhanko")] == []


def test_wrong_passphrase_is_one_line_and_the_traceback_is_in_the_log(
    project, tmp_path_factory, monkeypatch, capsys
):
    tte = tte_certificates(tmp_path_factory)
    monkeypatch.setenv("CRM_TTE_SANDI", "salah")
    args = ["finalize", "2022-05", "--oleh", OLEH, "--renderer", "embedded", ALLOW]
    assert main([*args, "--tandatangan", str(tte.p12("walikota"))]) == 1
    err = capsys.readouterr().err
    assert "tidak dapat dibuka: kata sandi salah" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    log = (project / ".crm-report" / "log" / "2022-05-gagal.log").read_text(encoding="utf-8")
    assert "Traceback" in log and ".crm-report/log/2022-05-gagal.log" in err
    assert not (project / "terbitan" / "2022-05").exists()


def test_passphrase_never_reaches_a_child_process(finalized_template):
    """The shared signed finalize ran with CRM_TTE_SANDI set and watched every process it started."""
    record = finalize_record(finalized_template)
    assert record["spawned"] > 0  # the kernel, Typst, git: there were children to watch
    assert record["leaked"] == []


def test_finalizer_is_the_role_from_params_never_git_identity(finalized_template):
    """Finalized without --oleh in a repository whose git identity has an e-mail."""
    assert read_manifest(finalized_template, "2022-06", 1)["difinalkan_oleh"] == PERAN
    assert daftar_edisi(finalized_template / "output", "2022-06")[0]["difinalkan_oleh"] == PERAN


# ------------------------------------------------------------------ navigation


def _relative_links(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [a.get("href") for a in soup.find_all("a")]
    links += [t.get("src") for t in soup.find_all(src=True)]
    for meta in soup.find_all("meta", attrs={"http-equiv": "refresh"}):
        links.append(meta["content"].split("url=", 1)[1])
    out = []
    for link in links:
        if not link or link.startswith(("#", "data:", "mailto:")) or urlsplit(link).scheme:
            continue
        out.append(urlsplit(link).path)
    return out


def dead_links(output: Path) -> list[str]:
    """Every relative link of every page under ``output/`` that does not resolve."""
    dead = []
    for page in sorted(output.rglob("*.html")):
        for link in _relative_links(page):
            if link and not (page.parent / link).resolve().exists():
                dead.append(f"{page.relative_to(output)} -> {link}")
    return dead


def neighbour(output: Path, periode: str, which: str) -> str | None:
    targets = _relative_links(output / periode / f"{which}.html")
    months = [t.split("/")[-2] for t in targets if t.endswith("/laporan.html")]
    return months[0] if months else None


def test_links_stay_right_after_gap_filled_later_and_month_removed(
    tmp_path, tmp_path_factory, monkeypatch, capsys
):
    # The shared built project (2022-05 and 2022-06), then 2022-08: 2022-07's data comes
    # late. (A month compares itself with the calendar month before, so removing
    # 2022-06 changes no other month's inputs: `build --all` then builds no month.)
    root = tmp_path / "nav"
    shutil.copytree(built_two_months(tmp_path_factory), root, symlinks=True)
    add_months(root, ("2022-08",))
    monkeypatch.chdir(root)
    output = root / "output"
    # Monthly order with a gap: 2022-06, then 2022-08; nothing after the newest.
    assert main(["build", "2022-08", "--renderer", "embedded"]) == 0
    assert neighbour(output, "2022-08", "berikutnya") is None
    assert neighbour(output, "2022-06", "berikutnya") == "2022-08"
    assert neighbour(output, "2022-08", "sebelumnya") == "2022-06"
    assert dead_links(output) == []
    # A month removed (params and output): build --all builds nothing and fixes the links.
    (root / "params" / "2022-06.yaml").unlink()
    shutil.rmtree(output / "2022-06")
    capsys.readouterr()
    assert main(["build", "--all", "--renderer", "embedded"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"2022-05\s+terkini", table) and re.search(r"2022-08\s+terkini", table)
    assert neighbour(output, "2022-05", "berikutnya") == "2022-08"
    assert neighbour(output, "2022-08", "sebelumnya") == "2022-05"
    assert dead_links(output) == []
    # The gap filled: both neighbours now point at 2022-07, without rebuilding them.
    add_months(root, ("2022-07",))
    before = {m: sha(output / m / "laporan.html") for m in ("2022-05", "2022-08")}
    assert main(["build", "2022-07", "--renderer", "embedded"]) == 0
    assert {m: sha(output / m / "laporan.html") for m in before} == before
    assert neighbour(output, "2022-05", "berikutnya") == "2022-07"
    assert neighbour(output, "2022-07", "sebelumnya") == "2022-05"
    assert neighbour(output, "2022-07", "berikutnya") == "2022-08"
    assert neighbour(output, "2022-08", "sebelumnya") == "2022-07"
    assert dead_links(output) == []


def test_links_of_earlier_editions_resolve(revised):
    output = revised / "output"
    assert (output / "2022-06" / "edisi-1" / "laporan.html").is_file()
    assert dead_links(output) == []
    assert neighbour(output, "2022-06", "sebelumnya") == "2022-05"
    assert neighbour(output, "2022-05", "berikutnya") == "2022-06"
