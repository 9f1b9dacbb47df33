"""The constructed seed month (June 2022), reproducing the seed report's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.refdata import Reference, load_reference
from crmlib.samplegen.common import _COMPLETE, _NAT, DAY, HOUR, MINUTE, _epoch
from crmlib.samplegen.frames import _frames
from crmlib.samplegen.seed_report import (
    SEED_AS_OF,
    SEED_KATEGORI,
    SEED_KOORDINASI_TERCEPAT,
    SEED_KOORDINASI_TERLAMA,
    SEED_LAPORAN_PER_UKPD,
    SEED_PENYELESAIAN_TERCEPAT,
    SEED_PENYELESAIAN_TERLAMA,
    SEED_RANDOM_STATE,
    SEED_RESPON_TEPAT,
    SEED_SPECIAL_REPORTS,
    SEED_TOTAL,
    _SeedReport,
)
from crmlib.samplegen.shape import KATEGORI_RINCIAN, _Catalog, _catalog, _draw_times, _report_codes


def _split_total(
    rng: np.random.Generator, total: int, n: int, lo: int, hi: int, sigma: float = 0.9
) -> np.ndarray:
    """``n`` whole-second durations in ``[lo, hi]`` that sum exactly to ``total``.

    Lognormal weights give the heavy-tailed spread seen in CRM durations; clipping
    and redistributing keeps every value within bounds; the last seconds are handed
    out one by one so the sum (and hence the mean) is exact.
    """
    if n == 0:
        if total:
            raise ValueError("total > 0 tanpa baris")
        return np.zeros(0, dtype=np.int64)
    if not n * lo <= total <= n * hi:
        raise ValueError(f"tidak mungkin membagi {total} s ke {n} baris dalam [{lo}, {hi}]")
    w = rng.lognormal(0.0, sigma, n)
    x = total * w / w.sum()
    for _ in range(500):
        x = np.clip(x, lo, hi)
        diff = total - x.sum()
        if abs(diff) < 1e-6:
            break
        room = x < hi if diff > 0 else x > lo
        x[room] += diff * w[room] / w[room].sum()
    out = np.floor(x).astype(np.int64)
    rest = int(round(total - out.sum()))
    if rest:
        cand = np.flatnonzero(out < hi)
        out[rng.choice(cand, rest, replace=False)] += 1
    if out.sum() != total or out.min() < lo or out.max() > hi:  # pragma: no cover - guard
        raise AssertionError("pembagian durasi gagal")
    return out


def _exact_total(mean: float, unit_s: int, n: int, decimals: int) -> int:
    """Whole seconds for ``n`` durations whose mean rounds to ``mean`` (in ``unit_s`` units).

    The unrounded mean must lie strictly inside the rounding interval, away from the
    half-way boundaries, so that any correct implementation rounds it the same way.
    """
    half = 0.5 * 10.0**-decimals
    base = round(mean * unit_s * n)
    for total in (base, base + 1, base - 1):
        got = total / n / unit_s
        if abs(got - mean) < half * 0.9:
            return int(total)
    raise AssertionError(f"tidak ada total detik untuk rerata {mean} (n={n})")  # pragma: no cover


def build_seed_month(reference: Reference | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Construct June 2022 so that the contract's metrics reproduce the seed report.

    Reproduced exactly: 508 reports, all Complete, per unit as in the recap table;
    388 responses within 6 h and 120 later; the top categories 92/75/62/48/42; the
    top units (with the four-way tie at 19); the four fastest/slowest-10 kelurahan
    tables (counts, and means to the printed decimals, each mean kept well inside
    its rounding interval); the reports JK2206080126 (rejected twice) and
    JK2206130046 (four times); JK2206030245 as the only report under 100 (67 h
    against Sampah's 48 h -> 80). Kelurahan the tables do not list get means
    strictly between the fastest-10's slowest and the slowest-10's fastest value,
    so each ranking comes out in the seed's order with no tie at its cut-off.

    Parameters
    ----------
    reference : Reference, optional
        Reference data; default ``load_reference()`` (Jakarta Timur).

    Returns
    -------
    laporan, koordinasi : pandas.DataFrame
        Columns :data:`LAPORAN_COLUMNS` and :data:`KOORDINASI_COLUMNS`, all rows in June.
    """
    ref = reference or load_reference()
    cat = _catalog(ref)
    rng = np.random.default_rng(SEED_RANDOM_STATE)
    start_s = _epoch("2022-06-01")
    end_s = _epoch("2022-07-01")
    as_of_s = _epoch(SEED_AS_OF)

    unit = _seed_units(cat)
    special = _seed_special_rows(cat, unit)
    lap = _seed_laporan(rng, cat, unit, start_s, special)
    kor, created_foreign = _seed_koordinasi(rng, cat, lap, start_s, end_s, as_of_s)
    codes = _report_codes(rng, np.r_[lap["masuk"], created_foreign])
    codes = _pin_codes(codes, special)
    lap_codes = codes[: unit.size]
    kor_codes = np.r_[lap_codes[kor["own_idx"]], codes[unit.size :]]
    if max(lap["selesai"].max(), np.max(kor["proses"])) > as_of_s:  # pragma: no cover - guard
        raise AssertionError("waktu setelah per-tanggal")
    return _frames(cat, lap, lap_codes, kor, kor_codes)


