"""The shape of a month: volumes, units, channels, categories, times and report numbers.

The reference data become arrays (:class:`_Catalog`) so that every field of
millions of rows is drawn in a few vectorised steps; :mod:`.month` strings these
draws together for one realistic month or a large benchmark export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crmlib.data.refdata import Reference
from crmlib.samplegen.common import (
    _COMPLETE,
    _DISPOSISI,
    _IN_PROGRES,
    _NAT,
    _WAIT,
    DAY,
    HOUR,
    MINUTE,
    PERIZINAN,
    PPPSU,
)
from crmlib.samplegen.seed_report import SEED_LAPORAN_PER_UKPD

# Categories in the order of their June 2022 volume (the Zipf rank used by the
# generator), each with plausible sub-categories (rincian_masalah). "Reklame" is
# not in reference/kategori.csv on purpose: categories are an open set.
KATEGORI_RINCIAN: dict[str, tuple[str, ...]] = {
    PPPSU: (
        "Perbaikan Saluran Air",
        "Perbaikan Jalan Lingkungan",
        "Pembersihan Saluran",
        "Perbaikan Fasilitas Umum",
        "Pengecatan dan Perapihan",
    ),
    "Sampah": ("Sampah Lingkungan", "Tumpukan Sampah", "Sampah Liar", "Pengangkutan Sampah"),
    "Jalan": ("Jalan Rusak", "Jalan Berlubang", "Trotoar Rusak", "Genangan di Jalan"),
    "Parkir Liar": ("Parkir Liar di Badan Jalan", "Parkir Liar di Trotoar", "Juru Parkir Liar"),
    "Gangguan Ketenteraman dan Ketertiban": (
        "Kebisingan",
        "Balap Liar",
        "Tawuran",
        "Pengamen dan Pengemis",
    ),
    "Saluran Air, Kali/Sungai": ("Saluran Tersumbat", "Kali Kotor", "Tutup Saluran Rusak"),
    "Pohon": ("Pohon Tumbang", "Pemangkasan Pohon", "Pohon Rawan Tumbang"),
    "Penerangan Jalan Umum": ("Lampu PJU Mati", "Tiang PJU Rusak"),
    "Pedagang Kaki Lima": ("PKL di Trotoar", "PKL di Badan Jalan"),
    "Fasilitas Umum": ("Fasilitas Umum Rusak", "RPTRA", "Toilet Umum"),
    PERIZINAN: ("Bangunan Tanpa Izin", "Usaha Tanpa Izin", "Izin Keramaian"),
    "Kebersihan Lingkungan": ("Lingkungan Kotor", "Puing Bangunan", "Vandalisme"),
    "Banjir": ("Genangan Air", "Banjir Permukiman"),
    "Administrasi Kependudukan": ("KTP Elektronik", "Kartu Keluarga", "Surat Pindah"),
    "Bangunan": ("Bangunan Melanggar", "Bangunan Rawan Roboh"),
    "Pelayanan Sosial": ("Bantuan Sosial", "Orang Terlantar", "ODGJ"),
    "Pelayanan Kesehatan": ("Fogging", "Jentik Nyamuk", "Puskesmas"),
    "Transportasi dan Perhubungan": ("Halte Rusak", "Rambu Lalu Lintas", "Angkutan Umum"),
    "Taman": ("Taman Tidak Terawat", "Fasilitas Taman Rusak"),
    "Pencemaran Lingkungan": ("Bau Tidak Sedap", "Limbah Cair", "Pencemaran Udara"),
    "Reklame": ("Reklame Tanpa Izin", "Spanduk Liar"),
}

# Share of each intake channel. JAKI (the province's app) carries most reports;
# the desk channels and social media share the rest.
KANAL_WEIGHTS: dict[str, float] = {
    "JAKI": 0.80,
    "Kantor Kelurahan": 0.045,
    "Twitter": 0.03,
    "LAPOR 1708": 0.03,
    "Media Sosial Gubernur": 0.02,
    "Email": 0.02,
    "QLUE": 0.015,
    "Facebook": 0.01,
    "Kantor Kecamatan": 0.008,
    "Kantor Walikota": 0.008,
    "SMS": 0.005,
    "Balai Warga": 0.004,
    "Pendopo Balai Kota": 0.003,
    "Kantor Inspektorat": 0.002,
}

# Reports by hour of day: quiet at night, busy in office hours and the evening.
_HOUR_WEIGHTS = np.array(
    [0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4.0, 5.5, 6.0, 6.0, 5.5]
    + [5.0, 5.0, 5.2, 5.2, 5.0, 4.8, 4.5, 4.8, 5.0, 4.5, 3.0, 1.5]
)
_HOUR_P = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()


def _zipf(n: int, s: float, q: float) -> np.ndarray:
    """Zipf-Mandelbrot weights ``(rank + q) ** -s`` for ranks 0..n-1, summing to 1."""
    w = (np.arange(n) + q) ** -s
    return w / w.sum()


def _draw_times(rng: np.random.Generator, n: int, start_s: int, n_days: int) -> np.ndarray:
    """``n`` times (int64 s) in ``[start, start + n_days)`` with a day/night profile."""
    day = rng.integers(0, n_days, n)
    hour = rng.choice(24, size=n, p=_HOUR_P)
    sec = rng.integers(0, HOUR, n)
    return start_s + day * DAY + hour * HOUR + sec


def _nilai_rule(tl_jam: np.ndarray, max_jam: np.ndarray) -> np.ndarray:
    """Follow-up score by the contract's default rule (12 h steps of 10 points)."""
    over = np.maximum(tl_jam - max_jam, 0.0)
    return np.where(over > 0, np.maximum(0.0, 100.0 - 10.0 * np.ceil(over / 12.0)), 100.0)


