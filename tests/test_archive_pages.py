"""The archive's unit and kecamatan pages, its CSV download and its links.

Built from the twelve sample months' own ``metrics.json`` (tests/fixtures_archive.py):
the page of Kelurahan Rawamangun must show exactly those files' figures, every link
of every archive page must resolve, and values from the data stay text (HTML-escaped
on pages, never a formula in the CSV).
"""

from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from fixtures_archive import MONTHS, sample_output

from crmlib.publish.archive import build_archive
from crmlib.report.archive_data import CSV_COLUMNS
from crmlib.report.fmt import format_angka, format_durasi_jam, format_menit, format_persen

pytest_plugins = ["fixtures_browser"]  # the process's shared Chromium

KOTA = "Kota Administrasi Jakarta Timur"
RAWAMANGUN = "KELURAHAN RAWAMANGUN"


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    out = sample_output(tmp_path_factory.mktemp("arsip") / "output")
    result = build_archive(out, KOTA)
    assert result["ukpd"] == 76 and result["kecamatan"] == 10
    return out


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _t(el) -> str:
    return " ".join(el.get_text(" ").split())


def _entry(out: Path, periode: str, unit: str) -> tuple[dict, dict]:
    data = json.loads((out / periode / "metrics.json").read_text(encoding="utf-8"))
    return data, next(e for e in data["per_ukpd"] if e["ukpd"] == unit)


def test_rawamangun_page_shows_each_months_own_figures(archive):
    soup = _soup(archive / "ukpd" / "kelurahan-rawamangun.html")
    assert _t(soup.h1) == "Kelurahan Rawamangun"
    rows = soup.select("table.tabel-bulanan tbody tr")
    assert len(rows) == 12
    for periode, row in zip(MONTHS, rows, strict=True):
        data, e = _entry(archive, periode, RAWAMANGUN)
        ranked = sum(1 for x in data["per_ukpd"] if x["peringkat_laporan"] > 0)
        ranked_tl = sum(1 for x in data["per_ukpd"] if x["peringkat_penyelesaian"] > 0)
        assert row.th.a["href"] == f"../{periode}/laporan.html"
        cells = [_t(td) for td in row.find_all("td")]
        assert cells == [
            format_angka(e["total"]),
            format_angka(e["status"]["Complete"]),
            format_persen(100 * e["tepat_waktu"] / e["total"], 2),
            format_persen(e["capaian_persen"], 2),
            format_menit(e["koordinasi_rerata_menit"]),
            format_durasi_jam(e["penyelesaian_rerata_menit"] / 60),
            format_angka(e["tl_ditolak"]),
            format_angka(e["nilai_dibawah_100"]),
            f"{format_angka(e['peringkat_laporan'])} dari {format_angka(ranked)}",
            f"{format_angka(e['peringkat_penyelesaian'])} dari {format_angka(ranked_tl)}",
        ], periode
    bars = soup.select("figure.grafik-tren svg.tren-lebar rect > title")
    totals = [_entry(archive, p, RAWAMANGUN)[1]["total"] for p in MONTHS]
    assert [_t(b).split(": ")[1].split(" laporan")[0] for b in bars] == [
        format_angka(t) for t in totals
    ]


def test_kecamatan_page_rolls_up_its_office_and_kelurahan(archive):
    soup = _soup(archive / "kecamatan" / "pulo-gadung.html")
    rows = soup.select("table.tabel-bulanan tbody tr")
    for periode, row in zip(MONTHS, rows, strict=True):
        data, _ = _entry(archive, periode, RAWAMANGUN)
        mine = [e for e in data["per_ukpd"] if e["kecamatan"] == "PULO GADUNG"]
        total = sum(e["total"] for e in mine)
        tepat = sum(e["tepat_waktu"] for e in mine)
        cells = [_t(td) for td in row.find_all("td")]
        assert cells[0] == format_angka(total)
        assert cells[2] == format_persen(100 * tepat / total, 2)
    units = [_t(a) for a in soup.select("#judul-unit ~ div table tbody th a")]
    assert units[0] == "Kecamatan Pulo Gadung" and "Kelurahan Rawamangun" in units
    assert len(units) == 8


