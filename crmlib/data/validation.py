"""Per-column validation of one sheet, after its headers are mapped.

Required values present, units/channels/statuses canonical (with suggestions for
unknown ones), datetimes and numbers readable and in range, times in order and
report numbers unique. Every problem names file, sheet, row (header = row 1) and
column as the user sees them; a cell's value is shown with reporter-like text masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from crmlib.data.headers import REQUIRED
from crmlib.data.limits import CELL_MAX_CHARS
from crmlib.data.parsing import has_offset, is_blank, parse_datetimes, parse_numbers
from crmlib.data.pii import mask_text
from crmlib.data.refdata import Reference
from crmlib.data.sources import SheetSource
from crmlib.errors import Problem

DATETIME_COLUMNS = {
    "laporan": ["waktu_masuk", "waktu_respon", "waktu_selesai"],
    "koordinasi": ["waktu_koordinasi", "waktu_proses"],
}
# (later column, earlier column): the later one may not come before the earlier one.
TIME_ORDER = {
    "laporan": [("waktu_respon", "waktu_masuk"), ("waktu_selesai", "waktu_masuk")],
    "koordinasi": [("waktu_proses", "waktu_koordinasi")],
}


def _display(value: object) -> str:
    """A cell's value as an error message shows it; reporter-like text masked.

    A shifted column can put a reporter's phone number into a checked column: the
    message names the row and column, and never the number (terminal, build.log).
    """
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return mask_text(str(value).strip())[0]


def _suggest(names: list[str]) -> str:
    """The close known names as a hint, or "" when there are none."""
    return ("mungkin maksudnya: " + ", ".join(names)) if names else ""


@dataclass
class _Sheet:
    """One sheet under validation: its non-empty rows, where it came from, what was found."""

    raw: pd.DataFrame
    rows: pd.Series
    src: SheetSource
    shown: dict[str, str]
    problems: list[Problem]
    blanks: dict[str, np.ndarray]  # per column: where a cell is blank (found once per sheet)

    def blank(self, column: str) -> np.ndarray:
        """Where ``column``'s cells are blank (:func:`crmlib.data.parsing.is_blank`)."""
        return self.blanks[column]

    def bad(self, mask: np.ndarray, column: str, message: str, expected: str, values=None) -> None:
        """One problem per row where ``mask`` is True, showing the cell as written."""
        idx = self.raw.index[mask]
        vals = self.raw.loc[idx, column] if values is None else values.loc[idx]
        for i in idx:
            v = vals.loc[i]
            self.problems.append(
                self.src.problem(
                    message,
                    row=int(self.rows.loc[i]),
                    column=self.shown[column],
                    value=None
                    if v is None or (isinstance(v, float) and np.isnan(v))
                    else _display(v),
                    expected=expected,
                )
            )

    def add(self, i: object, column: str, message: str, **kwargs) -> None:
        """One problem in row ``i`` (an index label) of ``column``."""
        self.problems.append(
            self.src.problem(
                message, row=int(self.rows.loc[i]), column=self.shown[column], **kwargs
            )
        )


def check_cell_lengths(
    raw: pd.DataFrame, src: SheetSource, shown: dict[str, str], problems: list[Problem]
) -> bool:
    """A problem for every cell longer than Excel's limit; True when there was one.

    Run before any other check: no later step (cleaning, masking, suggestions) reads a
    cell longer than :data:`~crmlib.data.limits.CELL_MAX_CHARS`, and the message shows
    where it is, not its text.
    """
    found = False
    for col in raw.columns:
        values = raw[col].tolist()
        # Almost always nothing is that long: one pass over the text, then rows only if needed.
        if max((len(v) for v in values if isinstance(v, str)), default=0) <= CELL_MAX_CHARS:
            continue
        for pos, v in enumerate(values):
            if isinstance(v, str) and len(v) > CELL_MAX_CHARS:
                found = True
                problems.append(
                    src.problem(
                        f"isi sel terlalu panjang ({len(v):,} karakter)".replace(",", "."),
                        row=pos + 2,
                        column=shown.get(col, col),
                        expected=f"paling banyak {CELL_MAX_CHARS:,} karakter per sel "
                        "(batas Excel)".replace(",", "."),
                    )
                )
    return found


