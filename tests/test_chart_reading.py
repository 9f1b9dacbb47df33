"""Charts a reader can trust, read from the matplotlib figures (not from PNG bytes).

Every numeric axis names its unit, counts never stand on a percent scale, bars
that are few carry their values, and the palette stays distinguishable for
colour-blind readers.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from crmlib.report import chart_base, charts

UNITS = ("laporan", "(jam)", "(%)", "Tanggal", "Bulan")
_NUMBER = re.compile(r"^[>\s]*[\d.,]+\s*%?$")


# Drawn on first use, not at import: collection (in every xdist worker) stays cheap.
@cache
def _all_charts():
    days = pd.date_range("2022-06-01", "2022-06-30")
    return {
        "kecamatan": charts.plot_kecamatan_status(
            pd.DataFrame(
                {
                    "kecamatan": ["CAKUNG", "MATRAMAN", "WALIKOTA JAKARTA TIMUR"],
                    "Complete": [68, 40, 5],
                    "Disposisi": [1, 0, 0],
                    "In Progres": [2, 1, 0],
                    "Wait": [0, 1, 0],
                }
            )
        ),
        "kategori": charts.plot_top_kategori(
            pd.DataFrame({"peringkat": [1, 2], "kategori": ["Sampah", "Jalan"], "jumlah": [92, 75]})
        ),
        "kanal": charts.plot_per_kanal(
            pd.DataFrame({"kanal": ["JAKI", "SMS"], "jumlah": [455, 3]})
        ),
        "respon": charts.plot_waktu_respon(pd.Series([0.5, 1.5, 3.0, 7.0, 20.0, 60.0, np.nan])),
        "harian": charts.plot_harian(
            pd.DataFrame({"tanggal": days.date, "jumlah": np.arange(30) % 7 + 5})
        ),
        "tren": charts.plot_tren_bulanan(
            pd.DataFrame(
                {
                    "periode": ["2022-05", "2022-06"],
                    "total_laporan": [604, 508],
                    "capaian_persen": [99.5, 99.9],
                    "persen_tepat_waktu": [71.0, 76.4],
                }
            )
        ),
    }


CHART_NAMES = ("kecamatan", "kategori", "kanal", "respon", "harian", "tren")


def _numeric_axes(fig):
    for ax in fig.axes:
        if not ax.axison:
            continue
        for axis, label in ((ax.xaxis, ax.get_xlabel()), (ax.yaxis, ax.get_ylabel())):
            ticks = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
            # Names (kecamatan, kanal, months) are categories: they need no unit.
            categorical = not all(_NUMBER.match(t) for t in ticks)
            if ticks and not categorical:
                yield ax, axis, label, ticks


def test_chart_names_are_every_chart():
    assert set(CHART_NAMES) == set(_all_charts())


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_numeric_axis_names_its_unit(name):
    found = list(_numeric_axes(_all_charts()[name]))
    assert found, name
    for _ax, _axis, label, _ticks in found:
        assert any(u in label for u in UNITS), f"{name}: axis label {label!r} names no unit"


@pytest.mark.parametrize("name", CHART_NAMES)
def test_counts_never_on_a_percent_scale(name):
    for ax in _all_charts()[name].axes:
        bars = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() > 0]
        if not bars or not ax.axison:
            continue
        ticks = [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
        assert not any("%" in t for t in ticks), f"{name}: bars of counts on a % axis"
        labels = ax.get_xlabel() + ax.get_ylabel()
        assert "%" not in labels and "Persen" not in labels


def test_trend_chart_has_a_count_axis_and_a_percent_axis():
    fig = _all_charts()["tren"]
    ax_bars, ax_pct = fig.axes
    assert [p.get_height() for p in ax_bars.patches] == [604, 508]
    assert ax_bars.get_ylabel() == "Jumlah laporan" and ax_bars.get_ylim()[1] >= 604
    assert ax_pct.get_ylim() == (0, 105) and ax_pct.get_ylabel() == "Persen (%)"
    shown = [t.get_text() for t in ax_bars.texts]
    assert shown == ["604", "508"]  # few bars: values written on them


@pytest.mark.parametrize("name", ["kecamatan", "kategori", "kanal"])
def test_few_bars_carry_their_values(name):
    ax = _all_charts()[name].axes[0]
    values = {t.get_text() for t in ax.texts}
    expected = {"kecamatan": {"71", "42", "5"}, "kategori": {"92", "75"}, "kanal": {"455", "3"}}
    assert expected[name] <= values


# --- colour-blind safety ----------------------------------------------------------------
# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
_CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def _linear(rgb):
    c = np.asarray(rgb, dtype=float)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb):
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(linear_rgb, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _palette():
    import matplotlib.style

    with matplotlib.style.context(str(chart_base.STYLE_PATH), after_reset=True):
        import matplotlib as mpl

        return [to_rgb(c) for c in mpl.rcParams["axes.prop_cycle"].by_key()["color"]]


# Colours drawn next to each other: the four statuses of a stack; the two lines of
# the trend chart; bars and the limit line of the response chart.
_PAIRS = [(0, 2), (2, 3), (3, 4), (0, 3), (0, 4), (2, 4), (1, 5), (0, 1), (1, 3)]


@pytest.mark.parametrize("vision", ["normal", *_CVD])
def test_palette_stays_distinguishable_for_colour_blind_readers(vision):
    colours = [_linear(c) for c in _palette()]
    if vision != "normal":
        colours = [np.asarray(_CVD[vision]) @ c for c in colours]
    labs = [_lab(c) for c in colours]
    for i, j in _PAIRS:
        delta = float(np.linalg.norm(labs[i] - labs[j]))
        assert delta >= 12, f"{vision}: colours C{i} and C{j} differ by only ΔE {delta:.1f}"
