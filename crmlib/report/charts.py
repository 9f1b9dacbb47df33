"""Charts of the monthly report (matplotlib), one restrained style for all of them.

Every ``plot_*`` function takes the plain DataFrame/Series a metric function
returns and gives back a :class:`matplotlib.figure.Figure` sized for an A4 text
column; nothing is shown on screen and nothing is titled (captions belong to the
report layer). Numbers on axes and labels are written by :mod:`crmlib.report.fmt`, so a
chart reads ``1.234`` and ``76,38%`` like the text around it.

Design choices
--------------
* The look lives in ``reference/chart_style.mplstyle`` (reference data is data):
  a blue-grey lightness ramp plus one accent colour, readable in greyscale print.
* Figures are built with the object-oriented API (``Figure`` + Agg canvas), never
  through ``pyplot``: no GUI backend is touched, ``plt.show()`` cannot happen,
  figures are not kept alive by pyplot's registry, and the notebook's own backend
  (inline) is left alone instead of being switched to Agg behind its back.
* matplotlib is imported lazily on the first chart: importing ``crmlib.report.charts``
  costs nothing at kernel start.
* The style is applied with a reset (``after_reset=True``) so a user's
  ``matplotlibrc`` cannot change the report.
* A month without reports gives a valid figure with a centred "Tidak ada data".

The style, the figure and the PNG output the charts share are in
:mod:`crmlib.report.chart_base`: figures display themselves in Jupyter
(``_repr_png_``); use :func:`crmlib.report.chart_base.save_figure` or
:func:`crmlib.report.chart_base.to_png` to write them.
"""

from __future__ import annotations

import calendar
import csv
import io
import textwrap
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from crmlib.data.refdata import REFERENCE_DIR
from crmlib.report import fmt
from crmlib.report.chart_base import (
    _ABU,
    _AKSEN,
    _PRIMER,
    _PUCAT,
    _TERANG,
    LABEL_JUMLAH,
    SKALA_HURUF_PONSEL,
    UKURAN,
    _batas,
    _count_axis,
    _figure,
    _finish,
    _gaya,
    _is_empty,
    _kosong,
    _pt,
    _warna,
    ponsel,
)
from crmlib.report.chart_tren import plot_tren_bulanan
from crmlib.report.istilah import status_dengan_arti

if TYPE_CHECKING:  # pragma: no cover - typing only, keeps matplotlib out of import time
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "plot_harian",
    "plot_kecamatan_status",
    "plot_per_kanal",
    "plot_top_kategori",
    "plot_tren_bulanan",
    "plot_waktu_respon",
]


# Order of the statuses in stacks and legends (as in the report's recap table).
STATUS_URUTAN = ("Complete", "Disposisi", "In Progres", "Wait")
# Colour-cycle positions (see the style file): status -> lightness ramp.
_STATUS_WARNA = {"Complete": 0, "Disposisi": 2, "In Progres": 3, "Wait": 4}

#: Characters per line of a long row name in the phone drawing.
LEBAR_LABEL_PONSEL = 22


def _value_labels_h(ax: Axes, y, values, xmax: float) -> None:
    """Counts at the end of horizontal bars (zeros included, so empty rows are visible)."""
    pad = xmax * 0.01
    for yi, v in zip(y, values, strict=True):
        ax.text(
            v + pad,
            yi,
            fmt.format_angka(v),
            va="center",
            ha="left",
            fontsize=_pt(7),
            color=_warna(_ABU),
        )


def _barh_height(n_rows: int, lines_per_row: float = 1.0, minimum: float = 2.2) -> float:
    """Figure height that gives every bar row room for its label (and the phone's larger type)."""
    height = max(minimum, 0.8 + 0.2 * n_rows * max(1.0, lines_per_row))
    return height * SKALA_HURUF_PONSEL if ponsel() else height


