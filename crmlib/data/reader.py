"""Read and validate one month of CRM export.

A month is either an ``.xlsx`` workbook with sheets ``laporan`` and ``koordinasi``
or a folder holding ``laporan.csv`` and ``koordinasi.csv`` (data contract §1).
:func:`read_month` maps headers through the alias table, parses datetimes and
numbers, canonicalises units/channels/statuses, drops every column that is not
part of the contract (so reporter-identifying data never travels further), keeps
the rows of the requested month and validates everything the contract lists as
bad input. It collects *all* problems and raises one
:class:`~crmlib.errors.InputDataError` naming file, sheet, row and column.

The steps live in their own modules: :mod:`~crmlib.data.sources` (locating and
reading the files), :mod:`~crmlib.data.headers` (header mapping),
:mod:`~crmlib.data.parsing` (cell values) and :mod:`~crmlib.data.validation`
(per-column checks); this module runs them for a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from crmlib.data.canonical import reading_record, with_record
from crmlib.data.characters import clean_sheet
from crmlib.data.characters import describe as describe_cleaned
from crmlib.data.headers import map_headers
from crmlib.data.periode import is_periode
from crmlib.data.pii import describe as describe_masked
from crmlib.data.pii import mask_frame
from crmlib.data.plausibility import check_coverage
from crmlib.data.refdata import Reference, load_reference
from crmlib.data.sources import (
    SHEETS,
    SheetSource,
    header_only,
    locate_sources,
    read_raw,
    sha256_file,
)
from crmlib.data.validation import check_cell_lengths, validate_sheet
from crmlib.errors import InputDataError, Problem

# Free-text columns that are published; reporter-like values in them are masked.
MASKED_COLUMNS = ("kategori", "rincian_masalah")
MONTH_COLUMN = {"laporan": "waktu_masuk", "koordinasi": "waktu_koordinasi"}


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
    dinyatakan_kosong : bool
        The month has no report and was read with ``izinkan_kosong`` (declared empty):
        the report and its archive card say so.
    """

    periode: str
    laporan: pd.DataFrame
    koordinasi: pd.DataFrame
    sources: list[dict] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    dropped_columns: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    dinyatakan_kosong: bool = False


