"""The archive's trend chart: reports per month (bars) and the share answered in time (line).

Geometry only: :func:`trend_chart` computes every coordinate and label, the ``tren``
macro of ``templates/arsip/_grafik.html.j2`` draws it as inline SVG. The chart is
drawn twice (:func:`trend_charts`): for the page and for a phone, whose labels stay
12 CSS px or more at 390 px; ``laporan.css`` shows one of the two.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from crmlib.metrics import MetricParams
from crmlib.report.fmt import (
    format_angka,
    format_bulan_tahun,
    format_bulan_tahun_singkat,
    format_persen,
)

# Cached: Babel's number formatting is most of the archive's time, and counts repeat.


@functools.lru_cache(maxsize=65536, typed=True)
def _fmt_int(value: Any) -> str:
    return format_angka(value) if value is not None else "–"


@functools.lru_cache(maxsize=65536, typed=True)
def _fmt_pct(value: Any) -> str:
    return format_persen(value, 2) if value is not None else "–"


def _axis_max(vmax: float) -> float:
    """A round upper bound for the left axis whose quarters are whole numbers."""
    step = 10 ** max(len(str(int(vmax))) - 1, 0)
    for k in (1, 2, 4, 6, 8, 10):
        if vmax <= k * step and (k * step) % 4 == 0:
            return k * step
    return 4 * math.ceil(vmax / 4)


def _trend_desc(data: list[dict[str, Any]], batas: str) -> str:
    return (
        "Batang: jumlah laporan per bulan. Garis: persentase laporan yang direspon dalam "
        f"{batas} jam. "
        + "; ".join(
            f"{format_bulan_tahun(m['periode'])}: {_fmt_int(m['total'])} laporan, "
            f"{_fmt_pct(m['tepat_waktu_persen'])} direspon dalam {batas} jam"
            for m in data
        )
        + "."
    )


# Geometry of the trend chart: the page's width, and a phone's. The phone chart is drawn
# for ~360 CSS px, so its 13-unit labels show at about 13 px (the wide one, scaled down
# to a phone, would show them at 7 px); laporan.css shows one of the two.
_UKURAN_TREN = {
    "lebar": {"w": 640, "h": 296, "left": 52, "right": 44, "label": 12, "nilai": 12},
    "ponsel": {"w": 360, "h": 300, "left": 42, "right": 44, "label": 5, "nilai": 7},
}


def trend_chart(
    months: list[dict[str, Any]], ident: str = "tren", judul: str = "", ukuran: str = "lebar"
) -> dict:
    """Geometry of the trend chart (bars: reports; line: share answered in time).

    ``months`` (any order) need ``folder``, ``periode``, ``total``,
    ``tepat_waktu_persen`` and ``batas_jam``; the chart runs oldest to newest, and the
    newest month is always labelled. ``ukuran`` is ``"lebar"`` (the page) or
    ``"ponsel"`` (a phone: fewer month labels). The result feeds the ``tren`` macro of
    ``arsip/_grafik.html.j2``.
    """
    geo = _UKURAN_TREN[ukuran]
    data = sorted(months, key=lambda m: m["folder"])
    n = len(data)
    w, h = geo["w"], geo["h"]
    left, right, top, bottom = geo["left"], geo["right"], 26, 70
    pw, ph = w - left - right, h - top - bottom
    vmax = _axis_max(max([m["total"] or 0 for m in data] + [1]))
    slot = pw / max(n, 1)
    bar = min(slot * 0.6, 48)
    batas = format_angka(data[-1]["batas_jam"] if data else MetricParams().batas_respon_jam)
    label_every = max(1, -(-n // geo["label"]))
    bars, points = [], []
    tahun_tampil = None  # the year of the last month labelled
    for i, m in enumerate(data):
        cx = left + slot * (i + 0.5)
        bh = ph * (m["total"] or 0) / vmax
        bulan, tahun = format_bulan_tahun_singkat(m["periode"]).split()
        # Counted back from the newest month, so the newest is always labelled.
        show = (n - 1 - i) % label_every == 0
        # The year under the first labelled month and wherever it changes.
        new_year = show and m["periode"][:4] != tahun_tampil
        if show:
            tahun_tampil = m["periode"][:4]
        bars.append(
            {
                "cx": f"{cx:.1f}",
                "x": f"{cx - bar / 2:.1f}",
                "y": f"{top + ph - bh:.1f}",
                "w": f"{bar:.1f}",
                "h": f"{bh:.1f}",
                "ny": f"{top + ph - bh - 5:.1f}",
                "nilai": _fmt_int(m["total"]) if n <= geo["nilai"] else None,
                "judul": f"{format_bulan_tahun(m['periode'])}: {_fmt_int(m['total'])} laporan, "
                f"{_fmt_pct(m['tepat_waktu_persen'])} direspon ≤ {batas} jam",
                # Month on one line, the year under it where the year changes.
                "bulan": bulan if show else "",
                "tahun": tahun if new_year else "",
            }
        )
        if m["tepat_waktu_persen"] is not None:
            points.append((f"{cx:.1f}", f"{top + ph - ph * m['tepat_waktu_persen'] / 100:.1f}"))
    grid = [
        {
            "y": f"{top + ph - ph * i / 4:.1f}",
            "ty": f"{top + ph - ph * i / 4 + 4:.1f}",
            "label": format_angka(round(vmax * i / 4)),
            "persen": 25 * i,
        }
        for i in range(5)
    ]
    return {
        "id": ident if ukuran == "lebar" else f"{ident}-{ukuran}",
        "kelas": f"tren-{ukuran}",
        "judul": judul or "Tren jumlah laporan dan respon tepat waktu",
        "desc": _trend_desc(data, batas),
        "w": w,
        "h": h,
        "left": left,
        "right_x": left + pw,
        "base_y": top + ph,
        "label_y": top + ph + 18,
        "ly": h - 12,
        "batas": batas,
        "grid": grid,
        "bars": bars,
        "points": points,
        "polyline": " ".join(f"{x},{y}" for x, y in points),
    }


def trend_charts(months: list[dict[str, Any]], judul: str = "") -> list[dict]:
    """The trend chart twice: for the page and for a phone (``laporan.css`` shows one)."""
    return [trend_chart(months, judul=judul, ukuran=u) for u in _UKURAN_TREN]
