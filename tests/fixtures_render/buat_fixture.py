"""Regenerate ``laporan.ipynb``: a small, hand-made *executed* report notebook.

It imitates what papermill leaves in ``output/<YYYY-MM>/laporan.ipynb``: a raw
front-matter cell, code cells whose outputs are ``text/markdown`` displays (made
with ``IPython.display.Markdown``) and one ``image/png`` chart with Quarto cell
options, plus noise the renderers must hide (a stderr warning, a plain-text
result, the code itself). Figures are shortened from the June 2022 report.

Run from the repository root: ``python tests/fixtures_render/buat_fixture.py``.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).parent

BAB_I = """# BAB I PENDAHULUAN

## A. Latar Belakang

Tugas pokok Aparatur Negara sebagai Abdi Negara dan Abdi Masyarakat antara lain tercermin \
dalam pelaksanaan pelayanan kepada masyarakat. Hasil dari menghimpun dan mengelola pengaduan \
dituangkan dalam bentuk rekapitulasi laporan pengaduan setiap bulan untuk dijadikan bahan \
masukan sekaligus evaluasi kepada para UKPD.

## B. Maksud dan Tujuan

Tujuan diadakan Penyusunan Laporan Bulanan Pengendalian dan Evaluasi Penanganan Pengaduan \
Masyarakat Kota Adm. Jakarta Timur adalah :

1. Membangun semangat dan mendorong kreativitas serta motivasi penyelenggaraan pelayanan publik.
2. Mengembangkan prinsip transparansi dan akuntabilitas penyelenggaraan pelayanan publik.

## C. Dasar Hukum

1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;
2. Surat Keputusan Sekretaris Daerah Provinsi DKI Jakarta Nomor 22 Tahun 2020 tentang \
Tindak Lanjut Pengaduan Masyarakat Melalui Aplikasi Citizen Relation Management (CRM).
"""

BAB_II_A = """# BAB II LAPORAN BULANAN PENGADUAN MASYARAKAT MELALUI APLIKASI CRM JUNI 2022

## A. Pelaksanaan

Penanganan pengaduan masyarakat dilakukan melalui aplikasi CRM dengan 14 kanal, antara lain:

1. QLUE
2. Twitter (@DKIJakarta)
3. JAKI (Jakarta Kini)
"""

REKAP_BARIS = [
    ("", "KECAMATAN MATRAMAN", "", "", "", "", "30"),
    ("1", "KELURAHAN KAYU MANIS", "3", "", "", "", "3"),
    ("2", "KELURAHAN PALMERIAM", "2", "", "", "", "2"),
    ("3", "KELURAHAN KEBON MANGGIS", "1", "", "", "", "1"),
    ("4", "KELURAHAN PISANGAN BARU", "1", "", "", "", "1"),
    ("5", "KELURAHAN UTAN KAYU SELATAN", "18", "1", "", "", "19"),
    ("6", "KELURAHAN UTAN KAYU UTARA", "4", "", "", "", "4"),
    ("", "KECAMATAN PULOGADUNG", "", "", "", "", "49"),
    ("1", "KELURAHAN CIPINANG", "1", "", "", "", "1"),
    ("2", "KELURAHAN JATI", "5", "", "", "", "5"),
    ("3", "KELURAHAN JATINEGARA KAUM", "1", "", "", "", "1"),
    ("4", "KELURAHAN KAYU PUTIH", "5", "", "", "", "5"),
    ("5", "KELURAHAN PISANGAN TIMUR", "4", "", "", "", "4"),
    ("6", "KELURAHAN PULO GADUNG", "8", "", "", "", "8"),
    ("7", "KELURAHAN RAWAMANGUN", "24", "", "1", "", "25"),
    ("", "WALIKOTA JAKARTA TIMUR", "17", "", "", "", "17"),
    ("", "Grand Total", "1.094", "1", "1", "", "1.096"),
]


def _tabel(kepala: list[str], rata: list[str], baris: list[tuple[str, ...]]) -> str:
    garis = ["| " + " | ".join(kepala) + " |", "|" + "|".join(rata) + "|"]
    garis += ["| " + " | ".join(b) + " |" for b in baris]
    return "\n".join(garis)


BAB_II_B = (
    "## B. Hasil Pelaksanaan\n\n"
    "Rekapitulasi tingkat pengaduan masyarakat selama bulan Juni 2022 adalah sebagai berikut "
    "(lihat @tbl-rekap):\n\n"
    "::: {.tabel-rekap}\n"
    + _tabel(
        ["No.", "Unit", "Complete", "Disposisi", "In Progres", "Wait", "TOTAL"],
        ["---:", ":---", "---:", "---:", "---:", "---:", "---:"],
        REKAP_BARIS,
    )
    + "\n\n: Rekap Pengaduan Bulan Juni 2022 {#tbl-rekap}\n:::\n\n"
    "Jumlah pengaduan sebanyak **1.096** pengaduan dengan nilai capaian **99,95%**; "
    "**836** aduan (**76,28%**) direspon kurang dari 6 jam.\n"
)

PERINGKAT = (
    "5 (lima) UKPD dengan jumlah pengaduan tertinggi pada bulan Juni 2022 adalah :\n\n"
    + _tabel(
        ["No", "Nama UKPD", "Total Laporan"],
        ["---:", ":---", "---:"],
        [
            ("1", "Rawamangun", "25"),
            ("2", "Bidara Cina", "21"),
            ("3", "Pulogebang", "21"),
            ("4", "Setu", "19"),
            ("5", "Pondok Kelapa", "19"),
        ],
    )
    + "\n\n: Lima UKPD dengan jumlah pengaduan tertinggi {#tbl-ukpd-tertinggi}\n\n"
    "10 (sepuluh) kelurahan dengan rata-rata waktu koordinasi tercepat:\n\n"
    + _tabel(
        ["No", "Nama Kelurahan", "Jumlah Laporan Koordinasi", "Rerata Waktu Koordinasi (Menit)"],
        ["---:", ":---", "---:", "---:"],
        [
            ("1", "Cipayung", "24", "10,63"),
            ("2", "Halim Perdana Kusuma", "5", "12,80"),
            ("3", "Ciracas", "52", "20,15"),
            ("4", "Cipinang Muara", "27", "20,26"),
            ("5", "Utan Kayu Utara", "12", "23,08"),
            ("6", "Cipinang Melayu", "19", "24,95"),
            ("7", "Rawa Bunga", "11", "29,09"),
            ("8", "Bale Kambang", "21", "31,62"),
            ("9", "Ceger", "28", "35,71"),
            ("10", "Gedong", "53", "1.038,00"),
        ],
    )
    + "\n\n: Kelurahan dengan rata-rata waktu koordinasi tercepat {#tbl-koordinasi-cepat}\n"
)

BAB_III = """# BAB III PENUTUP

