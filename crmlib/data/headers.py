"""Header mapping: a sheet's column titles to the data contract's columns.

Titles match through the alias table (``reference/header_alias.yaml``) after
:func:`~crmlib.data.refdata.normalize_header`; reporter-identifying columns and
other unknown ones are dropped and counted. A missing required column is refused,
with a likely misspelt title named when one is there; two titles meaning the same
column are refused too, whether they are written the same (``kategori`` twice) or
only alike (``kategori`` and ``Kategori ``), naming both columns' letters. Messages
name a column as the user sees it (with its Excel letter in a workbook).
"""

from __future__ import annotations

import difflib

import pandas as pd

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS
from crmlib.data.refdata import Reference, normalize_header
from crmlib.data.sources import SheetSource
from crmlib.errors import Problem

# The contract's columns (crmlib.data.contract), as lists.
COLUMNS = {"laporan": list(LAPORAN_COLUMNS), "koordinasi": list(KOORDINASI_COLUMNS)}
REQUIRED = {
    "laporan": ["nomor_laporan", "kanal", "kategori", "ukpd", "status", "waktu_masuk"],
    "koordinasi": ["nomor_laporan", "ukpd", "waktu_koordinasi"],
}


def map_headers(
    df: pd.DataFrame, sheet: str, src: SheetSource, ref: Reference, problems: list[Problem]
) -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """Rename a sheet's columns to the contract's and drop the others.

    Parameters
    ----------
    df : pandas.DataFrame
        The sheet's raw cells, headers as written.
    sheet : str
        ``laporan`` or ``koordinasi``.
    src : SheetSource
        Where the sheet came from (for messages).
    ref : Reference
        Reference data with the header aliases and the reporter headers.
    problems : list of Problem
        Appended to: doubled, missing and misspelt columns.

    Returns
    -------
    table : pandas.DataFrame
        Exactly the contract's columns, in its order; an absent optional one is empty.
    dropped : dict
        ``pelapor`` (number of reporter columns) and ``lainnya`` (other unknown headers).
    shown : dict
        Contract column -> the column as messages name it (title and Excel letter).
    """
    mapping = ref.header_alias[sheet]
    keep, pelapor, others = _match_headers(df, mapping, src, ref, problems)
    # By position: a title written twice is one label twice.
    out = df.iloc[:, list(keep)].set_axis(list(keep.values()), axis=1)
    shown = _shown_names(df, keep, src)
    _missing_columns(sheet, out, others, mapping, src, problems)
    for col in COLUMNS[sheet]:
        if col not in out.columns:
            out[col] = None
    for col in COLUMNS[sheet]:
        shown.setdefault(col, col)
    return out[COLUMNS[sheet]], {"pelapor": pelapor, "lainnya": others}, shown


def _match_headers(
    df: pd.DataFrame,
    mapping: dict[str, str],
    src: SheetSource,
    ref: Reference,
    problems: list[Problem],
) -> tuple[dict[int, str], int, list[str]]:
    """Column position -> contract column, the number of reporter headers, the other unknown
    headers."""
    keep: dict[int, str] = {}
    pelapor, others = 0, []
    for i, original in enumerate(df.columns):
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
                    f"dua kolom berarti sama: '{df.columns[first]}' [{_column_letter(first)}] "
                    f"dan '{original}' [{_column_letter(i)}]",
                    column=f"{original} [{_column_letter(i)}]",
                    expected=f"satu kolom {canonical}; hapus atau ganti judul salah satunya",
                )
            )
            continue
        keep[i] = canonical
    return keep, pelapor, others


def _shown_names(df: pd.DataFrame, keep: dict[int, str], src: SheetSource) -> dict[str, str]:
    """Each kept column as messages name it: the title with its Excel letter in a workbook."""
    return {
        canon: (
            f"{df.columns[i]} [{_column_letter(i)}]" if src.sheet else str(df.columns[i]).strip()
        )
        for i, canon in keep.items()
    }


def _missing_columns(
    sheet: str,
    out: pd.DataFrame,
    others: list[str],
    mapping: dict[str, str],
    src: SheetSource,
    problems: list[Problem],
) -> None:
    """Refuse a missing required column and an unknown header that looks like a misspelt one."""
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
