"""Report parameters: ``params/_default.yaml`` merged with ``params/<YYYY-MM>.yaml``.

The default file holds the city's identity, the signatory, the metric settings
and the standing lists; a month file holds what changes every month (data path,
as-of timestamp, report date, the month's kendala/saran/catatan). Month values
override defaults (dictionaries are merged key by key).

Every key has a declared type and an Indonesian description in the pydantic
schema below (:class:`Params`); ``docs/parameter.md`` documents them for the
analyst and ``crm-report new-month`` writes the descriptions as comments. A wrong
type is refused with the file, the line (from the YAML node marks) and a fix;
an unknown key with the closest known key suggested, so a typo never silently
drops a setting.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from crmlib.data.paramsyaml import ParamsProblem, read_yaml_text
from crmlib.data.periode import is_periode, parse_periode
from crmlib.errors import ParamsError

DEFAULT_FILE = "_default.yaml"
KERTAS = ("a4", "f4")
#: A per_tanggal or tanggal_laporan more than this many days after the period's end is
#: printed anyway, with a warning naming both dates (docs/parameter.md).
TANGGAL_JENDELA_HARI = 92


def _as_text(value: Any) -> Any:
    """YAML reads 2022-07-11 as a date and 370 as a number: both are fine as text."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return value  # "true" is not text anyone meant: refused below
    if isinstance(value, int | float):
        return str(value)
    return value


#: Longest narrative text, in characters: one kata_pengantar paragraph, one kendala or saran
#: item, the catatan (the report's own paragraphs are under 400).
NARASI_MAKS_KARAKTER = 2_000
#: Most items in a list (kata_pengantar, kendala, saran, penandatangan.jabatan).
NARASI_MAKS_BUTIR = 20
#: Longest short text, in characters: titles, names, positions, places, numbers.
TEKS_MAKS_KARAKTER = 300
#: Largest params file read, in bytes; a bigger one is refused before YAML parses it.
PARAMS_MAKS_BYTE = 256 * 1024

Text = Annotated[str, BeforeValidator(_as_text), StringConstraints(max_length=TEKS_MAKS_KARAKTER)]
Narasi = Annotated[
    str, BeforeValidator(_as_text), StringConstraints(max_length=NARASI_MAKS_KARAKTER)
]
NarasiList = Annotated[list[Narasi], Field(max_length=NARASI_MAKS_BUTIR)]
Whole = Annotated[int, Field(strict=True)]
Number = Annotated[float, Field(strict=True)]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Identitas(_Schema):
    """Identity block on the report's cover, in the official order."""

    unit_kerja: Text | None = Field(None, description="Unit/Satuan Kerja penyusun laporan.")
    pengguna_anggaran: Text | None = Field(None, description="Pengguna Anggaran (jabatan).")
    kuasa_pengguna_anggaran: Text | None = Field(
        None, description="Kuasa Pengguna Anggaran (jabatan)."
    )
    program: Text | None = Field(None, description="Nama program anggaran.")
    kegiatan: Text | None = Field(None, description="Nama kegiatan anggaran.")
    dpa_nomor: dict[int, Text] | Text | None = Field(
        None,
        description="Nomor DPA-SKPD per tahun anggaran, mis. 2022: 370/P-DPA/2022 "
        "(di _default.yaml wajib per tahun).",
    )
    tahun_anggaran: Text | None = Field(
        None, description="Tahun anggaran; kosong = tahun periode laporan."
    )


class Penandatangan(_Schema):
    """Signatory of the report."""

    jabatan: Annotated[list[Text], Field(max_length=NARASI_MAKS_BUTIR)] | None = Field(
        None, description="Jabatan, satu baris per butir."
    )
    nama: Text | None = Field(None, description="Nama lengkap penandatangan.")
    nip: Text | None = Field(None, description="NIP (18 digit; tulis dalam tanda kutip).")