def _seed_units(cat: _Catalog) -> np.ndarray:
    """The unit of each report, in official order, as many as the recap table has."""
    counts = np.array([SEED_LAPORAN_PER_UKPD.get(u, 0) for u in cat.ukpd])
    unit = np.repeat(np.arange(cat.ukpd.size), counts)
    n = unit.size
    if n != SEED_TOTAL:  # pragma: no cover - guards the constant table
        raise AssertionError(f"tabel unit berjumlah {n}, bukan {SEED_TOTAL}")
    return unit


def _seed_special_rows(cat: _Catalog, unit: np.ndarray) -> dict[int, _SeedReport]:
    """The row of each fixed report: the first free row of its unit."""
    special: dict[int, _SeedReport] = {}
    for rep in SEED_SPECIAL_REPORTS:
        rows = np.flatnonzero(unit == cat.unit_index(rep.ukpd))
        free = [r for r in rows if r not in special]
        special[int(free[0])] = rep
    return special


def _seed_laporan(
    rng: np.random.Generator,
    cat: _Catalog,
    unit: np.ndarray,
    start_s: int,
    special: dict[int, _SeedReport],
) -> dict[str, np.ndarray]:
    """Every field of the month's reports, all completed."""
    n = unit.size
    tl = _seed_completion_times(rng, cat, unit, special)
    masuk = _seed_entry_times(rng, n, start_s, special)
    respon = _seed_response_times(rng, masuk, tl)
    selesai = masuk + tl
    kat, rinc, max_jam = _seed_categories(rng, cat, unit, tl, special)
    kanal, tolak = _seed_kanal_tolak(rng, cat, tl, special)
    return {
        "unit": unit,
        "kat": kat,
        "rinc": rinc,
        "kanal": kanal,
        "status": np.full(n, _COMPLETE),
        "masuk": masuk,
        "respon": respon,
        "selesai": selesai,
        "max_jam": max_jam,
        "tolak": tolak,
    }


def _seed_kanal_tolak(
    rng: np.random.Generator, cat: _Catalog, tl: np.ndarray, special: dict[int, _SeedReport]
) -> tuple[np.ndarray, np.ndarray]:
    """Channels (the named reports came through JAKI) and rejection counts."""
    n = tl.size
    kanal = rng.choice(cat.kanal.size, size=n, p=cat.kanal_p)
    jaki = int(np.flatnonzero(cat.kanal == "JAKI")[0])
    tolak = np.zeros(n, dtype=np.int64)
    for i, rep in special.items():
        tolak[i] = rep.tolak
        if rep.nomor:
            kanal[i] = jaki
    # Filled: a handful of follow-ups rejected once (below the listing threshold).
    once = np.flatnonzero((tl > 8 * HOUR) & ~np.isin(np.arange(n), list(special)))
    tolak[rng.choice(once, 9, replace=False)] = 1
    return kanal, tolak


