"""Report parameters: ``params/_default.yaml`` merged with ``params/<YYYY-MM>.yaml``.

The default file holds the city's identity, the signatory, the metric settings
and the standing lists; a month file holds what changes every month (data path,
as-of timestamp, report date, the month's kendala/saran/catatan). Month values
override defaults (dictionaries are merged key by key). Unknown keys are refused
with the closest known key suggested, so a typo never silently drops a setting.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
from pathlib import Path
from typing import Any

import yaml

from crmlib.errors import ParamsError
from crmlib.periode import PERIODE_RE

DEFAULT_FILE = "_default.yaml"

# Known keys and the type each must have. Nested dicts list their own keys.
SCHEMA: dict[str, Any] = {
    "periode": str,
    "kota": str,
    "judul": str,
    "data": str,
    "per_tanggal": str,
    "tanggal_laporan": str,
    "tempat": str,
    "kertas": str,
    "identitas": {
        "unit_kerja": str,
        "pengguna_anggaran": str,
        "kuasa_pengguna_anggaran": str,
        "program": str,
        "kegiatan": str,
        "dpa_nomor": str,
        "tahun_anggaran": str,
    },
    "penandatangan": {"jabatan": list, "nama": str, "nip": str},
    "metrik": {
        "batas_respon_jam": float,
        "top_n": int,
        "peringkat_n": int,
        "ambang_ditolak": int,
        "langkah_jam": float,
        "penalti_per_langkah": float,
    },
    "kata_pengantar": list,
    "kendala": list,
    "saran": list,
    "catatan": str,
    "sel_timeout_detik": int,
}
KERTAS = ("a4", "f4")


def _suggest(key: str, known: list[str]) -> str:
    hits = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return (
        f" Mungkin maksudnya '{hits[0]}'?" if hits else f" Kunci yang dikenal: {', '.join(known)}."
    )


def _check(data: dict, schema: dict, file: str, prefix: str = "") -> None:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if key not in schema:
            raise ParamsError(f"{file}: kunci '{path}' tidak dikenal.{_suggest(key, list(schema))}")
        expected = schema[key]
        if value is None:
            continue
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ParamsError(f"{file}: '{path}' harus berisi daftar kunci (mapping).")
            _check(value, expected, file, prefix=f"{path}.")
        elif expected is float:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParamsError(f"{file}: '{path}' harus angka (nilai: {value!r}).")
        elif expected is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ParamsError(f"{file}: '{path}' harus bilangan bulat (nilai: {value!r}).")
        elif expected is str:
            # YAML turns 2022-07-11 into a date and 370 into an int: both are fine as text.
            if not isinstance(value, str | int | float | dt.date):
                raise ParamsError(f"{file}: '{path}' harus teks (nilai: {value!r}).")
        elif not isinstance(value, expected):
            raise ParamsError(f"{file}: '{path}' harus berupa daftar (list).")


def _normalise(data: dict, schema: dict) -> dict:
    """Turn YAML scalars (dates, numbers) into the text the schema asks for."""
    out = {}
    for key, value in data.items():
        expected = schema.get(key)
        if isinstance(expected, dict) and isinstance(value, dict):
            out[key] = _normalise(value, expected)
        elif expected is str and isinstance(value, dt.datetime):
            out[key] = value.strftime("%Y-%m-%d %H:%M")
        elif expected is str and value is not None and not isinstance(value, str):
            out[key] = str(value)
        elif expected is float and value is not None:
            out[key] = float(value)
        else:
            out[key] = value
    return out


def read_yaml(path: Path) -> dict:
    """Read a params YAML file into a dict with a clear error for bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"Berkas parameter tidak ditemukan: {path}") from None
    except OSError as exc:
        raise ParamsError(f"Berkas parameter tidak dapat dibaca: {path} ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", baris {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
        raise ParamsError(
            f"{path}{where}: YAML tidak valid ({getattr(exc, 'problem', exc)})."
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path}: isi berkas harus berupa daftar kunci: nilai.")
    _check(data, SCHEMA, str(path))
    return _normalise(data, SCHEMA)


def merge(base: dict, override: dict) -> dict:
    """Deep-merge ``override`` into a copy of ``base`` (lists are replaced, not appended)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        elif value is not None:
            out[key] = copy.deepcopy(value)
    return out


def month_file(params_dir: Path, periode: str) -> Path:
    """Path of a month's parameter file."""
    return Path(params_dir) / f"{periode}.yaml"


def list_months(params_dir: Path) -> list[str]:
    """Every ``YYYY-MM`` that has a month file, oldest first."""
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if PERIODE_RE.match(p.stem))


def load_params(params_dir: Path | str, periode: str) -> dict:
    """Defaults merged with the month file, validated.

    Parameters
    ----------
    params_dir : path
        Folder holding ``_default.yaml`` and ``<YYYY-MM>.yaml`` files.
    periode : str
        ``YYYY-MM``.

    Returns
    -------
    dict
        The merged parameters; ``data`` is resolved relative to the project root
        (the parent of ``params_dir``) and ``periode`` is set.
    """
    if not isinstance(periode, str) or not PERIODE_RE.match(periode):
        raise ParamsError(
            f"Periode '{periode}' tidak valid: gunakan format YYYY-MM, misalnya 2022-06."
        )
    params_dir = Path(params_dir)
    defaults = read_yaml(params_dir / DEFAULT_FILE)
    path = month_file(params_dir, periode)
    if not path.exists():
        known = ", ".join(list_months(params_dir)) or "-"
        raise ParamsError(
            f"Tidak ada berkas parameter untuk {periode}: {path}. Buat dengan "
            f"'crm-report new-month {periode} --data PATH'. Bulan yang ada: {known}."
        )
    month = read_yaml(path)
    if month.get("periode") not in (None, periode):
        raise ParamsError(
            f"{path}: periode '{month['periode']}' tidak cocok dengan nama berkas ({periode})."
        )
    params = merge(defaults, month)
    params["periode"] = periode
    if not params.get("data"):
        raise ParamsError(f"{path}: kunci 'data' (lokasi data CRM bulan ini) wajib diisi.")
    if params.get("kertas", "a4") not in KERTAS:
        raise ParamsError(f"{path}: kertas '{params['kertas']}' tidak dikenal; pilih a4 atau f4.")
    for key in ("per_tanggal", "tanggal_laporan"):
        if params.get(key):
            try:
                dt.datetime.fromisoformat(str(params[key]))
            except ValueError:
                raise ParamsError(
                    f"{path}: '{key}' = {params[key]!r} bukan tanggal; contoh: 2022-07-11 08:34."
                ) from None
    return params


def resolve_data_path(params: dict, root: Path) -> Path:
    """The month's data path, relative paths taken from the project root."""
    data = Path(params["data"])
    return data if data.is_absolute() else Path(root) / data
