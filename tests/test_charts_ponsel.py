"""The phone drawing of every chart: readable at 390 px, whole, and shown only on a phone.

A phone shows the report's column 364 CSS px wide at 390 px (measured in Chromium by
``tests/test_accessibility.py``, which also checks that the phone drawing is the one
shown there). A label of ``s`` pt in a drawing ``w`` inches wide is then
``s / 72 * 364 / w`` CSS px: every label of every phone drawing must be 12 px or more,
inside the drawing, and tick labels must not run into each other.
"""

from __future__ import annotations

import base64
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from test_charts import KANAL, KECAMATAN

from crmlib.report import chart_base, charts
from crmlib.report.chart_base import LEBAR_PONSEL_IN, untuk_ponsel

LEBAR_TAMPIL_PX = 364  # the phone drawing's width on a 390 px screen
KATEGORI = [
    "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan",
    "Sampah",
    "Gangguan Ketenteraman dan Ketertiban",
    "Parkir Liar",
    "Pelayanan Administrasi Kependudukan dan Pencatatan Sipil",
]


def _tren(months: int) -> pd.DataFrame:
    periode = pd.period_range(end="2022-06", periods=months, freq="M").astype(str)
    return pd.DataFrame(
        {
            "periode": periode,
            "total_laporan": np.arange(months) * 997 + 1100,  # five-digit counts at the end
            "capaian_persen": np.linspace(90, 100, months),
            "persen_tepat_waktu": np.linspace(60, 80, months),
        }
    )


def _hours() -> pd.Series:
    rng = np.random.default_rng(2)
    late = rng.uniform(6, 47, 50)
    return pd.Series([*rng.exponential(3.5, 430), *late, 60, 100, 250, *[np.nan] * 1234])


CHARTS = {
    "kecamatan": lambda: charts.plot_kecamatan_status(
        pd.DataFrame(
            {"kecamatan": KECAMATAN, "Complete": range(20, 31), "Disposisi": 3}
            | {"In Progres": 2, "Wait": 1}
        )
    ),
    "kategori": lambda: charts.plot_top_kategori(
        pd.DataFrame(
            {"peringkat": range(1, 6), "kategori": KATEGORI, "jumlah": [92, 75, 62, 48, 4]}
        )
    ),
    "kanal": lambda: charts.plot_per_kanal(
        pd.DataFrame({"kanal": KANAL, "jumlah": [0, 3, 1, 0, 0, 0, 12, 2, 25, 6, 4, 0, 0, 12455]})
    ),
    "respon": lambda: charts.plot_waktu_respon(_hours()),
    "harian": lambda: charts.plot_harian(
        pd.DataFrame({"tanggal": pd.date_range("2022-07-01", "2022-07-31").date, "jumlah": 1234})
    ),
    "tren-13": lambda: charts.plot_tren_bulanan(_tren(13)),
    "tren-3": lambda: charts.plot_tren_bulanan(_tren(3)),
}


@pytest.fixture(scope="module", params=list(CHARTS))
def drawing(request) -> Figure:
    with untuk_ponsel():
        fig = CHARTS[request.param]()
    chart_base.to_png(fig)  # as published: laid out and printed
    return fig


def _tick_labels(axis) -> tuple[list[Text], list[Text]]:
    """(labels drawn, labels not drawn): matplotlib keeps ticks beyond the axis's view."""
    lo, hi = sorted(axis.get_view_interval())
    drawn, hidden = [], []
    for tick in axis.get_major_ticks():
        inside = lo - 1e-9 <= tick.get_loc() <= hi + 1e-9
        (drawn if inside else hidden).append(tick.label1)
    return drawn, hidden


def _texts(fig: Figure) -> list[Text]:
    """Every text the drawing shows."""
    hidden = {
        id(t) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis) for t in _tick_labels(axis)[1]
    }
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and id(t) not in hidden
    ]


def test_the_phone_drawing_is_narrow(drawing):
    assert drawing.ponsel
    assert drawing.get_size_inches()[0] == pytest.approx(LEBAR_PONSEL_IN)


def test_every_label_is_12_css_px_or_more_on_a_390_px_phone(drawing):
    smallest = min(t.get_fontsize() for t in _texts(drawing))
    width_in = drawing.get_size_inches()[0]
    assert smallest / 72 * LEBAR_TAMPIL_PX / width_in >= 12