def _seed_completion_times(
    rng: np.random.Generator, cat: _Catalog, unit: np.ndarray, special: dict[int, _SeedReport]
) -> np.ndarray:
    """Completion durations (s) per report: exact means for listed kelurahan."""
    fast = {f"KELURAHAN {k}": (c, m, 2, MINUTE) for k, c, m in SEED_PENYELESAIAN_TERCEPAT}
    slow = {f"KELURAHAN {k}": (c, m, 2, HOUR) for k, c, m in SEED_PENYELESAIAN_TERLAMA}
    listed = fast | slow
    tl = np.zeros(unit.size, dtype=np.int64)
    for u in np.unique(unit):
        name = cat.ukpd[u]
        rows = np.flatnonzero(unit == u)
        fixed = [r for r in rows if r in special]
        free = np.array([r for r in rows if r not in special], dtype=np.int64)
        for r in fixed:
            tl[r] = special[r].tl_s
        fixed_s = int(tl[fixed].sum()) if fixed else 0
        if u == cat.kota_idx:
            # The city office is not ranked: a free heavy-tailed draw.
            d = rng.lognormal(np.log(14 * HOUR), 1.0, free.size)
            tl[free] = np.clip(d, 30 * MINUTE, 110 * HOUR).astype(np.int64)
            continue
        if name in listed:
            count, mean, decimals, per = listed[name]
            if count != rows.size:  # pragma: no cover - guards the constant tables
                raise AssertionError(f"{name}: {count} != {rows.size}")
            total = _exact_total(mean, per, count, decimals)
        else:
            # Unlisted: strictly between 104.83 min (fastest-10's slowest) and
            # 12.64 h (slowest-10's fastest), with room for any fixed report.
            low = max(2.4 * HOUR, (fixed_s + free.size * 1.5 * HOUR) / rows.size)
            mean = np.exp(rng.uniform(np.log(low), np.log(11.0 * HOUR)))
            total = int(round(mean * rows.size))
        rest = total - fixed_s
        mean_free = rest / max(free.size, 1)
        lo = int(max(3 * MINUTE, min(20 * MINUTE, 0.15 * mean_free)))
        # 47 h cap: any of these may be a waste report (48 h limit).
        tl[free] = _split_total(rng, rest, free.size, lo, 47 * HOUR)
    return tl


def _seed_entry_times(
    rng: np.random.Generator, n: int, start_s: int, special: dict[int, _SeedReport]
) -> np.ndarray:
    """Entry times in June; the named reports keep their published ones."""
    masuk = _draw_times(rng, n, start_s, 30)
    for i, rep in special.items():
        if rep.masuk:
            masuk[i] = _epoch(rep.masuk)
    return masuk


def _seed_response_times(rng: np.random.Generator, masuk: np.ndarray, tl: np.ndarray) -> np.ndarray:
    """Response durations: exactly 120 reports beyond 6 h, the rest within it.

    Only reports that took at least 6.5 h can have answered late (the response
    precedes the follow-up); longer reports are likelier to be among them. Both
    groups stay clear of the 6 h boundary.
    """
    n = masuk.size
    n_late = SEED_TOTAL - SEED_RESPON_TEPAT
    eligible = np.flatnonzero(tl >= 6.5 * HOUR)
    if eligible.size < n_late + 20:  # pragma: no cover - guards the construction
        raise AssertionError(f"hanya {eligible.size} laporan cukup lama untuk respon terlambat")
    p = np.sqrt(tl[eligible].astype(float))
    late = rng.choice(eligible, n_late, replace=False, p=p / p.sum())
    resp = np.minimum(rng.lognormal(np.log(35 * MINUTE), 1.1, n), 0.6 * tl)
    resp = np.clip(resp, 30, 5 * HOUR + 45 * MINUTE)
    resp = np.minimum(resp, 0.6 * tl)
    upper = np.minimum(tl[late] - 15 * MINUTE, 30 * HOUR) - (6 * HOUR + 2 * MINUTE)
    resp[late] = 6 * HOUR + 2 * MINUTE + upper * rng.beta(1.2, 3.0, late.size)
    return masuk + resp.astype(np.int64)


