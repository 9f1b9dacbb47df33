"""Tests of the synthetic sample data and its generator (crmlib.samplegen).

The June 2022 checks read the committed CSV files with plain pandas and compute
every figure straight from the data contract's definitions, independently of
the project's reader and metrics; the expected values are typed in from the seed
report (docs: /work/shared/seed/laporan-bulanan-crm-jakarta-timur-2022-06.txt),
not imported from the generator.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import platform
import re
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from crmlib import samplegen
from crmlib.data.parsing import parse_datetimes
from crmlib.data.reader import read_month
from crmlib.data.refdata import load_reference, normalize_header
from crmlib.metrics import (
    compute_nilai_tl,
    compute_penyelesaian_ranking,
    compute_respon,
    compute_tl_ditolak,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
JUNE = SAMPLE / "2022-06"
REFERENCE = ROOT / "crmlib" / "data" / "reference"
AS_OF = pd.Timestamp("2022-07-11 08:34")
ISO = "%Y-%m-%d %H:%M:%S"
NUMBER = re.compile(r"^JK\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{4}$")
PPPSU = "Pekerjaan Penanganan Prasarana dan Sarana Umum Kelurahan"
PERIZINAN = "Perizinan Bidang Ketentraman, Ketertiban dan Perlindungan Masyarakat"

# --- the seed report's figures ---------------------------------------------------

SEED_REKAP = {  # Rekap Pengaduan Bulan Juni 2022 (kelurahan; kecamatan offices 0)
    "KAYU MANIS": 3, "PALMERIAM": 2, "KEBON MANGGIS": 1, "PISANGAN BARU": 1,
    "UTAN KAYU SELATAN": 19, "UTAN KAYU UTARA": 4, "CIPINANG": 1, "JATI": 5,
    "JATINEGARA KAUM": 1, "KAYU PUTIH": 5, "PISANGAN TIMUR": 4, "PULO GADUNG": 8,
    "RAWAMANGUN": 25, "BALIMESTER": 1, "BIDARA CINA": 21, "CIPINANG BESAR SELATAN": 13,
    "CIPINANG BESAR UTARA": 2, "CIPINANG CEMPEDAK": 5, "CIPINANG MUARA": 11,
    "KAMPUNG MELAYU": 2, "RAWA BUNGA": 2, "BALE KAMBANG": 2, "BATU AMPAR": 9, "CAWANG": 4,
    "CILILITAN": 11, "DUKUH": 4, "KRAMAT JATI": 3, "TENGAH": 11, "BARU": 2, "CIJANTUNG": 2,
    "GEDONG": 9, "KALISARI": 9, "PEKAYON": 8, "CAKUNG BARAT": 5, "CAKUNG TIMUR": 8,
    "JATINEGARA": 17, "PENGGILINGAN": 18, "PULO GEBANG": 21, "RAWA TERATE": 0,
    "UJUNG MENTENG": 4, "DUREN SAWIT": 6, "KLENDER": 7, "MALAKA JAYA": 1, "MALAKA SARI": 4,
    "PONDOK BAMBU": 5, "PONDOK KELAPA": 19, "PONDOK KOPI": 5, "CIBUBUR": 19, "CIRACAS": 10,
    "KELAPA DUA WETAN": 15, "RAMBUTAN": 10, "SUSUKAN": 15, "CIPINANG MELAYU": 3,
    "HALIM PERDANA KUSUMA": 6, "KEBON PALA": 8, "MAKASAR": 9, "PINANG RANTI": 3,
    "BAMBU APUS": 18, "CEGER": 7, "CILANGKAP": 6, "CIPAYUNG": 6, "LUBANG BUAYA": 2,
    "MUNJUL": 0, "PONDOK RANGGON": 5, "SETU": 19,
}  # fmt: skip
SEED_TOP_KATEGORI = [
    (PPPSU, 92),
    ("Sampah", 75),
    ("Jalan", 62),
    ("Parkir Liar", 48),
    ("Gangguan Ketenteraman dan Ketertiban", 42),
]
# Standard competition ranking with ties kept (contract §3): the seed cut the tie at 19.
SEED_TOP_UKPD = [
    (1, "RAWAMANGUN", 25), (2, "BIDARA CINA", 21), (2, "PULO GEBANG", 21),
    (4, "UTAN KAYU SELATAN", 19), (4, "PONDOK KELAPA", 19), (4, "CIBUBUR", 19), (4, "SETU", 19),
]  # fmt: skip
KOORD_CEPAT = [  # minutes, 2 decimals
    ("CIPAYUNG", 24, 10.63), ("HALIM PERDANA KUSUMA", 5, 12.80), ("CIRACAS", 52, 20.15),
    ("CIPINANG MUARA", 27, 20.26), ("UTAN KAYU UTARA", 12, 23.08), ("CIPINANG MELAYU", 19, 24.95),
    ("RAWA BUNGA", 11, 29.09), ("BALE KAMBANG", 21, 31.62), ("CEGER", 28, 35.71),
    ("GEDONG", 53, 38.00),
]  # fmt: skip
KOORD_LAMA = [  # hours, 3 decimals
    ("MUNJUL", 10, 9.778), ("BARU", 5, 9.100), ("DUKUH", 11, 8.506), ("BAMBU APUS", 21, 8.140),
    ("LUBANG BUAYA", 16, 6.851), ("JATINEGARA KAUM", 9, 6.128), ("KEBON MANGGIS", 7, 6.067),
    ("CIPINANG CEMPEDAK", 29, 4.280), ("CIJANTUNG", 19, 4.184), ("RAWA TERATE", 17, 3.933),
]  # fmt: skip
SELESAI_CEPAT = [  # minutes, 2 decimals
    ("CIPAYUNG", 6, 51.17), ("JATI", 5, 60.80), ("GEDONG", 9, 64.00), ("BARU", 2, 70.50),
    ("KAYU MANIS", 3, 79.67), ("PISANGAN BARU", 1, 81.00), ("PONDOK BAMBU", 5, 86.80),
    ("DUREN SAWIT", 6, 90.17), ("PEKAYON", 8, 100.63), ("PENGGILINGAN", 18, 104.83),
]  # fmt: skip
SELESAI_LAMA = [  # hours, 2 decimals
    ("KEBON MANGGIS", 1, 67.00), ("BALIMESTER", 1, 50.10), ("CIPINANG CEMPEDAK", 5, 29.53),
    ("PONDOK KOPI", 5, 21.71), ("CAKUNG BARAT", 5, 20.42), ("BAMBU APUS", 18, 19.70),
    ("KEBON PALA", 8, 14.79), ("PULO GADUNG", 8, 14.04), ("DUKUH", 4, 12.83),
    ("KRAMAT JATI", 3, 12.64),
]  # fmt: skip
UKPD_REF = load_reference().ukpd
PII_HEADERS = {"nama pelapor", "pelapor", "no hp", "email", "alamat", "isi laporan", "latitude"}


# --- helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def ukpd_ref() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "kota" / "jakarta-timur" / "ukpd.csv")


@pytest.fixture(scope="module")
def kategori_max() -> dict[str, float]:
    text = (REFERENCE / "kategori.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
    frame = pd.read_csv(pd.io.common.StringIO("\n".join(lines)))
    return dict(zip(frame["kategori"], frame["max_waktu_tl_jam"].astype(float), strict=True))


def _read_june() -> tuple[pd.DataFrame, pd.DataFrame]:
    lap = pd.read_csv(JUNE / "laporan.csv", dtype={"nomor_laporan": str})
    kor = pd.read_csv(JUNE / "koordinasi.csv", dtype={"nomor_laporan": str})
    for c in ("waktu_masuk", "waktu_respon", "waktu_selesai"):
        lap[c] = pd.to_datetime(lap[c], format=ISO)
    for c in ("waktu_koordinasi", "waktu_proses"):
        kor[c] = pd.to_datetime(kor[c], format=ISO)
    return lap, kor


@pytest.fixture(scope="module")
def june() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _read_june()


def _nilai(tl_jam: float, max_jam: float) -> float:
    """Contract §3 default rule."""
    if tl_jam <= max_jam:
        return 100.0
    return max(0.0, 100.0 - 10.0 * math.ceil((tl_jam - max_jam) / 12.0))


def _ranking(
    means: pd.DataFrame, ukpd_ref: pd.DataFrame, ascending: bool, n: int = 10
) -> pd.DataFrame:
    """Competition ranking, ties in official order, every entry with rank <= n."""
    order = dict(zip(ukpd_ref["ukpd"], ukpd_ref["urutan"], strict=True))
    m = means.assign(urutan=means.index.map(order))
    m = m.sort_values(["mean", "urutan"], ascending=[ascending, True])
    rank = m["mean"].rank(method="min", ascending=ascending)
    return m.loc[rank <= n]


def _assert_table(
    table: pd.DataFrame, expected: list[tuple[str, int, float]], decimals: int
) -> None:
    assert [u.removeprefix("KELURAHAN ") for u in table.index] == [e[0] for e in expected]
    half = 0.5 * 10.0**-decimals
    for (_, count, value), (_, row) in zip(expected, table.iterrows(), strict=True):
        assert row["count"] == count
        assert round(row["mean"], decimals) == pytest.approx(value, abs=1e-9)
        # Strictly inside the rounding interval, not on a half-way boundary.
        assert abs(row["mean"] - value) < half - 1e-7


def _check_cutoff(means: pd.Series, expected: list, ascending: bool) -> None:
    """Unlisted kelurahan lie strictly beyond the table's last entry (no tie at the cut)."""
    listed = {f"KELURAHAN {e[0]}" for e in expected}
    last = means[f"KELURAHAN {expected[-1][0]}"]
    others = means[[u for u in means.index if u not in listed]]
    assert (others > last).all() if ascending else (others < last).all()


