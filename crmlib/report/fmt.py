"""Indonesian text for numbers, dates, counts and unit names: the one place that formats.

Every number or date that reaches the report passes through this module, so the
report reads the same everywhere: decimal comma, thousands dot, ``76,38%``,
``3 Juni 2022 16:15``, ``5 (lima)``, ``Kelurahan Pulo Gebang``.

Separators, month names and date patterns come from Babel's ``id_ID`` locale;
only what Babel lacks (numbers in words, unit-name casing, month-over-month
sentences) is written here.

Rounding rule
-------------
Numbers are rounded **half away from zero on their decimal value** (the shortest
decimal that round-trips the float, i.e. ``repr(x)``), the way Excel rounds. The
June 2022 report, made in Excel, shows it: Cipayung's mean coordination time
255/24 = 10.625 minutes is printed ``10,63`` and Pekayon's 805/8 = 100.625 is
printed ``100,63``; Python's ``round`` (half to even on the binary value) would
print ``10,62`` and ``100,62``. For every value whose decimal form is not exactly
halfway between two outputs the result equals ``round(x, decimals)``.

Consequences worth knowing: ``format_persen(99.995)`` is ``"100,00%"`` (so is
``99.9999``); a capaian below 100 can therefore print as ``100,00%`` at two
decimals. Ask for more decimals (``decimals=3`` gives ``"99,995%"``) where that
distinction matters. Negative values that round to zero print without a sign.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import numbers
import re
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.dates import get_month_names as _babel_month_names
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import get_decimal_symbol as _babel_decimal_symbol
from babel.numbers import get_group_symbol as _babel_group_symbol
from babel.numbers import get_minus_sign_symbol as _babel_minus_sign

__all__ = [
    "AKRONIM",
    "DESIMAL",
    "KATA_TUGAS",
    "KOSONG",
    "LOCALE",
    "bulatkan",
    "format_angka",
    "format_bulan_tahun",
    "format_bulan_tahun_singkat",
    "format_durasi_jam",
    "format_jumlah_terbilang",
    "format_jumlah_terbilang_kapital",
    "format_menit",
    "format_nama_kelurahan",
    "format_perubahan",
    "format_perubahan_poin",
    "format_persen",
    "format_tanggal",
    "format_tanggal_waktu",
    "format_waktu_wib",
    "format_ukpd",
    "nama_bulan",
    "nama_bulan_singkat",
    "terbilang",
]

LOCALE = "id_ID"

#: What a missing value (None, NaN, NaT, pd.NA) prints as.
KOSONG = "–"

#: Decimals the report uses per table/quantity (as in the June 2022 report).
DESIMAL: dict[str, int] = {
    "koordinasi_tercepat": 2,  # minutes, "10,63"
    "koordinasi_terlama": 3,  # hours, "9,778"
    "penyelesaian_tercepat": 2,  # minutes, "51,17"
    "penyelesaian_terlama": 2,  # hours, "67,00"
    "persen": 2,  # "76,38%"
    "capaian_teks": 3,  # the body text once writes the capaian as "99,948%"
    "perubahan_persen": 1,  # relative month-over-month change, "(2,4%)"
    "poin_persen": 2,  # percentage-point difference, "0,35 poin persen"
}

# With decimals=None a float shows at most this many decimals (Babel's id pattern #,##0.###).
_MAKS_DESIMAL_OTOMATIS = 3


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _is_missing(x: object) -> bool:
    """True for None, NaN, NaT (pandas and numpy) and pd.NA, without importing pandas."""
    if x is None:
        return True
    try:
        # NaN, NaT and np.datetime64("NaT") are the values that differ from themselves.
        return bool(x != x)
    except TypeError:
        # pd.NA: comparisons return NA, whose truth value raises.
        return True


def _to_decimal(x: object) -> Decimal:
    """Exact decimal value of ``x`` as a person would read it (``repr`` of a float)."""
    if isinstance(x, Decimal):
        return x
    if isinstance(x, bool):
        raise TypeError(f"Bukan angka: {x!r}")
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    if isinstance(x, numbers.Real):
        # repr is the shortest string that round-trips: 2.675 -> "2.675", like Excel shows it.
        return Decimal(repr(float(x)))
    raise TypeError(f"Bukan angka: {x!r}")


def bulatkan(x: float | int | Decimal, decimals: int = 0) -> Decimal:
    """Round as the report does: half away from zero on the decimal value.

    Parameters
    ----------
    x : number
        Finite value to round.
    decimals : int, default 0
        Number of decimals to keep (>= 0).

    Returns
    -------
    decimal.Decimal
        The rounded value, with exactly ``decimals`` decimals; never ``-0``.

    Examples
    --------
    >>> str(bulatkan(10.625, 2)), str(bulatkan(2.5)), str(bulatkan(-0.001, 2))
    ('10.63', '3', '0.00')
    """
    if decimals < 0:
        raise ValueError(f"decimals harus >= 0, bukan {decimals}")
    d = _to_decimal(x)
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q.is_zero():
        q = abs(q)  # "-0,00" would suggest a negative value that the reader cannot see
    return q


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------
def format_angka(x: object, decimals: int | None = None) -> str:
    """Format a number the Indonesian way: ``1.234``, ``10,63``, ``9,778``.

    Parameters
    ----------
    x : int, float, Decimal or None
        The value. None, NaN and pd.NA give :data:`KOSONG` (``"–"``).
    decimals : int, optional
        Fixed number of decimals (trailing zeros kept: ``67,00``). When None,
        integers print without decimals and other values with up to three
        decimals, trailing zeros dropped.

    Returns
    -------
    str
        Thousands separated by ``.``, decimals by ``,``; minus sign ``-``.
        Rounded half away from zero (see the module docstring).

    Examples
    --------
    >>> format_angka(1234), format_angka(10.625, 2), format_angka(9.77833, 3)
    ('1.234', '10,63', '9,778')
    >>> format_angka(None), format_angka(1_000_000)
    ('–', '1.000.000')
    """
    if _is_missing(x):
        return KOSONG
    if isinstance(x, numbers.Real | Decimal) and not isinstance(x, numbers.Integral):
        if math.isinf(x):
            return "∞" if float(x) > 0 else "-∞"
    if decimals is None:
        q = bulatkan(x, _MAKS_DESIMAL_OTOMATIS)
        # Already rounded, so Babel's own (half-even) rounding has nothing left to do.
        return _babel_format_decimal(q, format="#,##0.###", locale=LOCALE)
    # Fixed decimals: Python's own grouping of the rounded value with the locale's
    # symbols is Babel's "#,##0.00" (tested against it) at a tenth of the cost; the
    # archive prints tens of thousands of durations.
    return f"{bulatkan(x, decimals):,.{decimals}f}".translate(_pemisah())


@functools.cache
def _pemisah() -> dict[int, str]:
    """Python's number symbols (``,`` group, ``.`` decimal, ``-``) → the locale's."""
    return str.maketrans(
        {
            ",": _babel_group_symbol(LOCALE),
            ".": _babel_decimal_symbol(LOCALE),
            "-": _babel_minus_sign(LOCALE),
        }
    )


def format_persen(x: object, decimals: int = 2) -> str:
    """Format a percentage value: ``76.377 -> "76,38%"``.

    Parameters
    ----------
    x : number or None
        Already a percentage (0-100 scale), not a fraction.
    decimals : int, default 2
        Fixed decimals.

    Returns
    -------
    str
        E.g. ``"76,38%"`` (no space before ``%``, as in most of the seed report);
        ``"–"`` when missing. ``99.995`` and ``99.9999`` give ``"100,00%"``.
    """
    if _is_missing(x):
        return KOSONG
    return format_angka(x, decimals) + "%"


def format_durasi_jam(hours: object, decimals: int = DESIMAL["penyelesaian_terlama"]) -> str:
    """Format a duration in hours: ``9.7783 -> "9,778"`` with ``decimals=3``.

    The report uses 3 decimals for the slowest coordination table and 2 for the
    slowest completion table (:data:`DESIMAL`); the unit goes in the column header.
    """
    return format_angka(hours, decimals)


def format_menit(minutes: object, decimals: int = DESIMAL["koordinasi_tercepat"]) -> str:
    """Format a duration in minutes with 2 decimals: ``10.625 -> "10,63"``."""
    return format_angka(minutes, decimals)


# ---------------------------------------------------------------------------
# numbers in words
# ---------------------------------------------------------------------------
_SATUAN = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas",
)  # fmt: skip
_SKALA = (
    (10**15, "kuadriliun"),
    (10**12, "triliun"),
    (10**9, "miliar"),
    (10**6, "juta"),
)


def _terbilang_ribuan(n: int) -> str:
    """Words for 1 <= n < 1000 (no "nol")."""
    words = []
    ratus, sisa = divmod(n, 100)
    if ratus == 1:
        words.append("seratus")
    elif ratus > 1:
        words.append(f"{_SATUAN[ratus]} ratus")
    if sisa:
        if sisa < 12:
            words.append(_SATUAN[sisa])
        elif sisa < 20:
            words.append(f"{_SATUAN[sisa - 10]} belas")
        else:
            puluh, satuan = divmod(sisa, 10)
            words.append(f"{_SATUAN[puluh]} puluh")
            if satuan:
                words.append(_SATUAN[satuan])
    return " ".join(words)


def terbilang(n: object) -> str:
    """Indonesian words for a non-negative integer.

    Parameters
    ----------
    n : int
        0 <= n < 10**18 (integral floats such as ``5.0`` are accepted).

    Returns
    -------
    str
        Lower case: ``0 -> "nol"``, ``11 -> "sebelas"``, ``100 -> "seratus"``,
        ``1000 -> "seribu"``, ``2022 -> "dua ribu dua puluh dua"``,
        ``1_000_000 -> "satu juta"``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``n`` is negative or too large.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise TypeError(f"terbilang membutuhkan bilangan bulat, bukan {n!r}")
    if not isinstance(n, numbers.Integral):
        if not float(n).is_integer():
            raise TypeError(f"terbilang membutuhkan bilangan bulat, bukan {n!r}")
    n = int(n)
    if n < 0:
        raise ValueError(f"terbilang hanya untuk bilangan tidak negatif, bukan {n}")
    if n >= 10**18:
        raise ValueError(f"terbilang: bilangan terlalu besar ({n})")
    if n == 0:
        return "nol"
    words = []
    for base, name in _SKALA:
        q, n = divmod(n, base)
        if q:
            words.append(f"{_terbilang_ribuan(q)} {name}")
    ribu, n = divmod(n, 1000)
    if ribu == 1:
        words.append("seribu")  # "seribu", never "satu ribu"; but "satu juta" is right
    elif ribu:
        words.append(f"{_terbilang_ribuan(ribu)} ribu")
    if n:
        words.append(_terbilang_ribuan(n))
    return " ".join(words)


