"""Report parameters: ``params/_default.yaml`` merged with ``params/<YYYY-MM>.yaml``.

The default file holds the city's identity, the signatory, the metric settings
and the standing lists; a month file holds what changes every month (data path,
as-of timestamp, report date, the month's kendala/saran/catatan). Month values
override defaults (dictionaries are merged key by key).

Every key has a declared type, a bound and an Indonesian description in the pydantic
schema (:class:`crmlib.data.schema.Params`); ``docs/parameter.md`` documents them for
the analyst and ``crm-report new-month`` writes the descriptions as comments. Every
problem of both files is reported in one run, each with the file, the line (from the
YAML node marks) and a fix; an unknown key with the closest known key suggested, so a
typo never silently drops a setting. Each file is read and checked once per process;
what only needs the files' values (:func:`raw_params`, the up-to-date check of a
no-change ``build``) is parsed by libyaml and never imports pydantic.
"""

from __future__ import annotations

import copy
import datetime as dt
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from crmlib.data.paramsyaml import ParamsProblem, read_yaml_text
from crmlib.data.periode import is_periode, parse_periode
from crmlib.data.yamlio import load_yaml
from crmlib.errors import ParamsError

DEFAULT_FILE = "_default.yaml"
KERTAS = ("a4", "f4")
#: A per_tanggal or tanggal_laporan more than this many days after the period's end is
#: printed anyway, with a warning naming both dates (docs/parameter.md).
TANGGAL_JENDELA_HARI = 92

#: Largest params file read, in bytes; a bigger one is refused before YAML parses it.
PARAMS_MAKS_BYTE = 256 * 1024


def __getattr__(name: str):
    # The schema's names, as before it moved: importing them imports pydantic.
    if name in (
        "NARASI_MAKS_BUTIR",
        "NARASI_MAKS_KARAKTER",
        "TEKS_MAKS_KARAKTER",
        "Params",
        "params_error",
        "schema_problems",
        "validate_params",
    ):
        from crmlib.data import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- files


# Params files by (path, text), parsed and validated: each file is parsed once per process
# and validated once, however many months read ``_default.yaml`` (a no-change
# ``build --all`` of 12 months parsed it 23 times). Keyed by the text read each time, so an
# edit is always seen.
_PARSED: dict[tuple[str, str], dict] = {}
_VALID: dict[tuple[str, str], ParamsFile] = {}
_CACHE_MAX = 256


# Keys that only _default.yaml may set (about the project, not one month's report).
DEFAULT_ONLY = ("edisi",)


def _read_text(path: Path) -> str:
    """The file's text; a pipe, a device or a file over :data:`PARAMS_MAKS_BYTE` is refused unread."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ParamsError(f"{path}: bukan berkas biasa (pipa atau perangkat); tidak dibaca.")
        if info.st_size > PARAMS_MAKS_BYTE:
            raise ParamsError(
                f"{path}: berkas parameter terlalu besar ({info.st_size // 1024} KB, paling "
                f"banyak {PARAMS_MAKS_BYTE // 1024} KB); teks narasi yang panjang dipersingkat."
            )
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


@dataclass
class ParamsFile:
    """One params file as read: its valid values, or what is wrong with it."""

    path: Path
    values: dict  # validated keys; {} when the file has problems
    raw: dict  # what YAML read (repaired where a line had to be), for checks across files
    root: yaml.Node | None
    problems: list[ParamsProblem]
    complete: bool  # no line had to be dropped to read the rest


def check_file(path: Path) -> ParamsFile:
    """Read a params file and collect every problem in it (syntax, keys, types, duplicates).

    A file that is not a regular file (a pipe would block) or is over
    :data:`PARAMS_MAKS_BYTE` is refused before it is read. Checked once per process
    and text (a copy is returned: callers merge and adjust what they get).
    """
    text = _read_text(path)
    key = (str(path), text)
    if key not in _VALID:
        from crmlib.data.schema import schema_problems  # pydantic: only when validating

        parsed = read_yaml_text(text, str(path))
        values, schema = schema_problems(parsed.data, parsed.root, str(path))
        # A line whose value the YAML repair had to reword is reported once, for its YAML.
        problems = parsed.problems + [p for p in schema if p.line not in parsed.reworded]
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        if len(_VALID) >= _CACHE_MAX:
            _VALID.clear()
        _VALID[key] = ParamsFile(path, values, parsed.data, parsed.root, problems, parsed.complete)
    return copy.deepcopy(_VALID[key])


def read_yaml(path: Path) -> dict:
    """Read and validate a params YAML file; :class:`ParamsError` names every problem in it."""
    checked = check_file(path)
    if checked.problems:
        from crmlib.data.schema import params_error

        raise params_error(checked.problems)
    return checked.values


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
    return sorted(p.stem for p in Path(params_dir).glob("*.yaml") if is_periode(p.stem))


def _key_line(root: yaml.Node | None, *loc: str) -> int | None:
    from crmlib.data.schema import _node_at

    node, key_node = _node_at(root, loc)
    where = key_node or (node if node is not root else None)
    return where.start_mark.line + 1 if where is not None else None


def _budget_year_problem(
    params: dict, periode: str, default_file: Path, month_path: Path, root: yaml.Node | None = None
) -> ParamsProblem | None:
    """The month's budget year without a DPA number in the per-year mapping, as a problem."""
    identitas = params.get("identitas") if isinstance(params.get("identitas"), dict) else {}
    dpa = identitas.get("dpa_nomor")
    tahun_text = str(identitas.get("tahun_anggaran") or periode[:4])
    if not isinstance(dpa, dict):
        return None
    try:
        tahun = int(tahun_text)
    except ValueError:
        return ParamsProblem(
            str(month_path),
            None,
            f"identitas.tahun_anggaran '{tahun_text}' harus tahun, misalnya 2023.",
        )
    if tahun in dpa:
        return None
    ada = ", ".join(str(y) for y in sorted(dpa, key=str)) or "-"
    return ParamsProblem(
        str(default_file),
        _key_line(root, "identitas", "dpa_nomor"),
        f"Nomor DPA-SKPD untuk tahun anggaran {tahun} belum ada (sudah ada: {ada}). "
        f"Tambahkan di {default_file}, di bawah 'identitas:' → 'dpa_nomor:', baris "
        f'  {tahun}: "<nomor DPA-SKPD {tahun}>"  (menjorok seperti tahun lainnya), '
        "lalu jalankan lagi.",
    )


