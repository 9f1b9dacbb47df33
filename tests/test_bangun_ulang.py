"""A signed-off edition re-derived byte for byte from a fresh clone: ``verify --bangun-ulang``.

The issue's scenario, once per run: a git repository holding this checkout's code and
two sample months; ``finalize 2022-06`` (default NumPy dispatch); commit ``terbitan/``;
clone it into a new folder, delete the exports there, republish (``build``), and run
``verify --bangun-ulang 2022-06`` with NumPy's AVX2/AVX-512 paths switched off. Every
command runs as the analyst runs it, in a child process on the repository's own code.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from fixtures_built import copy_project

from crmlib.errors import EditionError
from crmlib.project import Project
from crmlib.publish.bangun_ulang import compare_file, json_differences
from crmlib.publish.edisi import FILES, read_manifest
from crmlib.publish.finalize import finalize

pytestmark = pytest.mark.e2e

NO_AVX2_AVX512 = "X86_V3 X86_V4"
GIT_USER = ["-c", "user.name=Analis Uji", "-c", "user.email=analis@example.org"]


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", *GIT_USER, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def crm_report(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``crm-report ARGS`` in ``cwd``, on ``cwd``'s own crmlib (as a clone's .venv would run it)."""
    environ = {**os.environ, "PYTHONPATH": str(cwd), **env}
    return subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "crmlib.cli.main", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A fresh clone (exports deleted) of a repository whose 2022-06 was finalized and committed.

    Returns (clone, the commit the edition was built at, what ``verify --bangun-ulang``
    printed and its exit code). Only read the clone; copy it to change it.
    """
    base = tmp_path_factory.mktemp("bangun-ulang")
    repo = copy_project(base / "repo")
    shutil.copytree(ROOT / "crmlib", repo / "crmlib", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", ".gitignore"):
        shutil.copy(ROOT / name, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "proyek")
    commit = git(repo, "rev-parse", "HEAD")
    done = crm_report(repo, "finalize", "2022-06", "--renderer", "embedded", "--oleh", "Analis")
    assert done.returncode == 0, done.stdout + done.stderr
    git(repo, "add", "terbitan")
    git(repo, "commit", "-qm", "Laporan 2022-06 edisi 1 (final)")
    copy = base / "salinan"
    git(base, "clone", "-q", str(repo), str(copy))
    shutil.rmtree(copy / "data")  # no export: only what the repository stores
    published = crm_report(copy, "build", "2022-06", "--renderer", "embedded")
    assert published.returncode == 0, published.stdout + published.stderr
    verify = crm_report(
        copy, "verify", "2022-06", "--bangun-ulang", NPY_DISABLE_CPU_FEATURES=NO_AVX2_AVX512
    )
    return copy, commit, verify.stdout + verify.stderr, verify.returncode


def test_fresh_clone_rederives_every_file_identically(clone):
    _, commit, out, rc = clone
    assert rc == 0, out
    assert f"Edisi 1 dibangun ulang pada commit {commit[:12]}:" in out
    for name in FILES:
        assert f"  {name}: identik" in out, out
    assert "2022-06: SEMUA COCOK" in out


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 only")
def test_a_month_built_without_avx2_and_avx512_is_the_same_bytes(clone):
    """finalize ran on NumPy's default dispatch, the rebuild with AVX2/AVX-512 switched off."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from numpy._core._multiarray_umath import __cpu_features__ as f; "
            "print(f['X86_V3'], f['X86_V4'])",
        ],
        env={**os.environ, "NPY_DISABLE_CPU_FEATURES": NO_AVX2_AVX512},
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["False", "False"]
    _, _, out, rc = clone
    assert rc == 0 and out.count(": identik") == len(FILES), out