def check_periode(periode: str) -> str:
    """Return ``periode`` if it is ``YYYY-MM``, else raise InputDataError."""
    if not is_periode(periode):
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

    Notes
    -----
    A canonical folder (:mod:`crmlib.data.canonical`: what a build computes from and
    a final edition keeps) is read and validated like any CSV export; its
    provenance (files, row counts, dropped columns, notices) is the one its
    ``sumber.json`` recorded when the export was read.
    """
    if periode is not None:
        check_periode(periode)
    ref = reference or load_reference(kota)
    record = reading_record(data)
    sources = locate_sources(data)
    raws = read_raw(sources)
    if not izinkan_kosong and (empty := header_only(raws, sources)):
        raise InputDataError(empty)
    tables, dropped, notices = _validate_sheets(raws, sources, ref)
    if periode is not None:
        _check_coverage(tables["laporan"], periode, sources["laporan"], izinkan_kosong)
    else:
        periode = _choose_periode(tables, sources["laporan"])
    kept, counts = _keep_month(tables, periode)
    notices += _reading_notices(sources, counts, periode, izinkan_kosong)
    # Defence in depth, before anything else (later notices included) sees the text.
    kept["laporan"], masked = mask_frame(kept["laporan"], MASKED_COLUMNS)
    if masked:
        notices.append(describe_masked(masked))
    notices += _new_kategori_notices(kept["laporan"], ref)
    month = MonthData(
        periode=periode,
        laporan=kept["laporan"],
        koordinasi=kept["koordinasi"],
        sources=_source_files(sources),
        counts=counts,
        dropped_columns=dropped,
        notices=notices,
        dinyatakan_kosong=izinkan_kosong and counts["laporan"]["kept"] == 0,
    )
    return with_record(month, record, data) if record is not None else month


def _validate_sheets(
    raws: dict[str, pd.DataFrame], sources: dict[str, SheetSource], ref: Reference
) -> tuple[dict[str, pd.DataFrame], dict[str, dict], list[str]]:
    """Map and validate both sheets; raise every problem of both, ordered by file and row."""
    problems: list[Problem] = []
    tables, dropped, notices = {}, {}, []
    for sheet in SHEETS:
        src = sources[sheet]
        n_before = len(problems)
        mapped, dropped[sheet], shown = map_headers(raws[sheet], sheet, src, ref, problems)
        # A required column is missing, or a cell is too long: row checks would only add noise.
        if len(problems) > n_before or check_cell_lengths(mapped, src, shown, problems):
            continue
        # Control and bidi characters go before any check sees the text (and are counted).
        mapped, cleaned = clean_sheet(mapped)
        notices += describe_cleaned(cleaned, src.file, src.sheet, shown)
        tables[sheet] = validate_sheet(mapped, sheet, src, ref, problems, shown, notices)
    if problems:
        problems.sort(key=lambda p: (p.file, p.sheet or "", p.row or 0))
        raise InputDataError(problems)
    return tables, dropped, notices


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
    """The month most ``waktu_masuk`` values fall in; None when there is none."""
    months = laporan["waktu_masuk"].dropna().dt.strftime("%Y-%m")
    return months.mode().iloc[0] if len(months) else None


def _choose_periode(tables: dict[str, pd.DataFrame], src: SheetSource) -> str:
    """The month most reports fall in (else most coordinations), or refuse."""
    periode = _infer_periode(tables["laporan"]) or _infer_periode(
        tables["koordinasi"].rename(columns={"waktu_koordinasi": "waktu_masuk"})
    )
    if periode is None:
        raise InputDataError(
            [
                Problem(
                    file=src.file,
                    sheet=src.sheet,
                    message="tidak ada baris data untuk menentukan periode",
                    expected="beri --periode YYYY-MM",
                )
            ]
        )
    return periode


def _keep_month(
    tables: dict[str, pd.DataFrame], periode: str
) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """The rows of ``periode`` per sheet (without ``_baris``), and the rows read/kept/left out."""
    start = pd.Timestamp(f"{periode}-01")
    end = start + pd.offsets.MonthBegin(1)
    counts, kept = {}, {}
    for sheet in ("laporan", "koordinasi"):
        table = tables[sheet]
        when = table[MONTH_COLUMN[sheet]]
        in_month = ((when >= start) & (when < end)).to_numpy()
        kept[sheet] = table.loc[in_month].drop(columns="_baris").reset_index(drop=True)
        counts[sheet] = {
            "read": int(len(table)),
            "kept": int(in_month.sum()),
            "left_out": int((~in_month).sum()),
        }
    return kept, counts


def _reading_notices(
    sources: dict[str, SheetSource], counts: dict[str, dict], periode: str, izinkan_kosong: bool
) -> list[str]:
    """Notices on how the files were read: semicolon CSV, a macro workbook, an empty month."""
    notices = [
        f"{Path(src.file).name}: dibaca sebagai CSV dipisah titik koma (;)"
        for src in sources.values()
        if src.delimiter == ";"
    ]
    if sources["laporan"].path.suffix.lower() == ".xlsm":
        notices.append(
            f"{Path(sources['laporan'].file).name}: workbook bermakro (.xlsm), bukan .xlsx seperti "
            "ekspor CRM; hanya nilai selnya yang dibaca, makronya tidak pernah dijalankan"
        )
    if izinkan_kosong and counts["laporan"]["kept"] == 0:
        notices.append(f"tidak ada laporan dalam periode {periode} (diizinkan: izinkan_kosong)")
    return notices


def _new_kategori_notices(laporan: pd.DataFrame, ref: Reference) -> list[str]:
    """A notice naming the month's categories that the reference data does not list."""
    known = set(ref.kategori["kategori"])
    new = sorted(set(laporan["kategori"].dropna()) - known)
    if not new:
        return []
    return [
        f"{len(new)} kategori belum ada di reference/kategori.csv (memakai batas "
        f"{ref.default_max_waktu_tl_jam:g} jam): {', '.join(new)}"
    ]


def _source_files(sources: dict[str, SheetSource]) -> list[dict]:
    """Each input file once: as given, its name and its SHA-256."""
    files = sorted({(src.file, src.path) for src in sources.values()})
    return [{"file": f, "name": p.name, "sha256": sha256_file(p)} for f, p in files]
