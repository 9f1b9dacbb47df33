"""Report-count warnings against earlier published months, and ``crm-report status``."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import ROOT

from crmlib.cli.main import main
from crmlib.project import Project
from crmlib.publish.fingerprint import STATE_FILE
from crmlib.publish.volume import WARNINGS_KEY, published_totals, volume_warnings


@pytest.fixture
def six_published_months_of_600(tmp_path):
    """A project whose output/ holds 2022-01…06, each with 600 reports (metrics.json only)."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "laporan_bulanan.ipynb", tmp_path / "notebooks")
    for m in range(1, 7):
        month = tmp_path / "output" / f"2022-{m:02d}"
        month.mkdir(parents=True)
        (month / "metrics.json").write_text(json.dumps({"total_laporan": 600}))
    return Project(tmp_path)


def test_published_totals_only_earlier_months_and_readable_files(six_published_months_of_600):
    project = six_published_months_of_600
    (project.output_dir / "2022-03" / "metrics.json").write_text("{rusak")
    (project.output_dir / ".tmp-2022-02-123").mkdir()
    totals = published_totals(project, "2022-05")
    assert totals == {"2022-01": 600, "2022-02": 600, "2022-04": 600}


def test_month_far_below_the_median_warns(six_published_months_of_600):
    project = six_published_months_of_600
    (warning,) = volume_warnings(project, "2022-07", 150)
    assert "2022-07: jumlah laporan 150 jauh lebih sedikit dari median 600" in warning
    assert "6 bulan sebelumnya (2022-01 s.d. 2022-06)" in warning
    assert volume_warnings(project, "2022-07", 590) == []
    assert "jauh lebih banyak" in volume_warnings(project, "2022-07", 1900)[0]


def test_status_lists_every_month_built_or_not_with_its_warnings(
    six_published_months_of_600, monkeypatch, capsys
):
    project = six_published_months_of_600
    state = {"fingerprint": {"periode": "2022-06"}, WARNINGS_KEY: ["2022-06: jumlah laporan 9"]}
    (project.output_dir / "2022-06" / STATE_FILE).write_text(json.dumps(state))
    monkeypatch.chdir(project.root)
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "2022-06  perlu dibangun ulang" in out and "PERINGATAN: 2022-06: jumlah laporan 9" in out
    assert "2022-07  belum dibangun" in out and "2022-12  belum dibangun" in out
