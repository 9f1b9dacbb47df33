"""Cell values as the data contract reads them: blanks, datetimes and numbers.

Datetimes come as ISO text (an explicit UTC offset is converted to Jakarta time),
day-first text, native Excel dates or Excel serial day numbers; numbers with a
decimal dot or the lone decimal comma of Indonesian exports. Each parser returns
the values and where a non-blank cell could not be read, for the validation to name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY_FIRST_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
# Excel serial day numbers between 1954 and 2119: anything else is not a date.
EXCEL_SERIAL_RANGE = (20000.0, 80000.0)
# The contract's datetimes are Jakarta wall time. An ISO value with an explicit UTC
# offset ("Z", "+07:00", "+0700") is converted to Jakarta time and the offset dropped.
TZ_SUFFIX = r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
JAKARTA_TZ = "Asia/Jakarta"


def is_blank(series: pd.Series) -> pd.Series:
    """True where a raw cell is empty (None/NaN/'' or spaces)."""
    as_text = series.astype("string").str.strip()
    return series.isna().to_numpy() | (as_text.fillna("") == "").to_numpy()


def parse_datetimes(
    series: pd.Series, blank: np.ndarray | None = None
) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO, day-first and native Excel datetimes.

    ``blank`` is :func:`is_blank` of ``series`` when the caller has it already.

    Returns
    -------
    parsed : Series of datetime64[ns] (NaT where blank or invalid)
    invalid : bool array, True where a non-blank value could not be parsed
    """
    blank = is_blank(series) if blank is None else blank
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
    todo = ~blank
    if not todo.any():
        return out, np.zeros(len(series), dtype=bool)
    values = series[todo]
    if isinstance(series.dtype, pd.StringDtype) or series.dtype == "str":
        # CSV columns are text only: skip the per-cell type checks (they cost seconds at 1M rows).
        return _parse_text_datetimes(values, out, blank)
    # Native datetimes (Excel date cells read by calamine, or Timestamps).
    is_dt = values.map(
        lambda v: isinstance(v, pd.Timestamp | np.datetime64) or hasattr(v, "year")
    ).astype(bool)
    if is_dt.any():
        out.loc[is_dt[is_dt].index] = pd.to_datetime(values[is_dt]).astype("datetime64[ns]")
    is_num = values.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool)).astype(
        bool
    )
    if is_num.any():
        nums = values[is_num].astype(float)
        ok = nums.between(*EXCEL_SERIAL_RANGE)
        out.loc[nums[ok].index] = pd.to_datetime(nums[ok], unit="D", origin="1899-12-30").dt.round(
            "s"
        )
    return _parse_text_datetimes(values[~(is_dt | is_num)], out, blank)


def _parse_text_datetimes(values: pd.Series, out: pd.Series, blank: np.ndarray):
    """Fill ``out`` from text values (ISO, with or without offset, then day-first); flag the rest."""
    if len(values):
        text = values.astype(str).str.strip()
        iso = text.str.match(r"^\d{4}-\d{2}-\d{2}")
        offset = iso & text.str.contains(TZ_SUFFIX)
        if offset.any():
            aware = pd.to_datetime(text[offset], format="ISO8601", utc=True, errors="coerce")
            out.loc[text[offset].index] = aware.dt.tz_convert(JAKARTA_TZ).dt.tz_localize(None)
            iso = iso & ~offset
        if iso.any():
            out.loc[text[iso].index] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
        rest = text[~iso]
        for fmt in DAY_FIRST_FORMATS:
            if rest.empty:
                break
            parsed = pd.to_datetime(rest, format=fmt, errors="coerce")
            good = parsed.notna()
            out.loc[parsed[good].index] = parsed[good]
            rest = rest[~good]
    invalid = (~blank) & out.isna().to_numpy()
    return out, invalid


def parse_numbers(
    series: pd.Series, blank: np.ndarray | None = None
) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers (decimal dot, or a lone decimal comma as Indonesian exports write it).

    ``blank`` is :func:`is_blank` of ``series`` when the caller has it already.
    """
    blank = is_blank(series) if blank is None else blank
    text = series.astype("string").str.strip().fillna("")
    # "67,5" -> "67.5", but "1,234.5" keeps its meaning.
    text = text.where(
        text.str.contains(r"\.", regex=True) | ~text.str.fullmatch(r"-?\d+,\d+"),
        text.str.replace(",", ".", regex=False),
    )
    nums = pd.to_numeric(text.where(~blank, None), errors="coerce").astype(float)
    invalid = (~blank) & nums.isna().to_numpy()
    return nums, invalid


def has_offset(series: pd.Series) -> np.ndarray:
    """True where a text value is an ISO datetime with an explicit UTC offset."""
    text = series.astype("string").str.strip()
    found = text.str.match(r"^\d{4}-\d{2}-\d{2}") & text.str.contains(TZ_SUFFIX)
    return found.fillna(False).to_numpy(dtype=bool)
