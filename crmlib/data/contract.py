"""The data contract's canonical tables: their columns, the report statuses, and shares.

The reader produces exactly these columns (``docs/format-data.md``), the metrics read
them, the sample generator writes them. :func:`persen` is how every layer turns a count
into a share of the month's reports (the metrics re-export it as ``crmlib.metrics.persen``).
Standard library only, so that the pure metrics can import it, and so can the archive,
which reads only ``metrics.json`` and never needs pandas.
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

#: The canonical folder's name inside a month being built and inside an edition
#: (:mod:`crmlib.data.canonical`; named here so that the build imports no pandas for it).
CANONICAL_FOLDER = "masukan"


def persen(bagian: int, total: int) -> float | None:
    """Share of the month's reports, in percent (e.g. responded on time).

    Parameters
    ----------
    bagian : int
        Reports in the share, e.g. ``respon["tepat_waktu"]``.
    total : int
        All reports of the month.

    Returns
    -------
    float or None
        ``100 × bagian / total``, unrounded; None for a month without reports.
    """
    return 100 * bagian / total if total else None


__all__ = ["CANONICAL_FOLDER", "KOORDINASI_COLUMNS", "LAPORAN_COLUMNS", "STATUSES", "persen"]