@dataclass(frozen=True)
class _Catalog:
    """The reference data as arrays: units, categories and channels with their weights."""

    ukpd: np.ndarray  # canonical unit names in official order (object)
    kelurahan: np.ndarray  # bool per unit
    kecamatan_office: np.ndarray  # bool per unit
    kota_idx: int
    unit_prior: np.ndarray  # Zipf-like base weights of units
    kategori: np.ndarray
    kategori_prior: np.ndarray
    kategori_max: np.ndarray  # default max follow-up hours per category
    kota_ok: np.ndarray  # category plausible for the city office
    sampah: int
    rincian: np.ndarray  # flat list of sub-categories
    rincian_start: np.ndarray
    rincian_count: np.ndarray
    kanal: np.ndarray
    kanal_p: np.ndarray

    def unit_index(self, name: str) -> int:
        """Index of the unit ``name`` (canonical spelling)."""
        return int(np.flatnonzero(self.ukpd == name)[0])


def _catalog(ref: Reference) -> _Catalog:
    """The catalogue of ``ref``, with the generator's weights for units, categories, channels."""
    units = ref.ukpd
    names = units["ukpd"].to_numpy(dtype=object)
    tingkat = units["tingkat"].to_numpy(dtype=object)
    kel = tingkat == "kelurahan"
    kec = tingkat == "kecamatan"
    kota = np.flatnonzero(tingkat == "kota")
    kota_idx = int(kota[0]) if kota.size else len(names) - 1

    # Units keep their identity from month to month: rank them by their June 2022
    # volume (unknown units of another city: a middling count) and give Zipf weights.
    june = np.array(
        [SEED_LAPORAN_PER_UKPD.get(u, 5 if k else 0) for u, k in zip(names, kel, strict=True)]
    )
    order = np.argsort(-june, kind="stable")
    prior = np.empty(len(names))
    prior[order] = _zipf(len(names), 0.9, 6.0)
    # Kecamatan offices rarely own a report (none in June 2022).
    prior[kec] = prior.min() * 0.15
    prior /= prior.sum()

    kategori = np.array(list(KATEGORI_RINCIAN), dtype=object)
    kat_prior = _zipf(len(kategori), 1.25, 3.0)
    kat_max = np.array([ref.max_waktu_tl_jam(k) for k in kategori], dtype=float)
    # Kelurahan works (PPSU) are never owned by the city office.
    kota_ok = kategori != PPPSU
    rincian = np.array([r for k in kategori for r in KATEGORI_RINCIAN[k]], dtype=object)
    counts = np.array([len(KATEGORI_RINCIAN[k]) for k in kategori])
    starts = np.r_[0, np.cumsum(counts)[:-1]]

    known = set(ref.kanal["kanal"])
    kanal = np.array([k for k in KANAL_WEIGHTS if k in known], dtype=object)
    kanal_p = np.array([KANAL_WEIGHTS[k] for k in kanal])
    return _Catalog(
        ukpd=names,
        kelurahan=kel,
        kecamatan_office=kec,
        kota_idx=kota_idx,
        unit_prior=prior,
        kategori=kategori,
        kategori_prior=kat_prior,
        kategori_max=kat_max,
        kota_ok=kota_ok,
        sampah=int(np.flatnonzero(kategori == "Sampah")[0]),
        rincian=rincian,
        rincian_start=starts,
        rincian_count=counts,
        kanal=kanal,
        kanal_p=kanal_p / kanal_p.sum(),
    )


