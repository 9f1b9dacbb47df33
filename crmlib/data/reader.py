"""Read and validate one month of CRM export.

A month is either an ``.xlsx`` workbook with sheets ``laporan`` and ``koordinasi``
or a folder holding ``laporan.csv`` and ``koordinasi.csv`` (data contract §1).
:func:`read_month` maps headers through the alias table, parses datetimes and
numbers, canonicalises units/channels/statuses, drops every column that is not
part of the contract (so reporter-identifying data never travels further), keeps
the rows of the requested month and validates everything the contract lists as
bad input. It collects *all* problems and raises one
:class:`~crmlib.errors.InputDataError` naming file, sheet, row and column.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS
from crmlib.data.periode import PERIODE_RE
from crmlib.data.pii import describe as describe_masked
from crmlib.data.pii import mask_frame, mask_text
from crmlib.data.plausibility import check_coverage
from crmlib.data.refdata import Reference, load_reference, normalize_header
from crmlib.errors import InputDataError, Problem

SHEETS = ("laporan", "koordinasi")

# The contract's columns (crmlib.data.contract), as lists.
COLUMNS = {"laporan": list(LAPORAN_COLUMNS), "koordinasi": list(KOORDINASI_COLUMNS)}
# Free-text columns that are published; reporter-like values in them are masked.
MASKED_COLUMNS = ("kategori", "rincian_masalah")
REQUIRED = {
    "laporan": ["nomor_laporan", "kanal", "kategori", "ukpd", "status", "waktu_masuk"],
    "koordinasi": ["nomor_laporan", "ukpd", "waktu_koordinasi"],
}
DATETIME_COLUMNS = {
    "laporan": ["waktu_masuk", "waktu_respon", "waktu_selesai"],
    "koordinasi": ["waktu_koordinasi", "waktu_proses"],
}
# (later column, earlier column): the later one may not come before the earlier one.
TIME_ORDER = {
    "laporan": [("waktu_respon", "waktu_masuk"), ("waktu_selesai", "waktu_masuk")],
    "koordinasi": [("waktu_proses", "waktu_koordinasi")],
}
MONTH_COLUMN = {"laporan": "waktu_masuk", "koordinasi": "waktu_koordinasi"}

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


@dataclass
class SheetSource:
    """Where one sheet came from, as the user names it in messages."""

    file: str
    sheet: str | None
    path: Path
    delimiter: str = ","

    def problem(self, message: str, **kwargs) -> Problem:
        """A :class:`Problem` located in this sheet."""
        return Problem(file=self.file, sheet=self.sheet, message=message, **kwargs)


@dataclass
class MonthData:
    """One month of validated CRM data.

    Attributes
    ----------
    periode : str
        ``YYYY-MM``.
    laporan, koordinasi : pandas.DataFrame
        Canonical tables of the month (schema in ``docs/architecture.md``).
    sources : list of dict
        Input files with ``file`` (as given), ``name`` and ``sha256``.
    counts : dict
        Per sheet: ``read`` rows, ``kept`` rows, ``left_out`` rows of other months.
    dropped_columns : dict
        Per sheet: ``pelapor`` (number of reporter-identifying columns dropped) and
        ``lainnya`` (names of other unknown columns dropped).
    notices : list of str
        Things the analyst should know that are not errors (e.g. new categories).
    """

    periode: str
    laporan: pd.DataFrame
    koordinasi: pd.DataFrame
    sources: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    dropped_columns: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def sha256_file(path: Path) -> str:
    """SHA-256 hex digest of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_periode(periode: str) -> str:
    """Return ``periode`` if it is ``YYYY-MM``, else raise InputDataError."""
    if not isinstance(periode, str) or not PERIODE_RE.match(periode):
        raise InputDataError(
            [
                Problem(
                    file="(parameter)",
                    column="periode",
                    message="periode tidak valid",
                    value=str(periode),
                    expected="format YYYY-MM, misalnya 2022-06",
                )
            ]
        )
    return periode


# --------------------------------------------------------------------------- locate