@cache
def _status_labels() -> dict[str, str]:
    """Indonesian status labels from ``reference/status.csv`` (Complete -> Selesai)."""
    path = REFERENCE_DIR / "status.csv"
    try:
        text = "\n".join(
            ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")
        )
        return {r["status"]: r["label"] for r in csv.DictReader(io.StringIO(text))}
    except (OSError, KeyError):  # a chart must not fail on a label: fall back to the codes
        return {}


# ---------------------------------------------------------------------------
# charts
# ---------------------------------------------------------------------------
def plot_kecamatan_status(df: pd.DataFrame, labels: Mapping[str, str] | None = None) -> Figure:
    """Horizontal stacked bars: reports per kecamatan (and city office) by status.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per bar, top to bottom in the given order: ``kecamatan`` or
        ``kelompok`` (as ``metrics.compute_kecamatan_status`` names it) with the
        label, e.g. ``"MATRAMAN"``, ``"WALIKOTA JAKARTA TIMUR"`` or
        ``"Kantor Walikota"`` (title-cased by ``fmt.format_ukpd``), and one count column per
        status (``Complete``, ``Disposisi``, ``In Progres``, ``Wait``; a missing
        column counts as 0, other columns such as ``total`` are ignored).
    labels : mapping, optional
        Legend label per status; defaults to the code with its meaning from
        ``reference/status.csv`` ("Complete (Selesai)", "Disposisi", "In Progres
        (Dalam Proses)", "Wait (Menunggu)"), as the legend under Tabel 2.1 names them.

    Returns
    -------
    matplotlib.figure.Figure
        Four bar containers (one per status, always all four so the legend is
        the same every month) of ``len(df)`` bars each, total at each bar end.
    """
    with _gaya():
        n = 0 if _is_empty(df) else len(df)
        fig, ax = _figure(_barh_height(n, minimum=UKURAN[1]))
        if n == 0:
            return _kosong(fig, ax)
        counts = pd.DataFrame(
            {s: pd.to_numeric(df[s], errors="coerce") if s in df else 0 for s in STATUS_URUTAN},
            index=range(n),
        ).fillna(0)
        totals = counts.sum(axis=1).to_numpy()
        if totals.sum() == 0:
            return _kosong(fig, ax)
        label_col = "kecamatan" if "kecamatan" in df.columns else "kelompok"
        names = [fmt.format_ukpd(k) for k in df[label_col]]
        y = np.arange(n)
        # The table above keeps the CRM's codes: the legend names both ("Complete (Selesai)").
        arti = _status_labels()
        label_of = {st: status_dengan_arti(st, arti) for st in STATUS_URUTAN} | dict(labels or {})
        left = np.zeros(n)
        for status in STATUS_URUTAN:
            width = counts[status].to_numpy(dtype=float)
            # The lightest status needs an outline to be seen on white paper, but an
            # outlined zero-width bar would draw a stray vertical line.
            outline = status == "Wait"
            ax.barh(
                y,
                width,
                left=left,
                height=0.68,
                color=_warna(_STATUS_WARNA[status]),
                label=label_of.get(status, status),
                edgecolor=[_warna(_ABU) if outline and w > 0 else "none" for w in width],
                linewidth=0.4 if outline else 0,
            )
            left += width
        _count_rows(ax, y, totals, names, float(totals.max()), headroom=1.08)
        from matplotlib.patches import Patch

        # Explicit swatches: the legend must not copy a row's missing outline.
        swatches = [
            Patch(
                facecolor=_warna(_STATUS_WARNA[st]),
                label=label_of.get(st, st),
                edgecolor=_warna(_ABU) if st == "Wait" else "none",
                linewidth=0.4,
            )
            for st in STATUS_URUTAN
        ]
        fig.legend(
            handles=swatches, loc="outside upper left", ncols=1 if ponsel() else 4, handlelength=1.0
        )
        return _finish(fig)


