"""The Quarto renderer with a real Quarto 1.10: `quarto render laporan.ipynb --to laporan-crm-html|typst`.

Skipped when the Quarto CLI is not on PATH (tests/test_quarto_setup.py checks the
project's side against a stand-in). The notebook is the one the build wrote for
2022-06 (tests/fixtures_built.py), so what is rendered here is what users render;
the embedded renderer's output of that same notebook is the build's own.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fixtures_built import built_month_inputs, built_two_months
from pypdf import PdfReader

from crmlib.publish.edisi import Edition
from crmlib.publish.pdfa import pdf_standard
from crmlib.render.renderer import render_month
from crmlib.report.frontmatter import inject_front_matter

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
    """(Quarto's 2022-06, its render result, the build's embedded 2022-06)."""
    proj = _project(tmp_path_factory.mktemp("proyek"))
    quarto = built_month_inputs(tmp_path_factory, proj / "output" / "2022-06")
    result = render_month(quarto, renderer="quarto")
    return quarto, result, built_two_months(tmp_path_factory) / "output" / "2022-06"


def _t(el):
    return " ".join(el.get_text(" ").split())


def _soup(month: Path) -> BeautifulSoup:
    return BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")


def _body_headings(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """The report body's headings (not the title block's, not the table of contents')."""
    return [
        (h.name, _t(h))
        for h in soup.find_all(["h1", "h2", "h3", "h4"])
        if not h.find_parent(["header", "nav"])
    ]


def _pdf_text(path):
    """Each page's text, without the draft's watermark line (the built month is a draft)."""
    return [(p.extract_text() or "").removeprefix("DRAF\n") for p in PdfReader(path).pages]


def test_outputs_and_no_leftovers(months):
    month, result, _ = months
    assert result["renderer"] == "quarto"
    assert (month / "laporan.html").is_file() and (month / "laporan.pdf").is_file()
    assert {"quarto_html", "quarto_typst", "total"} <= set(result["timings"])
    # Neither the extension copy nor the layout copied by format-resources stays behind.
    assert not (month / "_extensions").exists()
    assert not (month / "laporan-layout.typ").exists()
    assert not (month / "laporan.typ").exists()
    assert not (month / "laporan_files").exists()


def test_html(months):
    month, _, _ = months
    soup = _soup(month)
    assert soup.html["lang"] == "id"
    assert _t(soup.select_one("header#title-block-header h1.title")) == "LAPORAN BULANAN CRM"
    assert len(soup.select("table.identitas tr")) == 7
    assert _t(soup.select_one("nav#TOC h2")) == "DAFTAR ISI"
    # judul-html.lua: the title is the page's one h1, chapters are h2, their sections h3.
    headings = _body_headings(soup)
    chapters = [text for name, text in headings if name == "h2"]
    assert chapters[0] == "BAB I PENDAHULUAN" and chapters[-1] == "BAB III PENUTUP", chapters
    assert ("h3", "A. Latar Belakang") in headings
    assert not [text for name, text in headings if name == "h1"]
    assert all(len(text) < 200 for _, text in headings)  # no chapter swallowed its text
    assert len(soup.find_all("ol")) >= 3
    caption = _t(soup.find(id="tbl-rekap"))
    assert caption.startswith("Tabel") and "Rekap pengaduan bulan Juni 2022" in caption
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
    assert "Tabel 2.1: Rekap pengaduan bulan Juni 2022" in joined
    assert "Gambar 2.1:" in joined
    assert "renderer quarto" in joined
    starts = [i for i, t in enumerate(texts) if re.match(r"\s*BAB (I|II|III)\n", t)]
    assert len(starts) == 3


def test_both_renderers_give_the_same_report(months):
    month, _, embedded = months
    q, e = _soup(month), _soup(embedded)
    assert _body_headings(q) == _body_headings(e)
    assert [_t(c) for c in q.find_all("caption")] == [_t(c) for c in e.find_all("caption")]
    assert len(q.find_all("table")) == len(e.find_all("table"))
    qp, ep = _pdf_text(month / "laporan.pdf"), _pdf_text(embedded / "laporan.pdf")
    assert abs(len(qp) - len(ep)) <= 1

    def outline(texts):
        return [t.split("\n")[0].strip() for t in texts[3:] if re.match(r"\s*BAB ", t)]

    assert outline(qp) == outline(ep)
    captions = re.compile(r"(?:Tabel|Gambar) \d+\.\d+: [^\n]+")
    assert captions.findall("\n".join(qp)) == captions.findall("\n".join(ep))


def test_month_in_a_hidden_build_folder(tmp_path, tmp_path_factory):
    # crmlib.publish.build renders in output/.tmp-<month>-<pid>/ before publishing.
    proj = _project(tmp_path)
    month = built_month_inputs(tmp_path_factory, proj / "output" / ".tmp-2022-06-1")
    render_month(month, renderer="quarto", kertas="f4")
    box = PdfReader(month / "laporan.pdf").pages[0].mediabox
    assert float(box.height) == pytest.approx(330 / 25.4 * 72, abs=1)
    assert not (month / "_extensions").exists()


def test_a_final_edition_is_pdfa_with_its_attachments(tmp_path, tmp_path_factory):
    proj = _project(tmp_path)
    month = built_month_inputs(tmp_path_factory, proj / "output" / ".tmp-2022-06-2")
    inject_front_matter(month / "laporan.ipynb", Edition("2022-06", 1, "uji").front_matter())
    render_month(month, renderer="quarto")
    assert pdf_standard(month / "laporan.pdf") == "PDF/A-3a"
    assert sorted(PdfReader(month / "laporan.pdf").attachments) == ["metrics.json", "tabel.xlsx"]
