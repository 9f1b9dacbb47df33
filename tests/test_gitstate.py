"""A crmlib running from outside the project counts as a change unless it is the commit's own."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import crmlib
from crmlib.publish.gitstate import same_as_committed, uncommitted_changes

PACKAGE = Path(crmlib.__file__).resolve().parent
GIT = ["git", "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id"]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def _commit(root: Path, message: str) -> None:
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def practice_copy(tmp_path):
    """A project whose commit holds the running crmlib's files (a clone of the project)."""
    root = tmp_path / "latihan-crm"
    shutil.copytree(PACKAGE, root / "crmlib", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    _commit(root, "klon")
    return root


def test_the_commits_own_crmlib_running_from_elsewhere_is_no_change(practice_copy):
    assert same_as_committed(practice_copy, PACKAGE)
    assert not [c for c in uncommitted_changes(practice_copy) if "crmlib yang berjalan" in c]


def test_a_crmlib_that_differs_from_the_commit_is_named(practice_copy):
    (practice_copy / "crmlib" / "tambahan.py").write_text("X = 1\n")
    _commit(practice_copy, "berbeda")
    assert not same_as_committed(practice_copy, PACKAGE)
    changes = uncommitted_changes(practice_copy)
    assert any("crmlib yang berjalan ada di luar folder proyek" in c for c in changes), changes


def test_a_project_without_crmlib_is_not_the_running_one(tmp_path):
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "README.md").write_text("x\n")
    _commit(tmp_path, "kosong")
    assert not same_as_committed(tmp_path, PACKAGE)