def plot_top_kategori(df: pd.DataFrame, lebar_label: int | None = None) -> Figure:
    """Horizontal bars of the most reported categories, rank 1 at the top.

    Parameters
    ----------
    df : pandas.DataFrame
        ``peringkat`` (1 = most), ``kategori``, ``jumlah``.
    lebar_label : int, optional
        Characters per line at which long category names wrap; default 40, or
        :data:`LEBAR_LABEL_PONSEL` in the phone drawing.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per row, the count at each bar end.
    """
    with _gaya():
        if _is_empty(df):
            fig, ax = _figure()
            return _kosong(fig, ax)
        data = df.sort_values("peringkat", kind="stable")
        lebar = lebar_label or (LEBAR_LABEL_PONSEL if ponsel() else 40)
        names = [textwrap.fill(str(k), lebar) for k in data["kategori"]]
        lines = max(name.count("\n") + 1 for name in names)
        fig, ax = _figure(_barh_height(len(data), 0.5 + 0.5 * lines))
        values = pd.to_numeric(data["jumlah"], errors="coerce").fillna(0).to_numpy()
        return _count_bars(fig, ax, values, names)


def plot_per_kanal(df: pd.DataFrame) -> Figure:
    """Horizontal bars of reports per channel, in the given (official) order.

    Parameters
    ----------
    df : pandas.DataFrame
        ``kanal``, ``jumlah``; all 14 channels, channels without reports as 0
        (drawn as an empty row labelled ``0``).

    Returns
    -------
    matplotlib.figure.Figure
        One bar per channel.
    """
    with _gaya():
        if _is_empty(df):
            fig, ax = _figure()
            return _kosong(fig, ax)
        values = pd.to_numeric(df["jumlah"], errors="coerce").fillna(0).to_numpy()
        names = [str(k) for k in df["kanal"]]
        if ponsel():
            names = [textwrap.fill(k, LEBAR_LABEL_PONSEL) for k in names]
        lines = max((k.count("\n") + 1 for k in names), default=1)
        fig, ax = _figure(_barh_height(len(df), 0.85 if lines == 1 else 0.5 + 0.5 * lines))
        if values.sum() == 0:
            return _kosong(fig, ax)
        return _count_bars(fig, ax, values, names)


def _count_bars(fig: Figure, ax: Axes, values: np.ndarray, names: list[str]) -> Figure:
    """One bar per row, first row at the top, its count at the bar end; count axis below."""
    y = np.arange(len(values))
    ax.barh(y, values, height=0.62, color=_warna(_PRIMER))
    _count_rows(ax, y, values, names, float(values.max()) or 1.0, headroom=1.1)
    return _finish(fig)


def _count_rows(
    ax: Axes, y: np.ndarray, values: np.ndarray, names: list[str], xmax: float, headroom: float
) -> None:
    """Rows named on the left, first at the top, counts at the bar ends, a count axis below."""
    _value_labels_h(ax, y, values, xmax)
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0, xmax * headroom)
    _count_axis(ax.xaxis)
    ax.xaxis.grid(True)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(LABEL_JUMLAH)


def plot_waktu_respon(
    hours: pd.Series,
    batas_jam: float | None = None,
    *,
    maks_jam: float = 48,
    lebar_bin: float = 2,
) -> Figure:
    """Histogram of response times with the response-time limit marked.

    Parameters
    ----------
    hours : pandas.Series
        Response time per report in hours; NaN = not responded (counted in a
        note, not drawn). Negative values (data errors) are drawn in the first bin.
    batas_jam : float, optional
        The limit, drawn as a vertical accent line labelled "Batas 6 jam"; bins
        beyond it are drawn lighter. Default ``MetricParams().batas_respon_jam``.
    maks_jam : float, default 48
        Upper end of the regular bins; longer times go to one "> 48" bin.
    lebar_bin : float, default 2
        Bin width in hours.

    Returns
    -------
    matplotlib.figure.Figure
        ``maks_jam / lebar_bin`` regular bars plus one overflow bar.
    """
    batas_jam = _batas(batas_jam)
    with _gaya():
        fig, ax = _figure()
        s = pd.to_numeric(pd.Series(hours, dtype="float64"), errors="coerce")
        n_nan = int(s.isna().sum())
        catatan = (
            f"{fmt.format_angka(n_nan)} laporan belum direspons (tidak digambar)" if n_nan else None
        )
        values = s.dropna().clip(lower=0).to_numpy()
        if len(values) == 0:
            return _kosong(fig, ax, catatan)
        top, x_over = _respon_bars(ax, values, batas_jam, maks_jam, lebar_bin)
        _respon_limit(ax, batas_jam, lebar_bin)
        if catatan:
            _respon_note(ax, catatan)
        _respon_axes(ax, batas_jam, maks_jam, lebar_bin, x_over, top)
        return _finish(fig)


