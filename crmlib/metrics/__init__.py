"""Every figure of the monthly CRM report, as pure functions over the canonical tables.

The functions take the canonical ``laporan`` / ``koordinasi`` DataFrames of one month
(schema in ``docs/architecture.md``) and the unit/channel reference tables as
DataFrame arguments, and return plain values or small DataFrames. They do no I/O and
no formatting (rounding is presentation: every number here is unrounded), and they
import nothing but pandas, NumPy, the standard library, the data contract's column
names (:mod:`crmlib.data.contract`) and the (dependency-free) :mod:`crmlib.errors`, so
every other layer may depend on them and not the other way round.

Definitions follow the data contract (§3). Two rules apply throughout:

* **Official order.** Per-unit tables list units in the order of the reference table
  (each kecamatan office followed by its kelurahan, the city office last).
* **Ties in top-N / bottom-N lists** use standard competition ranking (1, 2, 2, 4) and
  keep every entry whose rank is ≤ N, so a tie at the cut-off lengthens the list;
  within a tie the official unit order (categories: alphabetical) decides.

Unknown or missing units, statuses or channels are refused with
:class:`~crmlib.errors.MetricsInputError` (a ``ValueError``) rather than silently
dropped: a per-unit recap that does not add up to the month's total would be wrong
without anyone noticing. The same goes for the other preconditions (``docs/metrik.md``):
time columns are naive Asia/Jakarta wall-clock times (time-zone-aware columns are
refused), no duration is negative, every completed report has a maximum follow-up time
or an export score, and :func:`compute_all` gets only rows of its month. The reader
guarantees all of this, so these checks only fire on frames built by hand.

Times count in whole seconds: sub-second parts are dropped before any comparison, so
text timestamps with milliseconds and Excel serials (rounded to seconds by the reader)
give the same durations and equal means tie.

Implementation note: the month can hold a million reports, so values are turned into
integer codes once (``pandas.factorize`` on the distinct values, then a lookup of the
few distinct values in the reference) and aggregated with ``numpy.bincount``. Times are
handled as int64 nanoseconds; durations are averaged as whole-second sums divided by
counts, which keeps equal averages bit-identical so ties are detected exactly.

The package's modules, one concern each (this module only names the public API):
``params`` (:class:`MetricParams`), ``rekap`` (status recaps), ``times`` (response
and follow-up times, ``nilai_tl``, capaian), ``rankings`` (top-N lists and the
kelurahan time rankings), ``lists`` (rejected follow-ups, scores below 100),
``series`` (per channel, per day), ``per_ukpd`` (every figure per unit), ``tiket``
(the tickets behind every per-unit figure, :class:`DaftarTiket`), ``month``
(:class:`Metrics` and :func:`compute_all`) and ``_helpers`` (the shared primitives:
column checks, value codes, whole-second times). :func:`persen` is the data contract's
(``crmlib.data.contract``, standard library only, so the archive needs no pandas for it),
re-exported here.
"""

from __future__ import annotations

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS, STATUSES, persen
from crmlib.metrics.lists import (
    NILAI_COLUMNS,
    TL_DITOLAK_COLUMNS,
    compute_nilai_dibawah_100,
    compute_tl_ditolak,
)
from crmlib.metrics.month import TABLES, Metrics, compute_all
from crmlib.metrics.params import MetricParams
from crmlib.metrics.per_ukpd import PER_UKPD_COLUMNS, compute_per_ukpd
from crmlib.metrics.rankings import (
    compute_koordinasi_ranking,
    compute_penyelesaian_ranking,
    compute_top_kategori,
    compute_top_ukpd,
)
from crmlib.metrics.rekap import compute_kecamatan_status, compute_rekap_status
from crmlib.metrics.series import compute_harian, compute_per_kanal
from crmlib.metrics.tiket import (
    ATURAN_KOORDINASI,
    ATURAN_NILAI,
    ATURAN_PENYELESAIAN,
    ATURAN_RESPON,
    ATURAN_TL_DITOLAK,
    TIKET_COLUMNS,
    DaftarTiket,
    compute_daftar_tiket,
)
from crmlib.metrics.times import (
    compute_capaian,
    compute_nilai_tl,
    compute_respon,
    compute_waktu_respon_jam,
    compute_waktu_tl_jam,
)

__all__ = [
    "ATURAN_KOORDINASI",
    "ATURAN_NILAI",
    "ATURAN_PENYELESAIAN",
    "ATURAN_RESPON",
    "ATURAN_TL_DITOLAK",
    "KOORDINASI_COLUMNS",
    "LAPORAN_COLUMNS",
    "NILAI_COLUMNS",
    "PER_UKPD_COLUMNS",
    "STATUSES",
    "TABLES",
    "TIKET_COLUMNS",
    "TL_DITOLAK_COLUMNS",
    "DaftarTiket",
    "MetricParams",
    "Metrics",
    "compute_all",
    "compute_capaian",
    "compute_daftar_tiket",
    "compute_harian",
    "compute_kecamatan_status",
    "compute_koordinasi_ranking",
    "compute_nilai_dibawah_100",
    "compute_nilai_tl",
    "compute_penyelesaian_ranking",
    "compute_per_kanal",
    "compute_per_ukpd",
    "compute_rekap_status",
    "compute_respon",
    "compute_tl_ditolak",
    "compute_top_kategori",
    "compute_top_ukpd",
    "compute_waktu_respon_jam",
    "compute_waktu_tl_jam",
    "persen",
]