## A. Kesimpulan

1. Pengaduan masyarakat melalui aplikasi CRM Versi 2 pada umumnya terselenggara dengan baik, \
dengan capaian kinerja sebesar **99,95%**.
2. UKPD dengan jumlah aduan tertinggi adalah **Kelurahan Rawamangun** dengan **25** aduan.

## B. Saran

1. Kecepatan dan ketepatan perangkat SKPD dalam merespon pengaduan perlu terus ditingkatkan.
"""


def _grafik() -> str:
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=80)
    kec = ["Matraman", "Pulogadung", "Walikota"]
    ax.barh(kec, [30, 49, 17], color="#0b5394")
    ax.set_xlabel("Jumlah laporan")
    ax.invert_yaxis()
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _kode(sumber: str, keluaran: list[dict], n: int) -> dict:
    return {
        "cell_type": "code",
        "execution_count": n,
        "id": f"sel-{n}",
        "metadata": {},
        "outputs": keluaran,
        "source": sumber.splitlines(keepends=True),
    }


def _md(teks: str) -> dict:
    return {
        "output_type": "display_data",
        "metadata": {},
        "data": {
            "text/markdown": teks.splitlines(keepends=True),
            "text/plain": ["<IPython.core.display.Markdown object>"],
        },
    }


def buat() -> dict:
    """Return the fixture notebook as a dict."""
    cells = [
        {
            "cell_type": "raw",
            "id": "front-matter",
            "metadata": {},
            "source": ["---\n", "title: LAPORAN BULANAN CRM\n", "lang: id\n", "---\n"],
        },
        _kode('periode = "2022-06"\n', [], 1),
        _kode(
            "from IPython.display import Markdown, display\n\n"
            "from crmlib import charts, report\n\n"
            "m = report.hitung(periode)\n",
            [
                {
                    "output_type": "stream",
                    "name": "stderr",
                    "text": ["UserWarning: contoh peringatan\n"],
                }
            ],
            2,
        ),
        _kode("display(Markdown(report.bab_i()))\n", [_md(BAB_I)], 3),
        {
            "cell_type": "markdown",
            "id": "catatan",
            "metadata": {},
            "source": ["Sel Markdown statis di antara keluaran.\n"],
        },
        _kode("display(Markdown(report.bab_ii_a()))\n", [_md(BAB_II_A)], 4),
        _kode("display(Markdown(report.rekap(m)))\n", [_md(BAB_II_B)], 5),
        _kode(
            "#| label: fig-kecamatan\n"
            "#| fig-cap: Jumlah laporan per kecamatan menurut status\n"
            "charts.per_kecamatan(m)\n",
            [
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": _grafik(), "text/plain": ["<Figure size 700x320>"]},
                }
            ],
            6,
        ),
        _kode("display(Markdown(report.peringkat(m)))\n", [_md(PERINGKAT)], 7),
        _kode("display(Markdown(report.bab_iii(m)))\n", [_md(BAB_III)], 8),
        _kode(
            "len(m.laporan)\n",
            [
                {
                    "output_type": "execute_result",
                    "execution_count": 9,
                    "metadata": {},
                    "data": {"text/plain": ["1096"]},
                }
            ],
            9,
        ),
    ]
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "papermill": {"parameters": {"periode": "2022-06"}},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


if __name__ == "__main__":
    teks = json.dumps(buat(), indent=1, ensure_ascii=False) + "\n"
    (HERE / "laporan.executed.json").write_text(teks, encoding="utf-8")
    print(f"ditulis: {HERE / 'laporan.executed.json'} ({len(teks):,} byte)")
