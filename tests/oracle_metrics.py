"""A slow, obviously correct reference computation of the month's figures.

The property tests compare :mod:`crmlib.metrics` against these plain loops over rows,
never against the functions under test. Everything is exact: times are whole seconds
(sub-second parts dropped, as the contract says), means are fractions, scores follow
the contract's formula with integer step counts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from fractions import Fraction

import pandas as pd


def seconds(ts) -> int | None:
    """Whole seconds since the epoch (sub-second part dropped), None when missing."""
    if pd.isna(ts):
        return None
    return pd.Timestamp(ts).value // 1_000_000_000


def duration(start, end) -> int | None:
    """``end - start`` in whole seconds, None when either is missing."""
    a, b = seconds(start), seconds(end)
    return None if a is None or b is None else b - a


def score(row: dict, params) -> float | None:
    """The follow-up score of one report by the contract's rule (None = not scored)."""
    tl = duration(row["waktu_masuk"], row["waktu_selesai"])
    if tl is None:
        return None  # a score needs a completion
    if not pd.isna(row["nilai_tl"]):
        return float(row["nilai_tl"])
    over = Fraction(tl) - Fraction(row["max_waktu_tl_jam"]) * 3600
    if over <= 0:
        return 100.0
    steps = math.ceil(over / (Fraction(params.langkah_jam) * 3600))
    return float(max(0, 100 - Fraction(params.penalti_per_langkah) * steps))


def competition(values: dict, n: int, higher_first: bool, order: dict) -> list[tuple]:
    """``[(rank, key), ...]`` by standard competition ranking, ranks ≤ n, ties by ``order``."""
    out = []
    for key, value in values.items():
        better = 0
        for other in values.values():
            if (other > value) if higher_first else (other < value):
                better += 1
        if 1 + better <= n:
            out.append((1 + better, key))
    out.sort(key=lambda rk: (rk[0], order[rk[1]]))
    return out


def mean_durations(rows, unit_col, start_col, end_col, kelurahan) -> dict:
    """Per kelurahan: ``(count, exact mean in seconds)`` over rows that have both times."""
    sums, counts = defaultdict(int), Counter()
    for row in rows:
        d = duration(row[start_col], row[end_col])
        if d is not None and row[unit_col] in kelurahan:
            sums[row[unit_col]] += d
            counts[row[unit_col]] += 1
    return {u: (counts[u], Fraction(sums[u], counts[u])) for u in counts}


def reference_month(laporan, koordinasi, params, periode: str) -> dict:
    """Every figure of the month, computed row by row."""
    rows = laporan.to_dict("records")
    k_rows = koordinasi.to_dict("records")
    limit = Fraction(params.batas_respon_jam) * 3600
    scores = {r["nomor_laporan"]: score(r, params) for r in rows}
    scored = [s for s in scores.values() if s is not None]
    tepat = 0
    for r in rows:
        d = duration(r["waktu_masuk"], r["waktu_respon"])
        if d is not None and d <= limit:
            tepat += 1
    start = pd.Timestamp(f"{periode}-01")
    days = Counter()
    for r in rows:
        offset = (seconds(r["waktu_masuk"]) - seconds(start)) // 86400
        days[offset + 1] += 1
    ditolak = {}
    for r in rows:
        n = 0 if pd.isna(r["jumlah_tl_ditolak"]) else int(r["jumlah_tl_ditolak"])
        if n >= params.ambang_ditolak:
            ditolak[r["nomor_laporan"]] = n
    return {
        "total": len(rows),
        "rekap": Counter((r["ukpd"], r["status"]) for r in rows),
        "tepat": tepat,
        "terlambat": len(rows) - tepat,
        "scores": scores,
        "jumlah_selesai": len(scored),
        "capaian": (sum(Fraction(s) for s in scored) / len(scored)) if scored else None,
        "dibawah_100": {k: s for k, s in scores.items() if s is not None and s < 100},
        "ditolak": ditolak,
        "kanal": Counter(r["kanal"] for r in rows),
        "hari": days,
        "unit": Counter(r["ukpd"] for r in rows),
        "kategori": Counter(r["kategori"] for r in rows),
        "rows": rows,
        "k_rows": k_rows,
    }