def locate_sources(data: Path | str) -> dict[str, SheetSource]:
    """Find the two sheets of a month's data path.

    Parameters
    ----------
    data : path
        An ``.xlsx`` file, or a folder with ``laporan.csv`` and ``koordinasi.csv``
        (a folder holding a single ``.xlsx`` and no CSV is accepted too).
    """
    path = Path(data)
    shown = str(data)
    if not path.exists():
        raise InputDataError(
            [
                Problem(
                    file=shown,
                    message="berkas atau folder data tidak ditemukan",
                    expected="berkas .xlsx (sheet laporan & koordinasi) atau folder berisi "
                    "laporan.csv dan koordinasi.csv",
                )
            ]
        )
    if path.is_dir():
        csvs = {p.name.lower(): p for p in path.iterdir() if p.suffix.lower() == ".csv"}
        xlsxs = [
            p for p in path.iterdir() if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$")
        ]
        if not csvs and len(xlsxs) == 1:
            return locate_sources(xlsxs[0])
        problems = [
            Problem(
                file=str(Path(shown) / f"{s}.csv"),
                message="berkas tidak ditemukan",
                expected=f"{s}.csv (UTF-8, dipisah koma atau titik koma, baris judul di baris 1)",
            )
            for s in SHEETS
            if f"{s}.csv" not in csvs
        ]
        if problems:
            raise InputDataError(problems)
        return {
            s: SheetSource(str(Path(shown) / csvs[f"{s}.csv"].name), None, csvs[f"{s}.csv"])
            for s in SHEETS
        }
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return {s: SheetSource(shown, s, path) for s in SHEETS}
    raise InputDataError(
        [
            Problem(
                file=shown,
                message="jenis berkas tidak didukung",
                expected="berkas .xlsx atau folder berisi laporan.csv dan koordinasi.csv",
            )
        ]
    )


# --------------------------------------------------------------------------- raw read


