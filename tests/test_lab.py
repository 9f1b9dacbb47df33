"""``make lab``: runs as root, opens at the project root, keeps saves clean, installs once."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")


def _make_n(cwd, *args: str) -> list[str]:
    """The commands ``make -n`` would run, continuation lines joined."""
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.replace("\\\n", " ").splitlines()


def test_make_lab_command_line():
    lines = _make_n(ROOT, "lab", "LAB_ARGS=--no-browser --port 8899")
    line = next(x for x in lines if "jupyter lab" in x)
    assert "--allow-root" in line and "--ServerApp.root_dir=." in line
    assert "--ContentsManager.pre_save_hook=crmlib.cli.lab.sebelum_simpan" in line
    assert "--no-browser --port 8899" in line
    assert line.rstrip().endswith("notebooks/laporan_bulanan.ipynb")


def test_make_lab_installs_only_when_the_install_changed(tmp_path):
    # A project whose .venv was installed (its stamp newer than the lock and pyproject.toml).
    for name in ("Makefile", "pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / ".installed-stamp").touch()
    for i, name in enumerate(("requirements.lock", "pyproject.toml", ".venv/.installed-stamp")):
        os.utime(tmp_path / name, (1_000_000 + i, 1_000_000 + i))
    assert not [x for x in _make_n(tmp_path, "lab") if "pip " in x]
    os.utime(tmp_path / "pyproject.toml", (2_000_000, 2_000_000))  # the dependencies changed
    # JupyterLab comes from the lock, like every other package.
    assert [x for x in _make_n(tmp_path, "lab") if "pip sync" in x and "requirements.lock" in x]


# What JupyterLab's frontend writes into the notebook on every save: the kernel's language_info.
LAB_LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
    "version": "3.11.2",
}


def test_a_lab_save_keeps_the_committed_metadata():
    """What JupyterLab's frontend adds on save (the kernel's language_info) is dropped."""
    import json

    from crmlib.cli.lab import sebelum_simpan

    committed = json.loads((ROOT / "notebooks" / "laporan_bulanan.ipynb").read_text())
    saved = json.loads(json.dumps(committed))
    saved["metadata"]["language_info"] = dict(LAB_LANGUAGE_INFO)
    model = {"type": "notebook", "content": saved}
    sebelum_simpan(model=model, path="notebooks/laporan_bulanan.ipynb", contents_manager=None)
    assert model["content"] == committed
