"""``crm-report new-month``: write ``params/<YYYY-MM>.yaml`` for a new month.

Everything is checked before anything is written: the month, the as-of time,
the data (read and validated like ``build`` does) and the file about to be
written (parsed back and validated against the params schema, including the
budget year's DPA number). Values are serialised by PyYAML, so a data path such
as ``data/Juni #2`` survives; every per-month key is listed with its one-line
description from :class:`crmlib.data.schema.Params`. ``--force`` keeps the old file
as ``<YYYY-MM>.yaml.bak-<YYYYMMDD-HHMMSS>``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import yaml

from crmlib.data.params import (
    DEFAULT_FILE,
    load_defaults,
    merge_month,
    resolve_budget_year,
)
from crmlib.data.periode import next_periode
from crmlib.data.schema import Params, validate_params
from crmlib.data.yamlio import load_yaml
from crmlib.errors import ParamsError, StorageError

# Keys that change every month, in the order the file lists them. A key without a
# value is written commented out, with an example (the default applies until edited).
PER_MONTH = (
    "periode",
    "data",
    "per_tanggal",
    "tanggal_laporan",
    "izinkan_kosong",
    "catatan",
    "kendala",
    "saran",
)
EXAMPLES = {
    "izinkan_kosong": True,
    "catatan": "Pada bulan ini terjadi gangguan aplikasi CRM pada tanggal 3-5.",
}


def parse_per_tanggal(text: str | None, now: dt.datetime) -> str:
    """The as-of time as ``YYYY-MM-DD HH:MM``; refuses what is not a date."""
    if not text:
        return now.strftime("%Y-%m-%d %H:%M")
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ParamsError(
            f"--per-tanggal '{text}' bukan tanggal; contoh: \"2022-07-11 08:34\". "
            "Berkas parameter tidak ditulis."
        ) from None
    return when.strftime("%Y-%m-%d %H:%M")


def _dump(key: str, value, active: bool) -> str:
    text = yaml.safe_dump({key: value}, allow_unicode=True, width=100, sort_keys=False)
    return text if active else "".join(f"# {line}\n" for line in text.splitlines())


def month_yaml(values: dict, counts: dict) -> str:
    """The text of a month file: every per-month key with its description as a comment."""
    periode = values["periode"]
    parts = [
        f"# Parameter laporan {periode}; kunci lain diambil dari _default.yaml.\n",
        "# Kunci _default.yaml lain (kertas, tempat, metrik, identitas, …) boleh ditimpa di sini;\n",
        "# penjelasan semua kunci: docs/parameter.md\n",
        f"# Data divalidasi: {counts['laporan']['kept']} laporan, "
        f"{counts['koordinasi']['kept']} baris koordinasi.\n",
    ]
    for key in PER_MONTH:
        parts.append(f"\n# {key}: {Params.model_fields[key].description}\n")
        parts.append(_dump(key, values.get(key, EXAMPLES.get(key)), key in values))
    return "".join(parts)


def write_month_params(
    project,
    periode: str,
    data: Path,
    per_tanggal: str | None,
    force: bool = False,
    *,
    izinkan_kosong: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Path, Path | None]:
    """Validate a new month's data and write ``params/<YYYY-MM>.yaml``.

    Parameters
    ----------
    project : crmlib.project.Project
        The project (``params/`` folder and root for relative data paths).
    periode : str
        ``YYYY-MM``.
    data : path
        The month's export.
    per_tanggal : str, optional
        As-of time of the export; default now.
    force : bool
        Replace an existing month file (the old one is kept as a backup).
    izinkan_kosong : bool
        Accept a month without reports; written into the file as ``izinkan_kosong: true``.

    Returns
    -------
    (path, backup)
        The file written and the backup of the one it replaced (or None).
    """
    from crmlib.data.reader import check_periode, read_month

    now = now or dt.datetime.now()
    check_periode(periode)
    path = project.params_dir / f"{periode}.yaml"
    if path.exists() and not force:
        raise ParamsError(f"{path} sudah ada; gunakan --force untuk menimpanya (salinan disimpan).")
    as_of = parse_per_tanggal(per_tanggal, now)
    defaults = load_defaults(project.params_dir)
    # The budget year's DPA number first: cheaper than reading the data.
    resolve_budget_year(defaults, periode, project.params_dir / DEFAULT_FILE, path)
    month = read_month(
        data, periode, kota=defaults.get("kota", "jakarta-timur"), izinkan_kosong=izinkan_kosong
    )
    data_text = _data_text(data, project.root)
    values = {
        "periode": periode,
        "data": data_text,
        "per_tanggal": as_of,
        "tanggal_laporan": f"{next_periode(periode)}-15",
        "kendala": defaults.get("kendala") or [],
        "saran": defaults.get("saran") or [],
    }
    if izinkan_kosong:
        values["izinkan_kosong"] = True
    text = month_yaml(values, month.counts)
    _check_written(text, data_text, defaults, periode, project.params_dir, path)
    project.params_dir.mkdir(parents=True, exist_ok=True)
    return path, _replace_with_backup(path, text, now)


def _data_text(data: Path, root: Path) -> str:
    """The data path as the month file records it: relative to the project root if inside."""
    try:
        return str(Path(data).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(Path(data).resolve())


def _check_written(
    text: str, data_text: str, defaults: dict, periode: str, params_dir: Path, path: Path
) -> None:
    """Refuse a month file that would not load back exactly as the build will load it."""
    written = validate_params(load_yaml(text), text, str(path))
    if written.get("data") != data_text:
        raise ParamsError(f"{path}: lokasi data '{data_text}' tidak dapat ditulis apa adanya.")
    merge_month(defaults, written, periode, params_dir, path)


def _replace_with_backup(path: Path, text: str, now: dt.datetime) -> Path | None:
    """Write ``text`` to ``path`` atomically; return the backup of the file it replaced."""
    backup = None
    if path.exists():
        backup = path.with_name(f"{path.name}.bak-{now:%Y%m%d-%H%M%S}")
        shutil.copy2(path, backup)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with StorageError.writing(path):
        tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return backup
