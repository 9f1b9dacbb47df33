"""A corpus of odd or hostile CRM exports, written into a folder (issue 23's review corpus).

Each case is a month's data path and what ``crm-report validate`` must answer: a valid
month (with the notices that say what was cleaned) or a refusal naming the file and,
where the problem is in one, the sheet, row and column. Every file is generated here,
small on disk: the zip bombs are a few hundred kilobytes, the oversized CSV is sparse.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from conftest import koordinasi_row, laporan_row, write_month

from crmlib.data import limits


@dataclass
class Case:
    """One export: its data path, whether it is valid, and what the answer must say."""

    path: Path
    valid: bool
    says: tuple[str, ...]


def _sheet_xml(workbook: Path, edit) -> None:
    """Rewrite the first worksheet's XML of ``workbook`` with ``edit(bytes) -> bytes``."""
    tmp = workbook.with_suffix(".tmp")
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = edit(data)
            out.writestr(info.filename, data)
    os.replace(tmp, workbook)


def _claim_size(workbook: Path, member: str, size: int) -> None:
    """Make the zip directory claim ``size`` bytes (packed and unpacked) for ``member``."""
    data = bytearray(workbook.read_bytes())
    name = member.encode()
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            struct.pack_into("<II", data, at + 20, size, size)  # compressed, uncompressed
        at = data.find(b"PK\x01\x02", at + 4)
    workbook.write_bytes(bytes(data))


def _rows() -> list[dict]:
    return [
        laporan_row(),
        laporan_row(nomor_laporan="JK2206030002", ukpd="KELURAHAN SETU", kanal="Twitter"),
    ]


def _valid_cases(base: Path) -> dict[str, Case]:
    ctl = write_month(
        base / "kendali",
        [
            laporan_row(kategori="Sampah\x0bLingkungan", rincian_masalah="NUL\x00 ESC\x1b[31m"),
            laporan_row(nomor_laporan="JK2206030002\x00", ukpd="KELURAHAN\x1fSETU"),
        ],
        [koordinasi_row()],
    )
    bidi = write_month(
        base / "bidi",
        [laporan_row(rincian_masalah="foto gnp\u202e.exe terlampir")],
        [koordinasi_row()],
    )
    ctl_xlsx = write_month(base / "kendali-xlsx", _rows(), [koordinasi_row()], "xlsx")
    _sheet_xml(
        ctl_xlsx,
        lambda x: x.replace(
            b"<t>Sampah Lingkungan</t>", b"<t>Sampah_x000B_Ling&#x202E;kungan</t>", 1
        ),
    )
    xlsm = base / "makro.xlsm"
    shutil.copy(write_month(base / "makro", _rows(), [koordinasi_row()], "xlsx"), xlsm)
    return {
        "karakter kendali (CSV)": Case(ctl, True, ("karakter kendali", "baris 2", "baris 3")),
        "arah teks bidi": Case(bidi, True, ("pengatur arah teks (bidi) dihapus", "baris 2")),
        "kendali dan bidi (xlsx)": Case(
            ctl_xlsx, True, ("sheet laporan", "rincian_masalah [D]", "kendali", "bidi")
        ),
        ".xlsm": Case(xlsm, True, ("makro.xlsm", "bermakro", "tidak pernah dijalankan")),
    }