class Metrik(_Schema):
    """Metric settings (data contract §3)."""

    batas_respon_jam: Number | None = Field(None, gt=0, description="Batas waktu respon (jam).")
    top_n: Whole | None = Field(None, gt=0, description="Jumlah UKPD/kategori terbanyak.")
    peringkat_n: Whole | None = Field(
        None, gt=0, description="Jumlah kelurahan tercepat/terlambat."
    )
    ambang_ditolak: Whole | None = Field(
        None, gt=0, description="TL ditolak sekian kali atau lebih akan didaftar."
    )
    langkah_jam: Number | None = Field(
        None, gt=0, description="TL terlambat: satu langkah penalti per sekian jam."
    )
    penalti_per_langkah: Number | None = Field(
        None, ge=0, description="Pengurang nilai TL per langkah keterlambatan."
    )


class Params(_Schema):
    """Every key of ``_default.yaml`` and ``<YYYY-MM>.yaml`` (all optional per file)."""

    periode: Text | None = Field(
        None, description="Bulan laporan YYYY-MM (sama dengan nama berkas)."
    )
    kota: Text | None = Field(None, description="Kode kota, folder di crmlib/data/reference/kota/.")
    judul: Text | None = Field(None, description="Judul di sampul laporan.")
    data: Narasi | None = Field(
        None, description="Lokasi data ekspor CRM bulan ini (.xlsx atau folder CSV)."
    )
    per_tanggal: Text | None = Field(
        None, description='Waktu ekspor data CRM, "YYYY-MM-DD HH:MM" (dasar status "per tanggal").'
    )
    tanggal_laporan: Text | None = Field(
        None, description='Tanggal penandatanganan, "YYYY-MM-DD"; kosong = bulan berikutnya.'
    )
    tempat: Text | None = Field(None, description="Tempat di atas tanda tangan, mis. Jakarta.")
    kertas: Literal["a4", "f4"] | None = Field(None, description="Ukuran kertas PDF: a4 atau f4.")
    izinkan_kosong: bool | None = Field(
        None, description="true = bulan ini memang tanpa laporan; data kosong diterima."
    )
    identitas: Identitas | None = Field(None, description="Blok identitas di sampul.")
    penandatangan: Penandatangan | None = Field(None, description="Penandatangan laporan.")
    metrik: Metrik | None = Field(None, description="Pengaturan perhitungan metrik.")
    kata_pengantar: NarasiList | Narasi | None = Field(
        None, description="Paragraf KATA PENGANTAR ({tahun}, {bulan}, {kota} diisi otomatis)."
    )
    kendala: NarasiList | None = Field(
        None, description="Kendala bulan ini, satu butir per kendala."
    )
    saran: NarasiList | None = Field(None, description="Saran bulan ini, satu butir per saran.")
    catatan: Narasi | None = Field(
        None, description="Catatan khusus bulan ini (satu paragraf; Markdown ringan)."
    )
    sel_timeout_detik: Whole | None = Field(
        None, gt=0, description="Batas waktu per sel notebook (detik)."
    )

    @field_validator("per_tanggal", "tanggal_laporan")
    @classmethod
    def _is_date(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} bukan tanggal; contoh: 2022-07-11 08:34") from None
        return value

    @field_validator("periode")
    @classmethod
    def _is_periode(cls, value: str | None) -> str | None:
        if value is not None and not is_periode(value):
            raise ValueError(f"{value!r} bukan bulan; gunakan YYYY-MM, misalnya 2022-06")
        return value


# --------------------------------------------------------------------------- messages


def _suggest(key: str, known: list[str]) -> str:
    hits = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return (
        f" Mungkin maksudnya '{hits[0]}'?" if hits else f" Kunci yang dikenal: {', '.join(known)}."
    )