# --- June 2022: the committed seed month ---------------------------------------------


def test_june_files_use_contract_form(june):
    lap, kor = june
    assert list(lap.columns) == list(samplegen.LAPORAN_COLUMNS)
    assert list(kor.columns) == list(samplegen.KOORDINASI_COLUMNS)
    first_row = (JUNE / "laporan.csv").read_text(encoding="utf-8").splitlines()[1]
    assert re.search(r",\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},", first_row)


def test_june_recap_per_unit(june, ukpd_ref):
    lap, _ = june
    assert len(lap) == 508
    assert lap["waktu_masuk"].between("2022-06-01", "2022-06-30 23:59:59").all()
    assert (lap["status"] == "Complete").all()
    assert lap["waktu_selesai"].notna().all() and lap["waktu_respon"].notna().all()
    counts = lap["ukpd"].value_counts()
    for unit in ukpd_ref["ukpd"]:
        if unit.startswith("KELURAHAN "):
            expected = SEED_REKAP[unit.removeprefix("KELURAHAN ")]
        elif unit.startswith("KECAMATAN "):
            expected = 0
        else:
            expected = 17
        assert counts.get(unit, 0) == expected, unit
    assert set(lap["ukpd"]) <= set(ukpd_ref["ukpd"])


def test_june_response_388_120(june):
    lap, _ = june
    hours = (lap["waktu_respon"] - lap["waktu_masuk"]).dt.total_seconds() / 3600
    tepat = int((hours <= 6).sum())
    assert (tepat, len(lap) - tepat) == (388, 120)
    # Nobody sits on the 6 h boundary.
    assert not ((hours - 6).abs() < 1 / 60).any()