def _workbook_cases(base: Path) -> dict[str, Case]:
    bomb = write_month(base / "bom-zip", _rows(), [koordinasi_row()], "xlsx")
    # 30 MB of spaces in a comment: packs to about 30 kB (ratio ~1000:1).
    _sheet_xml(
        bomb, lambda x: x.replace(b"</sheetData>", b"</sheetData><!--" + b" " * 30_000_000 + b"-->")
    )
    claimed = write_month(base / "klaim-besar", _rows(), [koordinasi_row()], "xlsx")
    _claim_size(claimed, "xl/worksheets/sheet1.xml", limits.XLSX_MAX_UNPACKED_BYTES + 1)
    far = write_month(base / "sel-jauh", _rows(), [koordinasi_row()], "xlsx")
    _sheet_xml(
        far,
        lambda x: x.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            b"</sheetData>",
        ),
    )
    wide = write_month(base / "sel-lebar", _rows(), [koordinasi_row()], "xlsx")
    _sheet_xml(
        wide,
        lambda x: x.replace(
            b"</sheetData>",
            b'<row r="1000"><c r="XFD1000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    # Cells without an address (allowed by the format): placed one after the other.
    unaddressed = write_month(base / "tanpa-alamat", _rows(), [koordinasi_row()], "xlsx")
    _sheet_xml(unaddressed, lambda x: re.sub(rb' r="[A-Z]+[0-9]+"', b"", x))
    counted = write_month(base / "tanpa-alamat-jauh", _rows(), [koordinasi_row()], "xlsx")
    _sheet_xml(
        counted,
        lambda x: x.replace(
            b"</sheetData>", b'<row r="100000">' + b"<c><v>1</v></c>" * 41 + b"</row></sheetData>"
        ),
    )
    near = write_month(
        base / "judul-mirip",
        [{**laporan_row(), "Kategori ": "Jalan"}],
        [koordinasi_row()],
        "xlsx",
    )
    xls = base / "lama.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    disguised = base / "terkunci.xlsx"
    disguised.write_bytes(xls.read_bytes())
    return {
        "bom zip (rasio)": Case(
            bomb, False, ("bom-zip.xlsx", "terlalu besar setelah dibuka", "rasio")
        ),
        "bom zip (ukuran)": Case(
            claimed, False, ("klaim-besar.xlsx", "terlalu besar setelah dibuka")
        ),
        "sel di XFD1048576": Case(
            far, False, ("sel-jauh.xlsx", "sheet 'laporan'", "baris 1048576", "kolom 'XFD'")
        ),
        "sel di XFD1000 (terlalu banyak sel)": Case(
            wide,
            False,
            ("sel-lebar.xlsx", "sheet 'laporan'", "baris 1000", "kolom 'XFD'", "4 juta sel"),
        ),
        "sel tanpa alamat": Case(unaddressed, True, ("tanpa-alamat.xlsx",)),
        "sel tanpa alamat, jauh": Case(
            counted, False, ("tanpa-alamat-jauh.xlsx", "baris 100000", "kolom 'AO'")
        ),
        "judul kolom mirip (xlsx)": Case(
            near, False, ("judul-mirip.xlsx", "sheet 'laporan'", "[C]", "[M]", "berarti sama")
        ),
        ".xls": Case(xls, False, ("lama.xls", "Excel 97-2003", "Simpan Sebagai")),
        ".xls bernama .xlsx": Case(disguised, False, ("terkunci.xlsx", "kata sandi")),
    }


def _file_cases(base: Path) -> dict[str, Case]:
    fifo = write_month(base / "fifo", _rows(), [koordinasi_row()])
    (fifo / "laporan.csv").unlink()
    os.mkfifo(fifo / "laporan.csv")
    zero = write_month(base / "dev-zero", _rows(), [koordinasi_row()])
    (zero / "laporan.csv").unlink()
    (zero / "laporan.csv").symlink_to("/dev/zero")
    big = write_month(base / "berkas-besar", _rows(), [koordinasi_row()])
    with open(big / "laporan.csv", "r+b") as fh:
        fh.truncate(limits.FILE_MAX_BYTES + 1)  # sparse: nothing written to disk
    cell = write_month(
        base / "sel-1mb", [laporan_row(rincian_masalah="x" * 2**20)], [koordinasi_row()]
    )
    rows = write_month(base / "baris", _rows(), [koordinasi_row()])
    with open(rows / "laporan.csv", "a", encoding="utf-8") as fh:
        fh.write(",,,,,,,,,,,\n" * (limits.MAX_ROWS + 1))
    dup = base / "judul-ganda"
    write_month(dup, [laporan_row()], [koordinasi_row()])
    text = (dup / "laporan.csv").read_text().splitlines()
    text = [text[0] + ",kategori", text[1] + ",Jalan"]
    (dup / "laporan.csv").write_text("\n".join(text) + "\n")
    return {
        "FIFO sebagai laporan.csv": Case(fifo, False, ("fifo/laporan.csv", "bukan berkas biasa")),
        "/dev/zero sebagai laporan.csv": Case(
            zero, False, ("dev-zero/laporan.csv", "bukan berkas biasa")
        ),
        "/dev/zero sebagai DATA": Case(
            Path("/dev/zero"), False, ("/dev/zero", "bukan berkas biasa")
        ),
        "CSV di atas batas ukuran": Case(big, False, ("berkas-besar/laporan.csv", "terlalu besar")),
        "sel 1 MB": Case(
            cell, False, ("sel-1mb/laporan.csv", "baris 2", "kolom 'rincian_masalah'", "32.767")
        ),
        "baris di atas batas": Case(rows, False, ("baris/laporan.csv", "terlalu banyak baris")),
        "judul kolom ganda (CSV)": Case(
            dup, False, ("judul-ganda/laporan.csv", "'kategori' [C] dan 'kategori' [M]")
        ),
    }


def write_corpus(base: Path) -> dict[str, Case]:
    """Write every case under ``base``; ``{name: Case}``."""
    base.mkdir(parents=True, exist_ok=True)
    return {**_valid_cases(base), **_workbook_cases(base), **_file_cases(base)}
