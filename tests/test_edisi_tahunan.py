"""Issue 24, item 3: the annual edition (``finalize``/``revise``/``verify``/``status`` of a year).

Finalizing twelve real months costs a fresh kernel each (~20 s). Here only 2022-06 is a
real final edition (the shared :func:`fixtures_edisi.finalized_project`); the other eleven
months get stand-in stored editions: 2022-06's files with the month's own sample
``metrics.json`` (what the annual report reads) and a manifest listing them. They are
"final" for the year's gate (a complete edition in ``terbitan/``) but do not verify as
months, which ``verify 2022`` reports for them while the annual edition itself verifies.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from fixtures_archive import sample_output
from fixtures_edisi import commit_all, copy_of, finalized_project, run_cli
from pypdf import PdfReader
from test_build import quarto_on_path  # noqa: F401  (autouse: a failing `quarto` on PATH)

from crmlib.publish.edisi import pdf_standard, read_manifest

pytestmark = pytest.mark.e2e

EMB = ["--renderer", "embedded"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stand_in_month_editions(root: Path, tmp: Path) -> None:
    """Every month of 2022 without a stored edition gets a stand-in edition 1 (see module doc)."""
    metrics = sample_output(tmp / "sampel")
    source = root / "terbitan" / "2022-06" / "edisi-1"
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for m in range(1, 13):
        periode = f"2022-{m:02d}"
        if (root / "terbitan" / periode).exists():
            continue
        folder = root / "terbitan" / periode / "edisi-1"
        folder.mkdir(parents=True)
        for name in ("laporan.html", "laporan.pdf", "laporan.ipynb", "tabel.xlsx"):
            shutil.copyfile(source / name, folder / name)
        shutil.copyfile(metrics / periode / "metrics.json", folder / "metrics.json")
        own = {**manifest, "periode": periode, "tanda_tangan": None}
        own["berkas"] = {name: sha(folder / name) for name in manifest["berkas"]}
        (folder / "manifest.json").write_text(json.dumps(own, indent=2) + "\n", encoding="utf-8")


def pages_with_draf(pdf: Path) -> list[bool]:
    return ["DRAF" in page.extract_text() for page in PdfReader(pdf).pages]


@pytest.fixture(scope="module")
def finalized(tmp_path_factory):
    return finalized_project(tmp_path_factory)


def test_annual_report_is_a_draft_and_finalize_lists_the_months_that_are_not_final(
    finalized, tmp_path
):
    root = copy_of(finalized, tmp_path / "proj")
    rc, out, err = run_cli(["build", "2022", *EMB], root)
    assert rc == 0, out + err
    year = root / "output" / "2022"
    # 2022-05 is a draft and ten months are missing: DRAF on every page, and in the HTML.
    assert all(pages_with_draf(year / "laporan.pdf"))
    assert 'class="draf"' in (year / "laporan.html").read_text(encoding="utf-8")
    rc, out, err = run_cli(["status", *EMB], root)
    line = next(x for x in out.splitlines() if x.startswith("2022 "))
    assert "draf" in line and "Mei 2022 (draf)" in line and "Juni 2022" not in line
    rc, out, err = run_cli(["finalize", "2022", *EMB, "--izinkan-perubahan"], root)
    assert rc == 2, out + err
    assert "Belum final: Januari 2022 (belum dibangun)" in err and "Mei 2022 (draf)" in err
    assert "Juni 2022" not in err  # the final month is not listed
    assert not (root / "terbitan" / "2022").exists()


def test_finalize_year_once_every_month_is_final_then_out_of_date_after_a_revision(
    finalized, tmp_path
):
    root = copy_of(finalized, tmp_path / "proj")
    stand_in_month_editions(root, tmp_path)
    rc, out, err = run_cli(["finalize", "2022", *EMB, "--izinkan-perubahan"], root)
    assert rc == 0, out + err
    commit_all(root, "Laporan tahunan 2022 edisi 1")
    year, stored = root / "output" / "2022", root / "terbitan" / "2022" / "edisi-1"
    manifest = read_manifest(root, "2022", 1)
    assert sorted(manifest["berkas"]) == [
        "laporan.html",
        "laporan.ipynb",
        "laporan.pdf",
        "tabel.xlsx",
    ]
    assert {p: v["edisi"] for p, v in manifest["bulan"].items()} == {
        f"2022-{m:02d}": 1 for m in range(1, 13)
    }
    for name, expected in manifest["berkas"].items():
        assert sha(year / name) == sha(stored / name) == expected, name
    # Final: no DRAF anywhere, PDF/A, and the cover says which edition it is.
    assert not any(pages_with_draf(year / "laporan.pdf"))
    assert pdf_standard(year / "laporan.pdf").startswith("PDF/A-3")
    html = (year / "laporan.html").read_text(encoding="utf-8")
    assert 'class="draf"' not in html and "Edisi final 1, difinalkan" in html
    # verify 2022 checks the annual edition (the stand-in months fail, as they should).
    rc, out, err = run_cli(["verify", "2022"], root)
    assert "2022 (tahunan): SEMUA COCOK" in out, out
    assert "2022-01: ADA YANG TIDAK COCOK" in out and rc == 1
    # Nothing changed: a revision of the year needs --paksa; a build republishes, never renders.
    rc, out, err = run_cli(
        ["revise", "2022", "--alasan", "Ulang", *EMB, "--izinkan-perubahan"], root
    )
    assert rc == 2 and "--paksa" in err, out + err
    rc, out, err = run_cli(["build", "2022", "--force", *EMB], root)
    assert rc == 0 and "Laporan tahunan 2022: final" in out, out + err
    assert sha(year / "laporan.pdf") == manifest["berkas"]["laporan.pdf"]
    # A month of the final year is revised (stand-in edition 2): the year is out of date.
    march = root / "terbitan" / "2022-03"
    shutil.copytree(march / "edisi-1", march / "edisi-2")
    second = json.loads((march / "edisi-2" / "manifest.json").read_text(encoding="utf-8"))
    second.update(edisi=2, menggantikan=1, alasan="Data Maret dikoreksi")
    (march / "edisi-2" / "manifest.json").write_text(json.dumps(second), encoding="utf-8")
    rc, out, err = run_cli(["status", *EMB], root)
    line = next(x for x in out.splitlines() if x.startswith("2022 "))
    assert re.search(
        r"final, edisi 1\s+edisi tahunan 2022 usang: Maret 2022 direvisi \(edisi 2", line
    )
    assert 'crm-report revise 2022 --alasan "..."' in line
