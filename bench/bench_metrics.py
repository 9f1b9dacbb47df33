"""Benchmark the metric layer: one million reports, crmlib against DuckDB SQL.

Run: ``.venv/bin/python bench/bench_metrics.py [--rows N]`` (default 1 000 000).

Steps, in one process (data generation runs in a child process, so its memory does
not count in the peak RSS reported here):

1. generate ``--rows`` reports and their coordination rows (``crmlib.samplegen.
   generate_many``; a local vectorised generator when that is not available) and
   write them once as CSV into ``bench/data/`` (git-ignored), plus an ``.xlsx`` of
   ``--xlsx-rows`` rows (100 000 by default);
2. time reading: pandas ``read_csv(engine="pyarrow")`` for the CSV and
   ``read_excel(engine="calamine")`` for the workbook;
3. time :func:`crmlib.metrics.compute_all` over the CSV frames (best of ``--repeat``);
4. run the same metrics as DuckDB SQL over the same DataFrames (best of
   ``--repeat``), check that both give the same results, print the ratio;
5. report peak RSS (``resource.getrusage(...).ru_maxrss``) and check the targets:
   all metrics ≤ 2 s after reading, peak memory ≤ 1.5 GB, crmlib ≤ 1.5 × DuckDB.

Exit status 0 when results agree (and targets are met with ``--strict``), else 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crmlib.data.refdata import load_reference  # noqa: E402
from crmlib.metrics import STATUSES, MetricParams, Metrics, compute_all  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "data"
TARGET_SECONDS = 2.0
TARGET_RSS_MB = 1536.0
TARGET_RATIO = 1.5


# --------------------------------------------------------------------------- data


def _local_generate(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fallback generator (canonical columns) when crmlib.samplegen is not available."""
    ref = load_reference()
    rng = np.random.default_rng(seed)
    units = ref.ukpd["ukpd"].to_numpy(dtype=object)
    kel = ref.ukpd.loc[ref.ukpd["tingkat"] == "kelurahan", "ukpd"].to_numpy(dtype=object)
    kanal = ref.kanal["kanal"].to_numpy(dtype=object)
    kategori = ref.kategori["kategori"].to_numpy(dtype=object)
    start = np.datetime64("2020-01-01T00:00:00", "s").astype(np.int64)
    masuk = start + rng.integers(0, 400 * 86400, n)
    w = 1.0 / np.arange(1, len(units) + 1)
    respon = masuk + rng.exponential(4 * 3600, n).astype(np.int64)
    selesai = respon + rng.exponential(20 * 3600, n).astype(np.int64)
    done = rng.random(n) < 0.97
    lap = pd.DataFrame(
        {
            "nomor_laporan": pd.Series(np.char.add("JK", np.arange(n).astype("U10")), dtype="str"),
            "kanal": pd.Series(kanal[rng.integers(0, len(kanal), n)], dtype="str"),
            "kategori": pd.Series(kategori[rng.integers(0, len(kategori), n)], dtype="str"),
            "rincian_masalah": pd.Series(["-"] * n, dtype="str"),
            "ukpd": pd.Series(units[rng.choice(len(units), n, p=w / w.sum())], dtype="str"),
            "status": pd.Series(np.where(done, "Complete", "Wait"), dtype="str"),
            "waktu_masuk": masuk.astype("datetime64[s]"),
            "waktu_respon": respon.astype("datetime64[s]"),
            "waktu_selesai": np.where(done, selesai, np.iinfo(np.int64).min).astype(
                "datetime64[s]"
            ),
            "max_waktu_tl_jam": np.nan,
            "jumlah_tl_ditolak": rng.poisson(0.05, n),
            "nilai_tl": np.nan,
        }
    )
    m = int(n * 1.5)
    koord = start + rng.integers(0, 400 * 86400, m)
    proses = koord + rng.exponential(3 * 3600, m).astype(np.int64)
    koo = pd.DataFrame(
        {
            "nomor_laporan": pd.Series(np.char.add("JK", np.arange(m).astype("U10")), dtype="str"),
            "ukpd": pd.Series(kel[rng.integers(0, len(kel), m)], dtype="str"),
            "waktu_koordinasi": koord.astype("datetime64[s]"),
            "waktu_proses": np.where(rng.random(m) < 0.95, proses, np.iinfo(np.int64).min).astype(
                "datetime64[s]"
            ),
        }
    )
    return lap, koo