def _respon_bars(
    ax: Axes, values: np.ndarray, batas_jam: float, maks_jam: float, lebar_bin: float
) -> tuple[float, float]:
    """The bars, lighter beyond the limit, and the overflow bar; the tallest count, the overflow x."""
    edges = np.arange(0, maks_jam + lebar_bin / 2, lebar_bin)
    counts, _ = np.histogram(values[values <= maks_jam], bins=edges)
    overflow = int((values > maks_jam).sum())
    within = edges[1:] <= batas_jam + 1e-9
    colors = [_warna(_PRIMER) if w else _warna(_TERANG) for w in within]
    ax.bar(
        edges[:-1],
        counts,
        width=lebar_bin,
        align="edge",
        color=colors,
        edgecolor="white",
        linewidth=0.4,
    )
    # A one-bin gap sets the overflow bar apart and keeps "48" and "> 48" from touching.
    x_over = maks_jam + lebar_bin
    ax.bar(
        [x_over],
        [overflow],
        width=lebar_bin,
        align="edge",
        color=_warna(_TERANG),
        edgecolor=_warna(_ABU),
        linewidth=0.4,
        hatch="////",
    )
    return max(counts.max(initial=0), overflow), x_over


def _respon_limit(ax: Axes, batas_jam: float, lebar_bin: float) -> None:
    """The limit as a vertical accent line, labelled at its top."""
    label_batas = f"Batas {fmt.format_angka(batas_jam)} jam"
    ax.axvline(batas_jam, color=_warna(_AKSEN), linewidth=1.4, label=label_batas)
    ax.text(
        batas_jam + lebar_bin * 0.25,
        0.97,
        label_batas,
        transform=ax.get_xaxis_transform(),
        ha="left",
        va="top",
        color=_warna(_AKSEN),
        fontsize=_pt(7.5),
    )


def _respon_note(ax: Axes, catatan: str) -> None:
    """The number of reports not responded to, in the top right corner.

    On a phone on two lines, below the limit's label (which it would otherwise cross).
    """
    ax.text(
        0.99,
        0.80 if ponsel() else 0.97,
        textwrap.fill(catatan, LEBAR_LABEL_PONSEL + 4) if ponsel() else catatan,
        transform=ax.transAxes,
        ha="right",
        va="top",
        fontsize=_pt(7),
        color=_warna(_ABU),
    )


def _respon_axes(
    ax: Axes, batas_jam: float, maks_jam: float, lebar_bin: float, x_over: float, top: float
) -> None:
    """Hours below (ticks on multiples of the limit, "> 48" under the overflow), counts beside."""
    step = batas_jam if batas_jam > 0 and maks_jam / batas_jam <= 12 else maks_jam / 8
    if ponsel() and maks_jam / step > 4:  # a phone's width holds about five hour labels
        step *= 2
    ticks = list(np.arange(0, maks_jam + 1e-9, step))
    if ponsel():  # "48" beside "> 48" would touch at a phone's type size
        ticks = [t for t in ticks if t < maks_jam]
    tick_labels = [fmt.format_angka(t) for t in ticks]
    ax.set_xticks(
        ticks + [x_over + lebar_bin / 2], tick_labels + [f"> {fmt.format_angka(maks_jam)}"]
    )
    ax.set_xlim(-lebar_bin * 0.2, x_over + lebar_bin * 1.2)
    ax.set_ylim(0, top * 1.12 or 1)
    _count_axis(ax.yaxis)
    ax.yaxis.grid(True)
    ax.set_xlabel("Waktu respons (jam)")
    ax.set_ylabel(LABEL_JUMLAH)