def validate_sheet(
    raw: pd.DataFrame,
    sheet: str,
    src: SheetSource,
    ref: Reference,
    problems: list[Problem],
    shown: dict[str, str],
    notices: list[str] | None = None,
) -> pd.DataFrame:
    """Parse and validate one sheet; returns the canonical (unfiltered) table with ``_baris``.

    Parameters
    ----------
    raw : pandas.DataFrame
        The sheet with the contract's columns (:func:`crmlib.data.headers.map_headers`).
    sheet : str
        ``laporan`` or ``koordinasi``.
    src : SheetSource
        Where the sheet came from (for messages).
    ref : Reference
        Reference data: units, channels, statuses, categories.
    problems : list of Problem
        Appended to, one problem per bad cell.
    shown : dict
        Contract column -> the column as messages name it.
    notices : list of str, optional
        Appended to: datetimes converted from an explicit UTC offset.

    Returns
    -------
    pandas.DataFrame
        Parsed and canonical values of every non-empty row, ``_baris`` its row number.
    """
    s = _non_empty_rows(raw, src, shown, problems)
    out = pd.DataFrame(index=s.raw.index)
    out["_baris"] = s.rows
    _check_required(s, sheet)
    out["nomor_laporan"] = _nomor_laporan(s.raw["nomor_laporan"])
    _canonical_ukpd(s, ref, out)
    if sheet == "laporan":
        _canonical_kanal_status(s, ref, out)
        _kategori_rincian(s, ref, out)
    _datetimes(s, sheet, out, notices)
    if sheet == "laporan":
        _max_waktu_tl_jam(s, ref, out)
        _jumlah_tl_ditolak(s, out)
        _nilai_tl(s, out)
    _check_time_order(s, sheet, out)
    if sheet == "laporan":
        _check_duplicate_nomor(s, out)
    return out


def _non_empty_rows(
    raw: pd.DataFrame, src: SheetSource, shown: dict[str, str], problems: list[Problem]
) -> _Sheet:
    """The rows with any value, numbered as the user sees them (the header is row 1)."""
    rows = pd.Series(np.arange(len(raw)) + 2, index=raw.index)
    blanks = {c: is_blank(raw[c]) for c in raw.columns}
    empty_row = (
        np.logical_and.reduce(list(blanks.values()))
        if len(raw.columns)
        else np.ones(len(raw), dtype=bool)
    )
    kept = {c: b[~empty_row] for c, b in blanks.items()}
    return _Sheet(raw.loc[~empty_row], rows.loc[~empty_row], src, shown, problems, kept)


def _check_required(s: _Sheet, sheet: str) -> None:
    """A problem for every blank cell of a required column."""
    for col in REQUIRED[sheet]:
        if col in s.raw.columns:
            blank = s.blank(col)
            if blank.any():
                idx = s.raw.index[blank]
                for i in idx:
                    s.add(i, col, "nilai wajib kosong", expected="nilai tidak boleh kosong")


def _nomor_laporan(nomor: pd.Series) -> pd.Series:
    """Report numbers as text (blank -> missing)."""
    if nomor.dtype == object:  # Excel: report numbers may arrive as numbers
        nomor = nomor.map(
            lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else _display(v)
        )
    return nomor.astype("string").str.strip().replace("", pd.NA).astype("str")


def _canonical_ukpd(s: _Sheet, ref: Reference, out: pd.DataFrame) -> None:
    """Canonical unit names and their kecamatan; an unknown unit refused with suggestions."""
    # Units: map the distinct values once (exports repeat a handful of names).
    ukpd_raw = s.raw["ukpd"]
    distinct = pd.unique(ukpd_raw[~s.blank("ukpd")].astype(str))
    ukpd_map = {v: ref.canonical_ukpd(v) for v in distinct}
    out["ukpd"] = ukpd_raw.astype(str).map(ukpd_map)
    for v, canon in ukpd_map.items():
        if canon is None:
            mask = (ukpd_raw.astype(str) == v).to_numpy()
            s.bad(
                mask,
                "ukpd",
                "UKPD tidak dikenal",
                _suggest(ref.suggest_ukpd(v))
                or "nama UKPD dari crmlib/data/reference/kota/*/ukpd.csv",
            )
    kec = dict(zip(ref.ukpd["ukpd"], ref.ukpd["kecamatan"], strict=True))
    out["kecamatan"] = out["ukpd"].map(kec)


def _canonical_kanal_status(s: _Sheet, ref: Reference, out: pd.DataFrame) -> None:
    """Canonical channel codes and statuses; an unknown one refused with suggestions."""
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
        col_raw = s.raw[col]
        distinct = pd.unique(col_raw[~s.blank(col)].astype(str))
        cmap = {v: canon_fn(v) for v in distinct}
        out[col] = col_raw.astype(str).map(cmap)
        for v, canon in cmap.items():
            if canon is None:
                label = "kanal" if col == "kanal" else "status"
                s.bad(
                    (col_raw.astype(str) == v).to_numpy(),
                    col,
                    f"{label} tidak dikenal",
                    _suggest(suggest_fn(v)) or what,
                )


def _kategori_rincian(s: _Sheet, ref: Reference, out: pd.DataFrame) -> None:
    """Categories with known misspellings corrected (an open set) and the complaint text."""
    kat_raw = s.raw["kategori"]
    distinct = pd.unique(kat_raw[~s.blank("kategori")].astype(str))
    kmap = {v: ref.canonical_kategori(v) for v in distinct}
    out["kategori"] = kat_raw.astype(str).map(kmap)
    rincian = s.raw["rincian_masalah"]
    text = rincian.astype("string").str.strip()
    out["rincian_masalah"] = text.where(~s.blank("rincian_masalah")).astype("str")