def resolve_budget_year(params: dict, periode: str, default_file: Path, month_path: Path) -> dict:
    """Pick the month's own DPA number from the per-year mapping, or refuse.

    The DPA number changes every budget year; a default that silently carries over
    printed ``370/P-DPA/2022`` on 2023 covers. ``identitas.dpa_nomor`` in
    ``_default.yaml`` is therefore a mapping ``{year: number}``.
    """
    problem = _budget_year_problem(params, periode, default_file, month_path)
    if problem is not None:
        raise ParamsError(str(problem))
    dpa = (params.get("identitas") or {}).get("dpa_nomor")
    if not isinstance(dpa, dict):
        return params
    params = copy.deepcopy(params)
    tahun = int(str(params["identitas"].get("tahun_anggaran") or periode[:4]))
    params["identitas"]["dpa_nomor"] = dpa[tahun]
    return params


def _dpa_as_text_problem(defaults: ParamsFile) -> ParamsProblem | None:
    identitas = defaults.raw.get("identitas")
    dpa = identitas.get("dpa_nomor") if isinstance(identitas, dict) else None
    if not isinstance(dpa, str):
        return None
    return ParamsProblem(
        str(defaults.path),
        _key_line(defaults.root, "identitas", "dpa_nomor"),
        f'identitas.dpa_nomor harus per tahun anggaran, misalnya\n  dpa_nomor:\n    2022: "{dpa}"\n'
        "agar tahun baru tidak memakai nomor tahun lalu.",
    )


def load_defaults(params_dir: Path | str) -> dict:
    """``_default.yaml`` alone, validated (its DPA number must be given per year)."""
    defaults = check_file(Path(params_dir) / DEFAULT_FILE)
    problems = [*defaults.problems, *filter(None, [_dpa_as_text_problem(defaults)])]
    if problems:
        from crmlib.data.schema import params_error

        raise params_error(problems)
    return defaults.values