def test_june_top_categories(june):
    lap, _ = june
    counts = lap["kategori"].value_counts()
    assert list(counts.head(5).items()) == SEED_TOP_KATEGORI
    assert counts.iloc[5] < 42


def test_june_top_units_with_tie(june, ukpd_ref):
    lap, _ = june
    order = dict(zip(ukpd_ref["ukpd"], ukpd_ref["urutan"], strict=True))
    c = lap["ukpd"].value_counts().rename("n").to_frame()
    c["urutan"] = c.index.map(order)
    c = c.sort_values(["n", "urutan"], ascending=[False, True])
    c["rank"] = c["n"].rank(method="min", ascending=False).astype(int)
    top = c[c["rank"] <= 5]
    rows = zip(top.index, top["n"], top["rank"], strict=True)
    got = [(r, u.removeprefix("KELURAHAN "), n) for u, n, r in rows]
    assert got == SEED_TOP_UKPD


def test_june_coordination_tables(june, ukpd_ref):
    _, kor = june
    assert kor["ukpd"].str.startswith("KELURAHAN ").all()
    assert kor["waktu_koordinasi"].between("2022-06-01", "2022-06-30 23:59:59").all()
    done = kor[kor["waktu_proses"].notna()]
    assert len(done) < len(kor)  # some rows still wait for "in process" and do not count
    dur = (done["waktu_proses"] - done["waktu_koordinasi"]).dt.total_seconds()
    g = dur.groupby(done["ukpd"]).agg(["count", "mean"])
    fast = _ranking(g.assign(mean=g["mean"] / 60), ukpd_ref, ascending=True)
    slow = _ranking(g.assign(mean=g["mean"] / 3600), ukpd_ref, ascending=False)
    _assert_table(fast, KOORD_CEPAT, 2)
    _assert_table(slow, KOORD_LAMA, 3)
    _check_cutoff(g["mean"] / 60, KOORD_CEPAT, ascending=True)
    _check_cutoff(g["mean"] / 3600, KOORD_LAMA, ascending=False)
    assert len(g) == 65  # every kelurahan coordinates something


def test_june_completion_tables(june, ukpd_ref):
    lap, _ = june
    kel = lap[lap["ukpd"].str.startswith("KELURAHAN ") & lap["waktu_selesai"].notna()]
    dur = (kel["waktu_selesai"] - kel["waktu_masuk"]).dt.total_seconds()
    g = dur.groupby(kel["ukpd"]).agg(["count", "mean"])
    fast = _ranking(g.assign(mean=g["mean"] / 60), ukpd_ref, ascending=True)
    slow = _ranking(g.assign(mean=g["mean"] / 3600), ukpd_ref, ascending=False)
    _assert_table(fast, SELESAI_CEPAT, 2)
    _assert_table(slow, SELESAI_LAMA, 2)
    _check_cutoff(g["mean"] / 60, SELESAI_CEPAT, ascending=True)
    _check_cutoff(g["mean"] / 3600, SELESAI_LAMA, ascending=False)


