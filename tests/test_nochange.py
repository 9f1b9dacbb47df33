"""What the analyst waits for when nothing changed: no pandas, no Jupyter, no file read twice.

A no-change ``build --all``, ``status`` and ``archive`` decide from fingerprints and the
published months' ``metrics.json``; importing pandas, pydantic or Jupyter alone would
cost them most of a second. File hashes are remembered by the file's stat
(``crmlib.publish.hashcache``), so an unchanged file is not read again, while a file
replaced by one of the same size and modification time is still seen. How fast these
commands are is measured in ``bench/`` (``bench/RESULTS.md``), never asserted here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from fixtures_built import MONTHS, built_two_months

from crmlib.project import Project
from crmlib.publish import hashcache
from crmlib.publish.build import check_up_to_date
from crmlib.publish.hashcache import HashCache

# What none of the three commands may import when nothing is rebuilt.
HEAVY = ("pandas", "numpy", "matplotlib", "pyarrow", "jupyter_client", "ipykernel", "papermill")
HEAVY_BUILD = (*HEAVY, "nbformat", "jsonschema", "pydantic", "jinja2", "babel")

_IMPORTED = """
import json, sys
from crmlib.cli.main import main
rc = main(sys.argv[1:])
print(json.dumps({"rc": rc, "modules": sorted({m.split(".")[0] for m in sys.modules})}))
"""


# ------------------------------------------------------------------ the hash cache


@pytest.fixture
def digests(monkeypatch):
    """The paths the hash cache really reads and hashes, in order."""
    seen = []
    original = hashcache.sha256_file
    monkeypatch.setattr(hashcache, "sha256_file", lambda p: seen.append(p) or original(p))
    return seen


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (else a file written less than 2 s ago is always hashed)."""
    monkeypatch.setattr(hashcache, "RACY_SECONDS", 0.0)


def _same_times(path, st) -> None:
    """Give ``path`` back the access and modification times of ``st``."""
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_an_unchanged_file_is_hashed_once_even_across_processes(tmp_path, digests, settled):
    f = tmp_path / "laporan.csv"
    f.write_bytes(b"nomor_laporan\n1\n")
    cache = HashCache(tmp_path / "cache" / "hash.json")
    first = cache.sha256(f)
    assert cache.sha256(f) == first and digests == [f]
    cache.save()
    assert (tmp_path / "cache" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert HashCache(tmp_path / "cache" / "hash.json").sha256(f) == first
    assert digests == [f]


def test_a_file_replaced_by_one_of_the_same_size_and_mtime_is_hashed_again(
    tmp_path, digests, settled
):
    f = tmp_path / "laporan.csv"
    f.write_bytes(b"nomor_laporan\n1\n")
    cache = HashCache(None)
    before = cache.sha256(f)
    st = f.stat()
    replacement = tmp_path / "baru.csv"
    replacement.write_bytes(b"nomor_laporan\n2\n")  # same size
    _same_times(replacement, st)
    os.replace(replacement, f)
    assert f.stat().st_size == st.st_size and f.stat().st_mtime_ns == st.st_mtime_ns
    assert cache.sha256(f) != before
    assert len(digests) == 2


def test_a_file_rewritten_in_place_with_its_old_mtime_is_hashed_again(tmp_path, digests, settled):
    f = tmp_path / "laporan.csv"
    f.write_bytes(b"nomor_laporan\n1\n")
    cache = HashCache(None)
    before = cache.sha256(f)
    st = f.stat()
    with open(f, "r+b") as fh:  # same inode, same size
        fh.write(b"nomor_laporan\n3\n")
    _same_times(f, st)
    # ctime cannot be set back; wait for the clock tick (coarse file-system timestamps).
    while f.stat().st_ctime_ns == st.st_ctime_ns:
        _same_times(f, st)
    assert (f.stat().st_ino, f.stat().st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    assert cache.sha256(f) != before


def test_a_file_written_just_now_is_not_remembered(tmp_path, digests):
    f = tmp_path / "metrics.json"
    f.write_text("{}")
    cache = HashCache(None)
    cache.sha256(f)
    cache.sha256(f)
    assert digests == [f, f]


# ------------------------------------------------------------------ a built project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shared two built months, copied, with their annual report marked current.

    The annual report's own build is tested in tests/test_tahunan.py; here its state says
    it is up to date (its fingerprint, stand-in files) so that ``build --all`` has
    nothing to build.
    """
    from crmlib.publish.fingerprint import STATE_FILE
    from crmlib.publish.year import year_fingerprint

    root = shutil.copytree(
        built_two_months(tmp_path_factory),
        tmp_path_factory.mktemp("nochange") / "proyek",
        symlinks=True,
    )
    year = root / "output" / "2022"
    year.mkdir()
    for name in ("laporan.html", "laporan.pdf"):
        (year / name).write_text("laporan tahunan (pengganti)")
    fp = year_fingerprint(Project(root), "2022", "embedded")
    (year / STATE_FILE).write_text(json.dumps({"fingerprint": fp}))
    # A real annual build refreshes the archive after it: the index is newer than its state.
    os.utime(root / "output" / "index.html")
    return root


def _run_imported(root, *args: str) -> tuple[int, set[str], str]:
    """Run crm-report in a fresh process; its exit code, top-level modules and stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["rc"], set(report["modules"]), done.stderr


def test_a_no_change_build_imports_no_pandas_pydantic_or_jupyter(built):
    rc, modules, err = _run_imported(built, "build", "--all", "--renderer", "embedded")
    assert rc == 0, err
    assert err.count("terkini") == len(MONTHS), err
    assert sorted(modules & set(HEAVY_BUILD)) == []


def test_status_imports_no_pandas_pydantic_or_jupyter(built):
    rc, modules, err = _run_imported(built, "status")
    assert rc == 0, err
    assert sorted(modules & set(HEAVY_BUILD)) == []


def test_archive_imports_no_pandas_or_jupyter(built):
    rc, modules, err = _run_imported(built, "archive")
    assert rc == 0, err
    assert sorted(modules & set(HEAVY)) == []


def test_a_data_file_replaced_with_same_size_and_mtime_makes_its_month_stale(
    built, tmp_path, settled
):
    root = shutil.copytree(built, tmp_path / "proyek", symlinks=True)
    project = Project(root)
    todo, _, _ = check_up_to_date(project, list(MONTHS), "embedded", force=False)
    assert todo == []  # and every file's hash is now remembered
    data = root / "data" / "2022-06" / "laporan.csv"
    st = data.stat()
    text = data.read_bytes()
    changed = text.replace(b"KELURAHAN KAYU MANIS", b"KELURAHAN KAYU MANIZ", 1)
    assert changed != text and len(changed) == len(text)
    tmp = data.with_name("baru.csv")
    tmp.write_bytes(changed)
    _same_times(tmp, st)
    os.replace(tmp, data)
    todo, fresh, _ = check_up_to_date(project, list(MONTHS), "embedded", force=False)
    # June's data changed, and July would too (none here): June is rebuilt, May is not.
    assert todo == ["2022-06"] and [r.periode for r in fresh] == ["2022-05"]
