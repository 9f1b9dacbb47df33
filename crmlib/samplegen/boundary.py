"""Rows the report must always see: the cases it has tables for, and its boundaries.

Random draws almost never land exactly on a limit, and a small month may lack a
case the report has a table for. These steps adjust a drawn month in place: they
guarantee the cases (:func:`_ensure_month_features`), put rows exactly at each limit
the report judges and one step past it (:func:`_place_boundary_rows`), and make two
kelurahan tie at whole seconds (:func:`_subsecond_tie`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.metrics import MetricParams
from crmlib.samplegen.common import (
    _COMPLETE,
    _DISPOSISI,
    _IN_PROGRES,
    _NAT,
    _WAIT,
    DAY,
    HOUR,
    MINUTE,
)
from crmlib.samplegen.frames import _format_codes
from crmlib.samplegen.shape import _Catalog, _effective_max


def _guarantee_rows(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    in_month: np.ndarray,
    bounds: tuple[int, int, int],
    step: int,
) -> int | None:
    """The cases every month shows, its boundary rows and (at whole seconds) the tie.

    Returns the report to carry the sub-second tie's milliseconds
    (:func:`_add_tie_milliseconds`), or None.
    """
    _, end_s, as_of = bounds
    _ensure_month_features(rng, cat, lap, in_month, end_s, as_of)
    used = _place_boundary_rows(cat, lap, in_month, bounds, step)
    return _subsecond_tie(cat, lap, in_month, used, as_of) if step == 1 else None


def _ensure_month_features(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    in_month: np.ndarray,
    end_s: int,
    as_of: int,
) -> None:
    """Make sure a month always shows the cases the report has tables for.

    Random draws usually produce them; small months or unlucky seeds might not,
    and an empty "rejected twice" table would leave a code path untested.
    """
    st = lap["status"]
    used = np.zeros(st.size, bool)

    # Rejected at least twice (completed, so the report lists them as "Selesai").
    rej = in_month & (st == _COMPLETE) & (lap["tolak"] >= 2)
    used |= rej
    cand = np.flatnonzero(in_month & (st == _COMPLETE) & ~used)
    need = min(2 - int(rej.sum()), cand.size)  # tiny months: as many as there are
    if need > 0:
        pick = rng.choice(cand, need, replace=False)
        lap["tolak"][pick] = rng.integers(2, 5, need)
        used[pick] = True

    # Late follow-ups: over the limit -> nilai_tl < 100 by the rule.
    tl = (lap["selesai"] - lap["masuk"]) / HOUR
    late = in_month & (st == _COMPLETE) & (tl > _effective_max(cat, lap))
    used |= late
    room = as_of - lap["masuk"] - 100 * HOUR
    ok = in_month & (st == _COMPLETE) & ~used & np.isnan(lap["max_jam"]) & (room > 0)
    need = min(2 - int(late.sum()), int(ok.sum()))
    if need > 0:
        sampah = ok & (lap["kat"] == cat.sampah)
        cand = np.flatnonzero(sampah if sampah.sum() >= need else ok)
        pick = rng.choice(cand, need, replace=False)
        limit = cat.kategori_max[lap["kat"][pick]]
        extra = limit * HOUR + rng.integers(1 * HOUR, 40 * HOUR, need)
        extra = np.minimum(extra, as_of - lap["masuk"][pick])
        lap["selesai"][pick] = lap["masuk"][pick] + extra.astype(np.int64)
        lap["respon"][pick] = np.minimum(lap["respon"][pick], lap["selesai"][pick] - MINUTE)
        used[pick] = True

    # One report at least in each open status, preferably entered late in the month.
    for status in (_WAIT, _DISPOSISI, _IN_PROGRES):
        if np.any(in_month & (st == status)):
            continue
        # Responded before the as-of time, so "in process" can start before it too.
        base = in_month & (st == _COMPLETE) & ~used & (lap["respon"] <= as_of - HOUR)
        cand = np.flatnonzero(base & (lap["masuk"] > end_s - 7 * DAY))
        if cand.size == 0:
            cand = np.flatnonzero(base)
        if cand.size == 0:
            continue
        i = int(rng.choice(cand))
        st[i] = status
        lap["selesai"][i] = _NAT
        if status == _WAIT:
            lap["respon"][i] = _NAT
        used[i] = True


def _shift_row(lap: dict[str, np.ndarray], i: int, delta: int) -> None:
    """Move report ``i`` in time by ``delta`` seconds, keeping its durations."""
    for col in ("masuk", "respon", "selesai"):
        if lap[col][i] != _NAT:
            lap[col][i] += delta


def _latest(lap: dict[str, np.ndarray], i: int) -> int:
    """Latest of the report's known times (entry, response, completion)."""
    return max(int(lap[c][i]) for c in ("masuk", "respon", "selesai") if lap[c][i] != _NAT)