def test_every_label_is_inside_the_drawing(drawing):
    renderer = drawing.canvas.get_renderer()
    box = drawing.bbox
    for t in _texts(drawing):
        e = t.get_window_extent(renderer)
        assert box.x0 - 1 <= e.x0 and e.x1 <= box.x1 + 1, t.get_text()
        assert box.y0 - 1 <= e.y0 and e.y1 <= box.y1 + 1, t.get_text()


def test_tick_labels_do_not_run_into_each_other(drawing):
    renderer = drawing.canvas.get_renderer()
    for ax in drawing.axes:
        for axis in (ax.xaxis, ax.yaxis):
            boxes = [
                t.get_window_extent(renderer)
                for t in _tick_labels(axis)[0]
                if t.get_visible() and t.get_text().strip()
            ]
            for a, b in zip(boxes, boxes[1:], strict=False):
                assert not a.overlaps(b), [t.get_text() for t in axis.get_ticklabels()]


def test_the_printed_drawing_is_unchanged_by_the_phone_one():
    """Drawn after a phone drawing, a chart is the page's: A4 column wide, printed type sizes."""
    with untuk_ponsel():
        CHARTS["respon"]()
    fig = CHARTS["respon"]()
    assert not fig.ponsel
    assert fig.get_size_inches()[0] == pytest.approx(chart_base.LEBAR_IN)
    assert min(t.get_fontsize() for t in _texts(fig)) == 7  # the note of unanswered reports


def test_the_phone_png_is_the_narrow_drawing():
    with untuk_ponsel():
        png = chart_base.to_png(CHARTS["kanal"]())
    width = int.from_bytes(png[16:20], "big")  # IHDR
    assert width == round(LEBAR_PONSEL_IN * chart_base.DPI)


def test_the_figure_markdown_carries_the_phone_drawing_first(tmp_path):
    """Both PNGs beside the notebook; the phone block names the same text alternative, escaped."""
    from crmlib.report import figures

    lap = SimpleNamespace(  # what _figure reads of a Laporan
        output_dir=tmp_path,
        periode="2022-06",
        month=SimpleNamespace(sources=[{"sha256": str(tmp_path)}]),  # a key of its own
        metrics=SimpleNamespace(params=None),
        m={},
        riwayat=pd.DataFrame(),
    )
    md = figures._figure(
        lap, CHARTS["kategori"], "uji", "Judul", True, alt="Kategori <b>*a*</b>: 92"
    )
    ponsel, _, figure = md.partition("\n\n")
    assert ponsel == (
        "::: {.grafik-ponsel}\n"
        "![Kategori \\<b\\>\\*a\\*\\</b\\>\\: 92](grafik/uji-ponsel.png){#ponsel-uji}\n:::"
    )
    assert figure.startswith("![Judul](grafik/uji.png){#fig-uji ")
    assert (tmp_path / "grafik" / "uji.png").read_bytes() != (
        tmp_path / "grafik" / "uji-ponsel.png"
    ).read_bytes()


def test_render_writes_the_phone_drawing_of_a_data_uri_chart_beside_the_notebook(tmp_path):
    from crmlib.render.notebook import simpan_grafik

    data = base64.b64encode(b"\x89PNG-ponsel").decode()
    md = (
        f"::: {{.grafik-ponsel}}\n![alt](data:image/png;base64,{data}){{#ponsel-kanal}}\n:::\n\n"
        f"![Judul](data:image/png;base64,{base64.b64encode(b'lebar').decode()}){{#fig-kanal}}\n"
    )
    nb = {"cells": [{"outputs": [{"data": {"text/markdown": md}}]}]}
    assert simpan_grafik(nb, tmp_path) == 2
    assert (tmp_path / "grafik" / "kanal-ponsel.png").read_bytes() == b"\x89PNG-ponsel"
    assert (tmp_path / "grafik" / "kanal.png").read_bytes() == b"lebar"
    out = nb["cells"][0]["outputs"][0]["data"]["text/markdown"]
    assert "](grafik/kanal-ponsel.png){#ponsel-kanal}" in out
    assert "](grafik/kanal.png){#fig-kanal}" in out