def format_jumlah_terbilang(n: object, kapital: bool = False) -> str:
    """Count followed by its words in brackets: ``"5 (lima)"``, ``"10 (Sepuluh)"``.

    Parameters
    ----------
    n : int
        Non-negative integer.
    kapital : bool, default False
        Capitalise every word, for headings such as the seed's
        ``"10 (Sepuluh) Kelurahan ..."`` (``25 -> "25 (Dua Puluh Lima)"``).

    Returns
    -------
    str
        E.g. ``"2 (dua)"``, ``"1.000 (seribu)"``.
    """
    words = terbilang(n)
    if kapital:
        words = " ".join(w.capitalize() for w in words.split())
    return f"{format_angka(int(n))} ({words})"


def format_jumlah_terbilang_kapital(n: object) -> str:
    """Same as ``format_jumlah_terbilang(n, kapital=True)``: ``"10 (Sepuluh)"``."""
    return format_jumlah_terbilang(n, kapital=True)


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------
@functools.cache
def _month_names(width: str, locale: str) -> dict:
    # Babel's lookup is ~15 µs; the archive names a month some 7 500 times.
    return dict(_babel_month_names(width, context="stand-alone", locale=locale))


def _nama_bulan_list(width: str) -> list[str]:
    # Built on each call from the cached names, not once at import: a value computed at
    # import time is out of reach of the tests that should check it.
    names = _month_names(width, LOCALE)
    return [names[m] for m in range(1, 13)]