def test_edition_keeps_its_inputs_and_the_manifest_names_them(clone):
    copy, commit, _, _ = clone
    edition = copy / "terbitan" / "2022-06" / "edisi-1"
    manifest = read_manifest(copy, "2022-06", 1)
    assert manifest["git_commit"] == commit and manifest["perubahan_diizinkan"] == []
    assert manifest["lock_sha256"] == sha(copy / "requirements.lock")
    assert manifest["masukan"] == {p.name: sha(p) for p in sorted((edition / "masukan").iterdir())}
    assert manifest["params_sha256"] == sha(edition / "params.json")
    assert manifest["notebook_sha256"] == sha(edition / "laporan_bulanan.ipynb")
    assert (edition / "laporan_bulanan.ipynb").read_bytes() == (
        copy / "notebooks" / "laporan_bulanan.ipynb"
    ).read_bytes()
    params = json.loads((edition / "params.json").read_text())
    assert params["params"]["per_tanggal"] == "2022-07-11 08:34"
    assert params["riwayat"][0]["periode"] == "2022-05"  # the comparison month, kept
    assert params["edisi"]["waktu"] == manifest["difinalkan_pada"]
    # What is kept is the canonical table: no reporter column, nothing of the export's own form.
    header = (edition / "masukan" / "laporan.csv").read_text().splitlines()[0]
    assert header.split(",")[0] == "nomor_laporan" and "pelapor" not in header


def test_tampered_row_with_its_hash_updated_is_named_and_fails(clone, tmp_path):
    """An attacker changes one stored row and updates its hash in the manifest."""
    copy = tmp_path / "salinan"
    shutil.copytree(clone[0], copy, symlinks=True)
    edition = copy / "terbitan" / "2022-06" / "edisi-1"
    table = edition / "masukan" / "laporan.csv"
    lines = table.read_text().splitlines(keepends=True)
    assert ",Complete," in lines[1]
    lines[1] = lines[1].replace(",Complete,", ",Wait,", 1)
    table.write_text("".join(lines))
    manifest = json.loads((edition / "manifest.json").read_text())
    manifest["masukan"]["laporan.csv"] = sha(table)
    (edition / "manifest.json").write_text(json.dumps(manifest, indent=2))
    verify = crm_report(copy, "verify", "2022-06", "--bangun-ulang")
    out = verify.stdout + verify.stderr
    assert verify.returncode == 1, out
    assert "metrics.json: BERBEDA" in out and "laporan.pdf: BERBEDA" in out
    ukpd = re.escape(lines[1].split(",")[4])
    for status, step in (("Complete", -1), ("Wait", 1)):
        found = re.search(rf"rekap_status\[\d+ {ukpd}\]\.status\.{status}: (\d+) → (\d+)", out)
        assert found and int(found[2]) - int(found[1]) == step, out
    # The cheap check sees it too: the signed figures name the tables they came from.
    assert "masukan/laporan.csv (lain dari metrics.json)" in out


def test_finalize_with_edited_notebook_or_untracked_params_is_refused_naming_them(clone, tmp_path):
    copy = tmp_path / "salinan"
    shutil.copytree(clone[0], copy, symlinks=True)
    notebook = copy / "notebooks" / "laporan_bulanan.ipynb"
    notebook.write_text(notebook.read_text().replace("PENDAHULUAN", "PENDAHULUAN BARU", 1))
    shutil.copy(copy / "params" / "2022-05.yaml", copy / "params" / "2022-07.yaml")
    with pytest.raises(EditionError) as refused:
        finalize(Project(copy), "2022-05", renderer="embedded", oleh="Analis")
    message = str(refused.value)
    assert "notebooks/laporan_bulanan.ipynb" in message and "params/2022-07.yaml" in message
    assert "--izinkan-perubahan" in message
    assert not (copy / "terbitan" / "2022-05").exists()


def test_differences_are_named_by_key_and_a_signature_after_the_same_bytes_matches(tmp_path):
    stored = {"total_laporan": 508, "rekap_status": [{"ukpd": "KELURAHAN X", "total": 4}]}
    rebuilt = {"total_laporan": 507, "rekap_status": [{"ukpd": "KELURAHAN X", "total": 3}]}
    assert json_differences(stored, rebuilt) == [
        "rekap_status[0 KELURAHAN X].total: 4 → 3",
        "total_laporan: 508 → 507",
    ]
    pdf, signed = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.7 isi\n%%EOF\n")
    signed.write_bytes(pdf.read_bytes() + b"tanda tangan\n%%EOF\n")
    assert compare_file("laporan.pdf", signed, pdf, {"tanda_tangan": {"utuh": True}})[0]
    assert not compare_file("laporan.pdf", signed, pdf, {"tanda_tangan": None})[0]
