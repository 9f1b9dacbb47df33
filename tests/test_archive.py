"""The published archive ``output/index.html`` (crmlib.publish.archive)."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from fixtures_render import metrics_json

from crmlib.publish.archive import build_archive_index, collect_months
from crmlib.report.archive_data import read_month_summary

KOTA = "Kota Administrasi Jakarta Timur"


def _month(output, periode, total, capaian, tepat, files=("laporan.html", "laporan.pdf")):
    d = output / periode
    d.mkdir(parents=True)
    (d / "metrics.json").write_text(
        json.dumps(metrics_json(periode, total, capaian, tepat)), encoding="utf-8"
    )
    for name in files:
        (d / name).write_text("x", encoding="utf-8")
    return d


@pytest.fixture()
def output(tmp_path):
    out = tmp_path / "output"
    _month(out, "2022-05", 987, 99.91, 700)
    _month(out, "2022-06", 1096, 99.948, 836, files=("laporan.html", "laporan.pdf", "tabel.xlsx"))
    _month(out, "2021-12", 1234, 98.5, 1000, files=())
    # Not months: a half-built temp folder, a folder without metrics, a broken file.
    (out / ".tmp-2022-07-123").mkdir()
    (out / ".tmp-2022-07-123" / "metrics.json").write_text("{}", encoding="utf-8")
    (out / "2022-04").mkdir()
    (out / "2022-03").mkdir()
    (out / "2022-03" / "metrics.json").write_text("{tidak valid", encoding="utf-8")
    (out / "aset").mkdir()
    return out


@pytest.fixture()
def soup(output):
    path = build_archive_index(output, KOTA)
    assert path == output / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _t(el):
    return " ".join(el.get_text(" ").split())


def test_months_newest_first_grouped_by_year(soup):
    assert soup.html["lang"] == "id"
    assert soup.title.get_text() == f"Arsip Laporan Bulanan CRM — {KOTA}"
    assert "KOTA ADMINISTRASI JAKARTA TIMUR" in _t(soup.header)
    assert "3 laporan bulanan, Desember 2021 – Juni 2022" in _t(soup.header)
    years = [_t(h) for h in soup.select("section.arsip-tahun > h2")]
    assert years == ["2022", "2021"]
    months = [_t(h) for h in soup.select("li.kartu-bulan h3")]
    assert months == ["Juni 2022", "Mei 2022", "Desember 2021"]


def test_headline_figures_are_formatted_the_indonesian_way(soup):
    juni = soup.select_one("#bulan-2022-06")
    figures = {_t(d.dt): _t(d.dd) for d in juni.select("dl.angka-utama > div")}
    assert figures == {
        "Jumlah laporan": "1.096",
        "Capaian": "99,95%",
        "Direspon ≤ 6 jam": "76,28%",
    }
    assert "Data per 28 Juni 2022 pukul 08.00 WIB" in _t(juni)
    des = soup.select_one("#bulan-2021-12")
    assert "1.234" in _t(des) and "98,50%" in _t(des) and "81,04%" in _t(des)


def test_links_only_to_files_that_exist(soup):
    juni = {a["href"] for a in soup.select("#bulan-2022-06 a")}
    assert juni == {
        "2022-06/laporan.html",
        "2022-06/laporan.pdf",
        "2022-06/tabel.xlsx",
        "2022-06/metrics.json",
    }
    assert {a["href"] for a in soup.select("#bulan-2021-12 a")} == {"2021-12/metrics.json"}


def test_trend_chart_is_inline_svg(soup):
    svg = soup.select_one("figure.grafik-tren svg")
    assert svg is not None and svg["role"] == "img"
    bars = svg.select("rect > title")
    # Oldest to newest, one bar per month.
    assert [_t(b).split(":")[0] for b in bars] == ["Desember 2021", "Mei 2022", "Juni 2022"]
    assert len(svg.select("circle")) == 3
    labels = [_t(t) for t in svg.find_all("text")]
    # month names on the axis, the year under the first month and wherever the year changes
    months = [t for t in svg.find_all("text") if t.find("tspan") or _t(t) in ("Mei", "Jun")]
    assert [_t(t.contents[0]) for t in months] == ["Des", "Mei", "Jun"]
    assert _t(months[0].find("tspan")) == "2021" and _t(months[1].find("tspan")) == "2022"
    assert months[2].find("tspan") is None
    assert "1.096" in labels


def test_page_is_self_contained(soup):
    assert not soup.find("link", rel="stylesheet") and not soup.find("script", src=True)
    for script in soup.find_all("script"):  # the inline filter: nothing fetched, no URL
        assert not re.search(r"https?:|fetch\(|XMLHttpRequest|import\(", script.get_text())
    style = soup.style.get_text()
    assert ".kartu-bulan" in style and ".tabel-gulir" in style  # the report's own stylesheet
    for tag in soup.find_all(True):
        for attr in ("src", "href"):
            assert not re.match(r"^(https?:)?//", tag.get(attr, "")), tag


def test_empty_output(tmp_path):
    soup = BeautifulSoup(build_archive_index(tmp_path / "output", "").read_text("utf-8"), "lxml")
    assert "Belum ada laporan" in _t(soup)
    assert soup.title.get_text() == "Arsip Laporan Bulanan CRM"
    assert soup.svg is None


def test_summary_tolerates_missing_figures(tmp_path):
    d = tmp_path / "2022-06"
    d.mkdir()
    (d / "metrics.json").write_text(json.dumps({"periode": "2022-06"}), encoding="utf-8")
    summary = read_month_summary(d)
    assert summary["total"] is None and summary["tepat_waktu_persen"] is None
    assert summary["batas_jam"] == 6
    assert read_month_summary(tmp_path) is None
    assert [m["folder"] for m in collect_months(tmp_path)] == ["2022-06"]
    soup = BeautifulSoup(build_archive_index(tmp_path, "X").read_text("utf-8"), "lxml")
    assert "–" in _t(soup.select_one("#bulan-2022-06 dl"))


def test_rebuilding_replaces_the_page(output):
    first = build_archive_index(output, KOTA).read_text(encoding="utf-8")
    _month(output, "2022-07", 1200, 99.5, 1000)
    second = build_archive_index(output, KOTA).read_text(encoding="utf-8")
    assert "Juli 2022" in second and "Juli 2022" not in first
    assert not list(output.glob(".index.html.tmp"))


def test_each_index_write_uses_a_temp_file_of_its_own(output, monkeypatch):
    import os

    import crmlib.publish.archive

    replaced = []
    real_replace = os.replace

    def record(src, dst):
        replaced.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(crmlib.publish.archive.os, "replace", record)
    build_archive_index(output, "Kota Administrasi Jakarta Timur")
    build_archive_index(output, "Kota Administrasi Jakarta Timur")
    # Two writers sharing one temp name truncate each other's page under a reader's eyes.
    # (The months' status pages are written too, each unchanged one only once.)
    index_writes = [r for r in replaced if r.startswith(".index.html")]
    assert len(set(index_writes)) == 2 and ".index.html.tmp" not in replaced
    assert not [p.name for p in output.iterdir() if p.name.endswith(".tmp")]
    assert (output / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


@pytest.mark.parametrize(("batas", "expected"), [(0, 0.0), (6.5, 6.5), (None, 6.0)])
def test_the_response_limit_comes_from_the_month_not_a_fixed_6(tmp_path, batas, expected):
    d = _month(tmp_path, "2022-06", 10, 90.0, 5)
    data = json.loads((d / "metrics.json").read_text(encoding="utf-8"))
    if batas is None:
        del data["respon"]["batas_jam"]
    else:
        data["respon"]["batas_jam"] = batas
    (d / "metrics.json").write_text(json.dumps(data), encoding="utf-8")
    assert read_month_summary(d)["batas_jam"] == expected