def nama_bulan(m: int) -> str:
    """Indonesian month name: ``6 -> "Juni"``.

    Raises
    ------
    ValueError
        If ``m`` is not in 1..12.
    """
    m = int(m)
    if not 1 <= m <= 12:
        raise ValueError(f"Bulan harus 1..12, bukan {m}")
    return _nama_bulan_list("wide")[m - 1]


def nama_bulan_singkat(m: int) -> str:
    """Abbreviated Indonesian month name (Babel ``id``): ``8 -> "Agu"``."""
    m = int(m)
    if not 1 <= m <= 12:
        raise ValueError(f"Bulan harus 1..12, bukan {m}")
    return _nama_bulan_list("abbreviated")[m - 1]


def _to_datetime(d: object) -> _dt.date:
    """A ``date``/``datetime`` from date-like input (Timestamp, datetime64, ISO string)."""
    if isinstance(d, _dt.date):  # also datetime and pandas Timestamp
        return d
    if isinstance(d, str):
        text = d.strip()
        try:
            return _dt.datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"Tanggal tidak dikenali: {d!r}") from exc
    if type(d).__name__ == "datetime64":
        import pandas as pd  # only for numpy datetimes, which carry no calendar API

        return pd.Timestamp(d).to_pydatetime()
    raise TypeError(f"Bukan tanggal: {d!r}")