def load_params(params_dir: Path | str, periode: str) -> dict:
    """Defaults merged with the month file, validated; every problem of both in one error.

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
    parse_periode(periode, "Periode")
    params_dir = Path(params_dir)
    path = month_file(params_dir, periode)
    if not path.exists():
        known = ", ".join(list_months(params_dir)) or "-"
        raise ParamsError(
            f"Tidak ada berkas parameter untuk {periode}: {path}. Buat dengan "
            f"'crm-report new-month {periode} --data PATH'. Bulan yang ada: {known}."
        )
    defaults, month = check_file(params_dir / DEFAULT_FILE), check_file(path)
    problems = [*defaults.problems, *filter(None, [_dpa_as_text_problem(defaults)])]
    problems += month.problems
    problems += _month_problems(defaults, month, periode)
    if problems:
        from crmlib.data.schema import params_error

        raise params_error(problems)
    return merge_month(defaults.values, month.values, periode, params_dir, path)


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


def _month_problems(defaults: ParamsFile, month: ParamsFile, periode: str) -> list[ParamsProblem]:
    """What only the two files together can be wrong in (read as far as they could be)."""
    problems = []
    written = month.raw.get("periode")
    if is_periode(written) and written != periode:
        problems.append(_periode_mismatch(month.path, written, periode, month.root))
    if month.complete and not month.raw.get("data") and not defaults.raw.get("data"):
        problems.append(_data_missing(month.path))
    merged = merge(defaults.raw, month.raw)
    budget = _budget_year_problem(merged, periode, defaults.path, month.path, defaults.root)
    if budget is not None and not _dpa_as_text_problem(defaults):
        problems.append(budget)
    return problems


def _periode_mismatch(path: Path, written: str, periode: str, root=None) -> ParamsProblem:
    return ParamsProblem(
        str(path),
        _key_line(root, "periode"),
        f"periode '{written}' tidak cocok dengan nama berkas ({periode}); "
        f"tulis periode: '{periode}' atau hapus baris itu.",
    )


def _data_missing(path: Path) -> ParamsProblem:
    return ParamsProblem(
        str(path),
        None,
        "kunci 'data' (lokasi data CRM bulan ini) wajib diisi; tambahkan baris "
        "data: data/<berkas ekspor>.xlsx (atau folder berisi laporan.csv dan koordinasi.csv).",
    )


def merge_month(defaults: dict, month: dict, periode: str, params_dir: Path, path: Path) -> dict:
    """Defaults + one month's validated keys, with the month-level checks."""
    for key in DEFAULT_ONLY:
        if key in month:
            raise ParamsError(
                f"{path}: kunci '{key}' berlaku untuk seluruh proyek; tulis di "
                f"{DEFAULT_FILE}, bukan di berkas bulan."
            )
    if month.get("periode") not in (None, periode):
        raise ParamsError(str(_periode_mismatch(path, month["periode"], periode)))
    params = merge(defaults, month)
    params["periode"] = periode
    if not params.get("data"):
        raise ParamsError(str(_data_missing(path)))
    check_dates(params, periode, path)
    return resolve_budget_year(params, periode, Path(params_dir) / DEFAULT_FILE, path)


def period_end(periode: str) -> dt.datetime:
    """The first moment after the report month (``2022-06`` -> 2022-07-01 00:00)."""
    y, m = int(periode[:4]), int(periode[5:])
    return dt.datetime(y + m // 12, m % 12 + 1, 1)


def _dates(params: dict) -> dict[str, dt.datetime]:
    """The month's ``per_tanggal`` and ``tanggal_laporan`` that are set, as datetimes."""
    return {
        key: dt.datetime.fromisoformat(str(params[key]))
        for key in ("per_tanggal", "tanggal_laporan")
        if params.get(key)
    }


def check_dates(params: dict, periode: str, path: Path) -> None:
    """Refuse an as-of time or a signing date before the report month has ended.

    The CRM export of a month is taken after the month ends, and the report is signed
    after that: ``per_tanggal: 1999-01-01`` or ``tanggal_laporan: 1990-01-01`` on a
    2022-06 report is a typo, not a date to print on the cover.
    """
    end = period_end(periode)
    wrong = [
        f"{path}: {key} {params[key]} jatuh sebelum periode {periode} berakhir "
        f"({end:%Y-%m-%d}); {'data ekspor diambil' if key == 'per_tanggal' else 'laporan ditandatangani'} "
        f'setelah bulan itu selesai, mis. {key}: "{end + dt.timedelta(days=10):%Y-%m-%d}"'
        for key, when in _dates(params).items()
        if when < end
    ]
    if wrong:
        raise ParamsError("\n".join(wrong))


def date_warnings(params: dict, periode: str) -> list[str]:
    """Warnings for dates that are possible but unusual (printed anyway), each naming its dates.

    A date more than :data:`TANGGAL_JENDELA_HARI` days after the period's end, and a
    report signed before its data was exported.
    """
    end = period_end(periode)
    dates = _dates(params)
    out = [
        f"{key} {params[key]} lebih dari {TANGGAL_JENDELA_HARI} hari setelah periode {periode} "
        f"berakhir ({end:%Y-%m-%d}); periksa apakah tanggalnya benar"
        for key, when in dates.items()
        if when > end + dt.timedelta(days=TANGGAL_JENDELA_HARI)
    ]
    if (
        "tanggal_laporan" in dates
        and dates["tanggal_laporan"].date() < dates.get("per_tanggal", end).date()
    ):
        out.append(
            f"tanggal_laporan {params['tanggal_laporan']} lebih awal dari per_tanggal "
            f"{params['per_tanggal']}: laporan ditandatangani sebelum datanya diekspor"
        )
    return out


def resolve_data_path(params: dict, root: Path) -> Path:
    """The month's data path, relative paths taken from the project root."""
    data = Path(params["data"])
    return data if data.is_absolute() else Path(root) / data
