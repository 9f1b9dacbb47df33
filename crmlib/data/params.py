"""Report parameters: ``params/_default.yaml`` merged with ``params/<YYYY-MM>.yaml``.

The default file holds the city's identity, the signatory, the metric settings
and the standing lists; a month file holds what changes every month (data path,
as-of timestamp, report date, the month's kendala/saran/catatan). Month values
override defaults (dictionaries are merged key by key).

Every key has a declared type and an Indonesian description in the pydantic
schema (:class:`crmlib.data.schema.Params`); ``docs/parameter.md`` documents them for
the analyst and ``crm-report new-month`` writes the descriptions as comments. A wrong
type is refused with the file, the line (from the YAML node marks) and a fix;
an unknown key with the closest known key suggested, so a typo never silently
drops a setting. Each file is parsed (libyaml) and validated once per process.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from crmlib.data.periode import PERIODE_RE
from crmlib.data.yamlio import load_yaml
from crmlib.errors import ParamsError

DEFAULT_FILE = "_default.yaml"
KERTAS = ("a4", "f4")


# --------------------------------------------------------------------------- files


# Params files by (path, text), parsed and validated: each file is parsed once per process
# and validated once, however many months read ``_default.yaml`` (a no-change
# ``build --all`` of 12 months parsed it 23 times). Keyed by the text read each time, so an
# edit is always seen.
_PARSED: dict[tuple[str, str], dict] = {}
_VALID: dict[tuple[str, str], dict] = {}
_CACHE_MAX = 256


# Keys that only _default.yaml may set (about the project, not one month's report).
DEFAULT_ONLY = ("edisi",)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"Berkas parameter tidak ditemukan: {path}") from None
    except OSError as exc:
        raise ParamsError(f"Berkas parameter tidak dapat dibaca: {path} ({exc.strerror})") from None


def _parsed(path: Path, text: str) -> dict:
    """The file's YAML as a mapping (``{}`` when empty), parsed once per text."""
    key = (str(path), text)
    if key not in _PARSED:
        try:
            data = load_yaml(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", baris {mark.line + 1}, kolom {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            hint = next((h for text, h in YAML_HINTS if text in problem), "")
            raise ParamsError(f"{path}{where}: YAML tidak valid ({problem}){hint}.") from None
        if data is not None and not isinstance(data, dict):
            raise ParamsError(f"{path}: isi berkas harus berupa daftar kunci: nilai.")
        if len(_PARSED) >= _CACHE_MAX:
            _PARSED.clear()
        _PARSED[key] = data or {}
    return _PARSED[key]


def read_raw(path: Path) -> dict:
    """A params file's keys as written (parsed, not validated against the schema)."""
    return copy.deepcopy(_parsed(path, _read_text(path)))


def read_yaml(path: Path) -> dict:
    """Read and validate a params YAML file, with file and line for every mistake."""
    text = _read_text(path)
    key = (str(path), text)
    if key not in _VALID:
        from crmlib.data.schema import validate_params  # pydantic: only when validating

        valid = validate_params(_parsed(path, text), text, str(path))
        if len(_VALID) >= _CACHE_MAX:
            _VALID.clear()
        _VALID[key] = valid
    # A copy: callers merge and adjust what they get.
    return copy.deepcopy(_VALID[key])


# PyYAML's problem texts (English) and what the analyst should do about them.
YAML_HINTS = (
    (
        "mapping values are not allowed",
        "; ada tanda titik dua di tengah nilai: beri tanda kutip pada nilai yang berisi ': '",
    ),
    ("cannot start any token", "; jangan memakai tab untuk menjorokkan baris, pakai spasi"),
    ("expected <block end>", "; jorokan (spasi di awal baris) tidak konsisten"),
    ("expected ',' or ']'", "; tanda kurung [ ] tidak ditutup"),
    ("expected ',' or '}'", "; tanda kurung { } tidak ditutup"),
    ("found unexpected end of stream", "; tanda kutip tidak ditutup"),
)


def merge(base: dict, override: dict) -> dict:
    """Deep-merge ``override`` into a copy of ``base`` (lists are replaced, not appended)."""
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "dpa_nomor":
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


def resolve_budget_year(params: dict, periode: str, default_file: Path, month_path: Path) -> dict:
    """Pick the month's own DPA number from the per-year mapping, or refuse.

    The DPA number changes every budget year; a default that silently carries over
    printed ``370/P-DPA/2022`` on 2023 covers. ``identitas.dpa_nomor`` in
    ``_default.yaml`` is therefore a mapping ``{year: number}``.
    """
    identitas = params.get("identitas") or {}
    dpa = identitas.get("dpa_nomor")
    tahun_text = str(identitas.get("tahun_anggaran") or periode[:4])
    if not isinstance(dpa, dict):
        return params
    try:
        tahun = int(tahun_text)
    except ValueError:
        raise ParamsError(
            f"{month_path}: identitas.tahun_anggaran '{tahun_text}' harus tahun, misalnya 2023."
        ) from None
    if tahun not in dpa:
        ada = ", ".join(str(y) for y in sorted(dpa)) or "-"
        raise ParamsError(
            f"Nomor DPA-SKPD untuk tahun anggaran {tahun} belum ada (sudah ada: {ada}). "
            f"Tambahkan di {default_file}, di bawah 'identitas:' → 'dpa_nomor:', baris "
            f'  {tahun}: "<nomor DPA-SKPD {tahun}>"  (menjorok seperti tahun lainnya), '
            "lalu jalankan lagi."
        )
    params = copy.deepcopy(params)
    params["identitas"]["dpa_nomor"] = dpa[tahun]
    return params


def load_defaults(params_dir: Path | str) -> dict:
    """``_default.yaml`` alone, validated (its DPA number must be given per year)."""
    path = Path(params_dir) / DEFAULT_FILE
    defaults = read_yaml(path)
    dpa = (defaults.get("identitas") or {}).get("dpa_nomor")
    if isinstance(dpa, str):
        raise ParamsError(
            f"{path}: identitas.dpa_nomor harus per tahun anggaran, misalnya\n"
            f'  dpa_nomor:\n    2022: "{dpa}"\nagar tahun baru tidak memakai nomor tahun lalu.'
        )
    return defaults


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
        The merged parameters; ``periode`` is set and ``identitas.dpa_nomor`` is
        the number of the month's budget year.
    """
    if not isinstance(periode, str) or not PERIODE_RE.match(periode):
        raise ParamsError(
            f"Periode '{periode}' tidak valid: gunakan format YYYY-MM, misalnya 2022-06."
        )
    params_dir = Path(params_dir)
    defaults = load_defaults(params_dir)
    path = month_file(params_dir, periode)
    if not path.exists():
        known = ", ".join(list_months(params_dir)) or "-"
        raise ParamsError(
            f"Tidak ada berkas parameter untuk {periode}: {path}. Buat dengan "
            f"'crm-report new-month {periode} --data PATH'. Bulan yang ada: {known}."
        )
    month = read_yaml(path)
    return merge_month(defaults, month, periode, params_dir, path)


def raw_params(params_dir: Path | str, periode: str) -> dict:
    """Defaults merged with the month file as written, without the schema.

    What the up-to-date check of ``build`` and ``status`` fingerprints: the same merge
    and budget-year choice as :func:`load_params`, without pydantic. A month whose files
    are unchanged since it was built is as valid as it was then; a changed one is
    rebuilt, and the build validates it.

    Raises
    ------
    ParamsError
        A file missing or not YAML, no ``data``, no DPA number for the budget year.
    """
    params_dir = Path(params_dir)
    path = month_file(params_dir, periode)
    # merge() copies what it takes: the parsed files are not copied first.
    defaults = _parsed(params_dir / DEFAULT_FILE, _read_text(params_dir / DEFAULT_FILE))
    params = merge(defaults, _parsed(path, _read_text(path)))
    params["periode"] = periode
    if not params.get("data"):
        raise ParamsError(f"{path}: kunci 'data' (lokasi data CRM bulan ini) wajib diisi.")
    try:
        return resolve_budget_year(params, periode, params_dir / DEFAULT_FILE, path)
    except (AttributeError, TypeError) as exc:  # not the schema's shapes: the build says which
        raise ParamsError(f"{path}: parameter tidak valid ({exc}).") from None


def merge_month(defaults: dict, month: dict, periode: str, params_dir: Path, path: Path) -> dict:
    """Defaults + one month's validated keys, with the month-level checks."""
    for key in DEFAULT_ONLY:
        if key in month:
            raise ParamsError(
                f"{path}: kunci '{key}' berlaku untuk seluruh proyek; tulis di "
                f"{DEFAULT_FILE}, bukan di berkas bulan."
            )
    if month.get("periode") not in (None, periode):
        raise ParamsError(
            f"{path}: periode '{month['periode']}' tidak cocok dengan nama berkas ({periode})."
        )
    params = merge(defaults, month)
    params["periode"] = periode
    if not params.get("data"):
        raise ParamsError(f"{path}: kunci 'data' (lokasi data CRM bulan ini) wajib diisi.")
    return resolve_budget_year(params, periode, Path(params_dir) / DEFAULT_FILE, path)


def resolve_data_path(params: dict, root: Path) -> Path:
    """The month's data path, relative paths taken from the project root."""
    data = Path(str(params["data"]))
    return data if data.is_absolute() else Path(root) / data
