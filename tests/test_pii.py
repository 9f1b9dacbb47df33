"""Reporter-like values typed into published text columns are masked when the month is read."""

from __future__ import annotations

import pytest
from conftest import laporan_row

from crmlib.cli.main import main
from crmlib.data.pii import mask_text
from crmlib.data.reader import read_month

PHONE = "[nomor telepon disamarkan]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Hubungi 0812-3456-7890 segera", f"Hubungi {PHONE} segera"),
        ("wa 081234567890.", f"wa {PHONE}."),
        ("+62 812 3456 7890", PHONE),
        ("6281234567890", PHONE),
        ("kantor (021) 8765 4321", f"kantor {PHONE}"),
        ("021-87654321", PHONE),
        ("surel warga.pelapor@example.com ya", "surel [e-mail disamarkan] ya"),
        ("NIK 3175012345678901", "NIK [NIK disamarkan]"),
        ("NIK 6271012345678901", "NIK [NIK disamarkan]"),
    ],
)
def test_reporter_like_values_are_masked(text, masked):
    assert mask_text(text)[0] == masked


@pytest.mark.parametrize(
    "text",
    [
        "JK2206030001",
        "Rp 625.000.000",
        "tanggal 03-06-2022 jam 16:15",
        "RT 003/RW 05 no. 12",
        "Sampah Lingkungan",
        "Pohon tumbang 2 m, diameter 0,5 m",
    ],
)
def test_ordinary_text_is_kept(text):
    assert mask_text(text) == (text, {})


@pytest.fixture
def month_with_pii(month_factory):
    return month_factory(
        [
            laporan_row(rincian_masalah="Hubungi 0812-3456-7890 atau warga@example.com"),
            laporan_row(
                nomor_laporan="JK2206030002",
                kategori="Aduan 3175012345678901",
                rincian_masalah="Telp +62 812 3456 7890",
            ),
        ]
    )


def test_read_month_masks_and_counts_without_the_values(month_with_pii):
    month = read_month(month_with_pii, "2022-06")
    assert list(month.laporan["rincian_masalah"]) == [
        f"Hubungi {PHONE} atau [e-mail disamarkan]",
        f"Telp {PHONE}",
    ]
    assert list(month.laporan["kategori"]) == ["Sampah", "Aduan [NIK disamarkan]"]
    notice = next(n for n in month.notices if "disamarkan" in n)
    assert notice.startswith("4 nilai mirip data pribadi disamarkan")
    assert "nomor telepon 2, e-mail 1, NIK 1" in notice
    assert (
        "kolom rincian_masalah, kategori" in notice or "kolom kategori, rincian_masalah" in notice
    )
    text = " ".join(month.notices)
    for original in ("0812", "warga@", "3175012345678901", "+62"):
        assert original not in text


def test_validate_shows_the_count(month_with_pii, capsys):
    assert main(["validate", str(month_with_pii), "--periode", "2022-06"]) == 0
    out = capsys.readouterr().out
    assert "4 nilai mirip data pribadi disamarkan" in out
    assert "0812" not in out and "3175012345678901" not in out


@pytest.fixture
def shifted_column_with_a_phone_number(month_factory):
    # A column shifted by one in the export: the reporter's phone lands in 'ukpd'.
    return month_factory([laporan_row(ukpd="0812-3456-7890")])


def test_a_refused_value_that_looks_personal_is_masked_in_the_message(
    shifted_column_with_a_phone_number, capsys
):
    rc = main(["validate", str(shifted_column_with_a_phone_number), "--periode", "2022-06"])
    assert rc != 0
    err = capsys.readouterr().err
    assert "baris 2, kolom 'ukpd'" in err  # still says where
    assert PHONE in err
    assert "0812" not in err and "3456" not in err
