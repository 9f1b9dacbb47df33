"""The published June 2022 report, HTML and PDF, checked against the seed's figures.

Reads 2022-06 of the run's shared build of 2022-05 and 2022-06 (2022-05 for the
month-over-month text and links), made with the embedded renderer (tests/fixtures_built.py).
"""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from fixtures_built import built_two_months
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

CONTRACT_TABLES = {  # table id -> (rows, first row cells, contract key)
    "tbl-rekap": (77, ["", "KECAMATAN MATRAMAN", "0", "0", "0", "0", "0"], "rekap_status"),
    "tbl-top-ukpd": (7, ["1", "Kelurahan Rawamangun", "25"], "top_ukpd"),
    "tbl-top-kategori": (
        5,
        ["1", "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan", "92"],
        "top_kategori",
    ),
    "tbl-koordinasi-tercepat": (10, ["1", "Cipayung", "24", "10,63"], "koordinasi_tercepat"),
    "tbl-koordinasi-terlama": (10, ["1", "Munjul", "10", "9,778"], "koordinasi_terlama"),
    "tbl-penyelesaian-tercepat": (10, ["1", "Cipayung", "6", "51,17"], "penyelesaian_tercepat"),
    "tbl-penyelesaian-terlama": (10, ["1", "Kebon Manggis", "1", "67,00"], "penyelesaian_terlama"),
    "tbl-tl-ditolak": (2, ["1", "Kelurahan Pondok Kopi", "JK2206080126", "JAKI"], "tl_ditolak"),
    "tbl-nilai-tl": (
        1,
        ["1", "JK2206030245", "Kelurahan Kebon Manggis", "Sampah"],
        "nilai_tl_dibawah_100",
    ),
}


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """2022-06 of the run's shared two-month build (tests/fixtures_built.py); read only."""
    return built_two_months(tmp_path_factory) / "output" / "2022-06"


@pytest.fixture(scope="module")
def html(month):
    return BeautifulSoup((month / "laporan.html").read_text(encoding="utf-8"), "lxml")


@pytest.fixture(scope="module")
def pdf_text(month):
    return "\n".join(page.extract_text() for page in PdfReader(month / "laporan.pdf").pages)


def _rows(table) -> list[list[str]]:
    body = table.find("tbody") or table
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all(["td", "th"])]
        for tr in body.find_all("tr")
    ]


@pytest.mark.parametrize("table_id", list(CONTRACT_TABLES))
def test_html_tables_match_seed_and_metrics(html, month, table_id):
    n, first, key = CONTRACT_TABLES[table_id]
    table = html.find(id=table_id)
    assert table is not None and table.name == "table"
    rows = _rows(table)
    assert len(rows) == n
    assert rows[0][: len(first)] == first
    metrics = json.loads((month / "metrics.json").read_text())
    expected = len(metrics[key]) + (1 if key == "rekap_status" else 0)  # + Jumlah row
    assert len(rows) == expected


def test_html_recap_total_row(html):
    last = _rows(html.find(id="tbl-rekap"))[-1]
    assert last[1:] == ["Jumlah", "508", "0", "0", "0", "508"]


def test_html_headings_of_every_section(html):
    text = [h.get_text(" ", strip=True) for h in html.find_all(["h1", "h2", "h3"])]
    for heading in (
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "BAB I PENDAHULUAN",
        "A. Latar Belakang",
        "B. Maksud dan Tujuan",
        "C. Dasar Hukum",
        "A. Pelaksanaan",
        "B. Hasil Pelaksanaan",
        "BAB III PENUTUP",
        "A. Kesimpulan",
        "B. Saran",
    ):
        assert any(t.startswith(heading) for t in text), heading
    assert any(t.startswith("BAB II LAPORAN BULANAN") and "JUNI TAHUN 2022" in t for t in text)


def test_html_shows_no_code_and_needs_no_network(html):
    page = str(html)
    assert "siapkan_laporan" not in page and "import " not in html.get_text()
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for el in html.find_all(tag):
            assert not str(el.get(attr, "")).startswith(("http://", "https://", "//")), el


def test_html_links_to_companions_and_neighbours(html):
    hrefs = {a.get("href") for a in html.find_all("a")}
    assert {"laporan.pdf", "laporan.ipynb", "metrics.json", "tabel.xlsx", "../index.html"} <= hrefs
    # Neighbours through the archive-time pages beside the report, never a month directly
    # (such a link would go stale, and a final edition's bytes never change).
    assert {"sebelumnya.html", "berikutnya.html"} <= hrefs
    assert not any(h.startswith("../20") for h in hrefs)


def test_html_headline_figures(html):
    text = html.get_text(" ", strip=True)
    for fragment in (
        "508",
        "99,96%",
        "388 aduan (76,38%)",
        "120 aduan (23,62%)",
        "Per Tanggal 11 Juli 2022 08:34",
    ):
        assert fragment.lower() in text.lower(), fragment


def test_pdf_sections_toc_and_figures(pdf_text, month):
    for title in ("KATA PENGANTAR", "DAFTAR ISI", "PENDAHULUAN", "PENUTUP", "Tentang Laporan Ini"):
        assert title in pdf_text
    assert re.search(r"BAB I\s+PENDAHULUAN\s*\.+\s*\d+", pdf_text) or re.search(
        r"PENDAHULUAN[ .]*\d+", pdf_text
    )
    assert re.search(r"Kesimpulan[ .]*\d+", pdf_text)
    for fragment in (
        "Tabel 2.1",
        "Gambar 2.1",
        "508",
        "99,96%",
        "76,38%",
        "JK2206030245",
        "Nugroho Bayu Saputro",
    ):
        assert fragment in pdf_text, fragment


def test_pdf_pages_and_fonts(month):
    reader = PdfReader(month / "laporan.pdf")
    assert 8 <= len(reader.pages) <= 40
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if desc is not None:
                desc = desc.get_object()
                fonts.add(
                    (
                        str(font.get("/BaseFont")),
                        any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                    )
                )
    assert fonts and all(embedded for _, embedded in fonts), fonts


def test_pdf_is_a4(month):
    box = PdfReader(month / "laporan.pdf").pages[0].mediabox
    assert (
        round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    )
