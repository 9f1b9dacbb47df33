"""Units of time, the missing-time sentinel, status codes and month bounds of the generator.

Every part of the generator handles times as int64 seconds since the epoch (naive
Jakarta wall-clock time) and statuses as indices into the contract's status list.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from crmlib.data.refdata import STATUSES

DEFAULT_SEED = 20220711


MINUTE = 60
HOUR = 3600
DAY = 86400
# Times are handled as int64 seconds since the epoch (naive Jakarta local time);
# numpy's NaT is int64 min, so this sentinel survives the cast to datetime64.
_NAT = np.iinfo(np.int64).min

# Index of each status in refdata.STATUSES ("Complete", "Disposisi", "In Progres", "Wait").
_COMPLETE, _DISPOSISI, _IN_PROGRES, _WAIT = (STATUSES.index(s) for s in STATUSES)

PPPSU = "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"
PERIZINAN = "Perizinan Bidang Ketentraman, Ketertiban dan Perlindungan Masyarakat"


def _epoch(ts: object) -> int:
    """Seconds since 1970-01-01 of a naive timestamp (no time zone arithmetic)."""
    return int(np.datetime64(pd.Timestamp(ts).to_datetime64(), "s").astype(np.int64))


def _month_bounds(periode: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First instant of the month and of the next month."""
    if not re.fullmatch(r"\d{4}-\d{2}", str(periode)):
        raise ValueError(f"periode harus berbentuk YYYY-MM, bukan {periode!r}")
    start = pd.Timestamp(f"{periode}-01")
    return start, start + pd.offsets.MonthBegin(1)


def _default_as_of(periode: str) -> pd.Timestamp:
    """Exports are pulled around the 10th of the next month, before office hours."""
    return _month_bounds(periode)[1] + pd.Timedelta(days=9, hours=8, minutes=30)
