"""Parameter files: defaults + month, unknown keys refused with a suggestion."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from conftest import ROOT

from crmlib.data.params import (
    NARASI_MAKS_BUTIR,
    NARASI_MAKS_KARAKTER,
    PARAMS_MAKS_BYTE,
    TANGGAL_JENDELA_HARI,
    TEKS_MAKS_KARAKTER,
    date_warnings,
    list_months,
    load_params,
)
from crmlib.errors import ParamsError


@pytest.fixture
def params_dir(tmp_path):
    d = tmp_path / "params"
    shutil.copytree(ROOT / "params", d)
    return d


def test_sample_months_exist_for_all_of_2022():
    assert list_months(ROOT / "params") == [f"2022-{m:02d}" for m in range(1, 13)]


def test_month_overrides_defaults(params_dir):
    (params_dir / "2022-06.yaml").write_text(
        'data: data/sample/2022-06\nmetrik:\n  top_n: 7\nkendala: ["hanya satu"]\n'
    )
    p = load_params(params_dir, "2022-06")
    assert p["metrik"]["top_n"] == 7
    assert p["metrik"]["batas_respon_jam"] == 6  # merged, not replaced
    assert p["kendala"] == ["hanya satu"]
    assert p["penandatangan"]["nip"] == "197509061994031001"


def test_unknown_key_refused_with_suggestion(params_dir):
    (params_dir / "2022-06.yaml").write_text("data: x\nkendla: []\n")
    with pytest.raises(ParamsError, match="kendla.*Mungkin maksudnya 'kendala'"):
        load_params(params_dir, "2022-06")


def test_unknown_nested_key_refused(params_dir):
    (params_dir / "2022-06.yaml").write_text("data: x\nmetrik:\n  top_m: 3\n")
    with pytest.raises(ParamsError, match="metrik.top_m.*top_n"):
        load_params(params_dir, "2022-06")


def test_malformed_month_and_yaml(params_dir):
    with pytest.raises(ParamsError, match="YYYY-MM"):
        load_params(params_dir, "2022-6")
    (params_dir / "2022-06.yaml").write_text("data: [unclosed\n")
    with pytest.raises(ParamsError, match=r"2022-06.yaml, baris \d+, kolom \d+: YAML tidak valid"):
        load_params(params_dir, "2022-06")


def test_missing_month_file_says_how_to_create_it(params_dir):
    with pytest.raises(ParamsError, match="new-month 2031-01"):
        load_params(params_dir, "2031-01")


def test_wrong_types_refused(params_dir):
    (params_dir / "2022-06.yaml").write_text("data: x\nmetrik:\n  top_n: lima\n")
    with pytest.raises(ParamsError, match="bilangan bulat"):
        load_params(params_dir, "2022-06")
    (params_dir / "2022-06.yaml").write_text("data: x\nper_tanggal: besok\n")
    with pytest.raises(ParamsError, match="per_tanggal"):
        load_params(params_dir, "2022-06")


# ------------------------------------------------------------------ typed parameters


@pytest.fixture
def month_with_colon_in_kendala(params_dir):
    """A kendala item ``- Penyebab utama: banjir …``: YAML reads it as a mapping, on line 12."""
    lines = [f"# baris {i}" for i in range(1, 9)]
    lines += ["periode: '2022-06'", "data: data/sample/2022-06", "kendala:"]
    lines += ["  - Penyebab utama: banjir di lima kelurahan", "  - Petugas kurang"]
    (params_dir / "2022-06.yaml").write_text("\n".join(lines) + "\n")
    return params_dir


def test_colon_in_a_list_item_refused_with_line_and_fix(month_with_colon_in_kendala):
    with pytest.raises(
        ParamsError,
        match=r"2022-06\.yaml, baris 12: kendala butir 1 berisi tanda titik dua yang dibaca YAML "
        r"sebagai pasangan kunci: nilai; beri tanda kutip pada baris itu atau hapus titik duanya",
    ):
        load_params(month_with_colon_in_kendala, "2022-06")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("data: x\nmetrik:\n  top_n: lima\n", r"baris 3: 'metrik\.top_n' harus bilangan bulat"),
        (
            "data: x\nmetrik:\n  batas_respon_jam: true\n",
            r"baris 3: 'metrik\.batas_respon_jam' harus angka",
        ),
        (
            "data: x\nsaran: satu saran saja\n",
            r"baris 2: 'saran' harus berupa daftar .*diawali '- '",
        ),
        ("data: x\nkertas: letter\n", r"baris 2: kertas 'letter' tidak dikenal; pilih a4 atau f4"),
        ("data: x\nizinkan_kosong: ya\n", r"baris 2: 'izinkan_kosong' harus true atau false"),
        ("data: x\nidentitas: Bagian Umum\n", r"baris 2: 'identitas' harus berisi daftar kunci"),
        ("data: x\njudul: [a, b]\n", r"baris 2: 'judul' harus teks, bukan daftar"),
        ("data: x\nsel_timeout_detik: -5\n", r"baris 2: 'sel_timeout_detik' harus lebih dari 0"),
        (
            "data: x\ncatatan: Penting: banjir\n",
            r"baris 2, kolom \d+: YAML tidak valid.*tanda kutip",
        ),
        ("data: x\n\n\nkendla: []\n", r"baris 4: kunci 'kendla' tidak dikenal\. Mungkin maksudnya"),
    ],
)
def test_wrong_type_refused_with_line_and_fix(params_dir, text, message):
    (params_dir / "2022-06.yaml").write_text(text)
    with pytest.raises(ParamsError, match=message):
        load_params(params_dir, "2022-06")


def test_yaml_dates_and_numbers_become_the_declared_types(params_dir):
    (params_dir / "2022-06.yaml").write_text(
        "data: x\ntanggal_laporan: 2022-07-15\nidentitas:\n  tahun_anggaran: 2022\n"
        "metrik:\n  batas_respon_jam: 6\n"
    )
    p = load_params(params_dir, "2022-06")
    assert p["tanggal_laporan"] == "2022-07-15" and p["identitas"]["tahun_anggaran"] == "2022"
    assert p["metrik"]["batas_respon_jam"] == 6.0 and isinstance(p["metrik"]["top_n"], int)


def test_data_path_with_hash_and_spaces_kept_when_quoted(params_dir):
    (params_dir / "2022-06.yaml").write_text("data: 'data/Juni #2'\n")
    assert load_params(params_dir, "2022-06")["data"] == "data/Juni #2"


# ------------------------------------------------------------------ DPA number per budget year


def test_dpa_number_is_the_one_of_the_months_budget_year(params_dir):
    assert load_params(params_dir, "2022-06")["identitas"]["dpa_nomor"] == "370/P-DPA/2022"
    default = params_dir / "_default.yaml"
    default.write_text(
        default.read_text().replace(
            "    2022: 370/P-DPA/2022", "    2022: 370/P-DPA/2022\n    2023: 41/P-DPA/2023"
        )
    )
    (params_dir / "2023-01.yaml").write_text("data: x\n")
    assert load_params(params_dir, "2023-01")["identitas"]["dpa_nomor"] == "41/P-DPA/2023"


def test_month_of_a_year_without_dpa_number_refused_with_how_to_add_it(params_dir):
    (params_dir / "2023-01.yaml").write_text("data: x\n")
    with pytest.raises(
        ParamsError,
        match=r"DPA-SKPD untuk tahun anggaran 2023 belum ada \(sudah ada: 2022\)\. "
        r"Tambahkan di .*_default\.yaml.*2023: ",
    ):
        load_params(params_dir, "2023-01")


def test_dpa_number_as_plain_text_in_defaults_refused(params_dir):
    default = params_dir / "_default.yaml"
    text = re.sub(
        r"  dpa_nomor:.*\n    2022: .*\n", "  dpa_nomor: 370/P-DPA/2022\n", default.read_text()
    )
    default.write_text(text)
    with pytest.raises(ParamsError, match="dpa_nomor harus per tahun anggaran"):
        load_params(params_dir, "2022-06")


def test_month_file_may_set_its_own_dpa_number(params_dir):
    (params_dir / "2023-01.yaml").write_text("data: x\nidentitas:\n  dpa_nomor: 12/DPA/2023\n")
    assert load_params(params_dir, "2023-01")["identitas"]["dpa_nomor"] == "12/DPA/2023"


# ------------------------------------------------------------------ documentation


def _schema_keys(model, prefix=""):
    for name, info in model.model_fields.items():
        yield prefix + name, info
        for arg in getattr(info.annotation, "__args__", ()):
            if isinstance(arg, type) and hasattr(arg, "model_fields"):
                yield from _schema_keys(arg, f"{prefix}{name}.")


def test_every_key_has_a_description_and_is_in_docs_parameter_md():
    from crmlib.data.schema import Params

    doc = (ROOT / "docs" / "parameter.md").read_text(encoding="utf-8")
    for key, info in _schema_keys(Params):
        assert info.description, key
        assert f"`{key}`" in doc, f"{key} missing from docs/parameter.md"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("data: x\nkendala:\n  -\n", r"baris 3: kendala butir 1 kosong; isi teksnya atau hapus"),
        ("data: x\nmetrik:\n\ttop_n: 3\n", r"baris 3, kolom 1: YAML tidak valid.*pakai spasi"),
        ("data: x\nkendala: [a, b\n", r"YAML tidak valid.*kurung \[ \] tidak ditutup"),
    ],
)
def test_common_yaml_slips_get_a_fix(params_dir, text, message):
    (params_dir / "2022-06.yaml").write_text(text)
    with pytest.raises(ParamsError, match=message):
        load_params(params_dir, "2022-06")


# --------------------------------------------------------------------------- bounded text


def test_a_narrative_text_over_its_length_is_refused_naming_key_and_limit(params_dir):
    long = "a" * (NARASI_MAKS_KARAKTER + 1)
    (params_dir / "2022-06.yaml").write_text(f'data: x\ncatatan: "{long}"\n')
    with pytest.raises(ParamsError, match=rf"baris 2: 'catatan' terlalu panjang \({len(long)} "):
        load_params(params_dir, "2022-06")
    (params_dir / "2022-06.yaml").write_text(f'data: x\nkendala:\n  - pendek\n  - "{long}"\n')
    with pytest.raises(ParamsError, match="kendala butir 2' terlalu panjang"):
        load_params(params_dir, "2022-06")
    (params_dir / "2022-06.yaml").write_text(f'data: x\ncatatan: "{long[1:]}"\n')
    assert len(load_params(params_dir, "2022-06")["catatan"]) == NARASI_MAKS_KARAKTER


def test_a_list_with_too_many_items_is_refused(params_dir):
    items = "".join(f"  - saran {i}\n" for i in range(NARASI_MAKS_BUTIR + 1))
    (params_dir / "2022-06.yaml").write_text(f"data: x\nsaran:\n{items}")
    with pytest.raises(ParamsError, match=f"'saran' berisi {NARASI_MAKS_BUTIR + 1} butir"):
        load_params(params_dir, "2022-06")


def test_a_short_text_over_its_length_is_refused(params_dir):
    (params_dir / "2022-06.yaml").write_text(
        f'data: x\njudul: "{"J" * (TEKS_MAKS_KARAKTER + 1)}"\n'
    )
    with pytest.raises(ParamsError, match="'judul' terlalu panjang"):
        load_params(params_dir, "2022-06")


def test_a_huge_params_file_is_refused_before_yaml_reads_it(params_dir):
    # 10 MB of catatan ran pandoc for 335 s before ending in an internal error.
    path = params_dir / "2022-06.yaml"
    path.write_text('data: x\ncatatan: "' + "a" * 10 * 2**20 + '"\n')
    with pytest.raises(
        ParamsError, match=f"terlalu besar .*paling banyak {PARAMS_MAKS_BYTE // 1024} KB"
    ):
        load_params(params_dir, "2022-06")


def test_a_params_file_that_is_a_pipe_is_refused_without_blocking(params_dir):
    path = params_dir / "2022-06.yaml"
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(ParamsError, match="bukan berkas biasa"):
        load_params(params_dir, "2022-06")


# --------------------------------------------------------------------------- plausible dates


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("per_tanggal", "1999-01-01"),
        ("tanggal_laporan", "1990-01-01"),
        ("per_tanggal", "2022-06-30 23:59"),
    ],
)
def test_a_date_before_the_period_ends_is_refused_naming_both_dates(params_dir, key, value):
    (params_dir / "2022-06.yaml").write_text(f'data: x\n{key}: "{value}"\n')
    with pytest.raises(ParamsError) as err:
        load_params(params_dir, "2022-06")
    assert f"{key} {value} jatuh sebelum periode 2022-06 berakhir (2022-07-01)" in str(err.value)


def test_dates_after_the_period_end_are_accepted(params_dir):
    (params_dir / "2022-06.yaml").write_text(
        'data: x\nper_tanggal: "2022-07-01 00:00"\ntanggal_laporan: "2022-07-01"\n'
    )
    params = load_params(params_dir, "2022-06")
    assert date_warnings(params, "2022-06") == []


def test_unusual_dates_are_warned_about_with_the_dates_named(params_dir):
    (params_dir / "2022-06.yaml").write_text(
        'data: x\nper_tanggal: "2023-06-01 08:00"\ntanggal_laporan: "2022-07-15"\n'
    )
    warnings = date_warnings(load_params(params_dir, "2022-06"), "2022-06")
    assert warnings == [
        f"per_tanggal 2023-06-01 08:00 lebih dari {TANGGAL_JENDELA_HARI} hari setelah periode "
        "2022-06 berakhir (2022-07-01); periksa apakah tanggalnya benar",
        "tanggal_laporan 2022-07-15 lebih awal dari per_tanggal 2023-06-01 08:00: laporan "
        "ditandatangani sebelum datanya diekspor",
    ]


def test_the_sample_months_have_plausible_dates():
    for periode in list_months(ROOT / "params"):
        assert date_warnings(load_params(ROOT / "params", periode), periode) == []


# ------------------------------------------------------------------ every problem in one run


def _problems(message: str) -> list[str]:
    return [line[4:] for line in message.splitlines() if line.startswith("  - ")]


def test_a_key_typo_and_a_yaml_colon_slip_are_both_reported_in_one_run(params_dir):
    (params_dir / "2022-06.yaml").write_text(
        "data: data/sample/2022-06\nkendla: []\ncatatan: Penting: banjir\n"
    )
    with pytest.raises(ParamsError, match=r"^2 masalah di berkas parameter") as err:
        load_params(params_dir, "2022-06")
    first, second = _problems(str(err.value))
    assert re.search(r"2022-06\.yaml, baris 2: kunci 'kendla' tidak dikenal\. Mungkin", first)
    assert re.search(r"2022-06\.yaml, baris 3, kolom \d+: YAML tidak valid: .*tanda kutip", second)


def test_every_slip_of_both_files_with_its_line_and_fix(params_dir):
    """A tab, an unclosed bracket and a key written twice do not hide what follows them."""
    default = params_dir / "_default.yaml"
    default.write_text(default.read_text().replace("kertas: a4", "kertas: letter"))
    (params_dir / "2023-01.yaml").write_text(
        "data: x\n"  # 1
        "metrik:\n"  # 2
        "\ttop_n: lima\n"  # 3: a tab, and not a number
        "saran: [a, b\n"  # 4: unclosed
        "catatan: satu\n"  # 5
        "catatan: dua\n"  # 6: written twice
        "kendala:\n"  # 7
        "  - Penyebab utama: banjir\n"  # 8: read as a mapping
    )
    with pytest.raises(ParamsError) as err:
        load_params(params_dir, "2023-01")
    found = _problems(str(err.value))
    expected = [
        r"_default\.yaml, baris \d+: kertas 'letter' tidak dikenal; pilih a4 atau f4",
        r"2023-01\.yaml, baris 3, kolom 1: YAML tidak valid: jangan memakai tab",
        r"2023-01\.yaml, baris 3: 'metrik\.top_n' harus bilangan bulat",
        r"2023-01\.yaml, baris 4, kolom \d+: YAML tidak valid: tanda kurung \[ \] tidak ditutup",
        r"2023-01\.yaml, baris 6: kunci 'catatan' sudah ditulis di baris 5; hapus salah satu",
        r"2023-01\.yaml, baris 8: kendala butir 1 berisi tanda titik dua",
        r"_default\.yaml, baris \d+: Nomor DPA-SKPD untuk tahun anggaran 2023 belum ada",
    ]
    assert len(found) == len(expected), found
    for pattern in expected:
        assert any(re.search(pattern, p) for p in found), (pattern, found)


def test_an_impossible_date_is_a_located_problem_not_a_crash(params_dir):
    (params_dir / "2022-06.yaml").write_text("data: x\ntanggal_laporan: 2022-02-30\n")
    with pytest.raises(ParamsError, match=r"baris 2: 'tanggal_laporan' = '2022-02-30' bukan"):
        load_params(params_dir, "2022-06")


def test_a_month_file_without_its_data_key_says_what_to_add(params_dir):
    (params_dir / "2022-06.yaml").write_text("catatan: ada\n")
    with pytest.raises(ParamsError, match=r"kunci 'data' .* wajib diisi; tambahkan baris data: "):
        load_params(params_dir, "2022-06")
