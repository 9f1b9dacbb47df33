"""The seed report (June 2022) as data: every figure the constructed month reproduces.

Tables typed in from the published June 2022 report (the "seed report"), plus the
values filled where it is silent (``docs/data-log.md``). :mod:`.seed_month` builds
the month from them; :mod:`.shape` ranks the units by their June volume.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmlib.samplegen.common import HOUR, MINUTE, PERIZINAN, PPPSU

SEED_PERIODE = "2022-06"
SEED_AS_OF = "2022-07-11 08:34:00"
SEED_RANDOM_STATE = 20220611
SEED_TOTAL = 508
SEED_RESPON_TEPAT = 388

# Reports per unit ("Rekap Pengaduan Bulan Juni 2022"); kecamatan offices had none.
SEED_LAPORAN_PER_UKPD: dict[str, int] = {
    f"KELURAHAN {name}": count
    for name, count in (
        ("KAYU MANIS", 3), ("PALMERIAM", 2), ("KEBON MANGGIS", 1), ("PISANGAN BARU", 1),
        ("UTAN KAYU SELATAN", 19), ("UTAN KAYU UTARA", 4),
        ("CIPINANG", 1), ("JATI", 5), ("JATINEGARA KAUM", 1), ("KAYU PUTIH", 5),
        ("PISANGAN TIMUR", 4), ("PULO GADUNG", 8), ("RAWAMANGUN", 25),
        ("BALIMESTER", 1), ("BIDARA CINA", 21), ("CIPINANG BESAR SELATAN", 13),
        ("CIPINANG BESAR UTARA", 2), ("CIPINANG CEMPEDAK", 5), ("CIPINANG MUARA", 11),
        ("KAMPUNG MELAYU", 2), ("RAWA BUNGA", 2),
        ("BALE KAMBANG", 2), ("BATU AMPAR", 9), ("CAWANG", 4), ("CILILITAN", 11),
        ("DUKUH", 4), ("KRAMAT JATI", 3), ("TENGAH", 11),
        ("BARU", 2), ("CIJANTUNG", 2), ("GEDONG", 9), ("KALISARI", 9), ("PEKAYON", 8),
        ("CAKUNG BARAT", 5), ("CAKUNG TIMUR", 8), ("JATINEGARA", 17), ("PENGGILINGAN", 18),
        ("PULO GEBANG", 21), ("RAWA TERATE", 0), ("UJUNG MENTENG", 4),
        ("DUREN SAWIT", 6), ("KLENDER", 7), ("MALAKA JAYA", 1), ("MALAKA SARI", 4),
        ("PONDOK BAMBU", 5), ("PONDOK KELAPA", 19), ("PONDOK KOPI", 5),
        ("CIBUBUR", 19), ("CIRACAS", 10), ("KELAPA DUA WETAN", 15), ("RAMBUTAN", 10),
        ("SUSUKAN", 15),
        ("CIPINANG MELAYU", 3), ("HALIM PERDANA KUSUMA", 6), ("KEBON PALA", 8),
        ("MAKASAR", 9), ("PINANG RANTI", 3),
        ("BAMBU APUS", 18), ("CEGER", 7), ("CILANGKAP", 6), ("CIPAYUNG", 6),
        ("LUBANG BUAYA", 2), ("MUNJUL", 0), ("PONDOK RANGGON", 5), ("SETU", 19),
    )
}  # fmt: skip
SEED_LAPORAN_PER_UKPD["WALIKOTA JAKARTA TIMUR"] = 17

# Reports per category: the seed's top five (with "Pekerja" corrected to
# "Pekerjaan"), then the categories the seed does not show (filled; each < 42 so
# nothing ties with the fifth).
SEED_KATEGORI: dict[str, int] = {
    PPPSU: 92,
    "Sampah": 75,
    "Jalan": 62,
    "Parkir Liar": 48,
    "Gangguan Ketenteraman dan Ketertiban": 42,
    "Saluran Air, Kali/Sungai": 34,
    "Pohon": 27,
    "Penerangan Jalan Umum": 22,
    "Pedagang Kaki Lima": 20,
    "Fasilitas Umum": 16,
    PERIZINAN: 14,
    "Kebersihan Lingkungan": 12,
    "Banjir": 10,
    "Administrasi Kependudukan": 9,
    "Bangunan": 8,
    "Pelayanan Sosial": 6,
    "Pelayanan Kesehatan": 5,
    "Transportasi dan Perhubungan": 3,
    "Taman": 2,
    "Pencemaran Lingkungan": 1,
}

# The four ranking tables: (kelurahan, count, mean). Coordination counts come from
# `koordinasi`, completion counts from `laporan`. Fastest in minutes, slowest in hours.
SEED_KOORDINASI_TERCEPAT: tuple[tuple[str, int, float], ...] = (
    ("CIPAYUNG", 24, 10.63), ("HALIM PERDANA KUSUMA", 5, 12.80), ("CIRACAS", 52, 20.15),
    ("CIPINANG MUARA", 27, 20.26), ("UTAN KAYU UTARA", 12, 23.08),
    ("CIPINANG MELAYU", 19, 24.95), ("RAWA BUNGA", 11, 29.09), ("BALE KAMBANG", 21, 31.62),
    ("CEGER", 28, 35.71), ("GEDONG", 53, 38.00),
)  # fmt: skip
SEED_KOORDINASI_TERLAMA: tuple[tuple[str, int, float], ...] = (
    ("MUNJUL", 10, 9.778), ("BARU", 5, 9.100), ("DUKUH", 11, 8.506), ("BAMBU APUS", 21, 8.140),
    ("LUBANG BUAYA", 16, 6.851), ("JATINEGARA KAUM", 9, 6.128), ("KEBON MANGGIS", 7, 6.067),
    ("CIPINANG CEMPEDAK", 29, 4.280), ("CIJANTUNG", 19, 4.184), ("RAWA TERATE", 17, 3.933),
)  # fmt: skip
SEED_PENYELESAIAN_TERCEPAT: tuple[tuple[str, int, float], ...] = (
    ("CIPAYUNG", 6, 51.17), ("JATI", 5, 60.80), ("GEDONG", 9, 64.00), ("BARU", 2, 70.50),
    ("KAYU MANIS", 3, 79.67), ("PISANGAN BARU", 1, 81.00), ("PONDOK BAMBU", 5, 86.80),
    ("DUREN SAWIT", 6, 90.17), ("PEKAYON", 8, 100.63), ("PENGGILINGAN", 18, 104.83),
)  # fmt: skip
SEED_PENYELESAIAN_TERLAMA: tuple[tuple[str, int, float], ...] = (
    ("KEBON MANGGIS", 1, 67.00), ("BALIMESTER", 1, 50.10), ("CIPINANG CEMPEDAK", 5, 29.53),
    ("PONDOK KOPI", 5, 21.71), ("CAKUNG BARAT", 5, 20.42), ("BAMBU APUS", 18, 19.70),
    ("KEBON PALA", 8, 14.79), ("PULO GADUNG", 8, 14.04), ("DUKUH", 4, 12.83),
    ("KRAMAT JATI", 3, 12.64),
)  # fmt: skip


@dataclass(frozen=True)
class _SeedReport:
    """One report of the seed month whose fields are fixed by the seed report (or by us)."""

    ukpd: str
    kategori: str
    rincian: str
    tl_s: int  # waktu_selesai - waktu_masuk in seconds
    nomor: str | None = None
    masuk: str | None = None
    tolak: int = 0
    max_jam: float | None = None


SEED_SPECIAL_REPORTS: tuple[_SeedReport, ...] = (
    # The one report below 100: Sampah (48 h), 67 h -> 100 - 10 * ceil(19 / 12) = 80.
    _SeedReport("KELURAHAN KEBON MANGGIS", "Sampah", "Sampah Lingkungan", 67 * HOUR,
                nomor="JK2206030245", masuk="2022-06-03 16:15:00"),
    # The two follow-ups rejected at least twice.
    _SeedReport("KELURAHAN PONDOK KOPI", PERIZINAN, "Bangunan Tanpa Izin", 43 * HOUR + 20 * MINUTE,
                nomor="JK2206080126", masuk="2022-06-08 09:41:27", tolak=2),
    _SeedReport("KELURAHAN SETU", PPPSU, "Perbaikan Saluran Air", 52 * HOUR + 40 * MINUTE,
                nomor="JK2206130046", masuk="2022-06-13 07:12:05", tolak=4),
    # Balimester's 50.10 h report: not Sampah, so its 168 h default keeps it at 100.
    _SeedReport("KELURAHAN BALIMESTER", "Saluran Air, Kali/Sungai", "Saluran Tersumbat",
                50 * HOUR + 6 * MINUTE),
    # Filled: a Sampah report over 48 h whose limit was extended by an EWS ticket to
    # 72 h (explicit max_waktu_tl_jam), so it still scores 100.
    _SeedReport("KELURAHAN CIPINANG CEMPEDAK", "Sampah", "Tumpukan Sampah",
                55 * HOUR + 25 * MINUTE, max_jam=72.0),
)  # fmt: skip