def plot_harian(df: pd.DataFrame) -> Figure:
    """Daily intake over the month as bars; Saturdays and Sundays shaded.

    Parameters
    ----------
    df : pandas.DataFrame
        ``tanggal`` (date-like), ``jumlah``. Days missing from ``df`` are drawn
        as 0 so every day of the month has a bar; duplicate dates are summed.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per calendar day from the first day of the first month to the
        last day of the last month in ``df``, plus a dashed daily-mean line.
    """
    with _gaya():
        fig, ax = _figure()
        if _is_empty(df):
            return _kosong(fig, ax)
        tanggal = pd.to_datetime(df["tanggal"], format="mixed").dt.normalize()
        jumlah = pd.to_numeric(df["jumlah"], errors="coerce").fillna(0)
        daily = jumlah.groupby(tanggal.to_numpy()).sum()
        if daily.empty:
            return _kosong(fig, ax)
        first = daily.index.min().replace(day=1)
        last_month = daily.index.max()
        last = last_month.replace(day=calendar.monthrange(last_month.year, last_month.month)[1])
        days = pd.date_range(first, last, freq="D")
        daily = daily.reindex(days, fill_value=0)
        if daily.sum() == 0:
            return _kosong(fig, ax)

        x = np.arange(len(days))
        from matplotlib.patches import Patch

        for i, day in enumerate(days):
            if day.weekday() >= 5:  # Saturday, Sunday: few offices open, intake differs
                ax.axvspan(i - 0.5, i + 0.5, color=_warna(_PUCAT), linewidth=0, zorder=0)
        bars = ax.bar(
            x, daily.to_numpy(), width=0.72, color=_warna(_PRIMER), zorder=2, label="Laporan masuk"
        )
        mean = float(daily.mean())
        mean_line = ax.axhline(
            mean,
            color=_warna(_ABU),
            linewidth=0.9,
            linestyle=(0, (4, 3)),
            zorder=3,
            label=f"Rata-rata harian ({fmt.format_angka(mean, 1)})",
        )

        one_month = first.month == last.month and first.year == last.year
        if one_month and ponsel():  # 30 numbers do not fit a phone's width: 1, 5, 10, ...
            shown = [i for i, d in enumerate(days) if d.day == 1 or d.day % 5 == 0]
            ax.set_xticks(x[shown], [str(days[i].day) for i in shown])
            ax.set_xlabel(f"Tanggal ({fmt.format_bulan_tahun(first)})")
        elif one_month:
            ax.set_xticks(x, [str(d.day) for d in days])
            ax.set_xlabel(f"Tanggal ({fmt.format_bulan_tahun(first)})")
        else:
            step = max(1, len(days) // 15)
            ax.set_xticks(
                x[::step], [f"{d.day} {fmt.nama_bulan_singkat(d.month)}" for d in days[::step]]
            )
            ax.set_xlabel("Tanggal")
        ax.tick_params(
            axis="x", length=0, labelsize=_pt(6.5 if len(days) > 20 and not ponsel() else 7.5)
        )
        ax.set_xlim(-0.6, len(days) - 0.4)
        ax.set_ylim(0, float(daily.max()) * 1.12)
        _count_axis(ax.yaxis)
        ax.yaxis.grid(True)
        ax.set_ylabel(LABEL_JUMLAH)
        handles = [bars, mean_line, Patch(facecolor=_warna(_PUCAT), label="Sabtu/Minggu")]
        fig.legend(handles=handles, loc="outside upper left", ncols=1 if ponsel() else 3)
        return _finish(fig)
