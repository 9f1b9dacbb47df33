"""The Quarto renderer: `quarto render laporan.ipynb --to laporan-crm-html|typst`.

Skipped when the Quarto CLI is not on PATH (the embedded renderer is tested in
test_render.py with the same fixture, and the last test compares the two).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixtures_render import prepare_month
from pypdf import PdfReader

from crmlib.render.renderer import render_month

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.quarto,
    pytest.mark.skipif(
        shutil.which("quarto") is None,
        reason="Quarto CLI tidak ada di PATH (pasang lewat conda-forge atau quarto.org)",
    ),
]


def _project(base: Path) -> Path:
    """A fresh project: the real _quarto.yml and extension, an empty output/."""
    shutil.copyfile(ROOT / "_quarto.yml", base / "_quarto.yml")
    shutil.copytree(ROOT / "_extensions", base / "_extensions")
    return base


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    proj = _project(tmp_path_factory.mktemp("proyek"))
    quarto = prepare_month(proj / "output" / "2022-06")
    result = render_month(quarto, renderer="quarto")
    embedded = prepare_month(tmp_path_factory.mktemp("embedded") / "2022-06")
    render_month(embedded, renderer="embedded")
    return quarto, result, embedded


def _t(el):
    return " ".join(el.get_text(" ").split())


def _pdf_text(path):
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def test_outputs_and_no_leftovers(months):
    month, result, _ = months
    assert result["renderer"] == "quarto"
    assert (month / "laporan.html").is_file() and (month / "laporan.pdf").is_file()
    assert {"quarto_html", "quarto_typst", "total"} <= set(result["timings"])
    # Neither the extension copy nor the layout copied by format-resources stays behind.
    assert not (month / "_extensions").exists()
    assert not (month / "laporan-layout.typ").exists()
    assert not (month / "laporan.typ").exists()


def test_html(months):
    month, _, _ = months
    soup = BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")
    assert soup.html["lang"] == "id"
    assert _t(soup.select_one("header#title-block-header h1.title")) == "LAPORAN BULANAN CRM"
    assert len(soup.select("table.identitas tr")) == 7
    assert _t(soup.select_one("nav#TOC h2")) == "DAFTAR ISI"
    h1 = [_t(h) for h in soup.find_all("h1") if "title" not in (h.get("class") or [])]
    assert h1[0] == "BAB I PENDAHULUAN" and h1[-1] == "BAB III PENUTUP"
    tables = [t for t in soup.find_all("table") if "identitas" not in (t.get("class") or [])]
    assert len(tables) == 3
    assert len(tables[0].select("tr.baris-kecamatan")) == 2
    assert "Grand Total" in _t(tables[0].select("tr.baris-total")[0])
    caption = _t(soup.find(id="tbl-rekap"))
    assert caption.startswith("Tabel") and "Rekap Pengaduan Bulan Juni 2022" in caption
    assert "Gambar" in _t(soup.find(id="fig-kecamatan"))
    assert "from crmlib import" not in _t(soup) and "UserWarning" not in _t(soup)
    for tag in soup.find_all(["link", "script", "img", "iframe", "source"]):
        for attr in ("src", "href"):
            assert not re.match(r"^(https?:)?//", tag.get(attr, "")), tag
    assert {a["href"] for a in soup.select("nav.tautan-laporan a")} >= {
        "laporan.pdf",
        "../index.html",
    }


def test_pdf(months):
    month, _, _ = months
    texts = _pdf_text(month / "laporan.pdf")
    joined = "\n".join(texts)
    assert "KATA PENGANTAR" in texts[1] and texts[2].lstrip().startswith("DAFTAR ISI")
    assert "Tabel 2.1: Rekap Pengaduan Bulan Juni 2022" in joined
    assert "Gambar 2.1: Jumlah laporan per kecamatan menurut status" in joined
    assert "renderer quarto" in joined
    starts = [i for i, t in enumerate(texts) if re.match(r"\s*BAB (I|II|III)\n", t)]
    assert len(starts) == 3


def test_both_renderers_give_the_same_report(months):
    month, _, embedded = months
    q, e = _pdf_text(month / "laporan.pdf"), _pdf_text(embedded / "laporan.pdf")
    assert abs(len(q) - len(e)) <= 1

    def outline(texts):
        return [t.split("\n")[0].strip() for t in texts[3:] if re.match(r"\s*BAB ", t)]

    assert outline(q) == outline(e)
    captions = re.compile(r"(?:Tabel|Gambar) \d+\.\d+: [^\n]+")
    assert captions.findall("\n".join(q)) == captions.findall("\n".join(e))


def test_month_in_a_hidden_build_folder(tmp_path):
    # crmlib.publish.build renders in output/.tmp-<month>-<pid>/ before publishing.
    proj = _project(tmp_path)
    month = prepare_month(proj / "output" / ".tmp-2022-06-1")
    render_month(month, renderer="quarto", kertas="f4")
    box = PdfReader(month / "laporan.pdf").pages[0].mediabox
    assert float(box.height) == pytest.approx(330 / 25.4 * 72, abs=1)
    assert not (month / "_extensions").exists()
