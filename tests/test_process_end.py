"""The console script ends the process at once after its work, without losing anything."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from crmlib.cli import runlog

BIN = Path(sys.executable).parent


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )


def test_exit_handlers_run_and_buffered_output_is_written_before_the_end():
    # Output sits in a pipe's buffer (not a terminal): it must be flushed, and the
    # exit handlers (the warm kernel's kill, logging's flush) must still run.
    done = _run(
        """
        import atexit, sys
        from crmlib.cli import runlog
        atexit.register(lambda: print("handler ran", flush=True))
        sys.stdout.write("line without flush")
        sys.stderr.write("err without flush")
        runlog.end_process(3)
        print("never reached")
        """
    )
    assert done.returncode == 3
    assert done.stdout == "line without flushhandler ran\n"
    assert done.stderr == "err without flush"


def test_the_end_skips_python_teardown():
    # An object's finaliser runs at a normal exit's teardown, never after end_process.
    done = _run(
        """
        from crmlib.cli import runlog
        class Loud:
            def __del__(self):
                print("torn down", flush=True)
        keep = Loud()
        runlog.end_process(0)
        """
    )
    assert (done.returncode, done.stdout) == (0, "")


def test_a_running_worker_thread_makes_it_an_ordinary_exit(monkeypatch):
    # A thread that is not a daemon may still be writing: Python's own exit waits for it.
    release = threading.Event()
    worker = threading.Thread(target=release.wait, daemon=False)
    worker.start()
    ended = []
    monkeypatch.setattr(runlog.os, "_exit", ended.append)
    try:
        with pytest.raises(SystemExit) as stop:
            runlog.end_process(5)
    finally:
        release.set()
        worker.join()
    assert stop.value.code == 5 and ended == []


def test_the_console_script_keeps_the_exit_code_and_every_line(tmp_path, capsys):
    from crmlib.cli.main import main

    script = BIN / "crm-report"
    help_ = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert main(["--help"]) == 0
    assert (help_.returncode, help_.stdout) == (0, capsys.readouterr().out)
    wrong = subprocess.run(
        [str(script), "build", "2022-13"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert wrong.returncode == 2
    assert wrong.stderr.strip() and "Traceback" not in wrong.stderr
