"""The report's Markdown: seed figures for June 2022, empty cases, month-over-month text."""

from __future__ import annotations

import dataclasses
import json
import re

import pandas as pd
import pytest
from conftest import ROOT, koordinasi_row, laporan_row

from crmlib.report import figures, narasi, tables
from crmlib.report import laporan as r


def teks(lap) -> str:
    """The notebook's Markdown cells filled with the month's values, as the build fills them."""
    nb = json.loads((ROOT / "notebooks" / "laporan_bulanan.ipynb").read_text(encoding="utf-8"))
    narasi.isi_sel(nb, narasi.nilai(lap))
    return "\n\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
    )


def kesimpulan(lap) -> str:
    text = teks(lap)
    return text[text.index("## A. Kesimpulan") : text.index("## B. Saran")]


@pytest.fixture(scope="module")
def juni(tmp_path_factory):
    return r.siapkan_laporan(
        "2022-06",
        ROOT / "data" / "sample" / "2022-06",
        "2022-07-11 08:34",
        output_dir=tmp_path_factory.mktemp("juni"),
        narasi={"kendala": ["Kendala pertama.", "Kendala kedua."], "saran": ["Saran satu."]},
        riwayat=[],
    )


@pytest.fixture
def empty_month(month_factory, tmp_path):
    path = month_factory(
        [laporan_row(waktu_masuk="2022-05-31 10:00:00", waktu_respon="", waktu_selesai="")],
        [koordinasi_row(waktu_koordinasi="2022-05-31 10:00:00", waktu_proses="")],
    )
    return r.siapkan_laporan(
        "2022-06", path, None, output_dir=tmp_path, riwayat=[], izinkan_kosong=True
    )


def _table_rows(md: str) -> list[list[str]]:
    rows = [line for line in md.splitlines() if line.startswith("|")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]


def test_recap_table_has_every_unit_and_bold_total(juni):
    md = tables.tabel_rekap_status(juni, as_text=True)
    rows = _table_rows(md)
    assert len(rows) == 76 + 1
    assert rows[0][1] == "**KECAMATAN MATRAMAN**" and rows[1][:2] == ["1", "KELURAHAN KAYU MANIS"]
    assert rows[-1] == ["", "**Jumlah**", "**508**", "**0**", "**0**", "**0**", "**508**"]
    assert "11 Juli 2022 08:34" in md and "{#tbl-rekap}" in md and ".tabel-rekap" in md


def test_headline_paragraph_has_seed_figures(juni):
    text = teks(juni)
    for fragment in ("**508**", "**99,96%**", "**388**", "(76,38%)", "**120**", "(23,62%)"):
        assert fragment in text


def test_top_units_show_the_tie_at_cutoff(juni):
    md = tables.tabel_top_ukpd(juni, as_text=True)
    rows = _table_rows(md)
    assert [row[0] for row in rows] == ["1", "2", "2", "4", "4", "4", "4"]
    assert rows[0][1:] == ["Kelurahan Rawamangun", "25"]
    assert "memuat 7 UKPD" in teks(juni) and "memuat" not in md


def test_top_categories(juni):
    rows = _table_rows(tables.tabel_top_kategori(juni, as_text=True))
    assert [row[2] for row in rows] == ["92", "75", "62", "48", "42"]
    assert rows[0][1] == "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"


@pytest.mark.parametrize(
    ("key", "first", "last", "header"),
    [
        (
            "koordinasi_tercepat",
            ["1", "Cipayung", "24", "10,63"],
            ["10", "Gedong", "53", "38,00"],
            "Rerata Waktu Koordinasi (Menit)",
        ),
        (
            "koordinasi_terlama",
            ["1", "Munjul", "10", "9,778"],
            ["10", "Rawa Terate", "17", "3,933"],
            "Rerata Waktu Koordinasi (Jam)",
        ),
        (
            "penyelesaian_tercepat",
            ["1", "Cipayung", "6", "51,17"],
            ["10", "Penggilingan", "18", "104,83"],
            "Rerata Waktu Penyelesaian (Menit)",
        ),
        (
            "penyelesaian_terlama",
            ["1", "Kebon Manggis", "1", "67,00"],
            ["10", "Kramat Jati", "3", "12,64"],
            "Rerata Waktu Penyelesaian (Jam)",
        ),
    ],
)
def test_ranking_tables_match_seed(juni, key, first, last, header):
    md = tables.tabel_peringkat(juni, key, as_text=True)
    rows = _table_rows(md)
    assert len(rows) == 10 and rows[0] == first and rows[-1] == last
    assert header in md


