"""Reporter-like values typed into published text columns are masked when the month is read."""

from __future__ import annotations

import json
import re
import re._parser as sre_parse  # the regular-expression parser of Python 3.11+
import resource
import subprocess
import sys

import pytest
from conftest import laporan_row
from hypothesis import given
from hypothesis import strategies as st

from crmlib.cli.main import main
from crmlib.data import pii
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


# --------------------------------------------------------------------------- linear time
# The old e-mail pattern tried a match from every character of a long word and read the
# word to its end each time: 10 000 characters took 1.2 s, 40 000 took 25 s, a 100 kB cell
# kept `validate` busy for minutes (bench/RESULTS.md, "PII masking").

OLD_EMAIL = re.compile(r"[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@given(st.text(alphabet="ab1Zé.@-_+% ", max_size=40))
def test_emails_are_found_exactly_where_the_old_pattern_found_them(text):
    masked, counts = mask_text(text)
    old, n = OLD_EMAIL.subn("[e-mail disamarkan]", text)
    # Phone numbers and NIKs are masked after e-mails: compare on text without digits.
    if not any(c.isdigit() for c in text):
        assert (masked, counts.get("email", 0)) == (old, n)


@pytest.mark.parametrize("pattern", [pii._NIK, pii._TELEPON], ids=["nik", "telepon"])
def test_the_number_patterns_read_a_bounded_number_of_characters_per_try(pattern):
    # No unbounded repeat: one try reads at most this many characters, so a text of n
    # characters costs at most n tries of bounded work (linear by construction).
    low, high = sre_parse.parse(pattern.pattern).getwidth()
    assert high <= 32


# One megabyte in the shapes that cost the old patterns most.
MEGABYTE_SHAPES = {
    "one long word": ("a" * 2**20, {}),
    "a word and an address": ("a" * (2**20 - 20) + "@example.com", {"email": 1}),
    "at signs": ("a@" * 2**19, {}),
    "dotted domain without a top-level domain": ("x@" + "a1." * 349_525, {}),
    "addresses": ("ab@cd.ef " * 116_508, {"email": 116_508}),
    "digits": ("1" * 2**20, {}),
    "phone-like runs": ("(021) 8" * 149_796, {}),
}

_MASK_IN_CHILD = r"""
import json, sys
from crmlib.data.pii import mask_text
shapes = json.loads(sys.stdin.read())
print(json.dumps({name: dict(mask_text(text)[1]) for name, text in shapes.items()}))
"""


def test_a_megabyte_value_is_masked_in_bounded_time():
    # Run in a child with a CPU limit: quadratic masking would take hours on these
    # values; the bound (30 s of CPU for all of them) ends such a run with a failure
    # instead of a hung suite. Linear masking takes well under a second per value.
    def limit_cpu():
        resource.setrlimit(resource.RLIMIT_CPU, (30, 31))

    shapes = {name: text for name, (text, _) in MEGABYTE_SHAPES.items()}
    done = subprocess.run(
        [sys.executable, "-c", _MASK_IN_CHILD],
        input=json.dumps(shapes),
        capture_output=True,
        text=True,
        preexec_fn=limit_cpu,
        check=False,
    )
    assert done.returncode == 0, f"masking ran out of its CPU bound: {done.returncode}"
    counts = json.loads(done.stdout)
    assert counts == {name: expected for name, (_, expected) in MEGABYTE_SHAPES.items()}
