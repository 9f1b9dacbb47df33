"""The report's month-over-month chart: report totals and two percentages, each on its own scale.

Part of the report's charts (:mod:`crmlib.report.charts`, which re-exports
:func:`plot_tren_bulanan`); the style, figure and PNG output are
:mod:`crmlib.report.chart_base`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlib.report import fmt
from crmlib.report.chart_base import (
    _ABU,
    _AKSEN,
    _TERANG,
    LABEL_JUMLAH,
    UKURAN,
    _batas,
    _count_axis,
    _figure,
    _figure_dua_panel,
    _finish,
    _fixed_locator,
    _formatter_persen,
    _gaya,
    _is_empty,
    _kosong,
    _pt,
    _warna,
    ponsel,
)

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps matplotlib out of import time
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["plot_tren_bulanan"]


def plot_tren_bulanan(df: pd.DataFrame, batas_jam: float | None = None) -> Figure:
    """Month-over-month comparison: report totals and two percentages, each on its own scale.

    Counts and percentages never share an axis: the bars (counts) stand in the lower
    panel on a count axis, the lines (percentages) run in the upper panel on a
    0-100 % axis; both panels share the months.

    Parameters
    ----------
    df : pandas.DataFrame
        ``periode`` (``"2022-01"``, date or Period), ``total_laporan``,
        ``capaian_persen`` and ``persen_tepat_waktu`` (0-100 scale; NaN leaves a gap).
    batas_jam : float, optional
        Response limit named in the legend; default ``MetricParams().batas_respon_jam``.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.axes[0]`` (lower panel): one bar per month on a count axis labelled
        "Jumlah laporan", its count printed on top. ``fig.axes[1]`` (upper panel):
        a 0-100 % axis labelled "Persen (%)" with two lines of one point per month:
        capaian (accent, solid, circles) and responded within the limit (dark
        grey, dashed, squares). Months are labelled ``"Jan 2022"`` on the lower
        panel (on two lines beyond 8 months).
    """
    with _gaya():
        if _is_empty(df):
            fig, ax = _figure()
            return _kosong(fig, ax)
        fig, ax, axp = _figure_dua_panel(UKURAN[1] + (2.0 if ponsel() else 1.0))
        data = df.assign(_ym=[_year_month_key(p) for p in df["periode"]]).sort_values(
            "_ym", kind="stable"
        )
        x = np.arange(len(data))
        bars = _tren_counts(ax, x, data)
        lines = _tren_percentages(axp, x, data, batas_jam)
        _tren_months(ax, x, data)
        fig.legend(handles=[bars, *lines], loc="outside upper left", ncols=1 if ponsel() else 3)
        return _finish(fig)


def _tren_counts(ax: Axes, x: np.ndarray, data: pd.DataFrame):
    """Lower panel, counts: bars on their own count axis, values printed on them."""
    n = len(data)
    totals = pd.to_numeric(data["total_laporan"], errors="coerce").fillna(0).to_numpy()
    bars = ax.bar(x, totals, width=0.6, color=_warna(_TERANG), label="Jumlah laporan")
    top = float(totals.max()) or 1.0
    # On a phone a year's counts stand upright: side by side they would collide.
    tegak = ponsel() and n > 6
    for xi, v in zip(x, totals, strict=True):
        ax.text(
            xi,
            v + top * 0.02,
            fmt.format_angka(v),
            ha="center",
            va="bottom",
            rotation=90 if tegak else 0,
            fontsize=_pt(6.5 if n > 8 else 7),
            color=_warna(_ABU),
        )
    ax.set_ylim(0, top * (1.6 if tegak else 1.22))
    _count_axis(ax.yaxis)
    ax.yaxis.grid(True)
    ax.set_ylabel(LABEL_JUMLAH)
    return bars


def _tren_percentages(axp: Axes, x: np.ndarray, data: pd.DataFrame, batas_jam: float | None):
    """Upper panel, percentages: capaian and responded within the limit on a 0-100 % axis."""
    line_capaian = axp.plot(
        x,
        pd.to_numeric(data["capaian_persen"], errors="coerce"),
        color=_warna(_AKSEN),
        marker="o",
        label="Capaian (%)",
    )
    line_tepat = axp.plot(
        x,
        pd.to_numeric(data["persen_tepat_waktu"], errors="coerce"),
        color=_warna(_ABU),
        marker="s",
        linestyle=(0, (4, 2)),
        label=f"Direspons ≤ {fmt.format_angka(_batas(batas_jam))} jam (%)",
    )
    axp.set_ylim(0, 105)
    axp.yaxis.set_major_locator(_fixed_locator([0, 25, 50, 75, 100]))
    axp.yaxis.set_major_formatter(_formatter_persen())
    axp.yaxis.grid(True)
    axp.set_ylabel("Persen (%)")
    axp.tick_params(axis="x", length=0, labelbottom=False)
    return [*line_capaian, *line_tepat]


def _tren_months(ax: Axes, x: np.ndarray, data: pd.DataFrame) -> None:
    """The months under the lower panel ("Jan 2022"; on two lines beyond 8 months)."""
    n = len(data)
    two_lines = n > 8  # "Jan 2022" side by side for a whole year would collide
    labels = [fmt.format_bulan_tahun_singkat(ym) for ym in data["_ym"]]
    tegak = ponsel() and n > 4  # on a phone even "Jan" side by side collides
    if two_lines and not tegak:
        labels = [lab.replace(" ", "\n") for lab in labels]
    ax.set_xticks(x, labels)
    ax.tick_params(axis="x", length=0, labelrotation=90 if tegak else 0)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_xlabel("Bulan")


def _year_month_key(periode: object) -> str:
    """``"YYYY-MM"`` of a period string, date, Timestamp or Period (sortable)."""
    if isinstance(periode, str):
        text = periode.strip()
        if len(text) >= 7 and text[4] == "-":
            year, month = text[:4], text[5:7].rstrip("-")
            return f"{int(year):04d}-{int(month):02d}"
    if hasattr(periode, "year") and hasattr(periode, "month"):
        return f"{int(periode.year):04d}-{int(periode.month):02d}"
    ts = pd.Timestamp(periode)
    return f"{ts.year:04d}-{ts.month:02d}"