def _seed_categories(
    rng: np.random.Generator,
    cat: _Catalog,
    unit: np.ndarray,
    tl: np.ndarray,
    special: dict[int, _SeedReport],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Categories with the seed's counts; waste (48 h) only where the report took <= 47 h."""
    n = unit.size
    kat_index = {k: i for i, k in enumerate(cat.kategori)}
    remaining = dict(SEED_KATEGORI)
    kat = np.full(n, -1, dtype=np.int64)
    rinc = np.full(n, -1, dtype=np.int64)
    max_jam = np.full(n, np.nan)
    for i, rep in special.items():
        k = kat_index[rep.kategori]
        kat[i] = k
        rinc[i] = cat.rincian_start[k] + KATEGORI_RINCIAN[rep.kategori].index(rep.rincian)
        remaining[rep.kategori] -= 1
        if rep.max_jam is not None:
            max_jam[i] = rep.max_jam
    pool = np.array([kat_index[k] for k, c in remaining.items() for _ in range(c)])
    pool = pool[rng.permutation(pool.size)]

    # City office first, from categories it can own; then everyone else.
    kota_rows = np.flatnonzero((unit == cat.kota_idx) & (kat < 0))
    ok = np.flatnonzero(cat.kota_ok[pool])
    take = ok[: kota_rows.size]
    kat[kota_rows] = pool[take]
    pool = np.delete(pool, take)
    rest = np.flatnonzero(kat < 0)
    kat[rest] = pool

    # Swap waste reports that took longer than 47 h with quick non-waste reports.
    fixed = np.isin(np.arange(n), list(special))
    for i in np.flatnonzero((kat == cat.sampah) & (tl > 47 * HOUR) & ~fixed):
        # Row i takes row j's category: the city office must not get PPSU works.
        fits = cat.kota_ok[kat] | (unit[i] != cat.kota_idx)
        cand = np.flatnonzero((kat != cat.sampah) & (tl <= 47 * HOUR) & ~fixed & fits)
        j = int(rng.choice(cand))
        kat[i], kat[j] = kat[j], kat[i]

    free = rinc < 0
    u = rng.random(n) ** 1.7
    rinc[free] = (cat.rincian_start[kat] + (u * cat.rincian_count[kat]).astype(np.int64))[free]
    return kat, rinc, max_jam


def _seed_koordinasi(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    start_s: int,
    end_s: int,
    as_of_s: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Coordination rows per kelurahan with the seed's counts and exact means.

    Each kelurahan's durations are fixed first; the shortest are matched to its own
    reports that have room for them (coordination starts at the response and must
    turn to "in process" before the follow-up), the others become reports of other
    units. A few rows still waiting for "in process" are added: they do not count.
    """
    fast = {f"KELURAHAN {k}": (c, m, 2, MINUTE) for k, c, m in SEED_KOORDINASI_TERCEPAT}
    slow = {f"KELURAHAN {k}": (c, m, 3, HOUR) for k, c, m in SEED_KOORDINASI_TERLAMA}
    listed = fast | slow
    unit = lap["unit"]
    own_idx: list[np.ndarray] = []
    own_unit: list[np.ndarray] = []
    own_end: list[np.ndarray] = []
    f_unit: list[np.ndarray] = []
    f_dur: list[np.ndarray] = []
    for u in np.flatnonzero(cat.kelurahan):
        d = _seed_koordinasi_durations(rng, cat, unit, int(u), listed)
        linked = _seed_linked_reports(rng, lap, int(u), d, end_s)
        k = linked.size
        own_idx.append(linked)
        own_unit.append(np.full(k, u))
        own_end.append(lap["respon"][linked] + d[:k])
        f_unit.append(np.full(d.size - k, u))
        f_dur.append(d[k:])

    fu = np.concatenate(f_unit)
    fd = np.concatenate(f_dur)
    # Coordinated at a random June time; "in process" may fall in July (before as-of).
    ft = _draw_times(rng, fu.size, start_s, 30)
    fe = ft + fd
    pu, pt = _seed_pending(rng, cat, start_s)
    oi = np.concatenate(own_idx)
    kor = {
        "own_idx": oi,
        "unit": np.r_[np.concatenate(own_unit), fu, pu],
        "koordinasi": np.r_[lap["respon"][oi], ft, pt],
        "proses": np.r_[np.concatenate(own_end), fe, np.full(pu.size, _NAT)],
    }
    foreign_t = np.r_[ft, pt]
    created = foreign_t - rng.integers(5 * MINUTE, 4 * HOUR, foreign_t.size)
    if np.any(kor["proses"] > as_of_s):  # pragma: no cover - guard
        raise AssertionError("waktu_proses setelah per-tanggal")
    return kor, created


def _seed_koordinasi_durations(
    rng: np.random.Generator,
    cat: _Catalog,
    unit: np.ndarray,
    u: int,
    listed: dict[str, tuple[int, float, int, int]],
) -> np.ndarray:
    """One kelurahan's coordination durations (s), sorted: the seed's count and mean if listed."""
    name = cat.ukpd[u]
    if name in listed:
        count, mean, decimals, per = listed[name]
        total = _exact_total(mean, per, count, decimals)
    else:
        # Unlisted: strictly between 38.00 min and 3.933 h.
        n_own = int((unit == u).sum())
        count = max(3, int(round(n_own * rng.uniform(1.2, 3.0))) + int(rng.poisson(6)))
        mean_s = np.exp(rng.uniform(np.log(50 * MINUTE), np.log(200 * MINUTE)))
        total = int(round(mean_s * count))
    lo = int(max(30, min(5 * MINUTE, 0.2 * total / count)))
    return np.sort(_split_total(rng, total, count, lo, 36 * HOUR, sigma=1.0))


def _seed_linked_reports(
    rng: np.random.Generator, lap: dict[str, np.ndarray], u: int, d: np.ndarray, end_s: int
) -> np.ndarray:
    """The kelurahan's own reports that take its shortest durations ``d[:k]``, in order.

    A report takes a duration only if it fits between its response and follow-up.
    """
    count = d.size
    rows = np.flatnonzero((lap["unit"] == u) & (lap["respon"] < end_s))
    room = lap["selesai"][rows] - lap["respon"][rows] - MINUTE
    rows = rows[np.argsort(room, kind="stable")]
    room = np.sort(room)
    k = int(round(rng.uniform(0.5, 0.9) * min(rows.size, count)))
    while k > 0 and np.any(d[:k] > room[rows.size - k :]):
        k -= 1
    return rows[rows.size - k :]


def _seed_pending(
    rng: np.random.Generator, cat: _Catalog, start_s: int
) -> tuple[np.ndarray, np.ndarray]:
    """Units and coordination times of rows not yet "in process" at the as-of time."""
    # Still waiting for "in process" at the as-of time: excluded from the means.
    pend_names = ["KELURAHAN CIPAYUNG", "KELURAHAN MUNJUL"]
    others = [
        u
        for u in cat.ukpd[cat.kelurahan]
        if u not in {f"KELURAHAN {k}" for k, _, _ in SEED_KOORDINASI_TERCEPAT}
        and u not in {f"KELURAHAN {k}" for k, _, _ in SEED_KOORDINASI_TERLAMA}
    ]
    pend_names += list(rng.choice(np.array(others, dtype=object), 6, replace=False))
    pu = np.array([cat.unit_index(str(x)) for x in pend_names])
    pt = _draw_times(rng, pu.size, start_s + 21 * DAY, 9)
    return pu, pt


def _pin_codes(codes: np.ndarray, special: dict[int, _SeedReport]) -> np.ndarray:
    """Give the seed's named reports their published numbers; move any clash aside."""
    codes = codes.copy()
    pinned = {i: int(rep.nomor[2:]) for i, rep in special.items() if rep.nomor}
    taken = set(pinned.values())
    for i, code in pinned.items():
        codes[i] = code
    used = set(codes.tolist())
    for j in range(codes.size):
        if j not in pinned and int(codes[j]) in taken:
            c = int(codes[j])
            while c in used:
                c += 1
            used.add(c)
            codes[j] = c
    if len(set(codes.tolist())) != codes.size:  # pragma: no cover - guard
        raise AssertionError("nomor laporan ganda")
    return codes
