"""``make lab``: runs as root, opens at the project root, passes options through."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_lab_command_line():
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab", "LAB_ARGS=--no-browser --port 8899"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if "jupyter lab" in x)
    assert "--allow-root" in line and "--ServerApp.root_dir=." in line
    assert "--no-browser --port 8899" in line
    assert line.rstrip().endswith("notebooks/laporan_bulanan.ipynb")