def _node_at(root: yaml.Node | None, loc: tuple) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The value node at ``loc`` and, for a mapping entry, its key node."""
    node, key_node = root, None
    for part in loc:
        key_node = None
        if isinstance(node, yaml.MappingNode):
            hit = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if hit is None:
                return node, None
            key_node, node = hit
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node, None
            node = node.value[part]
        else:
            return node, key_node
    return node, key_node


def _schema_at(loc: tuple) -> type[BaseModel] | None:
    model: type[BaseModel] | None = Params
    for part in loc:
        field = model.model_fields.get(str(part)) if model else None
        if field is None:
            return None
        inner = [a for a in getattr(field.annotation, "__args__", ()) if isinstance(a, type)]
        model = next((a for a in inner if issubclass(a, BaseModel)), None)
    return model


def _explain(err: dict, name: str) -> str:
    """One Indonesian sentence with a fix for one pydantic error."""
    kind, value = err["type"], err.get("input")
    if "[key]" in err["loc"]:
        return f"kunci '{value}' di '{name.rsplit('.', 1)[0]}' harus tahun, misalnya 2023"
    if kind == "string_type" and isinstance(value, dict):
        if isinstance(err["loc"][-1], int):  # a list item
            return (
                f"{name} berisi tanda titik dua yang dibaca YAML sebagai pasangan kunci: nilai; "
                "beri tanda kutip pada baris itu atau hapus titik duanya"
            )
        return (
            f"'{name}' berisi tanda titik dua yang dibaca YAML sebagai pasangan kunci: nilai; "
            "beri tanda kutip pada nilainya"
        )
    if kind == "string_type" and value is None:
        return f"{name} kosong; isi teksnya atau hapus baris itu"
    if kind in ("string_type", "union_tag_invalid") and isinstance(value, list):
        return f"'{name}' harus teks, bukan daftar; tulis sebagai satu baris teks"
    if kind in ("string_type",):
        return f"'{name}' harus teks (nilai: {value!r}); tulis di antara tanda kutip"
    if kind in ("list_type",):
        return f"'{name}' harus berupa daftar (list): setiap butir di baris sendiri diawali '- '"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"'{name}' harus bilangan bulat (nilai: {value!r}); tulis angka tanpa tanda kutip, misalnya 5"
    if kind in ("float_type", "float_parsing"):
        return f"'{name}' harus angka (nilai: {value!r}); tulis angka tanpa tanda kutip, misalnya 6"
    if kind in ("bool_type", "bool_parsing"):
        return f"'{name}' harus true atau false (nilai: {value!r})"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{name}' harus berisi daftar kunci: nilai (mapping) di baris-baris berikutnya, menjorok ke dalam"
    if kind == "literal_error":
        return f"{name} {value!r} tidak dikenal; pilih a4 atau f4"
    if kind == "greater_than":
        return f"'{name}' harus lebih dari 0 (nilai: {value!r})"
    if kind == "greater_than_equal":
        return f"'{name}' tidak boleh negatif (nilai: {value!r})"
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
        return (
            f"'{name}' terlalu panjang ({len(value)} karakter, paling banyak "
            f"{err['ctx']['max_length']}); persingkat, atau pecah menjadi beberapa butir"
        )
    if kind == "too_long":
        return (
            f"'{name}' berisi {len(value)} butir (paling banyak {err['ctx']['max_length']}); "
            "gabungkan atau hapus sebagian"
        )
    if kind == "value_error":
        return f"'{name}' = {err['msg'].removeprefix('Value error, ')}"
    return f"'{name}': {err['msg']} (nilai: {value!r})"


def _problem(err: dict, root: yaml.Node | None, file: str) -> ParamsProblem:
    loc = _clean_loc(err["loc"])
    name = ""
    for part in loc:
        name += f" butir {part + 1}" if isinstance(part, int) else (f".{part}" if name else part)
    node, key_node = _node_at(root, loc)
    where = key_node if err["type"] == "extra_forbidden" else (node or key_node)
    line = where.start_mark.line + 1 if where is not None else None
    if err["type"] == "extra_forbidden":
        model = _schema_at(loc[:-1])
        known = list(model.model_fields) if model else []
        return ParamsProblem(
            file, line, f"kunci '{name}' tidak dikenal.{_suggest(str(loc[-1]), known)}"
        )
    return ParamsProblem(file, line, f"{_explain(err, name)}.")


def _pick_error(errors: list[dict]) -> dict:
    """Of a union's alternatives, the error that says the most about what was written."""

    def rank(err: dict) -> tuple:
        if "[key]" in err["loc"]:
            return (0, 0)
        if err["type"] == "extra_forbidden":
            return (1, 0)
        if err["type"] == "string_type" and isinstance(err.get("input"), dict):
            return (2, -len(err["loc"]))
        return (3, -len(err["loc"]))

    return min(errors, key=rank)