def _place_boundary_rows(
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    in_month: np.ndarray,
    bounds: tuple[int, int, int],
    step: int,
) -> np.ndarray:
    """Put rows exactly on each boundary the report judges, and one ``step`` past it.

    Random durations almost never land on a limit, so without these rows the golden
    and end-to-end tests would never see a boundary. Placed (inside the month, on
    completed reports with no rejection): a response exactly at the response limit
    (on time) and one step past it (late); a follow-up completed exactly at its
    category's maximum (score 100) and one step past it (one penalty step); a
    follow-up rejected exactly ``ambang_ditolak`` times (listed) and one rejected one
    time fewer (not listed); a report entered at the month's first second and one at
    its last (``step`` before the next month); outside the month, a row at the next
    month's first second and one at the previous month's last. No random number is
    drawn, so the rest of the month is unchanged. Returns the rows used.
    """
    start_s, end_s, as_of = bounds
    params = MetricParams()
    used = np.zeros(in_month.size, bool)

    def take(cand: np.ndarray) -> int | None:
        free = np.flatnonzero(cand & ~used)
        if free.size == 0:
            return None
        i = int(free[0])
        used[i] = True
        # On the export's grid (day-first exports drop the seconds).
        _shift_row(lap, i, -(int(lap["masuk"][i]) % step))
        return i

    order = np.argsort(lap["masuk"], kind="stable")
    inside = order[in_month[order]]
    targets = [(inside[:1], start_s), (inside[::-1], end_s - step)]
    nxt = order[lap["masuk"][order] >= end_s]
    prev = order[lap["masuk"][order] < start_s]
    targets += [(nxt[:1], end_s), (prev[::-1], start_s - step)]
    for rows, at in targets:
        for i in rows:
            delta = at - int(lap["masuk"][i])
            if _latest(lap, int(i)) + delta <= as_of:
                _shift_row(lap, int(i), delta)
                used[i] = True
                break

    done = in_month & (lap["status"] == _COMPLETE) & (lap["tolak"] == 0)
    tl = lap["selesai"] - lap["masuk"]
    limit_s = int(round(params.batas_respon_jam * HOUR))
    for extra in (0, step):
        i = take(done & (tl >= limit_s + 2 * step + HOUR))
        if i is not None:
            lap["respon"][i] = lap["masuk"][i] + limit_s + extra

    max_s = (_effective_max(cat, lap) * HOUR).astype(np.int64)
    resp = lap["respon"] - lap["masuk"]
    fits = (resp < max_s - HOUR) & (lap["masuk"] + max_s + step <= as_of)
    for extra in (0, step):
        i = take(done & np.isnan(lap["max_jam"]) & fits & (tl < max_s))
        if i is not None:
            lap["selesai"][i] = lap["masuk"][i] + max_s[i] + extra

    for count in (params.ambang_ditolak, params.ambang_ditolak - 1):
        i = take(done)
        if i is not None:
            lap["tolak"][i] = count
    return used


# Extra milliseconds on one completion of the sub-second tie (see _subsecond_tie).
SUBSECOND_TIE_MS = 400


def _subsecond_tie(
    cat: _Catalog, lap: dict[str, np.ndarray], in_month: np.ndarray, used: np.ndarray, as_of: int
) -> int | None:
    """Make the two fastest kelurahan tie on mean completion time at whole seconds.

    Both get the same whole-second mean by lengthening one completed report each
    (never past its maximum or the as-of time; boundary rows are left alone). The
    caller then adds :data:`SUBSECOND_TIE_MS` to the returned report's completion:
    judged at whole seconds, as the contract says, the two still tie; with the
    milliseconds they would not. Returns the report to carry the milliseconds, or
    None when the month offers no such pair.
    """
    rows = np.flatnonzero(in_month & (lap["selesai"] != _NAT) & cat.kelurahan[lap["unit"]])
    unit = lap["unit"][rows]
    tl = lap["selesai"][rows] - lap["masuk"][rows]
    n = np.bincount(unit, minlength=cat.ukpd.size)
    total = np.bincount(unit, weights=tl, minlength=cat.ukpd.size).astype(np.int64)
    ranked = np.flatnonzero(n > 0)
    ranked = ranked[np.argsort(total[ranked] / n[ranked], kind="stable")]
    if ranked.size < 2:
        return None
    fastest, second = (int(u) for u in ranked[:2])
    target = -(-int(total[second]) // int(n[second]))  # the second's mean, rounded up
    max_s = _effective_max(cat, lap)[rows] * HOUR
    picks = []
    for u in (fastest, second):
        add = target * int(n[u]) - int(total[u])
        ok = (
            (unit == u)
            & ~used[rows]
            & (lap["selesai"][rows] + add + 1 <= as_of)
            & (tl + add + 1 <= max_s)
        )
        if not ok.any():
            return None
        picks.append((int(rows[np.flatnonzero(ok)[0]]), add))
    for i, add in picks:
        lap["selesai"][i] += add
    return picks[0][0]


def _add_tie_milliseconds(laporan: pd.DataFrame, lap_codes: np.ndarray, tie_row: int) -> None:
    """Add :data:`SUBSECOND_TIE_MS` to the completion of the tie's report (written)."""
    nomor = _format_codes(lap_codes[[tie_row]]).iloc[0]
    at = laporan["nomor_laporan"] == nomor
    laporan.loc[at, "waktu_selesai"] += pd.Timedelta(milliseconds=SUBSECOND_TIE_MS)
