"""Finalize is all or nothing: SIGINT and SIGTERM at each of its steps (SIGKILL: test_finalize_kill).

``crm-report finalize`` runs as a real process (``finalize_met_sinyal.py``), which
sends itself the signal as the step starts. Two end states are allowed:

- **nothing**: no ``terbitan/2022-06/`` at all (so ``git add terbitan/2022-06``
  stages nothing), the draft still published, exit 130 and "hasil terbit tidak
  diubah";
- **the edition, complete**: ``terbitan/2022-06/edisi-1/`` verifies, it is
  published, and the run reports success (exit 0), never "tidak diubah".

Before the store's rename (step "simpan") a stop leaves nothing; from it on,
SIGINT and SIGTERM are held until the edition is also published (one run sends
both there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures_built import built_two_months
from fixtures_edisi import SANDI, run_cli, tte_certificates

from crmlib.cli.runlog import STOPPED
from crmlib.publish.finalize import STOP_HELD
from crmlib.publish.verify import check_edition

pytestmark = pytest.mark.e2e

HELPER = Path(__file__).with_name("finalize_met_sinyal.py")
# The steps of finalize, in order; a stop in the first ones leaves nothing.
BEFORE_STORE = ("validasi", "metrik", "notebook", "render", "tanda tangan", "periksa")
FROM_STORE = ("simpan", "terbit", "arsip")


@pytest.fixture(scope="module")
def draft_template(tmp_path_factory):
    """The built 2022-05/2022-06 drafts, and the CA's certificate to sign with beside it."""
    return draft_project(tmp_path_factory, "henti")


def draft_project(tmp_path_factory, name: str) -> Path:
    root = tmp_path_factory.mktemp(name) / "proj"
    shutil.copytree(built_two_months(tmp_path_factory), root, symlinks=True)
    shutil.copy(tte_certificates(tmp_path_factory).p12("walikota"), root.parent / "ttd.p12")
    return root


def finalize_stopped(template: Path, tmp_path: Path, step: str, signals: str):
    """A copy of ``template`` finalized with ``signals`` at ``step``: (root, draft PDF, run)."""
    root = tmp_path / "proj"
    shutil.copytree(template, root, symlinks=True)
    shutil.copy(template.parent / "ttd.p12", tmp_path / "ttd.p12")
    draft_pdf = (root / "output" / "2022-06" / "laporan.pdf").read_bytes()
    args = [
        "finalize",
        "2022-06",
        "--oleh",
        "Kasubbag Uji",
        "--renderer",
        "embedded",
        "--izinkan-perubahan",
    ]
    args += ["--tandatangan", str(tmp_path / "ttd.p12")]
    env = {**os.environ, "CRM_TTE_SANDI": SANDI}
    run = subprocess.run(
        [sys.executable, str(HELPER), step, signals, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return root, draft_pdf, run


def published_state(root: Path) -> str:
    month = root / "output" / "2022-06"
    return json.loads((month / "build-info.json").read_text(encoding="utf-8"))["status"]


def assert_nothing(root: Path, draft_pdf: bytes) -> None:
    """Nothing of the edition where ``git add terbitan/2022-06`` could reach; the draft published."""
    assert not (root / "terbitan" / "2022-06").exists()
    assert (root / "output" / "2022-06" / "laporan.pdf").read_bytes() == draft_pdf
    assert published_state(root) == "draf"


def assert_complete(root: Path) -> None:
    """Edition 1 stored whole: it passes the checks ``verify`` makes (git aside)."""
    check = check_edition(root / "terbitan" / "2022-06" / "edisi-1", "2022-06", 1, [])
    assert check.ok, check.masalah
    assert sorted(p.name for p in (root / "terbitan" / "2022-06").iterdir()) == ["edisi-1"]


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("step", BEFORE_STORE)
def test_stop_before_the_store_leaves_nothing(draft_template, tmp_path, step, signal_name):
    root, draft_pdf, run = finalize_stopped(draft_template, tmp_path, step, signal_name)
    assert run.returncode == 130, run.stdout + run.stderr
    assert STOPPED in run.stderr
    assert_nothing(root, draft_pdf)
    assert not list((root / "terbitan").glob(".tmp-*"))  # the prepared edition is removed too


@pytest.mark.parametrize("step", FROM_STORE)
def test_stop_from_the_store_on_completes_and_reports_success(draft_template, tmp_path, step):
    root, _, run = finalize_stopped(draft_template, tmp_path, step, "SIGINT,SIGTERM")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "disimpan di terbitan/2022-06/" in run.stdout and STOP_HELD in run.stdout
    assert "tidak diubah" not in run.stdout + run.stderr
    assert_complete(root)
    assert published_state(root) == "final"
    rc, out, err = run_cli(["verify", "2022-06"], root)
    assert rc == 0, out + err
