"""The public generators: one realistic month, or a large export over many months."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from crmlib.data.refdata import Reference, load_reference
from crmlib.samplegen.boundary import _add_tie_milliseconds, _guarantee_rows
from crmlib.samplegen.common import DAY, DEFAULT_SEED, _default_as_of, _epoch, _month_bounds
from crmlib.samplegen.frames import _frames
from crmlib.samplegen.shape import (
    _catalog,
    _draw_koordinasi,
    _draw_laporan,
    _draw_times,
    _month_weights,
    _nilai_column,
    _number_reports,
)


def generate_month(
    periode: str,
    n_laporan: int | None = None,
    seed: int = DEFAULT_SEED,
    reference: Reference | None = None,
    *,
    as_of: str | pd.Timestamp | None = None,
    with_nilai: bool = False,
    resolution_s: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate one realistic month of CRM export data.

    Parameters
    ----------
    periode : str
        The month, ``YYYY-MM``.
    n_laporan : int, optional
        Reports entered in the month; default a draw from 400-700. The export also
        holds a few rows of the neighbouring months (about 2-3 % on top), which a
        correct reader leaves out.
    seed : int
        Random seed; the month is mixed in, so one seed gives different months.
    reference : Reference, optional
        Reference data (units, channels, categories); default ``load_reference()``.
    as_of : str or Timestamp, optional
        When the export was pulled; nothing later appears in the data and reports
        not finished by then are open. Default: the 10th of the next month, 08:30.
    with_nilai : bool
        Fill ``nilai_tl`` by the contract's rule for completed reports (as a CRM
        export does); by default it is left empty for the metric to compute.
    resolution_s : int
        Smallest time step the export writes: 1 (seconds) or 60 (day-first exports
        written to the minute). The boundary rows are placed on this grid, so what is
        written is still exactly at (or one step past) each boundary.

    Returns
    -------
    laporan, koordinasi : pandas.DataFrame
        Columns :data:`LAPORAN_COLUMNS` and :data:`KOORDINASI_COLUMNS`.

    Notes
    -----
    Guaranteed within the month, whatever the seed: at least two completed reports
    rejected two or more times, at least two completed reports over their limit
    (``nilai_tl`` < 100), and at least one report in each open status. Rows are also
    placed exactly on each boundary the report judges (:func:`_place_boundary_rows`)
    and, at whole-second resolution, two kelurahan tie for the fastest completion
    when judged at whole seconds although one of them carries 400 ms more
    (:func:`_subsecond_tie`).
    """
    cat = _catalog(reference or load_reference())
    window = _month_window(periode, as_of)
    rng = np.random.default_rng([int(seed), window.start.year, window.start.month])
    n_in = int(n_laporan) if n_laporan is not None else int(rng.integers(400, 701))
    masuk, in_month = _entry_times(rng, window, n_in)
    unit_w, kat_w = _month_weights(rng, cat)
    lap = _draw_laporan(rng, cat, masuk, window.end_s, window.as_of_s, unit_w, kat_w)
    tie_row = _guarantee_rows(rng, cat, lap, in_month, window.bounds, resolution_s)

    n_foreign = int(round(n_in * rng.uniform(1.0, 1.4)))
    foreign_t, _ = _entry_times(rng, window, n_foreign)
    kor = _draw_koordinasi(rng, cat, lap, foreign_t, window.as_of_s, unit_w)
    lap_codes, kor_codes = _number_reports(rng, masuk, foreign_t, kor)
    nilai = _nilai_column(cat, lap) if with_nilai else None
    laporan, koordinasi = _frames(cat, lap, lap_codes, kor, kor_codes, nilai)
    if tie_row is not None:
        _add_tie_milliseconds(laporan, lap_codes, tie_row)
    return laporan, koordinasi


class _Window(NamedTuple):
    """The month's first instant, its span in int64 seconds and the export's as-of time."""

    start: pd.Timestamp
    start_s: int
    end_s: int
    as_of_s: int
    n_days: int

    @property
    def bounds(self) -> tuple[int, int, int]:
        """``(start_s, end_s, as_of_s)``, the times the boundary rows are placed against."""
        return self.start_s, self.end_s, self.as_of_s


def _month_window(periode: str, as_of: str | pd.Timestamp | None) -> _Window:
    """The month's span and as-of time; the export is pulled at least 3 days after the month."""
    start, end = _month_bounds(periode)
    start_s, end_s = _epoch(start), _epoch(end)
    as_of_s = _epoch(as_of if as_of is not None else _default_as_of(periode))
    if as_of_s < end_s + 3 * DAY:
        raise ValueError("as_of harus paling cepat 3 hari setelah akhir bulan")
    return _Window(start, start_s, end_s, as_of_s, (end - start).days)


def _entry_times(
    rng: np.random.Generator, window: _Window, m: int
) -> tuple[np.ndarray, np.ndarray]:
    """``m`` entry times in the month and a few just outside it; which ones are inside."""
    # Rows of the last two days of the previous month and the first three of the
    # next: exports are pulled by date of activity, not strictly by entry date.
    start_s, end_s = window.start_s, window.end_s
    n_prev = 1 + int(rng.binomial(m, 0.01))
    n_next = 1 + int(rng.binomial(m, 0.012))
    t = np.r_[
        _draw_times(rng, m, start_s, window.n_days),
        _draw_times(rng, n_prev, start_s - 2 * DAY, 2),
        _draw_times(rng, n_next, end_s, 3),
    ]
    inside = np.r_[np.ones(m, bool), np.zeros(n_prev + n_next, bool)]
    return t, inside


def generate_many(
    n_laporan: int,
    seed: int = DEFAULT_SEED,
    reference: Reference | None = None,
    *,
    start: str = "2020-01-01",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Generate a large export (benchmarks): ``n_laporan`` reports over many months.

    Everything is vectorised (no Python loop over rows): one million reports and
    their coordination rows take a few seconds.

    Parameters
    ----------
    n_laporan : int
        Number of ``laporan`` rows.
    seed : int
        Random seed.
    reference : Reference, optional
        Reference data; default ``load_reference()``.
    start : str
        First day of the time span. The span is at least a year and long enough to
        keep report numbers unique (at most 9 999 per day).

    Returns
    -------
    laporan, koordinasi : pandas.DataFrame
        Same columns and dtypes as :func:`generate_month`; ``koordinasi`` has about
        1.5 times as many rows as ``laporan``.
    """
    ref = reference or load_reference()
    cat = _catalog(ref)
    rng = np.random.default_rng([int(seed), 7])
    n = int(n_laporan)
    n_days = max(366, -(-n // 2500))
    start_s = _epoch(start)
    end_s = start_s + n_days * DAY
    as_of_s = end_s + 10 * DAY
    masuk = _draw_times(rng, n, start_s, n_days)
    unit_w, kat_w = _month_weights(rng, cat)
    lap = _draw_laporan(rng, cat, masuk, end_s, as_of_s, unit_w, kat_w)
    n_foreign = int(round(n * 1.2))
    foreign_t = _draw_times(rng, n_foreign, start_s, n_days)
    kor = _draw_koordinasi(rng, cat, lap, foreign_t, as_of_s, unit_w)
    lap_codes, kor_codes = _number_reports(rng, masuk, foreign_t, kor)
    return _frames(cat, lap, lap_codes, kor, kor_codes)
