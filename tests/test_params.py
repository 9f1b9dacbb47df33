"""Parameter files: defaults + month, unknown keys refused with a suggestion."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from crmlib.errors import ParamsError
from crmlib.params import list_months, load_params


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