def _links(page: Path) -> list[str]:
    soup = _soup(page)
    return [a["href"] for a in soup.find_all("a", href=True)]


def test_every_link_of_the_archive_resolves(archive):
    pages = [archive / "index.html", *archive.glob("ukpd/*.html")]
    pages += [*archive.glob("kecamatan/*.html"), *archive.glob("[0-9][0-9][0-9][0-9]/*.html")]
    assert len(pages) == 1 + 76 + 10
    checked = 0
    ids: dict[Path, set[str]] = {}  # each target page parsed once, however often linked
    for page in pages:
        for href in _links(page):
            parts = urlsplit(href)
            assert not parts.scheme and not parts.netloc, (page, href)  # no network
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(archive)}: {href}"
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = {el["id"] for el in _soup(target).find_all(id=True)}
                assert parts.fragment in ids[target], (page, href)
            checked += 1
    assert checked > 76 * 14


def test_index_lists_every_unit_and_kecamatan_and_the_csv(archive):
    soup = _soup(archive / "index.html")
    units = {a["href"] for a in soup.select(".arsip-ukpd a[href^='ukpd/']")}
    assert len(units) == 76 and "ukpd/kelurahan-rawamangun.html" in units
    assert len(soup.select(".arsip-ukpd a[href^='kecamatan/']")) == 10
    assert soup.select_one(".arsip-unduhan a")["href"] == "data/ukpd_bulanan.csv"
    card = soup.select_one("#bulan-2022-06")
    assert "juni 2022" in card["data-cari"]
    assert soup.select_one("form#saring").has_attr("hidden")  # shown by the script only


def test_csv_has_every_unit_and_month(archive):
    with open(archive / "data" / "ukpd_bulanan.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 76 * 12
    june = [r for r in rows if r["periode"] == "2022-06"]
    data = json.loads((archive / "2022-06" / "metrics.json").read_text(encoding="utf-8"))
    assert sum(int(r["total"]) for r in june) == data["total_laporan"]
    assert sum(int(r["tepat_waktu"]) for r in june) == data["respon"]["tepat_waktu"]


def test_values_from_the_data_stay_text(tmp_path):
    out = tmp_path / "output"
    d = out / "2022-06"
    d.mkdir(parents=True)
    evil = {
        "ukpd": "KELURAHAN <script>alert(1)</script>",
        "tingkat": "kelurahan",
        "kecamatan": '=HYPERLINK("http://x")',
        "status": {"Complete": 1, "Disposisi": 0, "In Progres": 0, "Wait": 0},
        "total": 1,
        "tepat_waktu": 1,
        "terlambat": 0,
    }
    metrics = {"periode": "2022-06", "total_laporan": 1, "per_ukpd": [evil]}
    (d / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    build_archive(out, "Kota <b>X</b>")
    for page in [out / "index.html", *out.glob("ukpd/*.html"), *out.glob("kecamatan/*.html")]:
        soup = _soup(page)
        assert not soup.find("b"), page
        assert all("alert" not in s.get_text() for s in soup.find_all("script")), page
    text = (out / "data" / "ukpd_bulanan.csv").read_text(encoding="utf-8")
    row = next(csv.DictReader(text.splitlines()))
    assert row["kecamatan"] == '\'=HYPERLINK("http://x")'
    assert row["ukpd"] == evil["ukpd"]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "lands_on"),
    [("rawamangun", "ukpd/kelurahan-rawamangun.html"), ("juni 2022", "index.html#bulan-2022-06")],
)
def test_filter_jumps_to_the_unit_or_the_month(archive, chromium, query, lands_on):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page = chromium.new_page()
    try:
        page.goto((archive / "index.html").as_uri())
        page.fill("#saring-kata", query)
        assert page.locator("#saring-hasil").inner_text().endswith("hasil")
        with page.expect_navigation() if "#" not in lands_on else contextlib.nullcontext():
            page.press("#saring-kata", "Enter")
        # A jump inside the page (location.hash) reaches page.url a moment after the
        # key press: wait for it, up to a bound; the assertion below says where it went.
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_url(lambda url: url.endswith(lands_on), timeout=5_000)
        assert page.url.endswith(lands_on), page.url
    finally:
        page.close()