def generate(n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Export-like frames of ``n`` reports and the name of the generator used."""
    try:
        from crmlib.samplegen import generate_many
    except ImportError:
        lap, koo = _local_generate(n, seed)
        return lap, koo, "bench local generator"
    lap, koo = generate_many(n, seed)
    return lap, koo, "crmlib.samplegen.generate_many"


def _write_xlsx(lap: pd.DataFrame, koo: pd.DataFrame, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, frame in (("laporan", lap), ("koordinasi", koo)):
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        cols = []
        for c in frame.columns:
            s = frame[c]
            if pd.api.types.is_datetime64_any_dtype(s):
                cols.append([None if pd.isna(v) else v for v in s.dt.to_pydatetime()])
            else:
                cols.append([None if pd.isna(v) else v for v in s.tolist()])
        for row in zip(*cols, strict=True):
            ws.append(list(row))
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    os.replace(tmp, path)


def data_paths(rows: int, seed: int, xlsx_rows: int) -> tuple[Path, Path]:
    folder = DATA_DIR / f"metrics-{rows}-s{seed}"
    return folder, DATA_DIR / f"metrics-{rows}-s{seed}-xlsx{min(rows, xlsx_rows)}.xlsx"


def generate_files(rows: int, seed: int, xlsx_rows: int) -> None:
    """Write the CSV folder and the workbook (called in a child process)."""
    folder, xlsx = data_paths(rows, seed, xlsx_rows)
    t = time.perf_counter()
    lap, koo, how = generate(rows, seed)
    print(
        f"  generated {len(lap):,} reports + {len(koo):,} coordination rows with {how} "
        f"in {time.perf_counter() - t:.1f} s",
        flush=True,
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("laporan", lap), ("koordinasi", koo)):
        tmp = folder / f".{name}.csv.tmp"
        frame.to_csv(tmp, index=False, date_format="%Y-%m-%d %H:%M:%S")
        os.replace(tmp, folder / f"{name}.csv")
    (folder / "GENERATOR").write_text(how + "\n", encoding="utf-8")
    if not xlsx.exists():
        t = time.perf_counter()
        k = min(rows, xlsx_rows)
        _write_xlsx(lap.iloc[:k], koo.iloc[:k], xlsx)
        print(
            f"  wrote {xlsx.name} ({k:,} rows per sheet) in {time.perf_counter() - t:.1f} s",
            flush=True,
        )


# --------------------------------------------------------------------------- reading


def read_csv_month(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    lap = pd.read_csv(folder / "laporan.csv", engine="pyarrow")
    koo = pd.read_csv(folder / "koordinasi.csv", engine="pyarrow")
    return lap, koo


def canonical(lap: pd.DataFrame, koo: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the reader adds to an export: category default maximum, kecamatan, typed columns."""
    ref = load_reference()
    kmax = dict(zip(ref.kategori["kategori"], ref.kategori["max_waktu_tl_jam"], strict=True))
    kec = dict(zip(ref.ukpd["ukpd"], ref.ukpd["kecamatan"], strict=True))
    default = lap["kategori"].map(kmax).astype(float).fillna(ref.default_max_waktu_tl_jam)
    lap = lap.assign(
        max_waktu_tl_jam=lap["max_waktu_tl_jam"].astype(float).fillna(default),
        nilai_tl=lap["nilai_tl"].astype(float),
        jumlah_tl_ditolak=lap["jumlah_tl_ditolak"].fillna(0).astype("int64"),
        rincian_masalah=lap["rincian_masalah"].astype("str"),
        kecamatan=lap["ukpd"].map(kec),
    )
    for c in ("waktu_masuk", "waktu_respon", "waktu_selesai"):
        lap[c] = pd.to_datetime(lap[c])
    koo = koo.assign(kecamatan=koo["ukpd"].map(kec))
    for c in ("waktu_koordinasi", "waktu_proses"):
        koo[c] = pd.to_datetime(koo[c])
    return lap, koo


# --------------------------------------------------------------------------- DuckDB peer


def duckdb_metrics(con, periode: str, params: MetricParams) -> dict[str, pd.DataFrame]:
    """The report's metrics as DuckDB SQL over registered frames ``lap``, ``koo``, ``ref``,
    ``kref`` (same definitions as crmlib.metrics; durations as epoch-second differences)."""
    p = params
    start = pd.Timestamp(f"{periode}-01")
    days = start.days_in_month
    status_cols = ", ".join(f"count(*) FILTER (WHERE status = '{s}') AS \"{s}\"" for s in STATUSES)
    coalesce = ", ".join(f'coalesce(c."{s}", 0)::BIGINT AS "{s}"' for s in STATUSES)
    q: dict[str, str] = {}
    q["rekap_status"] = f"""
        WITH c AS (SELECT ukpd, {status_cols} FROM lap GROUP BY ukpd)
        SELECT r.ukpd, r.tingkat, r.kecamatan, {coalesce},
               coalesce(c."Complete" + c."Disposisi" + c."In Progres" + c."Wait", 0)::BIGINT
               AS total
        FROM ref r LEFT JOIN c USING (ukpd) ORDER BY r.pos"""
    q["respon"] = f"""
        SELECT count(*) FILTER (WHERE waktu_respon IS NOT NULL AND
               epoch(waktu_respon) - epoch(waktu_masuk) <= {p.batas_respon_jam * 3600})
               AS tepat_waktu, count(*) AS total FROM lap"""
    nilai = f"""
        WITH s AS (SELECT *, epoch(waktu_selesai) - epoch(waktu_masuk) AS tl_s FROM lap)
        SELECT *, coalesce(nilai_tl, CASE
            WHEN tl_s IS NULL THEN NULL
            WHEN tl_s <= max_waktu_tl_jam * 3600 THEN 100.0
            ELSE greatest(0.0, 100.0 - {p.penalti_per_langkah} *
                 ceil((tl_s - max_waktu_tl_jam * 3600) / {p.langkah_jam * 3600})) END) AS nilai
        FROM s"""
    q["capaian"] = f"""
        WITH n AS ({nilai})
        SELECT avg(nilai) AS capaian, count(nilai) AS jumlah_selesai
        FROM n WHERE waktu_selesai IS NOT NULL"""
    q["top_ukpd"] = f"""
        WITH c AS (SELECT ukpd, count(*) AS jumlah FROM lap GROUP BY ukpd)
        SELECT rank() OVER (ORDER BY jumlah DESC) AS peringkat, ukpd, jumlah
        FROM c JOIN ref USING (ukpd)
        QUALIFY peringkat <= {p.top_n} ORDER BY peringkat, pos"""
    q["top_kategori"] = f"""
        WITH c AS (SELECT kategori, count(*) AS jumlah FROM lap
                   WHERE kategori IS NOT NULL GROUP BY kategori)
        SELECT rank() OVER (ORDER BY jumlah DESC) AS peringkat, kategori, jumlah FROM c
        QUALIFY peringkat <= {p.top_n} ORDER BY peringkat, lower(kategori), kategori"""
    for name, table, t0, t1 in (
        ("koordinasi", "koo", "waktu_koordinasi", "waktu_proses"),
        ("penyelesaian", "lap", "waktu_masuk", "waktu_selesai"),
    ):
        base = f"""
            WITH c AS (SELECT ukpd, count(*) AS jumlah,
                              sum(epoch({t1}) - epoch({t0})) / count(*) AS mean_s
                       FROM {table} WHERE {t1} IS NOT NULL GROUP BY ukpd)
            SELECT rank() OVER (ORDER BY mean_s {{order}}) AS peringkat, ukpd, jumlah,
                   mean_s / {{per}} AS {{col}}
            FROM c JOIN ref USING (ukpd) WHERE ref.tingkat = 'kelurahan'
            QUALIFY peringkat <= {p.peringkat_n} ORDER BY peringkat, pos"""
        q[f"{name}_tercepat"] = base.format(order="ASC", per=60.0, col="rerata_menit")
        q[f"{name}_terlama"] = base.format(order="DESC", per=3600.0, col="rerata_jam")
    q["tl_ditolak"] = f"""
        SELECT nomor_laporan, ukpd, kanal, kategori, status, jumlah_tl_ditolak AS jumlah_ditolak
        FROM lap JOIN ref USING (ukpd) WHERE jumlah_tl_ditolak >= {p.ambang_ditolak}
        ORDER BY pos, nomor_laporan"""
    q["nilai_tl_dibawah_100"] = f"""
        WITH n AS ({nilai})
        SELECT nomor_laporan, ukpd, kategori, rincian_masalah, waktu_masuk, waktu_selesai,
               max_waktu_tl_jam, tl_s / 3600.0 AS waktu_tl_jam, nilai AS nilai_tl
        FROM n JOIN ref USING (ukpd) WHERE nilai < 100 ORDER BY pos, nomor_laporan"""
    q["per_kanal"] = """
        WITH c AS (SELECT kanal, count(*) AS jumlah FROM lap GROUP BY kanal)
        SELECT k.kanal, coalesce(c.jumlah, 0)::BIGINT AS jumlah
        FROM kref k LEFT JOIN c USING (kanal) ORDER BY k.urutan"""
    q["harian"] = f"""
        WITH d AS (SELECT (TIMESTAMP '{start}' + INTERVAL (i) DAY) AS tanggal
                   FROM range({days}) t(i)),
             c AS (SELECT date_trunc('day', waktu_masuk) AS tanggal, count(*) AS jumlah
                   FROM lap WHERE waktu_masuk >= TIMESTAMP '{start}'
                     AND waktu_masuk < TIMESTAMP '{start}' + INTERVAL ({days}) DAY
                   GROUP BY 1)
        SELECT d.tanggal, coalesce(c.jumlah, 0)::BIGINT AS jumlah
        FROM d LEFT JOIN c USING (tanggal) ORDER BY d.tanggal"""
    return {name: con.execute(sql).df() for name, sql in q.items()}


def compare(m: Metrics, duck: dict[str, pd.DataFrame]) -> list[str]:
    """Differences between crmlib's and DuckDB's results (empty when they agree)."""
    problems: list[str] = []

    def same(name: str, ours: pd.DataFrame, theirs: pd.DataFrame, cols: list[str]) -> None:
        if len(ours) != len(theirs):
            problems.append(f"{name}: {len(ours)} rows vs DuckDB {len(theirs)}")
            return
        for c in cols:
            a, b = ours[c].reset_index(drop=True), theirs[c].reset_index(drop=True)
            if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
                ok = np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, equal_nan=True)
            elif pd.api.types.is_datetime64_any_dtype(a):
                ok = (a.astype("datetime64[ns]") == b.astype("datetime64[ns]")).all()
            else:
                ok = (
                    a.astype(object).fillna("").to_numpy() == b.astype(object).fillna("").to_numpy()
                ).all()
            if not ok:
                problems.append(f"{name}.{c} differs")

    same("rekap_status", m.rekap_status, duck["rekap_status"], ["ukpd", *STATUSES, "total"])
    r = duck["respon"].iloc[0]
    if (m.respon["tepat_waktu"], m.total_laporan) != (int(r["tepat_waktu"]), int(r["total"])):
        problems.append(f"respon: {m.respon} vs DuckDB {r.to_dict()}")
    c = duck["capaian"].iloc[0]
    if m.jumlah_selesai != int(c["jumlah_selesai"]) or (
        m.capaian_persen is not None and not np.isclose(m.capaian_persen, c["capaian"], rtol=1e-12)
    ):
        problems.append(f"capaian: {m.capaian_persen} vs DuckDB {c['capaian']}")
    for name, cols in (
        ("top_ukpd", ["peringkat", "ukpd", "jumlah"]),
        ("top_kategori", ["peringkat", "kategori", "jumlah"]),
        ("koordinasi_tercepat", ["peringkat", "ukpd", "jumlah", "rerata_menit"]),
        ("koordinasi_terlama", ["peringkat", "ukpd", "jumlah", "rerata_jam"]),
        ("penyelesaian_tercepat", ["peringkat", "ukpd", "jumlah", "rerata_menit"]),
        ("penyelesaian_terlama", ["peringkat", "ukpd", "jumlah", "rerata_jam"]),
        ("tl_ditolak", ["nomor_laporan", "ukpd", "kanal", "kategori", "status", "jumlah_ditolak"]),
        (
            "nilai_tl_dibawah_100",
            [
                "nomor_laporan",
                "ukpd",
                "waktu_masuk",
                "waktu_selesai",
                "max_waktu_tl_jam",
                "waktu_tl_jam",
                "nilai_tl",
            ],
        ),
        ("per_kanal", ["kanal", "jumlah"]),
        ("harian", ["tanggal", "jumlah"]),
    ):
        same(name, getattr(m, name), duck[name], cols)
    return problems


