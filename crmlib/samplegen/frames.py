"""The drawn arrays assembled into the contract's two tables (``laporan``, ``koordinasi``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmlib.data.refdata import STATUSES
from crmlib.samplegen.shape import _Catalog


def _to_datetime(seconds: np.ndarray) -> pd.Series:
    """int64 seconds (``_NAT`` = missing) -> datetime64[us] Series."""
    return pd.Series(np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")).astype(
        "datetime64[us]"
    )


def _to_str(names: np.ndarray, codes: np.ndarray) -> pd.Series:
    """``names[codes]`` as pandas' default string dtype.

    A pyarrow ``take`` avoids materialising millions of Python string objects.
    """
    text = pa.array(np.asarray(names, dtype=object).astype(str).tolist(), type=pa.string())
    return _arrow_str(text.take(pa.array(np.asarray(codes, dtype=np.int64))))


def _arrow_str(array: pa.Array) -> pd.Series:
    """A pyarrow string array as a Series of pandas' default ``str`` dtype."""
    return pd.Series(
        array.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
    )


def _format_codes(codes: np.ndarray) -> pd.Series:
    """int64 ``yymmddNNNN`` -> ``JKyymmddNNNN`` (pyarrow: fast for millions of rows)."""
    text = pa.array(np.asarray(codes, dtype=np.int64)).cast(pa.string())
    if codes.size and codes.min() < 1_000_000_000:  # years 2000-2009 need the leading zero
        text = pc.utf8_lpad(text, 10, "0")
    joined = pc.binary_join_element_wise("JK", text, "")
    return pd.Series(
        joined.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=np.nan)}.get)
    )


def _frames(
    cat: _Catalog,
    lap: dict[str, np.ndarray],
    lap_codes: np.ndarray,
    kor: dict[str, np.ndarray],
    kor_codes: np.ndarray,
    nilai: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Assemble the two contract tables; rows sorted by report number / coordination time."""
    order = np.argsort(lap_codes, kind="stable")  # unique numbers; stable all the same
    n = order.size
    laporan = pd.DataFrame(
        {
            "nomor_laporan": _format_codes(lap_codes[order]),
            "kanal": _to_str(cat.kanal, lap["kanal"][order]),
            "kategori": _to_str(cat.kategori, lap["kat"][order]),
            "rincian_masalah": _to_str(cat.rincian, lap["rinc"][order]),
            "ukpd": _to_str(cat.ukpd, lap["unit"][order]),
            "status": _to_str(np.array(STATUSES, dtype=object), lap["status"][order]),
            "waktu_masuk": _to_datetime(lap["masuk"][order]),
            "waktu_respon": _to_datetime(lap["respon"][order]),
            "waktu_selesai": _to_datetime(lap["selesai"][order]),
            "max_waktu_tl_jam": lap["max_jam"][order].astype(float),
            "jumlah_tl_ditolak": lap["tolak"][order].astype(np.int64),
            "nilai_tl": (np.full(n, np.nan) if nilai is None else nilai[order]).astype(float),
        }
    )
    # By coordination time, then number (one key: times in s < 2**33, codes < 10**10).
    key = kor["koordinasi"].astype(np.int64) * 10_000_000_000 + kor_codes
    korder = np.argsort(key, kind="stable")
    koordinasi = pd.DataFrame(
        {
            "nomor_laporan": _format_codes(kor_codes[korder]),
            "ukpd": _to_str(cat.ukpd, kor["unit"][korder]),
            "waktu_koordinasi": _to_datetime(kor["koordinasi"][korder]),
            "waktu_proses": _to_datetime(kor["proses"][korder]),
        }
    )
    return laporan, koordinasi
