"""The ticket lists' words: titles, column headings and what each rule code means.

The lists themselves are computed by :mod:`crmlib.metrics.tiket` and stored in
``metrics.json`` (``tiket``); ``tabel.xlsx`` (a sheet per list) and the archive's unit
pages (a collapsed list per month) show them with the headings and rule texts
defined here once, so a column is called the same wherever a reader meets it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crmlib.report import fmt


@dataclass(frozen=True)
class Kolom:
    """One column of a ticket list: its key in ``metrics.json``, heading and kind.

    ``jenis`` is ``teks``, ``waktu`` (date and time), ``jam``/``menit`` (a duration,
    two decimals in print), ``angka`` (a count or score) or ``aturan`` (rule code,
    shown as its text).
    """

    kunci: str
    judul: str
    jenis: str


@dataclass(frozen=True)
class Daftar:
    """One ticket list: its key, its sheet in ``tabel.xlsx``, its title and columns."""

    kunci: str
    sheet: str
    judul: str
    kolom: tuple[Kolom, ...]  # every column of crmlib.metrics.TIKET_COLUMNS but ``ukpd``


_KEPALA = (
    Kolom("nomor_laporan", "No. Laporan", "teks"),
    Kolom("kanal", "Kanal", "teks"),
    Kolom("kategori", "Kategori", "teks"),
    Kolom("status", "Status", "teks"),
)
_MASUK = Kolom("waktu_masuk", "Tgl Masuk", "waktu")
_SELESAI = Kolom("waktu_selesai", "Tgl TL", "waktu")
_TL_JAM = Kolom("waktu_tl_jam", "Waktu TL (Jam)", "jam")
_ATURAN = Kolom("aturan", "Aturan", "aturan")

#: The five lists in the order of the report's figures.
DAFTAR: tuple[Daftar, ...] = (
    Daftar(
        "respon",
        "Tiket Respon",
        "Waktu respon",
        (
            *_KEPALA,
            _MASUK,
            Kolom("waktu_respon", "Tgl Respon", "waktu"),
            Kolom("respon_jam", "Waktu Respon (Jam)", "jam"),
            _ATURAN,
        ),
    ),
    Daftar(
        "tl_ditolak",
        "Tiket TL Ditolak",
        "TL ditolak",
        (
            *_KEPALA,
            _MASUK,
            _SELESAI,
            Kolom("jumlah_ditolak", "TL Ditolak (Kali)", "angka"),
            _ATURAN,
        ),
    ),
    Daftar(
        "nilai_dibawah_100",
        "Tiket Nilai TL < 100",
        "Nilai TL di bawah 100",
        (
            *_KEPALA,
            _MASUK,
            _SELESAI,
            Kolom("max_waktu_tl_jam", "Maks. Waktu TL (Jam)", "angka"),
            _TL_JAM,
            Kolom("nilai_tl", "Nilai TL", "angka"),
            _ATURAN,
        ),
    ),
    Daftar(
        "koordinasi",
        "Tiket Koordinasi",
        "Waktu koordinasi",
        (
            *_KEPALA,
            Kolom("waktu_koordinasi", "Tgl Koordinasi", "waktu"),
            Kolom("waktu_proses", "Tgl Proses", "waktu"),
            Kolom("koordinasi_menit", "Waktu Koordinasi (Menit)", "menit"),
            _ATURAN,
        ),
    ),
    Daftar(
        "penyelesaian",
        "Tiket Penyelesaian",
        "Waktu penyelesaian",
        (*_KEPALA, _MASUK, _SELESAI, _TL_JAM, _ATURAN),
    ),
)


def _param(parameter: Mapping[str, object], name: str) -> object:
    # A metrics.json of an older build may lack a setting: the contract default applies.
    value = parameter.get(name)
    if value is not None:
        return value
    from crmlib.metrics import MetricParams  # pandas: only for a metrics.json without it

    return getattr(MetricParams(), name)


def teks_aturan(parameter: Mapping[str, object]) -> dict[str, str]:
    """What each rule code (``aturan``) means with the month's settings.

    Parameters
    ----------
    parameter : mapping
        The month's metric settings (``metrics.json``'s ``parameter``, or
        ``dataclasses.asdict(MetricParams)``).

    Returns
    -------
    dict
        Rule code → sentence, e.g. ``"terlambat"`` → ``"Direspon lebih dari 6 jam:
        terlambat"``.
    """
    batas = fmt.format_angka(_param(parameter, "batas_respon_jam"))
    ambang = fmt.format_angka(_param(parameter, "ambang_ditolak"))
    langkah = fmt.format_angka(_param(parameter, "langkah_jam"))
    penalti = fmt.format_angka(_param(parameter, "penalti_per_langkah"))
    return {
        "tepat_waktu": f"Direspon paling lama {batas} jam: tepat waktu",
        "terlambat": f"Direspon lebih dari {batas} jam: terlambat",
        "belum_direspon": "Belum direspon: dihitung terlambat",
        "tl_ditolak": f"TL ditolak {ambang} kali atau lebih",
        "nilai_ekspor": "Nilai TL dari ekspor CRM",
        "lewat_maks": (
            f"Waktu TL melebihi maksimum: nilai 100 dikurangi {penalti} "
            f"untuk setiap {langkah} jam yang dimulai"
        ),
        "diproses": "Sudah diproses: masuk rerata waktu koordinasi",
        "selesai": "Sudah ditindaklanjuti: masuk rerata waktu penyelesaian",
    }
