"""A full disk at any step: exit code 74 and the file that was being written, never a traceback.

Two real ways to make a write fail, no stub: a path that is a symlink to ``/dev/full``
(every write there fails with ENOSPC) where the step's file name is known, and, for a
whole run in a child process, ``RLIMIT_FSIZE`` (a write past the limit fails with EFBIG,
"file too large", handled as a full disk) with ``SIGXFSZ`` ignored as a full disk never
sends it. The limit is chosen from the sizes of a built month, so that the step under
test is the first to write a file larger than the limit.
"""

from __future__ import annotations

import errno
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from fixtures_built import built_two_months

from crmlib.errors import DiskFullError, StorageError
from crmlib.publish.build_log import LogFile, close_log
from crmlib.publish.edisi import copy_file
from crmlib.render.execute import _cell_storage_error
from crmlib.render.typst_compile import compile_typst

FULL = Path("/dev/full")


def _full(path: Path) -> Path:
    """``path`` made a symlink to ``/dev/full``: writing it fails as on a full disk."""
    path.symlink_to(FULL)
    return path


def test_typst_writing_into_a_full_disk_names_the_pdf(tmp_path):
    (tmp_path / "a.typ").write_text("= Laporan\nIsi.\n")
    pdf = _full(tmp_path / ".laporan.pdf.tmp")
    with pytest.raises(DiskFullError) as err:
        compile_typst(tmp_path / "a.typ", pdf, tmp_path)
    assert err.value.exit_code == 74
    assert f"Disk penuh saat menulis {pdf}" in str(err.value)


def test_pandoc_writing_into_a_full_disk_names_the_html(tmp_path_factory, tmp_path):
    from crmlib.render.renderer import render_month

    month = tmp_path / "2022-06"
    shutil.copytree(built_two_months(tmp_path_factory) / "output" / "2022-06", month)
    _full(month / ".laporan.html.tmp")
    with pytest.raises(DiskFullError, match=f"Disk penuh saat menulis {month / 'laporan.html'}"):
        render_month(month, renderer="embedded")


def test_a_copy_into_a_full_store_names_the_copy_not_its_source(tmp_path):
    # finalize on a full terbitan/ named output/.tmp-…/laporan.pdf, the copy's source.
    source = tmp_path / "output" / "laporan.pdf"
    source.parent.mkdir()
    source.write_bytes(b"%PDF" * 4096)
    (tmp_path / "terbitan").mkdir()
    target = _full(tmp_path / "terbitan" / "laporan.pdf")
    with pytest.raises(OSError) as err:
        copy_file(source, target)
    error = StorageError.from_oserror(err.value)
    assert isinstance(error, DiskFullError)
    assert str(target) in str(error) and str(source) not in str(error)
    # What a copy on a full disk raises (os.sendfile): the source as filename, the target
    # as filename2. The target is the file named.
    sent = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source), None, str(target))
    assert f"saat menulis {target}:" in str(StorageError.from_oserror(sent))


def test_a_full_disk_under_build_log_fails_the_build_instead_of_printing_a_traceback(capsys):
    log = logging.getLogger("test_disk_full.build_log")
    log.propagate = False
    handler = LogFile(FULL, encoding="utf-8")
    log.addHandler(handler)
    log.warning("baris log")
    failed = close_log(log)
    assert failed is not None and failed.errno == errno.ENOSPC
    assert f"saat menulis {FULL}" in str(StorageError.from_oserror(failed))
    assert "Traceback" not in capsys.readouterr().err


def test_a_cell_that_cannot_write_its_chart_is_a_full_disk_naming_the_chart(tmp_path):
    error = _cell_storage_error(
        "OSError", "[Errno 28] No space left on device: 'grafik/kanal.png'", tmp_path
    )
    assert isinstance(error, DiskFullError)
    assert str(tmp_path / "grafik" / "kanal.png") in str(error)
    assert _cell_storage_error("ValueError", "tabel kategori tidak lengkap", tmp_path) is None


# ------------------------------------------------------------------ whole runs, file size limited


def _run_limited(args: list[str], limit: int, cwd: Path) -> subprocess.CompletedProcess:
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full disk sends no signal either
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "crmlib.cli.main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
        timeout=600,
        check=False,
    )


def test_metrics_json_on_a_full_disk_exits_74_naming_it(tmp_path):
    out = tmp_path / "hasil" / "metrics.json"
    data = ROOT / "data" / "sample" / "2022-06"
    done = _run_limited(
        ["metrics", str(data), "--periode", "2022-06", "-o", str(out)], 20_000, tmp_path
    )
    assert done.returncode == 74, done.stderr
    assert f"saat menulis {out}" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not list(out.parent.iterdir())  # no half-written file left


def _keep_first_reports(folder: Path, n: int) -> None:
    """Keep the first ``n`` reports of a CSV export and their coordination rows."""
    import csv

    with open(folder / "laporan.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    kept = rows[: n + 1]
    numbers = {r[rows[0].index("nomor_laporan")] for r in kept[1:]}
    with open(folder / "koordinasi.csv", newline="", encoding="utf-8") as fh:
        koordinasi = list(csv.reader(fh))
    col = koordinasi[0].index("nomor_laporan")
    for name, table in (
        ("laporan.csv", kept),
        ("koordinasi.csv", [koordinasi[0], *(r for r in koordinasi[1:] if r[col] in numbers)]),
    ):
        with open(folder / name, "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(table)


@pytest.mark.e2e
def test_the_typst_step_on_a_full_disk_exits_74_naming_the_pdf(tmp_path_factory, tmp_path):
    built = built_two_months(tmp_path_factory)
    project = tmp_path / "proj"
    shutil.copytree(built, project, symlinks=True)
    # A small month: its tabel.xlsx (one sheet per ticket list, stored uncompressed) and
    # its other files stay well below its PDF, whose fonts and charts do not shrink.
    _keep_first_reports(project / "data" / "2022-06", 40)
    built_small = _run_limited(["build", "2022-06", "--renderer", "embedded"], 1 << 40, project)
    assert built_small.returncode == 0, built_small.stdout + built_small.stderr
    month = project / "output" / "2022-06"
    # Every file the build writes before the PDF fits under the limit; the PDF does not.
    before_pdf = [p for p in month.rglob("*") if p.is_file() and p.name != "laporan.pdf"]
    limit = int(max(p.stat().st_size for p in before_pdf) * 1.15)
    assert (month / "laporan.pdf").stat().st_size > limit
    published = {p: p.read_bytes() for p in month.iterdir() if p.is_file()}
    done = _run_limited(["build", "2022-06", "--force", "--renderer", "embedded"], limit, project)
    text = done.stdout + done.stderr
    assert done.returncode == 74, text
    assert "saat menulis" in text and ".laporan.pdf.tmp" in text
    assert "Traceback" not in text and "kesalahan internal" not in text
    assert {p: p.read_bytes() for p in month.iterdir() if p.is_file()} == published
    assert (project / ".crm-report" / "log" / "2022-06-gagal.log").is_file()
    assert not [p for p in (project / "output").iterdir() if p.name.startswith(".tmp-")]