def _one_per_key(errors: list[dict]) -> list[dict]:
    """One error per key written: a union's alternatives all fail for the same value."""
    groups: dict[tuple, list[dict]] = {}
    for err in errors:
        loc = err["loc"]
        branch = next((i for i, p in enumerate(loc) if _is_branch(p)), len(loc))
        groups.setdefault(tuple(loc[:branch]), []).append(err)
    return [_pick_error(group) for group in groups.values()]


def _is_branch(part: Any) -> bool:
    # Unions add their branch's type name (``list[str]``, ``[key]``), which no key looks like.
    return isinstance(part, str) and ("[" in part or "(" in part)


def _clean_loc(loc: tuple) -> tuple:
    """The path of keys and list indexes, without the unions' branch names."""
    return tuple(p for p in loc if not _is_branch(p))


def schema_problems(
    data: dict, root: yaml.Node | None, file: str
) -> tuple[dict, list[ParamsProblem]]:
    """Validate one params file's content against :class:`Params`; every problem at once.

    This is the frame every params rule plugs into: a constraint or validator added to
    the schema is reported here, with the line of its key and beside every other problem
    of the file.

    Parameters
    ----------
    data : dict
        The file as YAML read it.
    root : yaml.Node or None
        The composed document (for line numbers).
    file : str
        The file as shown in messages.

    Returns
    -------
    (values, problems)
        Only the keys the file sets, with YAML dates and numbers turned into the
        declared types (``{}`` when there are problems), and one problem per key.
    """
    try:
        model = Params.model_validate(data)
    except ValidationError as exc:
        errors = _one_per_key(exc.errors(include_url=False))
        return {}, [_problem(err, root, file) for err in errors]
    return model.model_dump(exclude_unset=True), []


def validate_params(data: dict, text: str, file: str) -> dict:
    """Validate one params file's content; :class:`ParamsError` lists every problem.

    Parameters
    ----------
    data : dict
        The file as ``yaml.safe_load`` read it.
    text : str
        The file's text (for line numbers).
    file : str
        The file as shown in messages.

    Returns
    -------
    dict
        Only the keys the file sets, with YAML dates and numbers turned into the
        declared types.
    """
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        root = None
    values, problems = schema_problems(data, root, file)
    if problems:
        raise params_error(problems)
    return values


def params_error(problems: list[ParamsProblem]) -> ParamsError:
    """One :class:`ParamsError` naming every problem (one line when there is one)."""
    if len(problems) == 1:
        return ParamsError(str(problems[0]))
    lines = [f"{len(problems)} masalah di berkas parameter; perbaiki semuanya, lalu jalankan lagi:"]
    lines += [f"  - {p}" for p in problems]
    return ParamsError("\n".join(lines))


# --------------------------------------------------------------------------- files


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
    :data:`PARAMS_MAKS_BYTE` is refused before it is read.
    """
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ParamsError(f"{path}: bukan berkas biasa (pipa atau perangkat); tidak dibaca.")
        if info.st_size > PARAMS_MAKS_BYTE:
            raise ParamsError(
                f"{path}: berkas parameter terlalu besar ({info.st_size // 1024} KB, paling "
                f"banyak {PARAMS_MAKS_BYTE // 1024} KB); teks narasi yang panjang dipersingkat."
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"Berkas parameter tidak ditemukan: {path}") from None
    except OSError as exc:
        raise ParamsError(f"Berkas parameter tidak dapat dibaca: {path} ({exc.strerror})") from None
    parsed = read_yaml_text(text, str(path))
    values, schema = schema_problems(parsed.data, parsed.root, str(path))
    # A line whose value the YAML repair had to reword is reported once, for its YAML.
    problems = parsed.problems + [p for p in schema if p.line not in parsed.reworded]
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    return ParamsFile(path, values, parsed.data, parsed.root, problems, parsed.complete)


def read_yaml(path: Path) -> dict:
    """Read and validate a params YAML file; :class:`ParamsError` names every problem in it."""
    checked = check_file(path)
    if checked.problems:
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
        raise params_error(problems)
    return merge_month(defaults.values, month.values, periode, params_dir, path)


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