def _read_raw_csv(src: SheetSource) -> pd.DataFrame:
    try:
        raw = src.path.read_bytes()
    except OSError as exc:
        raise InputDataError([src.problem(f"berkas tidak dapat dibaca ({exc.strerror})")]) from None
    if not raw.strip():
        raise InputDataError([src.problem("berkas kosong", expected="baris judul dan data")])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputDataError(
            [src.problem("berkas bukan teks UTF-8", row=line, expected="CSV dengan encoding UTF-8")]
        ) from None
    src.delimiter = _csv_delimiter(raw)
    try:
        # Everything as text first: validation needs the value the user typed, and
        # skip_blank_lines=False keeps row numbers equal to what the user sees.
        return pd.read_csv(
            src.path,
            sep=src.delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except pd.errors.ParserError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        raise InputDataError(
            [
                src.problem(
                    "baris CSV rusak (jumlah kolom tidak sesuai judul)",
                    row=int(m.group(1)) if m else None,
                    expected="setiap baris memiliki jumlah kolom yang sama dengan baris judul",
                )
            ]
        ) from None
    except pd.errors.EmptyDataError:
        raise InputDataError(
            [src.problem("berkas kosong", expected="baris judul dan data")]
        ) from None


def _csv_delimiter(raw: bytes) -> str:
    """``;`` when the header line has more semicolons than commas (Excel with an
    Indonesian locale saves "CSV" that way), else ``,``."""
    header = raw.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return ";" if header.count(b";") > header.count(b",") else ","


def _duplicate_sheets(file: str, names: list[str]) -> list[Problem]:
    """Two sheets that both read as ``laporan`` (or ``koordinasi``) once spaces and case go."""
    problems = []
    for sheet in SHEETS:
        same = [n for n in names if n.strip().lower() == sheet]
        if len(same) > 1:
            problems.append(
                Problem(
                    file=file,
                    sheet=sheet,
                    message="nama sheet ganda: "
                    + " dan ".join(f"'{n}'" for n in same)
                    + " sama setelah spasi dan huruf besar/kecil diabaikan",
                    expected=f"tepat satu sheet '{sheet}'; hapus atau ganti nama sheet yang lain",
                )
            )
    return problems


def _read_raw_xlsx(sources: dict[str, SheetSource]) -> dict[str, pd.DataFrame]:
    src0 = next(iter(sources.values()))
    path = src0.path
    if path.stat().st_size == 0:
        raise InputDataError(
            [
                Problem(
                    file=src0.file,
                    message="berkas kosong",
                    expected="workbook .xlsx dengan sheet laporan dan koordinasi",
                )
            ]
        )
    if not zipfile.is_zipfile(path):
        raise InputDataError(
            [
                Problem(
                    file=src0.file,
                    message="berkas tidak dapat dibaca sebagai Excel (.xlsx)",
                    expected="workbook .xlsx yang valid",
                )
            ]
        )
    try:
        book = pd.read_excel(path, sheet_name=None, engine="calamine", header=None, dtype=object)
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise InputDataError(
            [
                Problem(
                    file=src0.file,
                    message=f"berkas Excel rusak ({type(exc).__name__})",
                    expected="workbook .xlsx yang valid",
                )
            ]
        ) from None
    by_key = {name.strip().lower(): df for name, df in book.items()}
    out, problems = {}, _duplicate_sheets(src0.file, list(book))
    if problems:
        raise InputDataError(problems)
    for sheet, src in sources.items():
        df = by_key.get(sheet)
        if df is None:
            problems.append(
                Problem(
                    file=src.file,
                    sheet=sheet,
                    message="sheet tidak ditemukan",
                    expected=f"sheet bernama '{sheet}' (ada: {', '.join(book) or '-'})",
                )
            )
            continue
        if df.empty or df.dropna(how="all").empty:
            problems.append(
                src.problem("sheet kosong", expected="baris judul di baris 1 dan data di bawahnya")
            )
            continue
        header = ["" if pd.isna(h) else str(h) for h in df.iloc[0]]
        body = df.iloc[1:].reset_index(drop=True)
        body.columns = header
        out[sheet] = body
    if problems:
        raise InputDataError(problems)
    return out


# --------------------------------------------------------------------------- helpers


def _is_blank(series: pd.Series) -> pd.Series:
    """True where a raw cell is empty (None/NaN/'' or spaces)."""
    as_text = series.astype("string").str.strip()
    return series.isna().to_numpy() | (as_text.fillna("") == "").to_numpy()


def _display(value: object) -> str:
    """A cell's value as an error message shows it; reporter-like text masked.

    A shifted column can put a reporter's phone number into a checked column: the
    message names the row and column, and never the number (terminal, build.log).
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return mask_text(str(value).strip())[0]


def parse_datetimes(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse ISO, day-first and native Excel datetimes.

    Returns
    -------
    parsed : Series of datetime64[ns] (NaT where blank or invalid)
    invalid : bool array, True where a non-blank value could not be parsed
    """
    blank = _is_blank(series)
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


def parse_numbers(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers (decimal dot, or a lone decimal comma as Indonesian exports write it)."""
    blank = _is_blank(series)
    text = series.astype("string").str.strip().fillna("")
    # "67,5" -> "67.5", but "1,234.5" keeps its meaning.
    text = text.where(
        text.str.contains(r"\.", regex=True) | ~text.str.fullmatch(r"-?\d+,\d+"),
        text.str.replace(",", ".", regex=False),
    )
    nums = pd.to_numeric(text.where(~blank, None), errors="coerce").astype(float)
    invalid = (~blank) & nums.isna().to_numpy()
    return nums, invalid


def _has_offset(series: pd.Series) -> np.ndarray:
    """True where a text value is an ISO datetime with an explicit UTC offset."""
    text = series.astype("string").str.strip()
    found = text.str.match(r"^\d{4}-\d{2}-\d{2}") & text.str.contains(TZ_SUFFIX)
    return found.fillna(False).to_numpy(dtype=bool)


def _header_only(raws: dict[str, pd.DataFrame], sources: dict[str, SheetSource]) -> list[Problem]:
    """A sheet or CSV with a header row and not one row of data."""
    problems = []
    for sheet, raw in raws.items():
        rows = len(raw) and ~np.logical_and.reduce([_is_blank(raw[c]) for c in raw.columns])
        if len(raw.columns) and not np.any(rows):
            src = sources[sheet]
            problems.append(
                src.problem(
                    f"{'sheet' if src.sheet else 'berkas'} hanya berisi baris judul, tanpa baris data",
                    expected=f"baris data {sheet} di bawah judul; periksa apakah ekspornya lengkap "
                    "(bila bulan ini memang tanpa laporan: --izinkan-kosong atau "
                    "'izinkan_kosong: true' di params)",
                )
            )
    return problems


def _suggest(names: list[str]) -> str:
    return ("mungkin maksudnya: " + ", ".join(names)) if names else ""


# --------------------------------------------------------------------------- per sheet


def _map_headers(
    df: pd.DataFrame, sheet: str, src: SheetSource, ref: Reference, problems: list[Problem]
) -> tuple[pd.DataFrame, dict]:
    mapping = ref.header_alias[sheet]
    keep: dict[str, str] = {}
    pelapor, others = 0, []
    for original in df.columns:
        key = normalize_header(original)
        canonical = mapping.get(key)
        if canonical is None:
            if key in ref.pelapor_headers:
                pelapor += 1
            elif key:
                others.append(str(original).strip())
            continue
        if canonical in keep.values():
            first = next(k for k, v in keep.items() if v == canonical)
            problems.append(
                src.problem(
                    f"dua kolom berarti sama: '{first}' dan '{original}'",
                    column=str(original),
                    expected=f"satu kolom {canonical}",
                )
            )
            continue
        keep[original] = canonical
    out = df[list(keep)].rename(columns=keep)
    letters = {c: _column_letter(i) for i, c in enumerate(df.columns)}
    shown = {
        canon: (f"{orig} [{letters[orig]}]" if src.sheet else str(orig).strip())
        for orig, canon in keep.items()
    }
    typos = _header_typos(others, [c for c in COLUMNS[sheet] if c not in out.columns], mapping)
    for col in REQUIRED[sheet]:
        if col not in out.columns:
            hint = f"; ada kolom '{typos[col]}', mungkin salah ketik" if col in typos else ""
            problems.append(
                src.problem(
                    "kolom wajib tidak ada",
                    column=col,
                    expected=f"kolom '{col}' (atau salah satu aliasnya di "
                    f"crmlib/data/reference/header_alias.yaml){hint}",
                )
            )
    for col, typo in typos.items():
        if col not in REQUIRED[sheet]:
            problems.append(
                src.problem(
                    f"kolom tidak dikenal, mungkin maksudnya '{col}'",
                    column=typo,
                    expected=f"judul kolom '{col}' (atau tambahkan '{typo}' sebagai aliasnya di "
                    "crmlib/data/reference/header_alias.yaml)",
                )
            )
    for col in COLUMNS[sheet]:
        if col not in out.columns:
            out[col] = None
    for col in COLUMNS[sheet]:
        shown.setdefault(col, col)
    return out[COLUMNS[sheet]], {"pelapor": pelapor, "lainnya": others}, shown


def _header_typos(others: list[str], missing: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Unknown headers that look like a misspelt contract column that is absent.

    Returns ``{contract column: header as written}``, e.g. ``{"ukpd": "ukdp"}``.
    """
    found: dict[str, str] = {}
    for col in missing:
        spellings = [k for k, v in mapping.items() if v == col]
        for header in others:
            key = normalize_header(header)
            if difflib.get_close_matches(key, spellings, n=1, cutoff=0.8) or (
                sorted(key) == sorted(normalize_header(col))
            ):
                found[col] = header
                break
    return found


def _column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _validate_sheet(
    raw: pd.DataFrame,
    sheet: str,
    src: SheetSource,
    ref: Reference,
    problems: list[Problem],
    shown: dict[str, str],
    notices: list[str] | None = None,
) -> pd.DataFrame:
    """Parse and validate one sheet; returns the canonical (unfiltered) table with ``_baris``."""
    # Row as the user sees it: header is row 1.
    rows = pd.Series(np.arange(len(raw)) + 2, index=raw.index)
    empty_row = (
        np.logical_and.reduce([_is_blank(raw[c]) for c in raw.columns])
        if len(raw.columns)
        else np.ones(len(raw), dtype=bool)
    )
    raw = raw.loc[~empty_row]
    rows = rows.loc[~empty_row]
    out = pd.DataFrame(index=raw.index)
    out["_baris"] = rows

    def bad(mask: np.ndarray, column: str, message: str, expected: str, values=None) -> None:
        idx = raw.index[mask]
        vals = raw.loc[idx, column] if values is None else values.loc[idx]
        for i in idx:
            v = vals.loc[i]
            problems.append(
                src.problem(
                    message,
                    row=int(rows.loc[i]),
                    column=shown[column],
                    value=None
                    if v is None or (isinstance(v, float) and np.isnan(v))
                    else _display(v),
                    expected=expected,
                )
            )

    for col in REQUIRED[sheet]:
        if col in raw.columns:
            blank = _is_blank(raw[col])
            if blank.any():
                idx = raw.index[blank]
                for i in idx:
                    problems.append(
                        src.problem(
                            "nilai wajib kosong",
                            row=int(rows.loc[i]),
                            column=shown[col],
                            expected="nilai tidak boleh kosong",
                        )
                    )

    nomor = raw["nomor_laporan"]
    if nomor.dtype == object:  # Excel: report numbers may arrive as numbers
        nomor = nomor.map(
            lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else _display(v)
        )
    out["nomor_laporan"] = nomor.astype("string").str.strip().replace("", pd.NA).astype("str")

    # Units: map the distinct values once (exports repeat a handful of names).
    ukpd_raw = raw["ukpd"]
    distinct = pd.unique(ukpd_raw[~_is_blank(ukpd_raw)].astype(str))
    ukpd_map = {v: ref.canonical_ukpd(v) for v in distinct}
    out["ukpd"] = ukpd_raw.astype(str).map(ukpd_map)
    for v, canon in ukpd_map.items():
        if canon is None:
            mask = (ukpd_raw.astype(str) == v).to_numpy()
            bad(
                mask,
                "ukpd",
                "UKPD tidak dikenal",
                _suggest(ref.suggest_ukpd(v))
                or "nama UKPD dari crmlib/data/reference/kota/*/ukpd.csv",
            )
    kec = dict(zip(ref.ukpd["ukpd"], ref.ukpd["kecamatan"], strict=True))
    out["kecamatan"] = out["ukpd"].map(kec)

    if sheet == "laporan":
        for col, canon_fn, suggest_fn, what in (
            (
                "kanal",
                ref.canonical_kanal,
                ref.suggest_kanal,
                f"salah satu kanal: {ref.kanal_list()}",
            ),
            (
                "status",
                ref.canonical_status,
                ref.suggest_status,
                "Complete, Disposisi, In Progres atau Wait",
            ),
        ):
            col_raw = raw[col]
            distinct = pd.unique(col_raw[~_is_blank(col_raw)].astype(str))
            cmap = {v: canon_fn(v) for v in distinct}
            out[col] = col_raw.astype(str).map(cmap)
            for v, canon in cmap.items():
                if canon is None:
                    label = "kanal" if col == "kanal" else "status"
                    bad(
                        (col_raw.astype(str) == v).to_numpy(),
                        col,
                        f"{label} tidak dikenal",
                        _suggest(suggest_fn(v)) or what,
                    )
        kat_raw = raw["kategori"]
        distinct = pd.unique(kat_raw[~_is_blank(kat_raw)].astype(str))
        kmap = {v: ref.canonical_kategori(v) for v in distinct}
        out["kategori"] = kat_raw.astype(str).map(kmap)
        rincian = raw["rincian_masalah"]
        text = rincian.astype("string").str.strip()
        out["rincian_masalah"] = text.where(~_is_blank(rincian)).astype("str")

    for col in DATETIME_COLUMNS[sheet]:
        parsed, invalid = parse_datetimes(raw[col])
        out[col] = parsed
        converted = int((_has_offset(raw[col]) & ~invalid).sum())
        if converted and notices is not None:
            notices.append(
                f"{Path(src.file).name}{f', sheet {src.sheet}' if src.sheet else ''}, "
                f"kolom '{shown[col]}': "
                f"{converted} waktu berzona waktu (mis. Z atau +07:00) diubah ke waktu Jakarta (WIB)"
            )
        if invalid.any():
            bad(
                invalid,
                col,
                "bukan tanggal/waktu yang valid",
                "tanggal dan jam, misalnya 2022-06-03 16:15 atau 03/06/2022 16:15",
            )

    if sheet == "laporan":
        max_jam, invalid = parse_numbers(raw["max_waktu_tl_jam"])
        bad(invalid, "max_waktu_tl_jam", "bukan angka", "jumlah jam, misalnya 48")
        neg = (max_jam <= 0).to_numpy()
        bad(neg, "max_waktu_tl_jam", "waktu maksimal TL harus lebih dari 0", "jumlah jam > 0")
        # One lookup per distinct category, not per row (a month repeats a few dozen names).
        kat_default = {k: ref.max_waktu_tl_jam(k) for k in pd.unique(out["kategori"].dropna())}
        defaults = out["kategori"].map(kat_default).fillna(ref.default_max_waktu_tl_jam)
        out["max_waktu_tl_jam"] = max_jam.fillna(defaults.astype(float)).astype(float)

        ditolak, invalid = parse_numbers(raw["jumlah_tl_ditolak"])
        bad(invalid, "jumlah_tl_ditolak", "bukan angka", "bilangan bulat ≥ 0")
        notint = (ditolak.notna() & (ditolak != ditolak.round())).to_numpy()
        bad(notint, "jumlah_tl_ditolak", "bukan bilangan bulat", "bilangan bulat ≥ 0")
        neg = (ditolak < 0).to_numpy()
        bad(neg, "jumlah_tl_ditolak", "tidak boleh negatif", "bilangan bulat ≥ 0")
        out["jumlah_tl_ditolak"] = ditolak.fillna(0).clip(lower=0).round().astype("int64")

        nilai, invalid = parse_numbers(raw["nilai_tl"])
        bad(invalid, "nilai_tl", "bukan angka", "angka 0–100")
        outside = ((nilai < 0) | (nilai > 100)).to_numpy()
        bad(outside, "nilai_tl", "di luar rentang 0–100", "angka 0–100")
        out["nilai_tl"] = nilai.where((nilai >= 0) & (nilai <= 100))

    for later, earlier in TIME_ORDER[sheet]:
        backwards = (out[later] < out[earlier]).to_numpy()
        if backwards.any():
            for i in raw.index[backwards]:
                problems.append(
                    src.problem(
                        f"waktu mundur: {later} lebih awal dari {earlier}",
                        row=int(rows.loc[i]),
                        column=shown[later],
                        value=str(out.loc[i, later]),
                        expected=f"tidak sebelum {earlier} ({out.loc[i, earlier]})",
                    )
                )

    if sheet == "laporan":
        nomor = out["nomor_laporan"]
        dup = nomor.notna() & nomor.duplicated(keep="first")
        if dup.any():
            first_row = out.loc[nomor.notna() & ~nomor.duplicated(keep="first")].set_index(
                "nomor_laporan"
            )["_baris"]
            for i in out.index[dup.to_numpy()]:
                n = nomor.loc[i]
                problems.append(
                    src.problem(
                        "nomor_laporan ganda",
                        row=int(rows.loc[i]),
                        column=shown["nomor_laporan"],
                        value=str(n),
                        expected=f"nomor unik (sudah dipakai di baris {int(first_row.loc[n])})",
                    )
                )
    return out


def _check_coverage(
    laporan: pd.DataFrame, periode: str, src: SheetSource, izinkan_kosong: bool
) -> None:
    """Refuse an export that is (mostly) another month's, or empty without permission."""
    finding = check_coverage(laporan["waktu_masuk"], periode, izinkan_kosong=izinkan_kosong)
    if finding is not None:
        raise InputDataError(
            [src.problem(finding.message, column="waktu_masuk", expected=finding.expected)],
            summary="Data tidak masuk akal untuk periode ini:",
        )


def _infer_periode(laporan: pd.DataFrame) -> str | None:
    months = laporan["waktu_masuk"].dropna().dt.strftime("%Y-%m")
    return months.mode().iloc[0] if len(months) else None


def read_month(
    data: Path | str,
    periode: str | None = None,
    *,
    reference: Reference | None = None,
    kota: str = "jakarta-timur",
    izinkan_kosong: bool = False,
) -> MonthData:
    """Read, validate and filter one month of CRM export.

    Parameters
    ----------
    data : path
        ``.xlsx`` workbook (sheets ``laporan``, ``koordinasi``) or a folder with
        ``laporan.csv`` and ``koordinasi.csv``.
    periode : str, optional
        ``YYYY-MM``; rows of other months are left out and counted. When omitted,
        the month most rows of ``laporan`` fall in.
    reference : Reference, optional
        Reference data; defaults to :func:`crmlib.data.refdata.load_reference` of ``kota``.
    izinkan_kosong : bool
        Accept a month without reports (a header-only file, or no row in ``periode``);
        otherwise such a month, or one whose rows mostly fall in another month, is refused.

    Raises
    ------
    InputDataError
        With every problem found, each naming file, sheet, row and column.
    """
    if periode is not None:
        check_periode(periode)
    ref = reference or load_reference(kota)
    sources = locate_sources(data)
    is_xlsx = next(iter(sources.values())).sheet is not None
    raws = _read_raw_xlsx(sources) if is_xlsx else {}
    problems: list[Problem] = []
    if not is_xlsx:
        for sheet, src in sources.items():
            try:
                raws[sheet] = _read_raw_csv(src)
            except InputDataError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputDataError(problems)
    if not izinkan_kosong and (empty := _header_only(raws, sources)):
        raise InputDataError(empty)

    tables, dropped, notices = {}, {}, []
    for sheet in SHEETS:
        src = sources[sheet]
        n_before = len(problems)
        mapped, dropped[sheet], shown = _map_headers(raws[sheet], sheet, src, ref, problems)
        if (
            len(problems) > n_before
        ):  # a required column is missing: row checks would only add noise
            continue
        tables[sheet] = _validate_sheet(mapped, sheet, src, ref, problems, shown, notices)
    if problems:
        problems.sort(key=lambda p: (p.file, p.sheet or "", p.row or 0))
        raise InputDataError(problems)

    laporan_all, koord_all = tables["laporan"], tables["koordinasi"]
    if periode is not None:
        _check_coverage(laporan_all, periode, sources["laporan"], izinkan_kosong)
    if periode is None:
        periode = _infer_periode(laporan_all) or _infer_periode(
            koord_all.rename(columns={"waktu_koordinasi": "waktu_masuk"})
        )
        if periode is None:
            raise InputDataError(
                [
                    Problem(
                        file=sources["laporan"].file,
                        sheet=sources["laporan"].sheet,
                        message="tidak ada baris data untuk menentukan periode",
                        expected="beri --periode YYYY-MM",
                    )
                ]
            )
    start = pd.Timestamp(f"{periode}-01")
    end = start + pd.offsets.MonthBegin(1)
    counts, kept = {}, {}
    for sheet, table in (("laporan", laporan_all), ("koordinasi", koord_all)):
        when = table[MONTH_COLUMN[sheet]]
        in_month = ((when >= start) & (when < end)).to_numpy()
        kept[sheet] = table.loc[in_month].drop(columns="_baris").reset_index(drop=True)
        counts[sheet] = {
            "read": int(len(table)),
            "kept": int(in_month.sum()),
            "left_out": int((~in_month).sum()),
        }

    notices.extend(
        f"{Path(src.file).name}: dibaca sebagai CSV dipisah titik koma (;)"
        for src in sources.values()
        if src.delimiter == ";"
    )
    if izinkan_kosong and counts["laporan"]["kept"] == 0:
        notices.append(f"tidak ada laporan dalam periode {periode} (diizinkan: izinkan_kosong)")
    # Defence in depth, before anything else (later notices included) sees the text.
    kept["laporan"], masked = mask_frame(kept["laporan"], MASKED_COLUMNS)
    if masked:
        notices.append(describe_masked(masked))
    known = set(ref.kategori["kategori"])
    new = sorted(set(kept["laporan"]["kategori"].dropna()) - known)
    if new:
        notices.append(
            f"{len(new)} kategori belum ada di reference/kategori.csv (memakai batas "
            f"{ref.default_max_waktu_tl_jam:g} jam): {', '.join(new)}"
        )
    files = sorted({(src.file, src.path) for src in sources.values()})
    return MonthData(
        periode=periode,
        laporan=kept["laporan"],
        koordinasi=kept["koordinasi"],
        sources=[{"file": f, "name": p.name, "sha256": sha256_file(p)} for f, p in files],
        counts=counts,
        dropped_columns=dropped,
        notices=notices,
    )
