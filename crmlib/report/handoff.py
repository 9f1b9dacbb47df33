"""The month the build has read and computed, handed to the notebook's kernel.

The build reads, validates and computes a month before it executes the notebook (it
writes ``metrics.json`` and ``tabel.xlsx`` from it); the notebook's setup cell
(:func:`crmlib.report.laporan.siapkan_laporan`) would then read, validate and compute
the same month again in the kernel. Instead the build leaves what it has in the
month's temporary folder, :data:`HANDOFF_DIR`:

* ``kunci.json``: what the month was read and computed from (period, data path, as-of
  time, city, metric settings, empty month allowed), see :func:`handoff_key`;
* ``bulan.json``: every value of the :class:`~crmlib.data.reader.MonthData` and the
  :class:`~crmlib.metrics.Metrics` that is not a table (JSON: plain values only);
* one Arrow IPC file per table (the canonical ``laporan``/``koordinasi`` frames, every
  metrics table and series): data, never code, and read back with the same dtypes,
  index and values (``tests/test_handoff.py`` checks every sample month).

The notebook takes the month only when its own arguments give the same key, so a
notebook edited to compute something else (other metric settings, another month)
computes for itself; run by papermill or JupyterLab, without a build, it finds
nothing and computes. Taking it leaves ``dipakai`` in the folder, which the build
logs. The folder never reaches ``output/<YYYY-MM>/``: the build removes it after the
execution.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from crmlib.data.reader import MonthData
from crmlib.metrics import DaftarTiket, MetricParams, Metrics

HANDOFF_DIR = ".bulan-siap"
KEY_FILE = "kunci.json"
VALUES_FILE = "bulan.json"
TAKEN_FILE = "dipakai"
_VERSION = 1


def handoff_key(
    periode: str,
    data: str | Path,
    per_tanggal: Any = None,
    kota: str | None = None,
    metrik: dict | None = None,
    izinkan_kosong: Any = False,
    reference_dir: str | Path | None = None,
) -> dict:
    """What a month is read and computed from, in one comparable form.

    The data path is taken as the real path of the file or folder (the build and the
    kernel name it from different folders); the metric settings as every setting with
    its default filled in; an empty as-of time as none.
    """
    return {
        "versi": _VERSION,
        "periode": periode,
        "data": os.path.realpath(data),
        "per_tanggal": str(per_tanggal) if per_tanggal else None,
        "kota": kota or "jakarta-timur",
        "metrik": dataclasses.asdict(MetricParams(**(metrik or {}))),
        "izinkan_kosong": bool(izinkan_kosong),
        "referensi": os.path.realpath(reference_dir) if reference_dir else None,
    }


def write_handoff(folder: Path, key: dict, month: MonthData, metrics: Metrics) -> None:
    """Leave ``month`` and ``metrics`` for the kernel in ``folder/.bulan-siap/``.

    Raises
    ------
    TypeError
        When a value is not a table, a plain JSON value, a timestamp or the metric
        settings (nothing is handed over then: the notebook computes the month).
    """
    target = folder / HANDOFF_DIR
    target.mkdir()
    values = {
        "bulan": _encode(month, target, "bulan."),
        "metrik": _encode(metrics, target, "metrik."),
    }
    (target / VALUES_FILE).write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    # The key last: a folder without it (a build stopped while writing) is never taken.
    (target / KEY_FILE).write_text(json.dumps(key, sort_keys=True), encoding="utf-8")


def read_handoff(folder: Path | None, key: dict) -> tuple[MonthData, Metrics] | None:
    """The month handed over in ``folder/.bulan-siap/`` for exactly ``key``, else None.

    Taking it writes ``dipakai`` beside it (what the build logs).
    """
    if folder is None:
        return None
    source = Path(folder) / HANDOFF_DIR
    try:
        handed = json.loads((source / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if handed != key:
        return None
    values = json.loads((source / VALUES_FILE).read_text(encoding="utf-8"))
    month = MonthData(**_decode(values["bulan"], source))
    metrics = Metrics(**_decode(values["metrik"], source))
    (source / TAKEN_FILE).write_text("", encoding="utf-8")
    return month, metrics


def handoff_taken(folder: Path) -> bool | None:
    """Whether the kernel took the month handed over in ``folder`` (None: nothing handed)."""
    source = folder / HANDOFF_DIR
    if not (source / KEY_FILE).is_file():
        return None
    return (source / TAKEN_FILE).is_file()


# --------------------------------------------------------------------------- values


def _encode(obj, folder: Path, prefix: str) -> dict:
    """A dataclass's fields as JSON-able tagged values; its tables written to Arrow files."""
    out = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, pd.DataFrame | pd.Series):
            name = f"{prefix}{f.name}.arrow"
            _write_table(value, folder / name)
            out[f.name] = {"tabel": name}
            if isinstance(value, pd.Series):
                out[f.name]["seri"] = _plain(value.name, f.name)
        elif isinstance(value, pd.Timestamp):
            out[f.name] = {"waktu": value.isoformat()}
        elif isinstance(value, MetricParams):
            out[f.name] = {"pengaturan": dataclasses.asdict(value)}
        elif isinstance(value, DaftarTiket):  # the ticket lists: a dataclass of tables
            out[f.name] = {"tiket": _encode(value, folder, f"{prefix}{f.name}.")}
        else:
            out[f.name] = {"nilai": _plain(value, f.name)}
    return out


def _decode(fields: dict, folder: Path) -> dict:
    out = {}
    for name, tagged in fields.items():
        if "tabel" in tagged:
            frame = _read_table(folder / tagged["tabel"])
            out[name] = frame.iloc[:, 0].rename(tagged["seri"]) if "seri" in tagged else frame
        elif "waktu" in tagged:
            out[name] = pd.Timestamp(tagged["waktu"])
        elif "pengaturan" in tagged:
            out[name] = MetricParams(**tagged["pengaturan"])
        elif "tiket" in tagged:
            out[name] = DaftarTiket(**_decode(tagged["tiket"], folder))
        else:
            out[name] = tagged["nilai"]
    return out


def _plain(value, where: str):
    """``value`` itself when JSON gives it back unchanged (dicts with text keys, lists,
    text, whole numbers, floats, booleans, None); else TypeError."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if type(value) is list:
        return [_plain(v, where) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {k: _plain(v, where) for k, v in value.items()}
    raise TypeError(f"{where}: {type(value).__name__} tidak dapat diserahkan ke notebook")


def _write_table(value: pd.DataFrame | pd.Series, path: Path) -> None:
    import pyarrow as pa
    from pyarrow import feather

    frame = value.to_frame() if isinstance(value, pd.Series) else value
    # preserve_index=None: a RangeIndex travels as metadata, any other index as columns.
    table = pa.Table.from_pandas(frame, preserve_index=None)
    feather.write_feather(table, str(path), compression="uncompressed")


def _read_table(path: Path) -> pd.DataFrame:
    from pyarrow import feather

    return feather.read_table(str(path), memory_map=False).to_pandas()
