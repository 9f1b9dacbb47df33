"""Odd and hostile exports (issue 23): each one a correct month or an Indonesian refusal.

The whole corpus (``tests/hostile_exports.py``) is validated by ``crm-report validate``
in one child process, so that what it costs can be bounded: no case may take more
than :data:`CPU_BOUND` seconds of CPU, the child no more than :data:`MEMORY_BOUND_MB`
of memory at its peak, and a case that blocks (a named pipe read to its end) fails the
run instead of hanging it. These are bounds on runaway inputs, not speed targets.
Exports with long values are the layout's corpus (tests/test_tata_letak_pdf.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from hostile_exports import write_corpus

CPU_BOUND = 30.0
MEMORY_BOUND_MB = 1024
HANG_BOUND = 600  # seconds for the whole corpus before the child counts as hung

_CHILD = r"""
import contextlib, io, json, resource, sys
from crmlib.cli.main import main

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

results = {}
for name, path in json.loads(sys.argv[1]).items():
    out, err, start = io.StringIO(), io.StringIO(), cpu()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["validate", path, "--periode", "2022-06"])
    results[name] = {"rc": rc, "text": out.getvalue() + err.getvalue(), "cpu": cpu() - start}
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"cases": results, "peak_mb": peak_kb / 1024}))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("korpus"))


@pytest.fixture(scope="module")
def answers(corpus):
    """Every case validated once, in one bounded child process."""
    paths = {name: str(case.path) for name, case in corpus.items()}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(paths)],
        capture_output=True,
        text=True,
        timeout=HANG_BOUND,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_corpus_stays_within_its_memory_bound(answers):
    assert answers["peak_mb"] < MEMORY_BOUND_MB, answers["peak_mb"]


@pytest.mark.parametrize(
    "name",
    [
        "karakter kendali (CSV)",
        "arah teks bidi",
        "kendali dan bidi (xlsx)",
        ".xlsm",
        "bom zip (rasio)",
        "bom zip (ukuran)",
        "sel di XFD1048576",
        "sel di XFD1000 (terlalu banyak sel)",
        "sel tanpa alamat",
        "sel tanpa alamat, jauh",
        "judul kolom mirip (xlsx)",
        ".xls",
        ".xls bernama .xlsx",
        "FIFO sebagai laporan.csv",
        "/dev/zero sebagai laporan.csv",
        "/dev/zero sebagai DATA",
        "CSV di atas batas ukuran",
        "sel 1 MB",
        "baris di atas batas",
        "judul kolom ganda (CSV)",
    ],
)
def test_each_export_is_a_valid_month_or_a_refusal_that_says_where(corpus, answers, name):
    case, got = corpus[name], answers["cases"][name]
    assert got["rc"] == (0 if case.valid else 1), got["text"]
    text = got["text"]
    assert ("Data valid untuk periode 2022-06" in text) == case.valid, text
    if not case.valid:
        assert text.startswith("GAGAL: Data tidak valid"), text
    for fragment in case.says:
        assert fragment in text, f"{fragment!r} missing:\n{text}"
    assert "Kesalahan internal" not in text and "Traceback" not in text
    assert got["cpu"] < CPU_BOUND, got["cpu"]


def test_every_case_is_checked(corpus):
    # The parametrisation above names every case the corpus writes.
    names = test_each_export_is_a_valid_month_or_a_refusal_that_says_where.pytestmark[0].args[1]
    assert sorted(names) == sorted(corpus)