def test_june_rejected_twice(june):
    lap, _ = june
    rows = lap[lap["jumlah_tl_ditolak"].fillna(0) >= 2].sort_values("nomor_laporan")
    got = rows[["nomor_laporan", "ukpd", "kanal", "kategori", "status", "jumlah_tl_ditolak"]]
    assert got.values.tolist() == [
        ["JK2206080126", "KELURAHAN PONDOK KOPI", "JAKI", PERIZINAN, "Complete", 2],
        ["JK2206130046", "KELURAHAN SETU", "JAKI", PPPSU, "Complete", 4],
    ]
    assert (lap["jumlah_tl_ditolak"] == 1).sum() > 0  # rejected once: below the threshold


def test_june_only_one_score_below_100(june, kategori_max):
    lap, _ = june
    default = kategori_max["*"]
    tl = (lap["waktu_selesai"] - lap["waktu_masuk"]).dt.total_seconds() / 3600
    mx = lap["max_waktu_tl_jam"].fillna(lap["kategori"].map(kategori_max).fillna(default))
    nilai = lap["nilai_tl"].where(
        lap["nilai_tl"].notna(), [_nilai(t, m) for t, m in zip(tl, mx, strict=True)]
    )
    low = lap[nilai < 100]
    assert len(low) == 1
    row = low.iloc[0]
    assert row["nomor_laporan"] == "JK2206030245"
    assert row["ukpd"] == "KELURAHAN KEBON MANGGIS"
    assert (row["kategori"], row["rincian_masalah"]) == ("Sampah", "Sampah Lingkungan")
    assert row["waktu_masuk"] == pd.Timestamp("2022-06-03 16:15")
    assert row["waktu_selesai"] == pd.Timestamp("2022-06-06 11:15")
    assert mx[low.index[0]] == 48
    assert tl[low.index[0]] == 67.0
    assert nilai[low.index[0]] == 80
    # Achievement by the contract's definition (the seed printed 99,948%).
    assert nilai[lap["waktu_selesai"].notna()].mean() == pytest.approx((507 * 100 + 80) / 508)


def test_june_times_and_numbers(june):
    lap, kor = june
    assert (lap["waktu_respon"] >= lap["waktu_masuk"]).all()
    assert (lap["waktu_selesai"] >= lap["waktu_respon"]).all()
    done = kor["waktu_proses"].notna()
    assert (kor.loc[done, "waktu_proses"] >= kor.loc[done, "waktu_koordinasi"]).all()
    assert lap["waktu_selesai"].max() < AS_OF and kor["waktu_proses"].max() < AS_OF
    assert lap["nomor_laporan"].is_unique and kor["nomor_laporan"].is_unique
    assert lap["nomor_laporan"].str.match(NUMBER).all()
    assert kor["nomor_laporan"].str.match(NUMBER).all()
    # The number's date is the entry date.
    assert (lap["nomor_laporan"].str[2:8] == lap["waktu_masuk"].dt.strftime("%y%m%d")).all()
    # A kelurahan coordinating one of the city's reports is the unit owning it; its
    # coordination runs between the response and the follow-up.
    both = kor.merge(lap, on="nomor_laporan", suffixes=("_k", ""))
    assert 0 < len(both) < len(kor)
    assert (both["ukpd_k"] == both["ukpd"]).all()
    assert (both["waktu_koordinasi"] >= both["waktu_masuk"]).all()
    assert (both["waktu_proses"] <= both["waktu_selesai"]).all()


def test_june_filled_values_plausible(june):
    lap, _ = june
    kanal = lap["kanal"].value_counts(normalize=True)
    assert kanal.index[0] == "JAKI" and kanal.iloc[0] > 0.6
    assert lap["rincian_masalah"].notna().all()
    city = lap[lap["ukpd"] == "WALIKOTA JAKARTA TIMUR"]
    assert not (city["kategori"] == PPPSU).any()


def test_june_is_reproducible_from_code(june):
    lap, kor = samplegen.build_seed_month()
    got_lap, got_kor = june
    pd.testing.assert_frame_equal(
        lap.astype({"nilai_tl": float}), got_lap, check_dtype=False, check_exact=True
    )
    pd.testing.assert_frame_equal(kor, got_kor, check_dtype=False)


# --- all committed months ------------------------------------------------------------


def test_committed_samples_are_current():
    assert samplegen.check_samples() == []


