"""One build at a time, and stops that stop: the output/ lock, Ctrl-C/SIGTERM/SIGHUP, parent death.

The lock cases run in-process on a project that is copied but not built (the
lock is refused before anything is read). The stop cases start ``crm-report``
as a real process in its own session, signal it, and check by PID that every
process it started is gone.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from fixtures_built import copy_project

from crmlib.cli.main import main
from crmlib.project import Project
from crmlib.publish.lock import HOLDER_NAME, LOCK_NAME, hold_output_lock
from crmlib.publish.publishing import publish

CRM_REPORT = [sys.executable, "-m", "crmlib.cli.main"]


@pytest.fixture
def fresh_project(tmp_path, monkeypatch):
    """A two-month project, not built, as the working directory."""
    root = copy_project(tmp_path / "proj", ("2022-05", "2022-06"))
    monkeypatch.chdir(root)
    return root


def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


# ------------------------------------------------------------------ the output/ lock


def test_second_build_refuses_naming_the_holder_and_keeps_its_temp_folder(fresh_project, capsys):
    output = fresh_project / "output"
    live_tmp = output / ".tmp-2022-06-4242-abcd1234"
    with hold_output_lock(output, "build --all"):
        live_tmp.mkdir()  # the running build's half-built month
        (live_tmp / "laporan.ipynb").write_text("{}")
        rc = main(["build", "2022-05", "--tunggu", "0"])
        err = capsys.readouterr().err
        assert live_tmp.is_dir() and (live_tmp / "laporan.ipynb").is_file()
    assert rc == 75
    holder = f"'crm-report build --all' (pid {os.getpid()} di {os.uname().nodename}, sejak "
    assert holder in err and "--tunggu" in err
    assert not (output / "2022-05").exists()


def test_second_run_waits_for_the_lock_then_runs(fresh_project, capsys):
    output = fresh_project / "output"
    taken, release = threading.Event(), threading.Event()

    def first_run() -> None:
        with hold_output_lock(output, "build 2022-06"):
            taken.set()
            release.wait(30)

    seen = []

    def release_once_waiting() -> None:
        # The first run ends only once the second has said it waits (its notice is on
        # stderr before it starts polling the lock), so the second run did wait.
        deadline = time.monotonic() + 30
        while not release.is_set() and time.monotonic() < deadline:
            seen.append(capsys.readouterr().err)
            if "menunggu" in "".join(seen):
                break
            time.sleep(0.02)
        release.set()

    holder = threading.Thread(target=first_run)
    holder.start()
    taken.wait(10)
    watcher = threading.Thread(target=release_once_waiting)
    watcher.start()
    try:
        rc = main(["archive", "--tunggu", "60"])
    finally:
        release.set()
        watcher.join()
        holder.join()
    err = "".join(seen) + capsys.readouterr().err
    assert rc == 0, err
    assert "sedang dipakai oleh 'crm-report build 2022-06'" in err and "menunggu" in err
    assert (output / "index.html").is_file()


def test_stale_lock_of_a_dead_process_is_taken_over(fresh_project, capsys):
    output = fresh_project / "output"
    output.mkdir()
    (output / LOCK_NAME).write_text("")
    note = {"pid": _dead_pid(), "host": "laptop", "command": "build --all", "since": "kemarin"}
    (output / HOLDER_NAME).write_text(json.dumps(note))
    stale_tmp = output / f".tmp-2022-06-{note['pid']}-0badf00d"
    stale_tmp.mkdir()
    assert main(["archive", "--tunggu", "0"]) == 0
    err = capsys.readouterr().err
    assert f"pid {note['pid']} di laptop" in err and "diambil alih" in err
    assert not (output / HOLDER_NAME).exists()  # released: no holder
    assert not stale_tmp.exists()  # cleaned up under the lock


def test_holder_note_written_while_locked(tmp_path):
    with hold_output_lock(tmp_path, "build 2022-06"):
        note = json.loads((tmp_path / HOLDER_NAME).read_text())
    assert note["pid"] == os.getpid() and note["command"] == "build 2022-06" and note["since"]


# ------------------------------------------------------------------ publish


def test_publish_with_its_temp_folder_gone_keeps_the_live_month(tmp_path):
    final = tmp_path / "2022-06"
    final.mkdir()
    (final / "laporan.html").write_text("terbit")
    with pytest.raises(Exception, match="hilang sebelum diterbitkan"):
        publish(tmp_path / ".tmp-2022-06-1-ab", final)
    assert (final / "laporan.html").read_text() == "terbit"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2022-06"]


# ------------------------------------------------------------------ stops (real processes)


def _descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:  # exited meanwhile (a short-lived git or pandoc)
        return ""


def _alive(procs: list[psutil.Process]) -> list[str]:
    alive = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(f"{p.pid} {_cmdline(p)[:80]}")
        except psutil.NoSuchProcess:
            pass
    return alive


def _wait_gone(procs: list[psutil.Process], bound: float) -> list[str]:
    deadline = time.monotonic() + bound
    while _alive(procs) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(procs)


def _ignore_sigint() -> None:
    # What a shell without job control does to a command started with '&'.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_build(
    root: Path, *args: str, sigint_ignored: bool = False, force: bool = True
) -> subprocess.Popen:
    # Own session: a signal to its process group is what Ctrl-C in a terminal sends.
    return subprocess.Popen(
        [
            *CRM_REPORT,
            "build",
            "--all",
            *(["--force"] if force else []),
            "--renderer",
            "embedded",
            *args,
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )


def _wait_until_building(
    proc: subprocess.Popen, output: Path, kernels: int, seen: list[bytes] | None = None
) -> list:
    """Wait until months are being built (temp folders and kernels exist); the descendants."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            said = proc.stdout.read() if proc.stdout else b"".join(seen or []).decode()
            raise AssertionError(said)
        procs = _descendants(proc.pid)
        n_kernels = sum("ipykernel" in _cmdline(p) for p in procs)
        if n_kernels >= kernels and list(output.glob(".tmp-*")):
            return procs
        time.sleep(0.2)
    raise AssertionError("the build never started its months")