# --------------------------------------------------------------------------- report


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, str]:
    import duckdb

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.date.today().isoformat(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "duckdb": duckdb.__version__,
    }


def best_of(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), float(np.median(times)), result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="reports (default 1 000 000)")
    ap.add_argument("--seed", type=int, default=20220611)
    ap.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the .xlsx read test")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (best)")
    ap.add_argument("--regenerate", action="store_true", help="rewrite bench/data files")
    ap.add_argument(
        "--with-reader",
        action="store_true",
        help="also time crmlib.data.reader.read_month on the CSV folder (all validation)",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.generate_only:
        generate_files(args.rows, args.seed, args.xlsx_rows)
        return 0

    import duckdb

    info = machine()
    print("crmlib metrics benchmark  " + "  ".join(f"{k}={v}" for k, v in info.items()))
    folder, xlsx = data_paths(args.rows, args.seed, args.xlsx_rows)
    if args.regenerate or not (folder / "koordinasi.csv").exists() or not xlsx.exists():
        print(f"generating data into {folder.relative_to(ROOT)} (child process) ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-only",
                "--rows",
                str(args.rows),
                "--seed",
                str(args.seed),
                "--xlsx-rows",
                str(args.xlsx_rows),
            ],
            check=True,
        )
    generator = (folder / "GENERATOR").read_text(encoding="utf-8").strip()
    rss_start = rss_mb()

    t = time.perf_counter()
    lap_raw, koo_raw = read_csv_month(folder)
    t_csv = time.perf_counter() - t
    t = time.perf_counter()
    lap, koo = canonical(lap_raw, koo_raw)
    t_canon = time.perf_counter() - t
    del lap_raw, koo_raw
    t = time.perf_counter()
    book = pd.read_excel(xlsx, sheet_name=None, engine="calamine")
    t_xlsx = time.perf_counter() - t
    xlsx_rows = " + ".join(f"{len(v):,}" for v in book.values())
    del book
    rss_read = rss_mb()

    ref = load_reference()
    params = MetricParams()
    periode = lap["waktu_masuk"].min().strftime("%Y-%m")

    def run_crmlib() -> Metrics:
        return compute_all(
            lap, koo, ref.ukpd, ref.kanal, periode=periode, kota="JAKARTA TIMUR", params=params
        )

    t_crm, t_crm_med, m = best_of(run_crmlib, args.repeat)
    rss_crm = rss_mb()
    # One extra run under tracemalloc: what compute_all itself allocates at its peak
    # (NumPy/pandas buffers; pyarrow's own pool is not traced).
    tracemalloc.start()
    run_crmlib()
    traced_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    con = duckdb.connect()
    con.register("lap", lap)
    con.register("koo", koo)
    con.register("ref", ref.ukpd.assign(pos=np.arange(len(ref.ukpd))))
    con.register("kref", ref.kanal)
    t_duck, t_duck_med, duck = best_of(lambda: duckdb_metrics(con, periode, params), args.repeat)
    rss_all = rss_mb()
    problems = compare(m, duck)
    ratio = t_crm / t_duck

    print(
        f"data: {len(lap):,} reports, {len(koo):,} coordination rows ({generator}); "
        f"periode for the daily series: {periode}"
    )
    print(f"read CSV (pandas, engine=pyarrow) ........ {t_csv:7.2f} s")
    print(f"canonicalise (reader's fill-ins) ......... {t_canon:7.2f} s")
    print(f"read xlsx (calamine, {xlsx_rows} rows) ... {t_xlsx:7.2f} s")
    print(
        f"compute_all, crmlib (best / median of {args.repeat}) {t_crm:7.3f} s / {t_crm_med:.3f} s"
    )
    print(f"same metrics, DuckDB SQL (best / median) {t_duck:7.3f} s / {t_duck_med:.3f} s")
    print(f"ratio crmlib / DuckDB .................... {ratio:7.2f}")
    print(
        f"peak RSS: at start {rss_start:.0f} MB, after reading {rss_read:.0f} MB, "
        f"after crmlib {rss_crm:.0f} MB, after DuckDB {rss_all:.0f} MB; "
        f"compute_all traced peak {traced_peak_mb:.0f} MB"
    )
    if args.with_reader:
        from crmlib.data.reader import read_month

        t = time.perf_counter()
        month = read_month(folder, periode=periode)
        print(
            f"crmlib.data.reader.read_month (validate {month.counts['laporan']['read']:,} reports, "
            f"keep {periode}) {time.perf_counter() - t:.2f} s"
        )
    print("results agree: " + ("yes" if not problems else "NO\n  " + "\n  ".join(problems)))
    targets = [
        (f"compute_all ≤ {TARGET_SECONDS} s", t_crm <= TARGET_SECONDS),
        (f"peak RSS (read + crmlib) ≤ {TARGET_RSS_MB:.0f} MB", rss_crm <= TARGET_RSS_MB),
        (f"crmlib ≤ {TARGET_RATIO} × DuckDB", ratio <= TARGET_RATIO),
    ]
    for label, ok in targets:
        print(f"target {label}: {'met' if ok else 'MISSED'}")
    failed = bool(problems) or (args.strict and not all(ok for _, ok in targets))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