# NumPy picks its sort and reduction kernels by CPU (AVX2, AVX-512); with those paths
# switched off the generator must still write the committed bytes. Before every tie was
# broken by a stable sort, 2022-01 came out with two report numbers swapped on CPUs without
# AVX-512. The variable exists on x86-64 only; elsewhere the dispatch differs by nature.
SIMD_OFF = {"NPY_DISABLE_CPU_FEATURES": "X86_V3 X86_V4"}


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 only")
def test_committed_samples_are_current_without_avx2_and_avx512():
    env = {**os.environ, **SIMD_OFF}
    probe = (
        "from numpy._core._multiarray_umath import __cpu_features__ as f; "
        "assert not f['X86_V3'] and not f['X86_V4'], 'SIMD paths still on'; "
        "from crmlib import samplegen; import sys; "
        "p = samplegen.check_samples(); print(*p, sep=chr(10), file=sys.stderr); "
        "sys.exit(1 if p else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr


@cache  # read once per run: the shape and the boundary tests read the same files (never changed)
def _read_sample(month: samplegen.SampleMonth) -> dict[str, pd.DataFrame]:
    path = samplegen.sample_path(month)
    if month.form == "xlsx":
        return pd.read_excel(path, sheet_name=None, engine="calamine")
    return {n: pd.read_csv(path / f"{n}.csv", dtype=str) for n in ("laporan", "koordinasi")}


@pytest.mark.parametrize("month", samplegen.SAMPLE_MONTHS, ids=lambda m: m.periode)
def test_committed_month_shape(month):
    path = samplegen.sample_path(month)
    files = [path] if month.form == "xlsx" else list(path.glob("*.csv"))
    assert files and all(f.stat().st_size < 1_000_000 for f in files)
    sheets = _read_sample(month)
    assert set(sheets) == {"laporan", "koordinasi"}
    ref = load_reference()
    for name, frame in sheets.items():
        keys = [normalize_header(c) for c in frame.columns]
        # Every header maps onto a contract column; no reporter-identifying column.
        assert all(ref.header_alias[name].get(k) for k in keys), frame.columns
        assert not set(keys) & (PII_HEADERS | ref.pelapor_headers)
        assert len(frame) > 300


def test_month_forms_and_styles():
    forms = {m.periode: m for m in samplegen.SAMPLE_MONTHS}
    assert len(forms) == 12
    for p, m in forms.items():
        assert m.form == ("xlsx" if int(p[-2:]) % 2 else "csv")
    assert samplegen.sample_path(forms["2022-01"]).name == "2022-01.xlsx"
    wb = load_workbook(samplegen.sample_path(forms["2022-01"]), read_only=True)
    assert wb.sheetnames == ["laporan", "koordinasi"]
    row = next(wb["laporan"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert any(isinstance(v, dt.datetime) for v in row)
    aliased = [p for p, m in forms.items() if m.headers == "alias"]
    dayfirst = [p for p, m in forms.items() if m.datetimes == "dayfirst"]
    assert aliased and dayfirst and all(forms[p].form == "csv" for p in dayfirst)
    text = (SAMPLE / dayfirst[0] / "laporan.csv").read_text(encoding="utf-8")
    assert text.startswith("No. Laporan,")
    assert re.search(r",\d{2}/\d{2}/\d{4} \d{2}:\d{2},", text)


def test_params_as_of_matches_when_present():
    """Sample data ends before the as-of timestamp the report prints."""
    for month in samplegen.SAMPLE_MONTHS:
        params = ROOT / "params" / f"{month.periode}.yaml"
        if params.exists():
            per_tanggal = yaml.safe_load(params.read_text(encoding="utf-8")).get("per_tanggal")
            if per_tanggal:
                assert pd.Timestamp(per_tanggal) == pd.Timestamp(month.as_of)


# --- the generator ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def _times_ok(lap: pd.DataFrame, kor: pd.DataFrame) -> None:
    r, s = lap["waktu_respon"], lap["waktu_selesai"]
    assert (r.isna() | (r >= lap["waktu_masuk"])).all()
    assert (s.isna() | (s >= lap["waktu_masuk"])).all()
    assert (s.isna() | r.isna() | (s >= r)).all()
    p = kor["waktu_proses"]
    assert (p.isna() | (p >= kor["waktu_koordinasi"])).all()


def test_generate_month_deterministic(ref):
    a = samplegen.generate_month("2022-07", seed=5, reference=ref)
    b = samplegen.generate_month("2022-07", seed=5, reference=ref)
    c = samplegen.generate_month("2022-07", seed=6, reference=ref)
    pd.testing.assert_frame_equal(a[0], b[0])
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[0].equals(c[0])


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 42])
def test_generate_month_properties(ref, seed):
    lap, kor = samplegen.generate_month("2022-02", seed=seed, reference=ref)
    assert list(lap.columns) == list(samplegen.LAPORAN_COLUMNS)
    assert list(kor.columns) == list(samplegen.KOORDINASI_COLUMNS)
    inside = lap["waktu_masuk"].dt.to_period("M") == pd.Period("2022-02")
    assert 400 <= inside.sum() <= 700
    # Neighbouring months present, but only a small share.
    assert 0 < (~inside).sum() <= 0.06 * len(lap)
    k_inside = kor["waktu_koordinasi"].dt.to_period("M") == pd.Period("2022-02")
    assert 0 < (~k_inside).sum() < 0.1 * len(kor)
    _times_ok(lap, kor)
    assert lap["nomor_laporan"].is_unique and kor["nomor_laporan"].is_unique
    assert lap["nomor_laporan"].str.match(NUMBER).all()
    assert len(kor) > len(lap)
    assert kor["ukpd"].str.startswith("KELURAHAN ").all()
    assert set(lap["ukpd"]) <= set(ref.ukpd["ukpd"])
    assert set(lap["kanal"]) <= set(ref.kanal["kanal"])
    assert set(lap["status"]) <= {"Complete", "Disposisi", "In Progres", "Wait"}
    month = lap[inside]
    # JAKI dominates; units and categories are skewed.
    share = month["kanal"].value_counts(normalize=True)
    assert share.index[0] == "JAKI" and share.iloc[0] > 0.6
    top = month["ukpd"].value_counts()
    assert top.iloc[0] >= 4 * top.median()
    kat = month["kategori"].value_counts()
    assert kat.iloc[0] >= 3 * kat.iloc[9]
    # Open reports: no follow-up time; Wait also without a response.
    open_ = month[month["status"] != "Complete"]
    assert set(open_["status"]) == {"Disposisi", "In Progres", "Wait"}
    assert open_["waktu_selesai"].isna().all()
    assert month.loc[month["status"] == "Wait", "waktu_respon"].isna().all()
    assert month.loc[month["status"] == "Complete", "waktu_selesai"].notna().all()
    # Rejections and late follow-ups.
    done = month[month["status"] == "Complete"]
    assert (done["jumlah_tl_ditolak"] >= 2).sum() >= 2
    tl = (done["waktu_selesai"] - done["waktu_masuk"]).dt.total_seconds() / 3600
    mx = done["max_waktu_tl_jam"].fillna(done["kategori"].map(ref.max_waktu_tl_jam))
    assert (tl > mx).sum() >= 2
    late_resp = (done["waktu_respon"] - done["waktu_masuk"]).dt.total_seconds() > 6 * 3600
    assert 0.05 < late_resp.mean() < 0.45
    # Heavy tail: the mean completion time well above the median.
    assert tl.mean() > 1.3 * tl.median()


def test_generate_month_as_of_and_nilai(ref):
    lap, kor = samplegen.generate_month(
        "2022-12", n_laporan=450, seed=9, reference=ref, as_of="2023-01-10 08:42", with_nilai=True
    )
    assert (lap["waktu_masuk"].dt.to_period("M") == pd.Period("2022-12")).sum() == 450
    limit = pd.Timestamp("2023-01-10 08:42")
    for col in ("waktu_masuk", "waktu_respon", "waktu_selesai"):
        assert (lap[col].dropna() <= limit).all()
    assert (kor["waktu_proses"].dropna() <= limit).all()
    done = lap["status"] == "Complete"
    assert lap.loc[done, "nilai_tl"].notna().all() and lap.loc[~done, "nilai_tl"].isna().all()
    assert (lap["nilai_tl"] < 100).any()


def test_generate_many_shape_and_dtypes(ref):
    lap, kor = samplegen.generate_many(50_000, seed=3, reference=ref)
    assert lap.shape == (50_000, 12)
    assert len(kor) > len(lap)
    for col in ("nomor_laporan", "kanal", "kategori", "rincian_masalah", "ukpd", "status"):
        assert pd.api.types.is_string_dtype(lap[col]), col
    for col in samplegen.DATETIME_COLUMNS["laporan"]:
        assert lap[col].dtype == "datetime64[us]"
    for col in samplegen.DATETIME_COLUMNS["koordinasi"]:
        assert kor[col].dtype == "datetime64[us]"
    assert lap["jumlah_tl_ditolak"].dtype == np.int64
    assert lap["max_waktu_tl_jam"].dtype == np.float64
    assert lap["nomor_laporan"].is_unique and kor["nomor_laporan"].is_unique
    assert lap["nomor_laporan"].str.match(NUMBER).all()
    assert lap["waktu_masuk"].dt.to_period("M").nunique() >= 12
    _times_ok(lap, kor)
    again = samplegen.generate_many(50_000, seed=3, reference=ref)
    pd.testing.assert_frame_equal(lap, again[0])


def test_write_month_roundtrip(tmp_path, ref):
    lap, kor = samplegen.generate_month("2022-05", n_laporan=400, seed=1, reference=ref)
    folder = samplegen.write_month(lap, kor, tmp_path / "csv", "csv")
    back = pd.read_csv(folder / "laporan.csv", dtype={"nomor_laporan": str})
    assert list(back.columns) == list(samplegen.LAPORAN_COLUMNS)
    for col in samplegen.DATETIME_COLUMNS["laporan"]:
        # ISO, with milliseconds only where there are any (the sub-second tie).
        parsed = pd.to_datetime(back[col], format="ISO8601")
        pd.testing.assert_series_equal(parsed, lap[col], check_names=False, check_dtype=False)
    assert back["waktu_selesai"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.400").sum() == 1
    book = samplegen.write_month(lap, kor, tmp_path / "month", "xlsx")
    assert book.name == "month.xlsx"
    for engine in ("openpyxl", "calamine"):
        sheets = pd.read_excel(book, sheet_name=None, engine=engine)
        assert list(sheets) == ["laporan", "koordinasi"]
        assert sheets["laporan"]["waktu_masuk"].dtype.kind == "M"
        # Missing values are empty cells, read as missing (not "").
        assert sheets["laporan"]["waktu_selesai"].isna().sum() == lap["waktu_selesai"].isna().sum()
        assert (
            sheets["laporan"]["max_waktu_tl_jam"].isna().sum()
            == len(lap) - lap["max_waktu_tl_jam"].notna().sum()
        )
        assert len(sheets["koordinasi"]) == len(kor)
    # Deterministic bytes.
    again = samplegen.write_month(lap, kor, tmp_path / "again.xlsx", "xlsx")
    assert book.read_bytes() == again.read_bytes()


def test_export_style_values_are_known_aliases(ref):
    lap, kor = samplegen.generate_month("2022-03", n_laporan=400, seed=2, reference=ref)
    lap2, kor2 = samplegen.export_style_values(lap, kor, ref)
    assert "Selesai" in set(lap2["status"])
    assert all(ref.canonical_status(s) for s in lap2["status"])
    assert all(ref.canonical_kanal(k) for k in lap2["kanal"])
    assert all(ref.canonical_ukpd(u) for u in pd.concat([lap2["ukpd"], kor2["ukpd"]]))
    assert (lap2["kategori"].map(ref.canonical_kategori) == lap["kategori"]).all()
    assert (lap2["ukpd"].map(ref.canonical_ukpd) == lap["ukpd"]).all()


def test_cli_check_and_months(tmp_path, capsys):
    assert samplegen.main(["--out", str(tmp_path), "--months", "2022-06", "2022-07"]) == 0
    assert (tmp_path / "2022-06" / "laporan.csv").is_file()
    assert (tmp_path / "2022-07.xlsx").is_file()
    # A workbook with other bytes (here: stored uncompressed) but the same cells is still
    # current: workbooks whose bytes differ are compared cell by cell.
    book = tmp_path / "2022-07.xlsx"
    with zipfile.ZipFile(io.BytesIO(book.read_bytes())) as src:
        with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as dst:
            for info in src.infolist():
                dst.writestr(info.filename, src.read(info.filename))
    check = ["--check", "--out", str(tmp_path), "--months", "2022-06", "2022-07"]
    assert samplegen.main(check) == 0
    (tmp_path / "2022-06" / "laporan.csv").write_text("x\n", encoding="utf-8")
    assert samplegen.main(["--check", "--out", str(tmp_path), "--months", "2022-06"]) == 1
    with pytest.raises(SystemExit):
        samplegen.main(["--months", "1999-01"])


# --- boundary rows in the committed months ------------------------------------------------
# Every generated month (all but the seed month 2022-06, whose figures are the seed's)
# holds rows exactly on each boundary the report judges and one step past it, so the
# golden and end-to-end tests see them too. A step is one second, or one minute in the
# day-first month that is written to the minute.

GENERATED = [m for m in samplegen.SAMPLE_MONTHS if m.seed is not None]
BATAS_RESPON = pd.Timedelta(hours=6)


def _step(month: samplegen.SampleMonth) -> pd.Timedelta:
    return pd.Timedelta(minutes=1) if month.datetimes == "dayfirst" else pd.Timedelta(seconds=1)


@pytest.fixture(scope="module")
def generated_months():
    """Each generated sample month as the reader returns it (read once, never changed)."""
    return {m.periode: read_month(samplegen.sample_path(m), m.periode) for m in GENERATED}


@pytest.mark.parametrize("month", GENERATED, ids=lambda m: m.periode)
def test_respon_tepat_6_jam_is_on_time_and_one_step_later_is_late(month, generated_months):
    lap = generated_months[month.periode].laporan
    respon = lap["waktu_respon"] - lap["waktu_masuk"]
    at, past = lap[respon == BATAS_RESPON], lap[respon == BATAS_RESPON + _step(month)]
    assert len(at) >= 1 and len(past) >= 1
    assert compute_respon(at)["tepat_waktu"] == len(at)
    assert compute_respon(past)["terlambat"] == len(past)


@pytest.mark.parametrize("month", GENERATED, ids=lambda m: m.periode)
def test_tl_tepat_maksimum_scores_100_and_one_step_later_loses_a_step(month, generated_months):
    lap = generated_months[month.periode].laporan
    over = (lap["waktu_selesai"] - lap["waktu_masuk"]) - pd.to_timedelta(
        lap["max_waktu_tl_jam"], unit="h"
    )
    at, past = over == pd.Timedelta(0), over == _step(month)
    assert at.sum() >= 1 and past.sum() >= 1
    nilai = compute_nilai_tl(lap)
    assert (nilai[at] == 100).all()
    assert (nilai[past] == 90).all()


@pytest.mark.parametrize("month", GENERATED, ids=lambda m: m.periode)
def test_ditolak_tepat_2_kali_is_listed_and_once_is_not(month, generated_months):
    lap = generated_months[month.periode].laporan
    listed = set(compute_tl_ditolak(lap, UKPD_REF)["nomor_laporan"])
    twice = set(lap.loc[lap["jumlah_tl_ditolak"] == 2, "nomor_laporan"])
    once = set(lap.loc[lap["jumlah_tl_ditolak"] == 1, "nomor_laporan"])
    assert twice and once
    assert twice <= listed and not once & listed


def _raw_masuk(month: samplegen.SampleMonth) -> pd.Series:
    """``waktu_masuk`` of every row of the committed file, other months included."""
    raw = _read_sample(month)["laporan"]
    aliases = load_reference().header_alias["laporan"]
    (col,) = [c for c in raw.columns if aliases.get(normalize_header(c)) == "waktu_masuk"]
    parsed, invalid = parse_datetimes(raw[col])
    assert not invalid.any()
    return parsed


@pytest.mark.parametrize("month", GENERATED, ids=lambda m: m.periode)
def test_first_and_last_instant_of_the_month_are_kept_and_the_next_left_out(
    month, generated_months
):
    start = pd.Timestamp(f"{month.periode}-01")
    end = start + pd.offsets.MonthBegin(1)
    data = generated_months[month.periode]
    masuk = data.laporan["waktu_masuk"]
    assert masuk.min() == start
    assert masuk.max() == end - _step(month)
    raw = _raw_masuk(month)
    # The neighbours' first and last instants are in the file, and left out.
    assert {start - _step(month), end} <= set(raw)
    assert data.counts["laporan"]["left_out"] == len(raw) - len(masuk)


@pytest.mark.parametrize(
    "month", [m for m in GENERATED if m.datetimes == "iso"], ids=lambda m: m.periode
)
def test_tie_at_cutoff_subsecond_is_judged_at_whole_seconds(month, generated_months):
    lap = generated_months[month.periode].laporan
    selesai = lap["waktu_selesai"]
    subsecond = selesai.notna() & (selesai != selesai.dt.floor("s"))
    (unit,) = lap.loc[subsecond, "ukpd"]
    ranking = compute_penyelesaian_ranking(lap, UKPD_REF)
    rank = ranking.set_index("ukpd")["peringkat"]
    tied = rank.index[(rank == rank[unit]) & (rank.index != unit)]
    assert rank[unit] == 1 and len(tied) == 1
    # With the milliseconds kept the unit would be the slower one: the tie is whole-second.
    tl = (selesai - lap["waktu_masuk"]).dt.total_seconds()
    exact = tl.groupby(lap["ukpd"]).mean()
    assert exact[unit] > exact[tied[0]]
    assert math.floor(exact[unit]) == exact[tied[0]]


@pytest.mark.parametrize("seed", [0, 7])
def test_a_small_generated_month_still_has_every_boundary_row(ref, seed):
    lap, _ = samplegen.generate_month("2022-02", n_laporan=40, seed=seed, reference=ref)
    month = lap[lap["waktu_masuk"].dt.to_period("M") == pd.Period("2022-02")]
    respon = month["waktu_respon"] - month["waktu_masuk"]
    assert {BATAS_RESPON, BATAS_RESPON + pd.Timedelta(seconds=1)} <= set(respon.dropna())
    max_jam = month["max_waktu_tl_jam"].fillna(month["kategori"].map(ref.max_waktu_tl_jam))
    over = month["waktu_selesai"] - month["waktu_masuk"] - pd.to_timedelta(max_jam, unit="h")
    assert {pd.Timedelta(0), pd.Timedelta(seconds=1)} <= set(over.dropna())
    assert {1, 2} <= set(month["jumlah_tl_ditolak"])
    assert month["waktu_masuk"].min() == pd.Timestamp("2022-02-01")
    assert month["waktu_masuk"].max() == pd.Timestamp("2022-02-28 23:59:59")