def format_tanggal(d: object) -> str:
    """Date as ``"3 Juni 2022"`` (day without leading zero).

    Parameters
    ----------
    d : date, datetime, pandas.Timestamp, numpy.datetime64 or ISO string
        A time of day, if any, is ignored. None/NaT give ``"–"``.
    """
    if _is_missing(d):
        return KOSONG
    return _babel_format_date(_to_datetime(d), "d MMMM y", locale=LOCALE)


def format_tanggal_waktu(dt: object) -> str:
    """Date and time as ``"3 Juni 2022 16:15"`` (24-hour clock, seconds dropped).

    Parameters
    ----------
    dt : datetime, pandas.Timestamp, numpy.datetime64, date or ISO string
        Printed in its own wall-clock time (no time-zone conversion); a plain
        date and midnight both print ``00:00``. Seconds are truncated, not
        rounded, as Excel displays them. None/NaT give ``"–"``.
    """
    if _is_missing(dt):
        return KOSONG
    value = _to_datetime(dt)
    if not isinstance(value, _dt.datetime):
        value = _dt.datetime(value.year, value.month, value.day)
    # The date by Babel, once per day (a month's times share a few dozen days; the
    # archive prints tens of thousands); the clock as Babel's "HH:mm" prints it. An
    # aware value is printed in its own zone, as Babel does when no tzinfo is passed.
    return f"{_tanggal_panjang(value.date())} {value.hour:02d}:{value.minute:02d}"


@functools.lru_cache(maxsize=4096)
def _tanggal_panjang(d: _dt.date) -> str:
    return _babel_format_date(d, "d MMMM y", locale=LOCALE)


#: Jakarta's time zone (UTC+7, no daylight saving): the project's wall time.
WIB = _dt.timezone(_dt.timedelta(hours=7), "WIB")


def format_waktu_wib(value: object) -> str:
    """A moment as ``"7 Desember 2026 pukul 00.43 WIB"`` (Indonesian prose style).

    Parameters
    ----------
    value : datetime, pandas.Timestamp, date or ISO string
        An aware value is converted to Jakarta time (UTC+7); a naive one is taken
        as Jakarta wall time already (the project's convention). Seconds are
        truncated. None/NaT give ``"–"``.
    """
    if _is_missing(value):
        return KOSONG
    moment = _to_datetime(value)
    if not isinstance(moment, _dt.datetime):
        moment = _dt.datetime(moment.year, moment.month, moment.day)
    # A pandas Timestamp is a datetime: Babel reads it as it is (converting it would
    # warn about its nanoseconds, which the minutes shown never include).
    if moment.tzinfo is not None:
        moment = moment.astimezone(WIB).replace(tzinfo=None)
    return _babel_format_datetime(moment, "d MMMM y 'pukul' HH.mm", locale=LOCALE) + " WIB"


