"""Builders of canonical ``laporan`` / ``koordinasi`` frames for the metric tests.

The frames follow the schema the reader returns (``docs/architecture.md``), built
directly so the metric tests do not depend on the reader. Times are given either as
datetimes or, more readably, as hours/minutes after ``waktu_masuk`` /
``waktu_koordinasi``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmlib.data.refdata import load_reference

REF = load_reference()
UKPD_REF = REF.ukpd
KANAL_REF = REF.kanal
KECAMATAN = dict(zip(UKPD_REF["ukpd"], UKPD_REF["kecamatan"], strict=True))
KELURAHAN = UKPD_REF.loc[UKPD_REF["tingkat"] == "kelurahan", "ukpd"].tolist()
UNITS = UKPD_REF["ukpd"].tolist()

LAPORAN_COLUMNS = [
    "nomor_laporan",
    "kanal",
    "kategori",
    "rincian_masalah",
    "ukpd",
    "kecamatan",
    "status",
    "waktu_masuk",
    "waktu_respon",
    "waktu_selesai",
    "max_waktu_tl_jam",
    "jumlah_tl_ditolak",
    "nilai_tl",
]
KOORDINASI_COLUMNS = ["nomor_laporan", "ukpd", "kecamatan", "waktu_koordinasi", "waktu_proses"]
MASUK = pd.Timestamp("2022-06-03 08:00:00")


def _after(start: pd.Series, hours: list) -> pd.Series:
    delta = pd.to_timedelta(
        pd.Series([np.nan if h is None else h for h in hours], dtype=float), unit="h"
    )
    # Hours such as 1/60 are meant as whole seconds, not 59.999999999 s.
    return (start + delta.dt.round("s")).astype("datetime64[ns]")


def laporan_frame(rows: list[dict]) -> pd.DataFrame:
    """Canonical ``laporan`` frame from partial rows.

    Each row may give any canonical column; in addition ``respon_jam`` and
    ``selesai_jam`` give ``waktu_respon`` / ``waktu_selesai`` as hours after
    ``waktu_masuk`` (``None`` = missing). Defaults: a completed ``Sampah`` report of
    KELURAHAN KAYU MANIS received 3 June 2022 08:00, responded after 1 h and followed
    up after 10 h (max 48 h), never rejected, score computed.
    """
    recs = []
    for i, row in enumerate(rows):
        rec = {
            "nomor_laporan": f"JK2206{i:06d}",
            "kanal": "JAKI",
            "kategori": "Sampah",
            "rincian_masalah": "Sampah Lingkungan",
            "ukpd": "KELURAHAN KAYU MANIS",
            "status": "Complete",
            "waktu_masuk": MASUK,
            "respon_jam": 1.0,
            "selesai_jam": 10.0,
            "max_waktu_tl_jam": 48.0,
            "jumlah_tl_ditolak": 0,
            "nilai_tl": np.nan,
        }
        if "waktu_respon" in row:
            rec.pop("respon_jam")
        if "waktu_selesai" in row:
            rec.pop("selesai_jam")
        rec.update(row)
        recs.append(rec)
    df = pd.DataFrame(recs)
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in ("nomor_laporan", "kanal", "kategori", "ukpd", "status"):
        out[col] = pd.Series(df[col] if len(df) else [], dtype="str", index=out.index)
    out["rincian_masalah"] = pd.Series(
        df["rincian_masalah"] if len(df) else [], dtype="str", index=out.index
    )
    out["kecamatan"] = out["ukpd"].map(KECAMATAN).astype("str")
    masuk = pd.to_datetime(df["waktu_masuk"] if len(df) else pd.Series([], dtype=object))
    out["waktu_masuk"] = pd.Series(masuk.to_numpy(), index=out.index).astype("datetime64[ns]")
    for col, rel in (("waktu_respon", "respon_jam"), ("waktu_selesai", "selesai_jam")):
        if len(df) and rel in df.columns:
            given = df[col] if col in df.columns else pd.Series([None] * len(df))
            hours = df[rel].tolist()
            computed = _after(out["waktu_masuk"], [None if pd.isna(h) else h for h in hours])
            explicit = pd.to_datetime(given).astype("datetime64[ns]")
            out[col] = explicit.where(pd.Series(pd.isna(hours)).to_numpy(), computed.to_numpy())
        elif len(df):
            out[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
        else:
            out[col] = pd.Series([], dtype="datetime64[ns]")
    out["max_waktu_tl_jam"] = pd.Series(
        df["max_waktu_tl_jam"] if len(df) else [], dtype=float, index=out.index
    )
    out["jumlah_tl_ditolak"] = pd.Series(
        df["jumlah_tl_ditolak"] if len(df) else [], dtype="int64", index=out.index
    )
    out["nilai_tl"] = pd.Series(df["nilai_tl"] if len(df) else [], dtype=float, index=out.index)
    return out[LAPORAN_COLUMNS]


def koordinasi_frame(rows: list[dict]) -> pd.DataFrame:
    """Canonical ``koordinasi`` frame from partial rows.

    ``proses_menit`` gives ``waktu_proses`` as minutes after ``waktu_koordinasi``
    (``None`` = not yet in process). Defaults: KELURAHAN KAYU MANIS, coordinated
    3 June 2022 08:30, in process 15 minutes later.
    """
    recs = []
    for i, row in enumerate(rows):
        rec = {
            "nomor_laporan": f"JK2206{i:06d}",
            "ukpd": "KELURAHAN KAYU MANIS",
            "waktu_koordinasi": pd.Timestamp("2022-06-03 08:30:00"),
            "proses_menit": 15.0,
        }
        rec.update(row)
        recs.append(rec)
    df = pd.DataFrame(recs, columns=["nomor_laporan", "ukpd", "waktu_koordinasi", "proses_menit"])
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    out["nomor_laporan"] = pd.Series(df["nomor_laporan"], dtype="str", index=out.index)
    out["ukpd"] = pd.Series(df["ukpd"], dtype="str", index=out.index)
    out["kecamatan"] = out["ukpd"].map(KECAMATAN).astype("str")
    out["waktu_koordinasi"] = pd.to_datetime(df["waktu_koordinasi"]).astype("datetime64[ns]")
    minutes = pd.Series([np.nan if m is None else m for m in df["proses_menit"]], dtype=float)
    delta = pd.to_timedelta(minutes, unit="min").dt.round("s")
    out["waktu_proses"] = (out["waktu_koordinasi"] + delta).astype("datetime64[ns]")
    return out[KOORDINASI_COLUMNS]


def empty_laporan() -> pd.DataFrame:
    """A month without reports (typed columns, zero rows)."""
    return laporan_frame([])


def empty_koordinasi() -> pd.DataFrame:
    """A month without coordination rows."""
    return koordinasi_frame([])


def counts_month(counts: dict[str, int]) -> pd.DataFrame:
    """Reports only: ``counts[unit]`` reports for each unit (everything else default)."""
    rows = [{"ukpd": unit} for unit, n in counts.items() for _ in range(n)]
    return laporan_frame(rows)
