"""A month's canonical tables as plain CSV: what every build computes from, what an edition keeps.

:func:`crmlib.data.reader.read_month` turns an export into the canonical tables
(contract columns only, reporter columns dropped, phone numbers, e-mail addresses
and NIKs masked). :func:`write_canonical` writes them to a folder in the data
contract's own CSV form (``laporan.csv``, ``koordinasi.csv``: contract headers,
UTF-8, comma-separated, ISO datetimes, numbers as Python writes them back exactly)
plus ``sumber.json``, the record of how the export was read: its files' names and
SHA-256, the rows read, kept and left out, the columns dropped and the reader's
notices.

The build writes this folder first and computes the month *from it*: the build
process and the notebook's kernel both read the folder, never the export. So a
final edition, which keeps the folder (``terbitan/<YYYY-MM>/edisi-<N>/masukan/``),
holds exactly what its figures were computed from, and building from the kept
folder takes the same path as the first build did. Reading the folder again gives
the same tables (``tests/test_canonical.py`` checks every sample month), and
writing them again gives the same bytes.

When :func:`~crmlib.data.reader.read_month` reads a folder that holds
``sumber.json``, the month's provenance (files, row counts, dropped columns,
notices) is the record's, so a report computed from the folder names the export it
came from rather than the folder.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.data.contract import CANONICAL_FOLDER, KOORDINASI_COLUMNS, LAPORAN_COLUMNS
from crmlib.errors import InputDataError, Problem

__all__ = ["FOLDER", "RECORD", "reading_record", "with_record", "write_canonical"]

#: The canonical folder's name inside a month being built and inside an edition.
FOLDER = CANONICAL_FOLDER
#: How the export was read (provenance of the canonical tables).
RECORD = "sumber.json"
_FORMAT = "crm-report/masukan-kanonik/1"
_COLUMNS = {"laporan": LAPORAN_COLUMNS, "koordinasi": KOORDINASI_COLUMNS}
_DATETIMES = {"waktu_masuk", "waktu_respon", "waktu_selesai", "waktu_koordinasi", "waktu_proses"}


def _cell(value: Any, column: str) -> str:
    """One value as the contract's CSV writes it; blank for a missing value."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if column in _DATETIMES:
        # "2022-06-03 16:15:00" (fractions of a second only when there are any).
        return pd.Timestamp(value).isoformat(sep=" ")
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float.
        return "" if math.isnan(value) else repr(value)
    return str(value)


def _csv_text(table: pd.DataFrame, columns: tuple[str, ...]) -> str:
    text = pd.DataFrame(
        {c: [_cell(v, c) for v in table[c].tolist()] for c in columns}, columns=list(columns)
    )
    return text.to_csv(index=False, lineterminator="\n")


def write_canonical(month: Any, folder: Path) -> dict[str, str]:
    """Write a month read by ``read_month`` as its canonical folder.

    Parameters
    ----------
    month : crmlib.data.reader.MonthData
        The month as the reader produced it.
    folder : path
        Created if missing; ``laporan.csv``, ``koordinasi.csv`` and ``sumber.json``
        are written into it.

    Returns
    -------
    dict
        SHA-256 of each file written, by file name (sorted).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "format": _FORMAT,
        "periode": month.periode,
        "sumber": [{"name": s["name"], "sha256": s["sha256"]} for s in month.sources],
        "baris": month.counts,
        "kolom_dibuang": month.dropped_columns,
        "catatan": list(month.notices),
    }
    texts = {
        f"{sheet}.csv": _csv_text(getattr(month, sheet), columns)
        for sheet, columns in _COLUMNS.items()
    }
    texts[RECORD] = json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    hashes = {}
    for name in sorted(texts):
        data = texts[name].encode("utf-8")
        (folder / name).write_bytes(data)
        hashes[name] = hashlib.sha256(data).hexdigest()
    return hashes


def reading_record(data: Path | str) -> dict | None:
    """The ``sumber.json`` of a canonical folder; ``None`` for anything else (an export)."""
    path = Path(data) / RECORD
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if not isinstance(record, dict) or record.get("format") != _FORMAT:
        raise InputDataError(
            [
                Problem(
                    file=str(path),
                    message="catatan sumber data kanonik rusak atau tidak dikenal",
                    expected=f'JSON dengan "format": "{_FORMAT}"',
                )
            ]
        )
    return record


def with_record(month: Any, record: dict, folder: Path | str) -> Any:
    """``month`` (read from a canonical folder) with the provenance its record names.

    Raises
    ------
    InputDataError
        When the record is for another month than the one read.
    """
    if record.get("periode") != month.periode:
        raise InputDataError(
            [
                Problem(
                    file=str(Path(folder) / RECORD),
                    message=f"data kanonik ini milik periode {record.get('periode')}",
                    value=str(record.get("periode")),
                    expected=f"periode {month.periode}",
                )
            ]
        )
    sources = [
        {"file": s["name"], "name": s["name"], "sha256": s["sha256"]} for s in record["sumber"]
    ]
    return replace(
        month,
        sources=sources,
        counts=record["baris"],
        dropped_columns=record["kolom_dibuang"],
        notices=list(record["catatan"]),
    )
