"""The data contract's canonical tables: their columns and the report statuses.

The reader produces exactly these columns (``docs/format-data.md``), the metrics read
them, the sample generator writes them. Standard library only, so that the pure
metrics can import it.
"""

from __future__ import annotations

#: The four report statuses, in the column order of the recap table.
STATUSES: tuple[str, ...] = ("Complete", "Disposisi", "In Progres", "Wait")

LAPORAN_COLUMNS = (
    "nomor_laporan",
    "kanal",
    "kategori",
    "rincian_masalah",
    "ukpd",
    "status",
    "waktu_masuk",
    "waktu_respon",
    "waktu_selesai",
    "max_waktu_tl_jam",
    "jumlah_tl_ditolak",
    "nilai_tl",
)
KOORDINASI_COLUMNS = ("nomor_laporan", "ukpd", "waktu_koordinasi", "waktu_proses")

__all__ = ["KOORDINASI_COLUMNS", "LAPORAN_COLUMNS", "STATUSES"]