def _draw_laporan(
    rng: np.random.Generator,
    cat: _Catalog,
    masuk: np.ndarray,
    window_end: int,
    as_of: int,
    unit_w: np.ndarray,
    kat_w: np.ndarray,
) -> dict[str, np.ndarray]:
    """Draw every field of the ``laporan`` rows entered at ``masuk`` (int64 s)."""
    n = masuk.size
    n_units = cat.ukpd.size
    unit = rng.choice(n_units, size=n, p=unit_w)
    kat = rng.choice(cat.kategori.size, size=n, p=kat_w)
    bad = (unit == cat.kota_idx) & ~cat.kota_ok[kat]
    if bad.any():
        w2 = np.where(cat.kota_ok, kat_w, 0.0)
        kat[bad] = rng.choice(cat.kategori.size, size=int(bad.sum()), p=w2 / w2.sum())
    # Sub-category: the first ones of each list are the common ones (u ** 1.7 skews).
    u = rng.random(n) ** 1.7
    rinc = cat.rincian_start[kat] + (u * cat.rincian_count[kat]).astype(np.int64)
    kanal = rng.choice(cat.kanal.size, size=n, p=cat.kanal_p)

    # Each unit has its own pace (admins and field staff differ), partly shared
    # between response and completion, so rankings differ from month to month.
    z = rng.standard_normal((3, n_units))
    pace_resp = np.exp(0.35 * z[0] + 0.25 * z[1])
    pace_tl = np.exp(0.35 * z[0] + 0.25 * z[2])

    # Heavy tails: lognormal durations. Median response ~1.8 h puts roughly a
    # quarter of reports beyond the 6 h limit, as in the seed month (120 of 508).
    resp = np.clip(rng.lognormal(np.log(1.8 * HOUR), 1.3, n) * pace_resp[unit], 20, 96 * HOUR)
    tolak = rng.choice(5, size=n, p=[0.935, 0.05, 0.009, 0.004, 0.002])
    # Waste has a 48 h limit and is handled faster; each rejection means redoing
    # the follow-up, which costs about half a day more.
    work = rng.lognormal(np.log(4.5 * HOUR), 1.15, n) * pace_tl[unit]
    work *= np.where(kat == cat.sampah, 0.5, 1.0)
    work += tolak * rng.lognormal(np.log(10 * HOUR), 0.6, n)
    work = np.clip(work, 5 * MINUTE, 25 * DAY)
    respon = masuk + resp.astype(np.int64)
    selesai = respon + work.astype(np.int64)

    # EWS: for about a third of the reports running over their category's limit, the
    # admin filed an estimated completion time that extends the limit (explicit max).
    default_max = cat.kategori_max[kat]
    tl_jam = (selesai - masuk) / HOUR
    ews = (tl_jam > default_max) & (rng.random(n) < 0.35)
    max_jam = np.where(ews, np.maximum(default_max + 24.0, np.ceil(tl_jam / 24.0) * 24.0), np.nan)

    # Open reports: anything not finished by the as-of time, plus a few stuck ones,
    # more likely the nearer they were entered to the end of the period.
    p_open = 0.004 + 0.05 * np.exp(np.minimum(masuk - window_end, 0) / (4.0 * DAY))
    is_open = (selesai > as_of) | (rng.random(n) < p_open)
    kind = rng.choice(np.array([_WAIT, _DISPOSISI, _IN_PROGRES]), size=n, p=[0.25, 0.3, 0.45])
    kind = np.where(respon > as_of, _WAIT, kind)
    status = np.where(is_open, kind, _COMPLETE)
    respon = np.where(status == _WAIT, _NAT, respon)
    selesai = np.where(is_open, _NAT, selesai)
    return {
        "unit": unit,
        "kat": kat,
        "rinc": rinc,
        "kanal": kanal,
        "status": status,
        "masuk": masuk,
        "respon": respon,
        "selesai": selesai,
        "max_jam": max_jam,
        "tolak": tolak,
        "pace_coord": np.exp(0.3 * z[0] + 0.35 * rng.standard_normal(n_units)),
    }


def _effective_max(cat: _Catalog, lap: dict[str, np.ndarray]) -> np.ndarray:
    """Maximum follow-up hours per report: the explicit value, else the category's."""
    return np.where(np.isnan(lap["max_jam"]), cat.kategori_max[lap["kat"]], lap["max_jam"])