def _datetimes(s: _Sheet, sheet: str, out: pd.DataFrame, notices: list[str] | None) -> None:
    """Parsed datetime columns; an unreadable one refused, offset conversions noticed."""
    src = s.src
    for col in DATETIME_COLUMNS[sheet]:
        parsed, invalid = parse_datetimes(s.raw[col], s.blank(col))
        out[col] = parsed
        converted = int((has_offset(s.raw[col]) & ~invalid).sum())
        if converted and notices is not None:
            notices.append(
                f"{Path(src.file).name}{f', sheet {src.sheet}' if src.sheet else ''}, "
                f"kolom '{s.shown[col]}': "
                f"{converted} waktu berzona waktu (mis. Z atau +07:00) diubah ke waktu Jakarta (WIB)"
            )
        if invalid.any():
            s.bad(
                invalid,
                col,
                "bukan tanggal/waktu yang valid",
                "tanggal dan jam, misalnya 2022-06-03 16:15 atau 03/06/2022 16:15",
            )


def _max_waktu_tl_jam(s: _Sheet, ref: Reference, out: pd.DataFrame) -> None:
    """Maximum follow-up hours, > 0; blank -> the category's default."""
    max_jam, invalid = parse_numbers(s.raw["max_waktu_tl_jam"], s.blank("max_waktu_tl_jam"))
    s.bad(invalid, "max_waktu_tl_jam", "bukan angka", "jumlah jam, misalnya 48")
    neg = (max_jam <= 0).to_numpy()
    s.bad(neg, "max_waktu_tl_jam", "waktu maksimal TL harus lebih dari 0", "jumlah jam > 0")
    # One lookup per distinct category, not per row (a month repeats a few dozen names).
    kat_default = {k: ref.max_waktu_tl_jam(k) for k in pd.unique(out["kategori"].dropna())}
    defaults = out["kategori"].map(kat_default).fillna(ref.default_max_waktu_tl_jam)
    out["max_waktu_tl_jam"] = max_jam.fillna(defaults.astype(float)).astype(float)


def _jumlah_tl_ditolak(s: _Sheet, out: pd.DataFrame) -> None:
    """Rejected follow-ups: a whole number ≥ 0; blank -> 0."""
    ditolak, invalid = parse_numbers(s.raw["jumlah_tl_ditolak"], s.blank("jumlah_tl_ditolak"))
    s.bad(invalid, "jumlah_tl_ditolak", "bukan angka", "bilangan bulat ≥ 0")
    notint = (ditolak.notna() & (ditolak != ditolak.round())).to_numpy()
    s.bad(notint, "jumlah_tl_ditolak", "bukan bilangan bulat", "bilangan bulat ≥ 0")
    neg = (ditolak < 0).to_numpy()
    s.bad(neg, "jumlah_tl_ditolak", "tidak boleh negatif", "bilangan bulat ≥ 0")
    out["jumlah_tl_ditolak"] = ditolak.fillna(0).clip(lower=0).round().astype("int64")


def _nilai_tl(s: _Sheet, out: pd.DataFrame) -> None:
    """Follow-up score, 0–100; blank stays missing."""
    nilai, invalid = parse_numbers(s.raw["nilai_tl"], s.blank("nilai_tl"))
    s.bad(invalid, "nilai_tl", "bukan angka", "angka 0–100")
    outside = ((nilai < 0) | (nilai > 100)).to_numpy()
    s.bad(outside, "nilai_tl", "di luar rentang 0–100", "angka 0–100")
    out["nilai_tl"] = nilai.where((nilai >= 0) & (nilai <= 100))


def _check_time_order(s: _Sheet, sheet: str, out: pd.DataFrame) -> None:
    """A problem where a later time (respon, selesai, proses) comes before its start."""
    for later, earlier in TIME_ORDER[sheet]:
        backwards = (out[later] < out[earlier]).to_numpy()
        if backwards.any():
            for i in s.raw.index[backwards]:
                s.add(
                    i,
                    later,
                    f"waktu mundur: {later} lebih awal dari {earlier}",
                    value=str(out.loc[i, later]),
                    expected=f"tidak sebelum {earlier} ({out.loc[i, earlier]})",
                )


def _check_duplicate_nomor(s: _Sheet, out: pd.DataFrame) -> None:
    """A problem for every report number used before, naming the row of its first use."""
    nomor = out["nomor_laporan"]
    dup = nomor.notna() & nomor.duplicated(keep="first")
    if dup.any():
        first_row = out.loc[nomor.notna() & ~nomor.duplicated(keep="first")].set_index(
            "nomor_laporan"
        )["_baris"]
        for i in out.index[dup.to_numpy()]:
            n = nomor.loc[i]
            s.add(
                i,
                "nomor_laporan",
                "nomor_laporan ganda",
                value=str(n),
                expected=f"nomor unik (sudah dipakai di baris {int(first_row.loc[n])})",
            )