_PERIODE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _year_month(periode: object) -> tuple[int, int]:
    if isinstance(periode, str):
        m = _PERIODE_RE.match(periode)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"Periode tidak dikenali: {periode!r}")
            return year, month
    if hasattr(periode, "year") and hasattr(periode, "month"):  # date, Timestamp, Period
        return int(periode.year), int(periode.month)
    value = _to_datetime(periode)
    return value.year, value.month


def format_bulan_tahun(periode: object) -> str:
    """Month and year as ``"Juni 2022"``.

    Parameters
    ----------
    periode : str, date, datetime, pandas.Timestamp or pandas.Period
        ``"2022-06"`` (or an ISO date) or any date-like value. None/NaT give ``"–"``.
    """
    if _is_missing(periode):
        return KOSONG
    year, month = _year_month(periode)
    return f"{nama_bulan(month)} {year}"


def format_bulan_tahun_singkat(periode: object) -> str:
    """Short month and year for chart axes: ``"2022-01" -> "Jan 2022"``."""
    if _is_missing(periode):
        return KOSONG
    year, month = _year_month(periode)
    return f"{nama_bulan_singkat(month)} {year}"


# ---------------------------------------------------------------------------
# unit names
# ---------------------------------------------------------------------------
#: Words kept in capitals inside unit names.
AKRONIM = frozenset(
    {
        "DKI", "RW", "RT", "UKPD", "SKPD", "PTSP", "RSUD", "UPT", "UP", "BUMD", "PKK", "KUA",
        "SDN", "SMPN", "SMAN", "SMKN", "PD", "PAM", "PLN", "PP", "TPU", "RPTRA", "PPSU", "CRM",
        "JAKI", "BPBD", "PMI", "KB", "PJU", "LH", "UMKM", "KPK", "TNI", "POLRI", "JSC",
    }
)  # fmt: skip
#: Function words written in lower case when not first.
KATA_TUGAS = frozenset(
    {"dan", "di", "ke", "dari", "untuk", "yang", "atau", "pada", "dengan", "serta", "bagi", "oleh"}
)
# Roman numerals of unit names ("Sektor II", "Wilayah IV"): only I/V/X, so that words
# such as "DI" or "MIX" are not mistaken for numerals.
_ROMAWI_RE = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
# Level prefixes removed by format_nama_kelurahan (canonical and the export abbreviations
# of reference/unit_prefix.yaml).
_PREFIKS_RE = re.compile(r"^\s*(KELURAHAN|KECAMATAN|KEL\.?|KEC\.?|LURAH|CAMAT)\s+", re.IGNORECASE)


def _case_word(word: str, first: bool) -> str:
    core = word.strip("().,;:/'\"")
    if not core:
        return word
    lead = word[: word.index(core)]
    tail = word[len(lead) + len(core) :]
    if "-" in core:  # "TIMUR-LAUT" -> "Timur-Laut"
        parts = [_case_word(p, first and i == 0) for i, p in enumerate(core.split("-"))]
        return lead + "-".join(parts) + tail
    upper = core.upper()
    if core != upper and core != core.lower():
        cased = core  # already mixed case ("Kantor Walikota"): trust it
    elif (
        upper in AKRONIM
        or _ROMAWI_RE.match(upper)
        # Indonesian words always have a vowel: "PKHP", "PTSP" are abbreviations.
        or (upper.isalpha() and not set(upper) & set("AIUEO"))
        # A short word in brackets after a name is its abbreviation: "(PKHP)", "(SATPEL)".
        or (lead.endswith("(") and tail.startswith(")") and upper.isalpha() and len(upper) <= 6)
    ):
        cased = upper
    elif not first and core.lower() in KATA_TUGAS:
        cased = core.lower()
    else:
        cased = core[:1].upper() + core[1:].lower()
    return lead + cased + tail


