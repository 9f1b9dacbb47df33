"""Measuring a command as a whole process tree: wall time, CPU, peak memory, machine load.

Used by ``bench_build.py``. A build is a tree of processes (the CLI, the forkserver and
its pool workers, a Jupyter kernel per worker, pandoc and Typst children), and its
kernels are killed at exit without being reaped by it, so ``ru_maxrss``/``RUSAGE_CHILDREN``
of the CLI miss most of it. Here a thread samples the whole tree every 50 ms:

* peak memory: the largest sum of the tree's resident sets seen in one sample;
* CPU: per process the last ``user + system`` seen, summed (a process shorter than a
  sample is missed), or, when larger, what the reaped children used (``RUSAGE_CHILDREN``:
  exact for a command that leaves no unreaped descendants, such as a no-change build);
* load: the one-minute load average before and after (the machine is shared).
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil  # installed with ipykernel

SAMPLE_SECONDS = 0.05


@dataclass
class Run:
    """One measured command."""

    wall: float
    cpu: float
    peak_mb: float
    load_before: float
    load_after: float
    returncode: int

    @property
    def load(self) -> str:
        """The load average while it ran, as "before→after"."""
        return f"{self.load_before:.1f}→{self.load_after:.1f}"


def load_now() -> float:
    """The one-minute load average."""
    return os.getloadavg()[0]


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return [root]


def run(cmd: list[str], cwd: Path, check: bool = True, env: dict | None = None) -> Run:
    """Run ``cmd`` in ``cwd`` (output discarded), sampling its process tree until it ends."""
    load_before = load_now()
    reaped = _children_cpu()
    t0 = time.perf_counter()
    proc = psutil.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True
    )
    peak, cpu = 0, {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            total = 0
            for p in _tree(proc):
                try:
                    with p.oneshot():
                        total += p.memory_info().rss
                        t = p.cpu_times()
                        cpu[(p.pid, p.create_time())] = t.user + t.system
                except psutil.Error:
                    continue
            peak = max(peak, total)
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    total_cpu = max(sum(cpu.values()), _children_cpu() - reaped)
    return Run(wall, total_cpu, peak / 2**20, load_before, load_now(), proc.returncode)


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def wait_for_quiet(limit: float, patience: float) -> float:
    """Wait up to ``patience`` seconds for the load average to drop below ``limit``; the load."""
    deadline = time.monotonic() + patience
    while load_now() >= limit and time.monotonic() < deadline:
        time.sleep(10)
    return load_now()
