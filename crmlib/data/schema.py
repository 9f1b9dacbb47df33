"""The params schema: every key of ``_default.yaml`` and ``<YYYY-MM>.yaml``, and its messages.

:class:`Params` (pydantic v2) declares each key's type, bound and Indonesian description
(``docs/parameter.md``, the comments ``crm-report new-month`` writes).
:func:`schema_problems` turns every pydantic error into one problem per key with the
file, the line (from the YAML node marks) and a fix; an unknown key gets the closest
known key.

Kept apart from :mod:`crmlib.data.params` (files, merging) so that what only needs the
files' values, such as the up-to-date check of a no-change ``build``, never imports
pydantic.
"""

from __future__ import annotations

import datetime as dt
import difflib
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

from crmlib.data.paramsyaml import ParamsProblem
from crmlib.data.periode import is_periode
from crmlib.errors import ParamsError


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


class Edisi(_Schema):
    """Final editions: who finalizes, and whose signatures are trusted (``_default.yaml`` only)."""

    difinalkan_oleh: Text | None = Field(
        None,
        description='Yang memfinalkan, sebagai jabatan (mis. "Kasubbag Pelayanan Publik"); '
        "--oleh menimpanya. Tanpa e-mail.",
    )
    akar_terpercaya: Text | None = Field(
        None,
        description="Berkas PEM atau folder sertifikat CA terpercaya untuk tanda tangan "
        "(mis. sertifikat/bsre/ berisi Root CA dan CA BSrE), relatif terhadap folder proyek.",
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
    edisi: Edisi | None = Field(
        None, description="Edisi final: yang memfinalkan dan akar terpercaya tanda tangan."
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


__all__ = ["Params", "params_error", "schema_problems", "validate_params"]