def _draw_koordinasi(
    rng: np.random.Generator,
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    foreign_t: np.ndarray,
    as_of: int,
    unit_w: np.ndarray,
) -> dict[str, np.ndarray]:
    """Coordination rows: some of the kelurahan's own reports plus reports of others.

    A kelurahan's own report is coordinated when its admin's first action
    (``waktu_respon``) was to coordinate; it turns to "in process" before the
    follow-up is submitted. ``foreign_t`` are the coordination times of reports
    owned by other units (city agencies), which make this population larger.
    """
    n = lap["unit"].size
    st = lap["status"]
    kel_row = cat.kelurahan[lap["unit"]]
    own = kel_row & (
        ((st == _COMPLETE) & (rng.random(n) < 0.55)) | (st == _DISPOSISI) | (st == _IN_PROGRES)
    )
    own_idx = np.flatnonzero(own)
    pace = lap["pace_coord"]

    def durations(units: np.ndarray) -> np.ndarray:
        d = rng.lognormal(np.log(45 * MINUTE), 1.35, units.size) * pace[units]
        return np.clip(d, 30, 72 * HOUR).astype(np.int64)

    o_unit = lap["unit"][own_idx]
    o_start = lap["respon"][own_idx]
    o_st = st[own_idx]
    o_end = o_start + durations(o_unit)
    o_end = np.where(o_st == _COMPLETE, np.minimum(o_end, lap["selesai"][own_idx]), o_end)
    o_end = np.where(o_st == _IN_PROGRES, np.minimum(o_end, as_of), o_end)
    o_end = np.where(o_st == _DISPOSISI, _NAT, o_end)

    # Reports of other units: spread over the kelurahan (flatter than ownership).
    kel_idx = np.flatnonzero(cat.kelurahan)
    w = unit_w[kel_idx] ** 0.6 * rng.lognormal(0.0, 0.3, kel_idx.size)
    f_unit = kel_idx[rng.choice(kel_idx.size, size=foreign_t.size, p=w / w.sum())]
    f_end = foreign_t + durations(f_unit)
    pending = (rng.random(foreign_t.size) < 0.03) | (f_end > as_of)
    f_end = np.where(pending, _NAT, f_end)
    return {
        "own_idx": own_idx,
        "unit": np.r_[o_unit, f_unit],
        "koordinasi": np.r_[o_start, foreign_t],
        "proses": np.r_[o_end, f_end],
        "n_own": np.int64(own_idx.size),
    }


def _report_codes(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    """Report numbers ``yymmddNNNN`` as int64 (``JK`` is added when formatting).

    Within a day, numbers rise with the time of creation (CRM numbers reports of
    the whole province in sequence, so a unit sees gaps); each day's sequence stays
    below 10 000 and numbers are unique by construction.
    """
    n = created.size
    day = created // DAY
    order = np.argsort(created, kind="stable")  # ties in time keep row order, on every CPU
    d_sorted = day[order]
    starts = np.r_[0, np.flatnonzero(np.diff(d_sorted)) + 1] if n else np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, n])
    if counts.size and counts.max() > 9999:
        raise ValueError("lebih dari 9999 laporan dalam satu hari; perpanjang rentang waktu")
    gap_max = np.clip(9000 // np.maximum(counts, 1), 1, 15)
    gaps = 1 + (rng.random(n) * np.repeat(gap_max, counts)).astype(np.int64)
    csum = np.cumsum(gaps)
    seq_sorted = csum - np.repeat(csum[starts] - gaps[starts], counts)
    seq = np.empty(n, dtype=np.int64)
    seq[order] = seq_sorted
    days = day.astype("datetime64[D]")
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    month0 = days.astype("datetime64[M]")
    month = month0.astype(np.int64) % 12 + 1
    dom = (days - month0.astype("datetime64[D]")).astype(np.int64) + 1
    return (year % 100) * 100_000_000 + month * 1_000_000 + dom * 10_000 + seq


def _number_reports(
    rng: np.random.Generator, masuk: np.ndarray, foreign_t: np.ndarray, kor: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Report numbers of the ``laporan`` rows and of the ``koordinasi`` rows.

    A kelurahan's own coordinated report keeps its number; reports of other units
    were created 5 min to 3 h before their coordination.
    """
    created = np.r_[masuk, foreign_t - rng.integers(5 * MINUTE, 3 * HOUR, foreign_t.size)]
    codes = _report_codes(rng, created)
    lap_codes = codes[: masuk.size]
    kor_codes = np.r_[lap_codes[kor["own_idx"]], codes[masuk.size :]]
    return lap_codes, kor_codes


def _month_weights(rng: np.random.Generator, cat: _Catalog) -> tuple[np.ndarray, np.ndarray]:
    """This month's unit and category weights: the Zipf priors with monthly noise."""
    unit_w = cat.unit_prior * rng.lognormal(0.0, 0.3, cat.ukpd.size)
    kat_w = cat.kategori_prior * rng.lognormal(0.0, 0.25, cat.kategori.size)
    return unit_w / unit_w.sum(), kat_w / kat_w.sum()


def _nilai_column(cat: _Catalog, lap: dict[str, np.ndarray]) -> np.ndarray:
    """``nilai_tl`` as a CRM export fills it: the rule's score for completed reports."""
    done = lap["status"] == _COMPLETE
    tl = (lap["selesai"] - lap["masuk"]) / HOUR
    return np.where(done, _nilai_rule(tl, _effective_max(cat, lap)), np.nan)
