"""Reference data: the 76 units in official order, 14 channels, statuses, cities as data."""

from __future__ import annotations

import shutil

import pytest

from crmlib.data.refdata import REFERENCE_DIR, STATUSES, load_reference, status_labels
from crmlib.errors import ReferenceDataError


@pytest.fixture(scope="module")
def ref():
    return load_reference()


def test_units_of_jakarta_timur(ref):
    u = ref.ukpd
    assert len(u) == 76
    assert (u["tingkat"] == "kecamatan").sum() == 10
    assert (u["tingkat"] == "kelurahan").sum() == 65
    assert u["ukpd"].iloc[-1] == "WALIKOTA JAKARTA TIMUR"
    assert list(u["ukpd"].iloc[:3]) == [
        "KECAMATAN MATRAMAN",
        "KELURAHAN KAYU MANIS",
        "KELURAHAN PALMERIAM",
    ]
    # each kecamatan office row is followed by its own kelurahan
    current = None
    for row in u.itertuples():
        if row.tingkat == "kecamatan":
            current = row.kecamatan
        elif row.tingkat == "kelurahan":
            assert row.kecamatan == current


def test_fourteen_channels_in_official_order(ref):
    assert len(ref.kanal) == 14
    assert ref.kanal["kanal"].iloc[0] == "QLUE" and ref.kanal["kanal"].iloc[-1] == "JAKI"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("KELURAHAN PULOGEBANG", "KELURAHAN PULO GEBANG"),
        ("Kelurahan  Pulo Gebang ", "KELURAHAN PULO GEBANG"),
        ("KEC. PULOGADUNG", "KECAMATAN PULO GADUNG"),
        ("Walikota Administrasi Jakarta Timur", "WALIKOTA JAKARTA TIMUR"),
        ("KELURAHAN ATLANTIS", None),
    ],
)
def test_unit_aliases(ref, raw, expected):
    assert ref.canonical_ukpd(raw) == expected


def test_kecamatan_and_kelurahan_of_same_name_stay_distinct(ref):
    assert ref.canonical_ukpd("KECAMATAN CIPAYUNG") == "KECAMATAN CIPAYUNG"
    assert ref.canonical_ukpd("KELURAHAN CIPAYUNG") == "KELURAHAN CIPAYUNG"


def test_status_labels_alone_are_the_reference_tables(ref):
    # What the archive's status legend reads without building the tables (and pandas).
    assert status_labels() == ref.status_labels
    assert list(status_labels()) == list(ref.status_labels)


def test_status_and_channel_aliases(ref):
    assert {ref.canonical_status(s) for s in ("Selesai", "Proses", "Koordinasi", "Menunggu")} == {
        "Complete",
        "In Progres",
        "Disposisi",
        "Wait",
    }
    assert set(ref.status_labels) == set(STATUSES)
    assert ref.canonical_kanal("lapor!") == "LAPOR 1708"


def test_category_defaults(ref):
    assert ref.max_waktu_tl_jam("Sampah") == 48
    assert ref.max_waktu_tl_jam("Kategori Baru Sekali") == ref.default_max_waktu_tl_jam == 168


def test_another_city_is_data_only(tmp_path):
    base = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, base)
    city = base / "kota" / "jakarta-selatan"
    city.mkdir()
    (city / "kota.yaml").write_text(
        "kota: JAKARTA SELATAN\nkantor_kota: WALIKOTA JAKARTA SELATAN\n"
    )
    (city / "ukpd.csv").write_text(
        "urutan,ukpd,tingkat,nama,kecamatan\n1,KECAMATAN TEBET,kecamatan,TEBET,TEBET\n"
        "2,KELURAHAN MANGGARAI,kelurahan,MANGGARAI,TEBET\n"
        "3,WALIKOTA JAKARTA SELATAN,kota,JAKARTA SELATAN,\n"
    )
    (city / "nama_alias.csv").write_text("alias,nama\nMANGGARAY,MANGGARAI\n")
    ref = load_reference("jakarta-selatan", base)
    assert len(ref.ukpd) == 3
    assert ref.canonical_ukpd("KEL. MANGGARAY") == "KELURAHAN MANGGARAI"


def test_unknown_city_is_a_clear_error():
    with pytest.raises(ReferenceDataError, match="jakarta-timur"):
        load_reference("atlantis")
