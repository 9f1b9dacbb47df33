"""Tests of crmlib.report.charts: structure of each chart, empty months, PNG output."""

from __future__ import annotations

import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from crmlib.report import chart_base, charts

KECAMATAN = [
    "MATRAMAN", "PULO GADUNG", "JATINEGARA", "KRAMAT JATI", "PASAR REBO", "CAKUNG",
    "DUREN SAWIT", "CIRACAS", "MAKASAR", "CIPAYUNG", "Kantor Walikota",
]  # fmt: skip
KANAL = [
    "QLUE", "Twitter", "Facebook", "Email", "Balai Warga", "SMS", "LAPOR 1708",
    "Media Sosial Gubernur", "Kantor Kelurahan", "Kantor Kecamatan", "Kantor Walikota",
    "Pendopo Balai Kota", "Kantor Inspektorat", "JAKI",
]  # fmt: skip


def texts(fig: Figure) -> list[str]:
    """Every visible string of a figure (ticks, labels, notes, legend)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def assert_empty_chart(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    assert chart_base.TEKS_KOSONG in texts(fig)
    assert not fig.axes[0].axison
    assert len(chart_base.to_png(fig)) > 1000


@pytest.fixture
def df_kecamatan() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = len(KECAMATAN)
    return pd.DataFrame(
        {
            "kecamatan": KECAMATAN,
            "Complete": rng.integers(20, 90, n),
            "Disposisi": rng.integers(0, 5, n),
            "In Progres": rng.integers(0, 8, n),
            "Wait": [0, 2, 0, 1, 0, 0, 3, 0, 0, 1, 0],
        }
    )


@pytest.fixture
def df_kategori() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "peringkat": [2, 1, 3, 4, 5],
            "kategori": [
                "Sampah",
                "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan",
                "Jalan",
                "Parkir Liar",
                "Gangguan Ketenteraman dan Ketertiban",
            ],
            "jumlah": [75, 92, 62, 48, 42],
        }
    )


def _kanal() -> pd.DataFrame:
    return pd.DataFrame({"kanal": KANAL, "jumlah": [0, 3, 1, 0, 0, 0, 12, 2, 25, 6, 4, 0, 0, 455]})


def _hours() -> pd.Series:
    rng = np.random.default_rng(2)
    return pd.Series(
        np.concatenate([rng.exponential(3.5, 430), rng.uniform(6, 47, 50), [60, 100, 250]]).tolist()
        + [np.nan] * 3
    )


@pytest.fixture
def df_kanal() -> pd.DataFrame:
    return _kanal()


@pytest.fixture
def hours() -> pd.Series:
    return _hours()


# The channel and response-time charts of the data above, drawn once for the tests that
# only read or save them (drawing a chart costs more than any of those tests' checks).
@pytest.fixture(scope="module")
def kanal_fig() -> Figure:
    return charts.plot_per_kanal(_kanal())


@pytest.fixture(scope="module")
def respon_fig() -> Figure:
    return charts.plot_waktu_respon(_hours())


@pytest.fixture
def df_harian() -> pd.DataFrame:
    days = pd.date_range("2022-06-01", "2022-06-30")
    return pd.DataFrame({"tanggal": days.date, "jumlah": np.arange(30) % 7 + 5})


@pytest.fixture
def df_tren() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "periode": ["2022-03", "2022-01", "2022-02", "2022-04", "2022-05", "2022-06"],
            "total_laporan": [575, 612, 540, 498, 530, 508],
            "capaian_persen": [99.81, 99.2, 99.6, 99.7, 99.9, 99.948],
            "persen_tepat_waktu": [74.0, 70.1, 72.5, 71.3, 75.2, 76.38],
        }
    )


# ---------------------------------------------------------------------------
# plot_kecamatan_status
# ---------------------------------------------------------------------------
def test_kecamatan_status_structure(df_kecamatan):
    fig = charts.plot_kecamatan_status(df_kecamatan)
    assert isinstance(fig, Figure)
    assert fig.get_size_inches()[0] == pytest.approx(chart_base.LEBAR_IN)
    ax = fig.axes[0]
    assert len(ax.containers) == 4
    assert all(len(c) == len(KECAMATAN) for c in ax.containers)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Matraman" and "Pulo Gadung" in labels and labels[-1] == "Kantor Walikota"
    assert ax.get_xlabel() == "Jumlah laporan"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    # The codes of Tabel 2.1 with their meaning (one set of names, explained).
    assert legend == [
        "Complete (Selesai)",
        "Disposisi",
        "In Progres (Dalam Proses)",
        "Wait (Menunggu)",
    ]


def test_kecamatan_status_stacks_add_up(df_kecamatan):
    fig = charts.plot_kecamatan_status(df_kecamatan)
    ax = fig.axes[0]
    ends = [bar.get_x() + bar.get_width() for bar in ax.containers[-1]]
    totals = df_kecamatan[["Complete", "Disposisi", "In Progres", "Wait"]].sum(axis=1)
    assert ends == pytest.approx(totals.tolist())
    # totals printed at the bar ends
    assert {str(t) for t in totals} <= set(texts(fig))


def test_kecamatan_status_missing_columns_and_custom_labels():
    df = pd.DataFrame({"kecamatan": ["MATRAMAN", "CAKUNG"], "Complete": [3, 0], "total": [3, 0]})
    fig = charts.plot_kecamatan_status(df, labels={"Complete": "Complete"})
    ax = fig.axes[0]
    assert len(ax.containers) == 4
    assert "Complete" in [t.get_text() for t in fig.legends[0].get_texts()]


@pytest.mark.parametrize(
    "df",
    [
        pd.DataFrame(columns=["kecamatan", "Complete", "Disposisi", "In Progres", "Wait"]),
        pd.DataFrame({"kecamatan": ["MATRAMAN"], "Complete": [0], "Wait": [0]}),
        None,
    ],
)
def test_kecamatan_status_empty(df):
    assert_empty_chart(charts.plot_kecamatan_status(df))


# ---------------------------------------------------------------------------
# plot_top_kategori
# ---------------------------------------------------------------------------
def test_top_kategori(df_kategori):
    fig = charts.plot_top_kategori(df_kategori)
    ax = fig.axes[0]
    assert len(ax.patches) == 5
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # rank 1 on top, long names wrapped
    assert labels[0].replace("\n", " ") == df_kategori.loc[1, "kategori"]
    assert "\n" in labels[0]
    assert labels[1] == "Sampah"
    widths = [p.get_width() for p in ax.patches]
    assert widths == [92, 75, 62, 48, 42]
    assert ax.get_xlabel() == "Jumlah laporan"


def test_top_kategori_labels_fit_in_figure(df_kategori):
    fig = charts.plot_top_kategori(df_kategori)
    renderer = fig.canvas.get_renderer()
    fig_box = fig.bbox
    for label in fig.axes[0].get_yticklabels():
        box = label.get_window_extent(renderer)
        assert box.x0 >= fig_box.x0 - 1 and box.y0 >= fig_box.y0 - 1
        assert box.y1 <= fig_box.y1 + 1


def test_top_kategori_empty():
    assert_empty_chart(charts.plot_top_kategori(pd.DataFrame(columns=["peringkat", "kategori"])))


# ---------------------------------------------------------------------------
# plot_per_kanal
# ---------------------------------------------------------------------------
def test_per_kanal_shows_all_channels_including_zeros(kanal_fig):
    ax = kanal_fig.axes[0]
    assert len(ax.patches) == 14
    assert [t.get_text() for t in ax.get_yticklabels()] == KANAL
    value_labels = [t.get_text() for t in ax.texts]
    assert value_labels.count("0") == 6
    assert ax.get_xlabel() == "Jumlah laporan"


def test_per_kanal_axis_uses_indonesian_thousands(df_kanal):
    df = df_kanal.assign(jumlah=df_kanal["jumlah"] * 10)  # JAKI 4.550
    fig = charts.plot_per_kanal(df)
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert any("." in t and t.replace(".", "").isdigit() for t in ticks), ticks
    assert not any("," in t for t in ticks)
    assert "4.550" in texts(fig)


def test_per_kanal_empty(df_kanal):
    assert_empty_chart(charts.plot_per_kanal(df_kanal.assign(jumlah=0)))
    assert_empty_chart(charts.plot_per_kanal(df_kanal.iloc[0:0]))


# ---------------------------------------------------------------------------
# plot_waktu_respon
# ---------------------------------------------------------------------------
def test_waktu_respon_bins_and_limit(hours, respon_fig):
    fig = respon_fig
    ax = fig.axes[0]
    assert len(ax.patches) == 48 // 2 + 1  # 2-hour bins up to 48 h plus the overflow bin
    heights = [p.get_height() for p in ax.patches]
    assert sum(heights) == hours.notna().sum()
    assert heights[-1] == 3  # 60, 100 and 250 hours
    limit = [ln for ln in ax.lines if ln.get_label() == "Batas 6 jam"]
    assert len(limit) == 1
    assert list(limit[0].get_xdata()) == [6, 6]
    assert "Batas 6 jam" in texts(fig)
    assert "> 48" in [t.get_text() for t in ax.get_xticklabels()]
    assert ax.get_xlabel() == "Waktu respons (jam)"
    assert ax.get_ylabel() == "Jumlah laporan"


def test_waktu_respon_note_counts_unanswered(hours, respon_fig):
    assert "3 laporan belum direspons (tidak digambar)" in texts(respon_fig)
    fig = charts.plot_waktu_respon(hours.dropna())
    assert not any("belum direspons" in t for t in texts(fig))


def test_waktu_respon_bars_beyond_limit_are_lighter(respon_fig):
    ax = respon_fig.axes[0]
    within = {tuple(p.get_facecolor()) for p in ax.patches[:3]}
    beyond = {tuple(p.get_facecolor()) for p in ax.patches[3:-1]}
    assert len(within) == 1 and len(beyond) == 1 and within != beyond


def test_waktu_respon_other_limit():
    fig = charts.plot_waktu_respon(pd.Series([1.0, 3.0, 5.0, 30.0]), batas_jam=4)
    ax = fig.axes[0]
    assert [ln.get_xdata()[0] for ln in ax.lines] == [4]
    assert "Batas 4 jam" in texts(fig)


def test_waktu_respon_negative_and_boundary_values():
    ax = charts.plot_waktu_respon(pd.Series([-0.5, 0.0, 48.0, 48.01])).axes[0]
    heights = [p.get_height() for p in ax.patches]
    assert heights[0] == 2  # negative data error drawn in the first bin
    assert heights[-2] == 1  # exactly 48 h is still a regular bin
    assert heights[-1] == 1


@pytest.mark.parametrize(
    "values", [pd.Series([], dtype=float), pd.Series([np.nan, np.nan]), [], None]
)
def test_waktu_respon_empty(values):
    fig = charts.plot_waktu_respon(values)
    assert_empty_chart(fig)


def test_waktu_respon_empty_still_reports_unanswered():
    fig = charts.plot_waktu_respon(pd.Series([np.nan, np.nan]))
    assert "2 laporan belum direspons (tidak digambar)" in texts(fig)


# ---------------------------------------------------------------------------
# plot_harian
# ---------------------------------------------------------------------------
def test_harian_one_bar_per_day(df_harian):
    fig = charts.plot_harian(df_harian)
    ax = fig.axes[0]
    assert len(ax.containers[0]) == 30
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(d) for d in range(1, 31)]
    assert ax.get_xlabel() == "Tanggal (Juni 2022)"
    assert ax.get_ylabel() == "Jumlah laporan"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[0] == "Laporan masuk" and legend[-1] == "Sabtu/Minggu"
    assert legend[1].startswith("Rata-rata harian (")


def test_harian_weekends_shaded(df_harian):
    ax = charts.plot_harian(df_harian).axes[0]
    bars = set(ax.containers[0])
    spans = [p for p in ax.patches if p not in bars]
    assert len(spans) == 8  # June 2022: 4 Saturdays + 4 Sundays
    # the first weekend of June 2022 is the 4th and 5th (positions 3 and 4)
    assert sorted(round(s.get_x() + s.get_width() / 2) for s in spans)[:2] == [3, 4]


def test_harian_fills_missing_days_and_sums_duplicates():
    df = pd.DataFrame(
        {
            "tanggal": pd.to_datetime(["2022-02-03 08:00", "2022-02-03 17:30", "2022-02-10 00:00"]),
            "jumlah": [2, 3, 1],
        }
    )
    ax = charts.plot_harian(df).axes[0]
    heights = [b.get_height() for b in ax.containers[0]]
    assert len(heights) == 28
    assert heights[2] == 5 and heights[9] == 1 and sum(heights) == 6


def test_harian_empty(df_harian):
    assert_empty_chart(charts.plot_harian(df_harian.iloc[0:0]))
    assert_empty_chart(charts.plot_harian(df_harian.assign(jumlah=0)))


# ---------------------------------------------------------------------------
# plot_tren_bulanan
# ---------------------------------------------------------------------------
def test_tren_bulanan(df_tren):
    fig = charts.plot_tren_bulanan(df_tren)
    ax_bars, ax_pct = fig.axes
    assert len(ax_bars.patches) == 6
    # sorted by period
    assert [p.get_height() for p in ax_bars.patches] == [612, 540, 575, 498, 530, 508]
    assert len(ax_pct.lines) == 2
    assert all(len(ln.get_xdata()) == 6 for ln in ax_pct.lines)
    labels = [t.get_text() for t in ax_bars.get_xticklabels()]
    assert labels == ["Jan 2022", "Feb 2022", "Mar 2022", "Apr 2022", "Mei 2022", "Jun 2022"]
    assert ax_pct.get_ylabel() == "Persen (%)"
    assert "100%" in [t.get_text() for t in ax_pct.get_yticklabels()]
    # Counts on a count axis of their own, never on the percent scale (Gambar 2.2).
    assert ax_bars.get_ylabel() == "Jumlah laporan"
    assert not ax_pct.patches and not ax_bars.lines
    assert ax_bars.get_ylim()[1] > 612 and "%" not in "".join(
        t.get_text() for t in ax_bars.get_yticklabels()
    )
    assert ax_bars.get_xlabel() == "Bulan"
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Jumlah laporan", "Capaian (%)", "Direspons ≤ 6 jam (%)"]
    fig = charts.plot_tren_bulanan(df_tren, batas_jam=6.5)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[-1] == "Direspons ≤ 6,5 jam (%)"  # the month's own limit, not a fixed 6


def test_tren_bulanan_year_uses_two_line_labels():
    periods = [f"{2021 + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(7, 19)]
    df = pd.DataFrame(
        {
            "periode": periods,
            "total_laporan": range(500, 1100, 50),
            "capaian_persen": [99.0] * 12,
            "persen_tepat_waktu": [np.nan] + [75.0] * 11,
        }
    )
    fig = charts.plot_tren_bulanan(df)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels[0] == "Jul\n2021" and labels[-1] == "Jun\n2022"
    assert "1.050" in texts(fig)


def test_tren_bulanan_accepts_timestamps_and_periods(df_tren):
    df = df_tren.assign(periode=pd.to_datetime(df_tren["periode"]))
    labels = [t.get_text() for t in charts.plot_tren_bulanan(df).axes[0].get_xticklabels()]
    assert labels[0] == "Jan 2022"
    df = df_tren.assign(periode=pd.PeriodIndex(df_tren["periode"], freq="M"))
    labels = [t.get_text() for t in charts.plot_tren_bulanan(df).axes[0].get_xticklabels()]
    assert labels[-1] == "Jun 2022"


def test_tren_bulanan_single_month(df_tren):
    fig = charts.plot_tren_bulanan(df_tren.iloc[[5]])
    assert len(fig.axes[0].patches) == 1


def test_tren_bulanan_empty(df_tren):
    assert_empty_chart(charts.plot_tren_bulanan(df_tren.iloc[0:0]))


# ---------------------------------------------------------------------------
# output, style and side effects
# ---------------------------------------------------------------------------
def test_save_figure_writes_png(tmp_path, kanal_fig):
    target = chart_base.save_figure(kanal_fig, tmp_path / "sub" / "kanal.png")
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 5000


def test_saved_size_matches_a4_column(tmp_path, respon_fig):
    import matplotlib.image as mpimg

    target = chart_base.save_figure(respon_fig, tmp_path / "w.png")
    height, width = mpimg.imread(target).shape[:2]
    assert (width, height) == (round(6.3 * 150), round(3.2 * 150))


def test_figures_display_in_notebooks(kanal_fig):
    png = kanal_fig._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_style_does_not_leak_into_global_rcparams(df_kanal):
    before = dict(mpl.rcParams)
    charts.plot_per_kanal(df_kanal)
    chart_base.to_png(charts.plot_harian(pd.DataFrame({"tanggal": ["2022-06-01"], "jumlah": [1]})))
    assert dict(mpl.rcParams) == before


def test_style_file_is_valid():
    params = mpl.rc_params_from_file(str(chart_base.STYLE_PATH), use_default_template=False)
    assert len(params["axes.prop_cycle"].by_key()["color"]) >= 6
    assert params["axes.spines.top"] is False


def test_chart_text_uses_report_style(kanal_fig):
    ax = kanal_fig.axes[0]
    label = ax.get_yticklabels()[0]
    assert label.get_fontsize() == pytest.approx(7.5)
    assert "DejaVu Sans" in label.get_fontfamily() or label.get_fontfamily() == ["sans-serif"]


def test_import_is_cheap_and_never_uses_pyplot():
    code = (
        "import sys, crmlib.report.charts as c\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported at import time'\n"
        "import pandas as pd\n"
        "fig = c.plot_per_kanal(pd.DataFrame({'kanal': ['JAKI'], 'jumlah': [3]}))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_save_figure_closes_pyplot_figures(tmp_path):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig = plt.figure()
    chart_base.save_figure(fig, tmp_path / "p.png")
    assert not plt.fignum_exists(fig.number)


def test_kecamatan_status_accepts_metrics_output():
    from crmlib import metrics
    from crmlib.data.refdata import load_reference

    ref = load_reference()
    laporan = pd.DataFrame(
        {
            "ukpd": ["KELURAHAN PULO GEBANG", "KELURAHAN CIPAYUNG", "WALIKOTA JAKARTA TIMUR"],
            "status": ["Complete", "Wait", "Complete"],
        }
    )
    table = metrics.compute_kecamatan_status(laporan, ref.ukpd)
    ax = charts.plot_kecamatan_status(table).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Matraman" and labels[-1] == "Walikota Jakarta Timur"
    assert all(len(c) == len(table) for c in ax.containers)