def format_ukpd(name: object) -> str:
    """Unit name in title case: ``"KELURAHAN PULO GEBANG" -> "Kelurahan Pulo Gebang"``.

    Acronyms in :data:`AKRONIM` and Roman numerals stay upper case, function
    words (:data:`KATA_TUGAS`) are lower case after the first word, words already
    in mixed case are kept; spaces are collapsed. None/NaN give ``"–"``.

    Examples
    --------
    >>> format_ukpd("WALIKOTA JAKARTA TIMUR")
    'Walikota Jakarta Timur'
    >>> format_ukpd("SUKU DINAS PERTAMANAN DAN HUTAN KOTA ADM. JAKARTA TIMUR")
    'Suku Dinas Pertamanan dan Hutan Kota Adm. Jakarta Timur'
    """
    if _is_missing(name):
        return KOSONG
    words = str(name).split()
    return " ".join(_case_word(w, i == 0) for i, w in enumerate(words))


def format_nama_kelurahan(name: object) -> str:
    """Unit name without its level prefix, for ranking tables: ``"Pulo Gebang"``.

    ``KELURAHAN``/``KECAMATAN`` and their export abbreviations (``KEL.``, ``KEC``)
    are removed; other names (``WALIKOTA JAKARTA TIMUR``) are only re-cased.
    """
    if _is_missing(name):
        return KOSONG
    text = str(name)
    stripped = _PREFIKS_RE.sub("", text, count=1)
    return format_ukpd(stripped if stripped.strip() else text)


# ---------------------------------------------------------------------------
# month-over-month sentences
# ---------------------------------------------------------------------------
def format_perubahan(
    now: object,
    before: object,
    unit: str = "",
    *,
    decimals: int | None = None,
    persen_decimals: int = DESIMAL["perubahan_persen"],
    relatif: bool = True,
    pembanding: str = "bulan lalu",
) -> str:
    """Month-over-month change as text: ``"naik 12 (2,4%) dibanding bulan lalu"``.

    Parameters
    ----------
    now, before : number
        This month's and the comparison month's value.
    unit : str, default ""
        Word after the difference: ``unit="aduan"`` gives ``"naik 12 aduan (2,4%) ..."``.
    decimals : int, optional
        Decimals of the difference (``format_angka`` rules when None).
    persen_decimals : int, default 1
        Decimals of the relative change in brackets.
    relatif : bool, default True
        Add the relative change in brackets. It is left out anyway when
        ``before`` is 0 (undefined).
    pembanding : str, default "bulan lalu"
        What is compared against, e.g. ``"Mei 2022"``.

    Returns
    -------
    str
        ``"naik ..."``, ``"turun ..."``, or ``"sama dengan bulan lalu"`` when the
        difference rounds to zero at the shown decimals;
        ``"data bulan lalu tidak tersedia"`` when either value is missing.
    """
    if _is_missing(now) or _is_missing(before):
        return f"data {pembanding} tidak tersedia"
    now_d, before_d = _to_decimal(now), _to_decimal(before)
    diff = now_d - before_d
    shown_decimals = decimals if decimals is not None else _MAKS_DESIMAL_OTOMATIS
    if bulatkan(diff, shown_decimals).is_zero():
        return f"sama dengan {pembanding}"
    arah = "naik" if diff > 0 else "turun"
    text = f"{arah} {format_angka(abs(diff), decimals)}"
    if unit:
        text += f" {unit}"
    if relatif and not before_d.is_zero():
        rel = abs(diff) / abs(before_d) * 100
        text += f" ({format_persen(rel, persen_decimals)})"
    return f"{text} dibanding {pembanding}"


def format_perubahan_poin(
    now: object,
    before: object,
    decimals: int = DESIMAL["poin_persen"],
    *,
    pembanding: str = "bulan lalu",
) -> str:
    """Change of a percentage in percentage points: ``"naik 0,35 poin persen ..."``.

    Parameters
    ----------
    now, before : number
        Percentages (0-100 scale) of this and the comparison month.
    decimals : int, default 2
        Decimals of the difference.
    pembanding : str, default "bulan lalu"
        What is compared against.
    """
    return format_perubahan(
        now, before, "poin persen", decimals=decimals, relatif=False, pembanding=pembanding
    )
