"""The June 2022 PDF as a reader meets it: whole words in its text, tables and pages laid out.

Read from the run's shared two-month build (``fixtures_built``): no build of its own.
Text is extracted the two ways a reader's tools do (``pdftotext`` from poppler, and
pypdf); positions come from pdfplumber.

* Hyphenation stays (Indonesian syllable breaks, laporan.lua), but the text is whole:
  a soft hyphen appears only where a line really breaks, and names (units, months)
  are never broken at all.
* A table's caption and header never end a page without at least three rows under them.
* No page inside a chapter is more than two-thirds empty, except a chapter's last page.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures_built import built_two_months

pytestmark = pytest.mark.e2e

SHY = "\u00ad"
# A4 with the margins of laporan-layout.typ (pt): top/bottom 2.5 cm, left 3 cm, right 2 cm.
TINGGI, LEBAR = 841.89, 595.28
ATAS = BAWAH = 70.87
KIRI, KANAN = 85.04, 56.69


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    return built_two_months(tmp_path_factory) / "output" / "2022-06" / "laporan.pdf"


@functools.cache
def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@functools.cache
def _pypdf(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def _unit_names() -> list[str]:
    from crmlib.data.refdata import load_reference

    return list(load_reference().ukpd["ukpd"])


def _extractors(pdf: Path) -> dict[str, str]:
    texts = {"pypdf": _pypdf(pdf)}
    if shutil.which("pdftotext"):
        texts["pdftotext"] = _pdftotext(pdf)
    return texts


def test_every_unit_name_and_rawamangun_are_whole_in_the_text(pdf):
    for tool, text in _extractors(pdf).items():
        flat = re.sub(r"[ \t]+", " ", text)
        missing = [u for u in _unit_names() if u not in flat]
        assert missing == [], f"{tool}: {missing[:5]}"
        assert "Kelurahan Rawamangun" in flat, tool
        assert "Ra" + SHY not in text and "Rawa" + SHY not in text, tool


def test_soft_hyphens_only_where_a_line_breaks(pdf):
    for tool, text in _extractors(pdf).items():
        inside = [
            m.start() for m in re.finditer(SHY, text) if text[m.start() + 1 : m.start() + 2] != "\n"
        ]
        assert inside == [], f"{tool}: {[text[i - 15 : i + 15] for i in inside[:5]]}"
    if "pdftotext" in _extractors(pdf):
        # The Indonesian hyphenation is still there: some lines do end in a hyphen.
        assert _pdftotext(pdf).count(SHY + "\n") >= 3


@functools.cache
def _pages(path: Path) -> list[dict]:
    """Per page: its words (watermark left out), lines drawn, and its first line of text."""
    import pdfplumber

    out = []
    with pdfplumber.open(path) as doc:
        for page in doc.pages:
            # The DRAF watermark is 110 pt type; the report's text is at most 22 pt.
            body = page.filter(lambda o: o.get("object_type") != "char" or o.get("size", 0) < 40)
            words = body.extract_words(keep_blank_chars=False, use_text_flow=True)
            tables = [t.bbox for t in body.find_tables()]
            rows = [len(t.rows) for t in body.find_tables()]
            out.append({"words": words, "tables": list(zip(tables, rows, strict=True))})
    return out


def _text_words(page: dict) -> list[dict]:
    """Words in the text area (the footer's page number left out)."""
    return [w for w in page["words"] if w["bottom"] <= TINGGI - BAWAH + 2]


def test_no_table_header_alone_at_a_page_bottom(pdf):
    for n, page in enumerate(_pages(pdf), start=1):
        for (_, _, _, bottom), rows in page["tables"]:
            if bottom > TINGGI - BAWAH - 25:  # runs on to the next page
                assert rows >= 4, f"page {n}: a table ends the page with {rows} row(s)"


def test_no_chapter_page_is_more_than_two_thirds_empty(pdf):
    pages = _pages(pdf)
    first_lines = [" ".join(w["text"] for w in _text_words(p)[:2]) for p in pages]
    chapters = [i for i, t in enumerate(first_lines) if re.match(r"BAB [IVX]+\b", t)]
    assert len(chapters) == 3, first_lines
    for i in range(chapters[0], len(pages) - 1):
        if i + 1 in chapters:
            continue  # the chapter's last page may end early
        words = _text_words(pages[i])
        used = (max(w["bottom"] for w in words) - ATAS) / (TINGGI - ATAS - BAWAH)
        assert used >= 1 / 3, f"page {i + 1} is {1 - used:.0%} empty"


def test_no_word_overlaps_another_or_leaves_the_text_area(pdf):
    for n, page in enumerate(_pages(pdf), start=1):
        assert _overlaps(_text_words(page)) == [], f"page {n}"
        assert _outside(page["words"]) == [], f"page {n}"


def _outside(words: list[dict]) -> list[str]:
    """Words beyond the side margins. Typst hangs a line's final punctuation a little
    into the margin (optical alignment, under 3 pt at 11.5 pt type): allowed for it."""
    out = []
    for w in words:
        hang = 3 if w["text"][-1:] in ".,:;)-\u00ad" else 1
        if w["x0"] < KIRI - 1 or w["x1"] > LEBAR - KANAN + hang:
            out.append(w["text"][:40])
    return out


def _overlaps(words: list[dict]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes overlap by more than a hair (kerning, accents)."""
    hits = []
    ordered = sorted(words, key=lambda w: w["top"])
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b["top"] >= a["bottom"] - 1:
                break
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx > 1 and dy > 1:
                hits.append((a["text"], b["text"]))
    return hits


# --- long unbroken values (issue 23) --------------------------------------------------------
# A URL of 200 characters and a run of 3,000 letters in every free-text column of rows
# that every table listing reports shows (rejected twice, scored below 100).
PANJANG = {
    200: "https://pengaduan.jakarta.go.id/laporan/" + "a1b2c3d4" * 20,
    3000: "Z" * 3000,
}


def _long_rows() -> list[dict]:
    from conftest import laporan_row

    rows = [
        laporan_row(nomor_laporan=f"JK22060300{i:02d}", ukpd="KELURAHAN RAWAMANGUN")
        for i in range(1, 21)
    ]
    for n, nilai in PANJANG.items():
        rows.append(
            laporan_row(
                nomor_laporan=f"N{n}{nilai}"[:n],
                kategori=f"K{n}{nilai}"[:n],
                rincian_masalah=f"R{n}{nilai}"[:n],
                ukpd="KELURAHAN SETU",
                jumlah_tl_ditolak="2",
                nilai_tl="80",
            )
        )
    return rows


@pytest.fixture(scope="module")
def long_month(tmp_path_factory) -> Path:
    """One month built end to end (embedded renderer) from an export with long values."""
    import yaml
    from conftest import koordinasi_row, write_month
    from fixtures_built import copy_project

    from crmlib.project import Project
    from crmlib.publish.build import build

    root = tmp_path_factory.mktemp("panjang")
    copy_project(root, [])
    params = {"periode": "2022-06", "data": "data/2022-06", "per_tanggal": "2022-07-11 08:34"}
    (root / "params" / "2022-06.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    write_month(root / "data" / "2022-06", _long_rows(), [koordinasi_row()])
    results = build(Project(root), ["2022-06"], jobs=1, renderer="embedded")
    assert [r.status for r in results] == ["dibangun"], [r.reason for r in results]
    return root / "output" / "2022-06"


def test_long_values_wrap_inside_their_pdf_cells(long_month):
    pages = _pages(long_month / "laporan.pdf")
    for n, page in enumerate(pages, start=1):
        assert _overlaps(_text_words(page)) == [], f"page {n}"
        assert _outside(page["words"]) == [], f"page {n}"
    text = _pypdf(long_month / "laporan.pdf")
    # Cut with an ellipsis at the documented length, never dropped.
    assert "…" in text and "R200https" in re.sub(r"\s+", "", text)


def test_the_workbook_keeps_the_full_values(long_month):
    from openpyxl import load_workbook

    values = {
        str(c.value)
        for ws in load_workbook(long_month / "tabel.xlsx", read_only=True).worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }
    for n, nilai in PANJANG.items():
        assert f"R{n}{nilai}"[:n] in values


def test_print_shows_each_chart_once_as_the_page_drawing(pdf):
    """The phone drawings are for screens: the PDF holds the six charts, A4-column wide."""
    from pypdf import PdfReader

    from crmlib.report.chart_base import DPI, LEBAR_IN

    widths = [img.image.width for page in PdfReader(pdf).pages for img in page.images]
    assert widths == [round(LEBAR_IN * DPI)] * 6