def test_rejected_and_below_100_tables(juni):
    rows = _table_rows(tables.tabel_tl_ditolak(juni, as_text=True))
    assert [(row[1], row[2], row[6]) for row in rows] == [
        ("Kelurahan Pondok Kopi", "JK2206080126", "2"),
        ("Kelurahan Setu", "JK2206130046", "4"),
    ]
    rows = _table_rows(tables.tabel_nilai_dibawah_100(juni, as_text=True))
    assert rows == [
        [
            "1",
            "JK2206030245",
            "Kelurahan Kebon Manggis",
            "Sampah",
            "Sampah Lingkungan",
            "3 Juni 2022 16:15",
            "6 Juni 2022 11:15",
            "48",
            "67,00",
            "80",
        ]
    ]


def test_conclusions_are_computed(juni):
    text = kesimpulan(juni)
    assert "**99,96%**" in text and "**388** aduan (**76,38%**)" in text
    assert "**Kelurahan Rawamangun** dengan **25** aduan (**4,92%**)" in text
    assert (
        "**Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan** dengan **92** aduan (**18,11%**)"
        in text
    )
    assert "**Kelurahan Pondok Kopi** dan **Kelurahan Setu**" in text
    assert re.search(r"^5\. Kendala", text, re.M) and "    a. Kendala pertama." in text


def test_empty_month_is_graceful(empty_month):
    assert empty_month.total == 0
    text = teks(empty_month)
    assert "Selama bulan Juni 2022 tidak ada pengaduan masyarakat yang masuk" in text
    assert "tidak ada tindak lanjut pengaduan yang ditolak" in text
    assert "seluruh tindak lanjut pengaduan memperoleh nilai 100" in text
    assert "tercepat bulan Juni 2022: tidak ada data koordinasi" in text
    assert tables.tabel_top_ukpd(empty_month, as_text=True) == ""
    assert tables.tabel_peringkat(empty_month, "koordinasi_tercepat", as_text=True) == ""
    assert "tidak ada pengaduan" in kesimpulan(empty_month)
    assert "Tidak ada saran khusus untuk bulan ini." in text
    for chart in (
        figures.grafik_kecamatan,
        figures.grafik_kategori,
        figures.grafik_kanal,
        figures.grafik_respon,
        figures.grafik_harian,
    ):
        md = chart(empty_month, as_text=True)
        assert md.startswith("::: {.grafik-ponsel}\n![") and "\n:::\n\n![" in md


def test_month_over_month_sentence(juni, monkeypatch):
    # `juni` is module-scoped: work on copies, never on the shared fixture.
    juni = dataclasses.replace(juni)
    juni.riwayat = pd.DataFrame(
        [
            {
                "periode": "2022-05",
                "total_laporan": 600,
                "capaian_persen": 99.5,
                "persen_tepat_waktu": 80.0,
            }
        ]
    )
    text = teks(juni)
    sentence = text[text.index("Dibandingkan bulan") :].split("\n")[0]
    assert sentence.startswith(
        "Dibandingkan bulan Mei 2022 (600 pengaduan), jumlah pengaduan turun 92"
    )
    assert "nilai capaian naik 0,46 poin persen" in sentence
    from crmlib.report import charts

    drawn = []
    real = charts.plot_tren_bulanan

    def record(*args, **kwargs):
        drawn.append(real(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(charts, "plot_tren_bulanan", record)
    monkeypatch.setattr(figures, "_GRAFIK_CACHE", {})  # draw it here, not from an earlier test
    assert figures.grafik_tren(juni, as_text=True).startswith("::: {.grafik-ponsel}\n![")
    assert [fig.ponsel for fig in drawn] == [False, True]  # the page's drawing, the phone's
    ax_bars, ax_pct = drawn[0].axes
    assert [p.get_height() for p in ax_bars.patches] == [600, 508]  # May, then June
    tepat = juni.m["respon"]["tepat_waktu"]
    assert ax_pct.lines[1].get_ydata().tolist() == [80.0, 100 * tepat / 508]
    assert ax_pct.lines[0].get_ydata().tolist() == [99.5, juni.m["capaian_persen"]]
    juni.riwayat = pd.DataFrame(columns=r.RIWAYAT_COLUMNS)
    assert "Dibandingkan bulan" not in teks(juni)


def test_charts_written_beside_notebook(juni):
    md = figures.grafik_respon(juni, as_text=True)
    assert (
        "{#fig-respon fig-alt=" in md
        and (juni.output_dir / "grafik" / "respon.png").stat().st_size > 1000
    )