@pytest.fixture
def three_month_project(tmp_path):
    return copy_project(tmp_path / "proj", ("2022-05", "2022-06", "2022-07"))


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("jobs", "sig", "target"),
    [
        ("2", signal.SIGINT, "group"),  # Ctrl-C in a terminal
        ("1", signal.SIGINT, "group"),
        ("2", signal.SIGTERM, "parent"),  # e.g. a service manager stopping the build
        # Started by a shell without job control: SIGINT arrives ignored, and the build
        # must still stop as a whole (its workers install their own handlers).
        ("2", signal.SIGINT, "group-sigint-ignored"),
    ],
)
def test_stop_signal_stops_the_batch_cleanly(three_month_project, jobs, sig, target):
    output = three_month_project / "output"
    proc = _start_build(
        three_month_project, "--jobs", jobs, sigint_ignored=target.endswith("ignored")
    )
    procs = _wait_until_building(proc, output, kernels=int(jobs))
    t_signal = time.time()
    if target.startswith("group"):
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    stopped_after = time.time() - t_signal
    assert proc.returncode == 130, out
    # A correctness bound on stopping (measured from the signal), not a speed target.
    assert stopped_after < 5, f"{stopped_after:.1f} s\n{out}"
    assert _wait_gone(procs, bound=5) == []
    assert "Dihentikan" in out and "Traceback" not in out
    assert not [p.name for p in output.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    published_after = [
        p.name for p in output.glob("20*-*") if (p / "build-info.json").stat().st_mtime > t_signal
    ]
    assert published_after == []
    assert not (output / "2022-07").exists()  # the batch did not go on to the next month


@pytest.mark.e2e
def test_terminal_closed_during_a_parallel_build_cleans_up_like_ctrl_c(three_month_project):
    """The analyst closes the terminal window: the build's terminal is gone (writes fail with
    EIO) and its process group gets SIGHUP. Nothing half-built and no lock note stay behind."""
    output = three_month_project / "output"
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*CRM_REPORT, "build", "--all", "--force", "--renderer", "embedded", "--jobs", "2"],
        cwd=three_month_project,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    seen = []
    reader = threading.Thread(target=_drain, args=(master, seen), daemon=True)
    reader.start()
    procs = _wait_until_building(proc, output, kernels=2, seen=seen)
    t_signal = time.time()
    os.close(master)  # the window closes ...
    os.killpg(proc.pid, signal.SIGHUP)  # ... and the terminal hangs up on its process group
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert rc == 130, b"".join(seen).decode(errors="replace")
    assert _wait_gone(procs, bound=5) == []
    left = [p.name for p in output.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    assert left == []
    assert not (output / HOLDER_NAME).exists()  # no note naming a dead process
    assert not (output / "_log").exists()  # a stop is not an internal error
    published_after = [
        p.name for p in output.glob("20*-*") if (p / "build-info.json").stat().st_mtime > t_signal
    ]
    assert published_after == []


def _drain(fd: int, into: list[bytes]) -> None:
    """Read a pty's output until it is closed (a terminal that nobody reads fills up)."""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return
        if not chunk:
            return
        into.append(chunk)


@pytest.mark.e2e
def test_parent_killed_leaves_no_process_behind(three_month_project):
    output = three_month_project / "output"
    proc = _start_build(three_month_project, "--jobs", "2")
    procs = _wait_until_building(proc, output, kernels=2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert _wait_gone(procs, bound=15) == []
    # What the killed build left (temp folders, with the renderer's inside) goes with the
    # next run that takes the lock.
    done = subprocess.run([*CRM_REPORT, "archive"], cwd=three_month_project, check=False)
    assert done.returncode == 0
    assert not [p.name for p in output.iterdir() if p.name.startswith((".tmp-", ".old-"))]


@pytest.mark.e2e
def test_two_full_builds_one_second_apart_both_complete(tmp_path):
    # One month is enough: what is tested is two whole runs (months, annual report,
    # archive) taking turns on output/, not the months themselves.
    root = copy_project(tmp_path / "proj", ("2022-06",))
    # One job each: the lock wraps the serial and the pooled batch alike (a pool's workers
    # and kernels, and their stopping, are the stop tests' concern above); a pool here would
    # only add two kernels per build.
    # Both may wait: the annual report takes the lock again after the months (either run
    # may be building it when the other gets there), and 10 s is short on a loaded machine.
    first = _start_build(root, "--jobs", "1", "--tunggu", "600")
    # The second starts once the first is building (its temp folders exist), as when an
    # analyst starts the same build again a second later (without --force: it then has to
    # see the first run's results, not rebuild from what it found before it waited).
    deadline = time.monotonic() + 240
    while not list((root / "output").glob(".tmp-*")) and time.monotonic() < deadline:
        assert first.poll() is None
        time.sleep(0.1)
    second = _start_build(root, "--jobs", "1", "--tunggu", "600", force=False)
    out1, _ = first.communicate(timeout=600)
    out2, _ = second.communicate(timeout=600)
    assert first.returncode == 0, out1
    assert second.returncode == 0, out2
    assert "Traceback" not in out1 + out2
    # One at a time: the second waited for the first instead of building beside it.
    assert "sedang dipakai oleh 'crm-report build --all'" in out2 and "menunggu" in out2
    # Having waited, the second run judges the month as the first left it: current. (The
    # annual report takes the lock again after the months: either run may build it.)
    assert "2022-06: terkini" in out2
    assert "Laporan tahunan 2022: " in out1 and "Laporan tahunan 2022: " in out2
    output = root / "output"
    assert not [p.name for p in output.iterdir() if p.name.startswith((".tmp-", ".old-"))]
    for m in ("2022-06",):
        state = json.loads((output / m / "build-info.json").read_text())
        for name in ("laporan.html", "laporan.pdf", "laporan.ipynb", "metrics.json", "tabel.xlsx"):
            assert name in state["berkas"], (m, name)
    assert Project(root).output_dir.joinpath("index.html").is_file()


# ------------------------------------------------------------------ warm kernel after a failure


@pytest.fixture(scope="module")
def warm_kernel_module():
    """crmlib.render.execute, whose warm kernel the tests below share (a start costs seconds).

    The kernel is stopped when the module's tests are done.
    """
    from crmlib.render import execute

    try:
        yield execute
    finally:
        execute.kill_warm_kernel()


@pytest.mark.e2e
def test_warm_kernel_starts_each_month_with_an_empty_namespace(tmp_path, warm_kernel_module):
    execute = warm_kernel_module
    first_dir, next_dir = tmp_path / "2022-06", tmp_path / "2022-07"
    first_dir.mkdir()
    next_dir.mkdir()
    execute.kill_warm_kernel()  # this test starts its own kernel, whatever ran before it
    km = execute._warm_kernel(first_dir)
    # Fresh: its modules are imported, but its namespace is a new kernel's (no reset ran).
    assert execute._run_in_kernel(km, "crmlib", 30) == "error"
    assert (
        execute._run_in_kernel(km, "import sys; assert 'crmlib.report.laporan' in sys.modules", 30)
        == "ok"
    )
    assert execute._run_in_kernel(km, "sisa_bulan_lalu = 508", 30) == "ok"
    assert execute._run_in_kernel(km, "assert sisa_bulan_lalu == 508", 30) == "ok"
    assert execute._warm_kernel(next_dir) is km
    # A name left by the previous month is gone (the reply is an error, not ok).
    assert execute._run_in_kernel(km, "sisa_bulan_lalu", 30) == "error"


@pytest.mark.e2e
def test_warm_kernel_survives_its_month_folder_being_deleted(tmp_path, capfd, warm_kernel_module):
    # The kernel left by the test above, if any (its output goes to /dev/null either way).
    execute = warm_kernel_module
    failed, nxt = tmp_path / ".tmp-2022-06-1-aa", tmp_path / ".tmp-2022-07-1-bb"
    failed.mkdir()
    nxt.mkdir()
    first = execute._warm_kernel(failed)
    shutil.rmtree(failed)  # the failed month is discarded, the kernel still sits in it
    second = execute._warm_kernel(nxt)
    assert second is first  # reused, not restarted
    check = f"import os\nassert os.getcwd() == {str(nxt)!r}"
    assert execute._run_in_kernel(second, check, 30) == "ok"
    captured = capfd.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "FileNotFoundError" not in captured.out + captured.err
