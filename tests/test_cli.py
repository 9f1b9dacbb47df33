"""crm-report command line: exit codes, summaries, no tracebacks."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT, laporan_row

from crmlib.cli.main import main

SEED = ROOT / "data" / "sample" / "2022-06"


def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in ("validate", "metrics", "build", "new-month", "archive", "status"):
        assert cmd in out


def test_validate_valid_month_summary(capsys):
    assert main(["validate", str(SEED), "--periode", "2022-06"]) == 0
    out = capsys.readouterr().out
    assert "Data valid untuk periode 2022-06" in out
    assert "dibaca     508 baris, dipakai     508" in out


@pytest.mark.parametrize("name", ["2022-03.xlsx", "2022-10"])
def test_validate_export_style_months(name, capsys):
    assert main(["validate", str(ROOT / "data" / "sample" / name)]) == 0
    assert "di luar periode" in capsys.readouterr().out


def test_validate_invalid_month_lists_problems(month_factory, capsys):
    path = month_factory(
        [laporan_row(kanal="Merpati"), laporan_row(nomor_laporan="X2", status="?")]
    )
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "2 masalah" in err and "baris 2" in err and "baris 3" in err
    assert "Traceback" not in err


def test_metrics_prints_json_without_touching_output(capsys):
    assert (
        main(["metrics", str(SEED), "--periode", "2022-06", "--per-tanggal", "2022-07-11 08:34"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["total_laporan"] == 508 and data["per_tanggal"] == "2022-07-11T08:34:00"
    assert data["respon"] == {"batas_jam": 6, "tepat_waktu": 388, "terlambat": 120}


def test_metrics_writes_file_and_workbook(tmp_path, capsys):
    out = tmp_path / "m" / "metrics.json"
    assert main(["metrics", str(SEED), "--periode", "2022-06", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["top_kategori"][0]["jumlah"] == 92
    assert (out.parent / "tabel.xlsx").stat().st_size > 0


def test_metrics_bad_data_exits_1(tmp_path, capsys):
    assert main(["metrics", str(tmp_path / "nope"), "--periode", "2022-06"]) == 1
    assert "tidak ditemukan" in capsys.readouterr().err


def test_metrics_bad_per_tanggal(capsys):
    assert main(["metrics", str(SEED), "--periode", "2022-06", "--per-tanggal", "kemarin"]) == 2
    assert "--per-tanggal" in capsys.readouterr().err


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "laporan_bulanan.ipynb", tmp_path / "notebooks")
    shutil.copytree(SEED, tmp_path / "data" / "2023-01-ekspor")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_new_month_writes_params_and_refuses_overwrite(project, capsys):
    # the seed data belongs to June 2022: as a 2022-06 month file it validates
    (project / "params" / "2022-06.yaml").unlink()
    args = [
        "new-month",
        "2022-06",
        "--data",
        "data/2023-01-ekspor",
        "--per-tanggal",
        "2022-07-11 08:34",
    ]
    assert main(args) == 0
    text = (project / "params" / "2022-06.yaml").read_text()
    assert "data: data/2023-01-ekspor" in text and "kendala:" in text
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0


def test_new_month_with_invalid_data_writes_nothing(project, month_factory, capsys):
    bad = month_factory([laporan_row(ukpd="KELURAHAN ATLANTIS")])
    before = (project / "params" / "2022-06.yaml").read_text()
    assert main(["new-month", "2022-06", "--data", str(bad), "--force"]) == 1
    assert "UKPD tidak dikenal" in capsys.readouterr().err
    assert (project / "params" / "2022-06.yaml").read_text() == before


def test_build_bad_month_argument(project, capsys):
    assert main(["build", "juni"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_archive_on_empty_output(project, capsys):
    assert main(["archive"]) == 0
    assert (project / "output" / "index.html").exists()


# ------------------------------------------------------------------ new-month writes valid YAML


def test_new_month_data_path_with_hash_and_space_round_trips(project):
    from crmlib.data.params import load_params

    shutil.copytree(SEED, project / "data" / "Juni #2")
    args = ["new-month", "2022-06", "--data", "data/Juni #2", "--force"]
    assert main([*args, "--per-tanggal", "2022-07-11 08:34"]) == 0
    assert load_params(project / "params", "2022-06")["data"] == "data/Juni #2"


def test_new_month_bad_per_tanggal_writes_nothing(project, capsys):
    path = project / "params" / "2022-06.yaml"
    path.unlink()
    args = ["new-month", "2022-06", "--data", "data/2023-01-ekspor"]
    assert main([*args, "--per-tanggal", "kemarin sore"]) == 2
    assert "'kemarin sore' bukan tanggal" in capsys.readouterr().err
    assert not path.exists()
    assert sorted(p.name for p in (project / "params").iterdir() if "2022-06" in p.name) == []


def test_new_month_force_keeps_a_backup_of_the_edited_file(project, capsys):
    path = project / "params" / "2022-06.yaml"
    edited = path.read_text() + "kendala:\n  - Kendala yang sudah disunting analis\n"
    path.write_text(edited)
    args = ["new-month", "2022-06", "--data", "data/2023-01-ekspor", "--force"]
    assert main([*args, "--per-tanggal", "2022-07-11 08:34"]) == 0
    (backup,) = (project / "params").glob("2022-06.yaml.bak-*")
    assert backup.read_text() == edited
    assert "Kendala yang sudah disunting" not in path.read_text()
    assert str(backup) in capsys.readouterr().out


def test_new_month_lists_every_per_month_key_with_an_explanation(project):
    import yaml

    (project / "params" / "2022-06.yaml").unlink()
    assert main(["new-month", "2022-06", "--data", "data/2023-01-ekspor"]) == 0
    text = (project / "params" / "2022-06.yaml").read_text()
    for key in ("periode", "data", "per_tanggal", "tanggal_laporan", "izinkan_kosong", "catatan"):
        assert f"\n# {key}: " in text, key
    assert "\n# catatan: Pada bulan ini" in text  # commented out: the default applies
    loaded = yaml.safe_load(text)
    assert "catatan" not in loaded and loaded["tanggal_laporan"] == "2022-07-15"


def test_new_month_for_an_empty_month_needs_izinkan_kosong(project, capsys):
    args = ["new-month", "2022-03", "--data", "data/2023-01-ekspor", "--force"]
    assert main(args) == 1
    assert "0 laporan dalam periode 2022-03" in capsys.readouterr().err
    assert main([*args, "--izinkan-kosong"]) == 0
    assert "\nizinkan_kosong: true\n" in (project / "params" / "2022-03.yaml").read_text()


def test_new_month_of_a_year_without_dpa_number_refused(project, capsys):
    assert main(["new-month", "2023-01", "--data", "data/2023-01-ekspor"]) == 2
    assert "DPA-SKPD untuk tahun anggaran 2023 belum ada" in capsys.readouterr().err
    assert not (project / "params" / "2023-01.yaml").exists()


# ------------------------------------------------------------------ crm-report contoh


def test_contoh_writes_a_month_any_month_the_reader_accepts(tmp_path, capsys):
    folder = tmp_path / "data" / "2024-02"
    assert main(["contoh", "2024-02", "--ke", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "sintetis" in out and f"crm-report validate {folder} --periode 2024-02" in out
    assert sorted(p.name for p in folder.iterdir()) == ["koordinasi.csv", "laporan.csv"]
    assert main(["validate", str(folder), "--periode", "2024-02"]) == 0
    assert "Data valid untuk periode 2024-02." in capsys.readouterr().out
    # The same month gives the same data; what is there is not overwritten unasked.
    first = (folder / "laporan.csv").read_bytes()
    assert main(["contoh", "2024-02", "--ke", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "sudah ada" in err and "--force" in err
    assert main(["contoh", "2024-02", "--ke", str(folder), "--force"]) == 0
    assert (folder / "laporan.csv").read_bytes() == first


def test_contoh_of_a_sample_month_is_the_sample(tmp_path):
    dest = tmp_path / "2022-07.xlsx"
    assert main(["contoh", "2022-07", "--ke", str(dest)]) == 0
    assert dest.read_bytes() == (ROOT / "data" / "sample" / "2022-07.xlsx").read_bytes()


def test_a_missing_data_path_suggests_the_sample_of_that_name(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["validate", "data/2022-07.xlsx", "--periode", "2022-07"]) == 1
    err = capsys.readouterr().err
    assert "tidak ditemukan; mungkin maksudnya: data/sample/2022-07.xlsx" in err
    assert "crm-report contoh YYYY-MM --ke data/2022-07.xlsx" in err
