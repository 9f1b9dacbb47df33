"""Odd exports through a whole build: one bad month never takes another down (issue 23).

One parallel build of three months, each odd in its own way:

- 2022-05: its data is a named pipe (reading it would block forever);
- 2022-06: control and bidi characters in the text of Tabel 2.9's rows, and the month
  before (2022-05) cannot be read for the comparison;
- 2022-07: its build worker is killed mid-build (as the out-of-memory killer would),
  which used to fail every month still in the pool, and its export is gone by the time
  it is built again (so that only one month is built twice: the test's cost).

What must hold: ``status`` and the build return, 2022-05 is refused naming its file,
2022-06 is published although the pool broke under it, 2022-07 fails alone for its own
reason, 2022-06 says the comparison was left out, and what it publishes holds no
control or bidi character.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
from fixtures_built import copy_project
from openpyxl import load_workbook
from pypdf import PdfReader

pytestmark = pytest.mark.e2e

CRM_REPORT = [sys.executable, "-m", "crmlib.cli.main"]
HANG_BOUND = 900  # seconds: a bound on a blocked run, not a speed target
ROW = "JK2206030245"  # a row of Tabel 2.9 (follow-ups scored below 100)
HOSTILE = "Sampah\x0bLingkungan\x00 foto gnp\u202e.exe\x1b[31m"
CLEANED = "Sampah Lingkungan foto gnp.exe[31m"
UNWANTED = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)] + [
    "\u202e",
    "\u2066",
]


def _kill_worker_of(root, periode: str, done: threading.Event, killed: list) -> None:
    """Kill (SIGKILL) the pool worker building ``periode`` as soon as its temp folder appears,
    then remove the month's export.

    The folder is ``output/.tmp-<periode>-<worker pid>-<random>``.
    """
    output = root / "output"
    while not done.is_set():
        for p in output.glob(f".tmp-{periode}-*") if output.is_dir() else []:
            pid = int(p.name.split("-")[-2])
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
            (root / "data" / f"{periode}.xlsx").unlink()
            return
        time.sleep(0.02)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("proyek"), ("2022-05", "2022-06", "2022-07"))
    may = root / "data" / "2022-05.xlsx"
    may.unlink()
    os.mkfifo(may)
    june = root / "data" / "2022-06" / "laporan.csv"
    df = pd.read_csv(june, dtype=str, keep_default_na=False)
    df.loc[df["nomor_laporan"] == ROW, "rincian_masalah"] = HOSTILE
    df.to_csv(june, index=False)

    status = subprocess.run(
        [*CRM_REPORT, "status"], cwd=root, capture_output=True, text=True, timeout=HANG_BOUND
    )
    done, killed = threading.Event(), []
    killer = threading.Thread(
        target=_kill_worker_of, args=(root, "2022-07", done, killed), daemon=True
    )
    killer.start()
    try:
        build = subprocess.run(
            [*CRM_REPORT, "build", "2022-05", "2022-06", "2022-07", "--jobs", "2"]
            + ["--renderer", "embedded"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=HANG_BOUND,
        )
    finally:
        done.set()
        killer.join()
    return root, status, build, killed


def test_status_does_not_block_on_a_pipe(hostile_build):
    _, status, _, _ = hostile_build
    assert status.returncode == 0, status.stderr
    assert "2022-05" in status.stdout and "Traceback" not in status.stdout + status.stderr


def test_a_killed_worker_fails_no_other_month(hostile_build):
    root, _, build, killed = hostile_build
    text = build.stdout + build.stderr
    assert killed, "the 2022-07 worker was never seen building"
    assert build.returncode == 1, text
    assert "2022-06  dibangun" in text and (root / "output" / "2022-06" / "laporan.pdf").is_file()
    # Built again on its own, 2022-07 fails for its own reason (its export is gone).
    assert (
        "2022-07  gagal" in text and "2022-07.xlsx: berkas atau folder data tidak ditemukan" in text
    )
    assert "proses pekerja" not in text and "Traceback" not in text
    assert not [p for p in (root / "output").iterdir() if p.name.startswith(".tmp-")]


def test_the_pipe_month_is_refused_naming_its_file(hostile_build):
    root, _, build, _ = hostile_build
    assert "2022-05  gagal" in build.stdout
    assert "2022-05.xlsx: bukan berkas biasa" in build.stdout
    assert not (root / "output" / "2022-05").exists()


def test_the_month_before_unreadable_leaves_the_comparison_out_with_a_warning(hostile_build):
    root, _, build, _ = hostile_build
    metrics = json.loads((root / "output" / "2022-06" / "metrics.json").read_text())
    warning = "perbandingan dengan bulan sebelumnya (2022-05) tidak ditampilkan"
    assert any(warning in w for w in metrics["provenance"]["peringatan_kewajaran"])
    assert f"PERINGATAN: {warning}" in build.stderr


def test_control_and_bidi_characters_never_reach_what_is_published(hostile_build):
    root, _, _, _ = hostile_build
    month = root / "output" / "2022-06"
    metrics = json.loads((month / "metrics.json").read_text())
    row = next(e for e in metrics["nilai_tl_dibawah_100"] if e["nomor_laporan"] == ROW)
    assert row["rincian_masalah"] == CLEANED
    cells = [
        str(c.value)
        for ws in load_workbook(month / "tabel.xlsx").worksheets
        for r in ws.iter_rows()
        for c in r
        if c.value is not None
    ]
    assert CLEANED in cells
    html = (month / "laporan.html").read_text(encoding="utf-8")
    pdf = "".join(page.extract_text() for page in PdfReader(month / "laporan.pdf").pages)
    assert "gnp.exe" in html and "gnp.exe" in "".join(pdf.split())
    for text in ("\n".join(cells), html, json.dumps(metrics, ensure_ascii=False)):
        assert not [c for c in UNWANTED if c in text]
    log = (month / "build.log").read_text(encoding="utf-8")
    assert "karakter pengatur arah teks (bidi) dihapus" in log and "karakter kendali" in log
