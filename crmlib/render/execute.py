"""Execute the report notebook with papermill, optionally on a warm kernel.

Starting a Jupyter kernel and importing pandas/matplotlib/crmlib in it costs
about two seconds, more than the month's own computation. A batch build
therefore keeps one kernel per worker process and hands it to papermill
(``km=``) for every month that worker builds; before each month the kernel's
namespace is reset and its working directory set to the month's folder, so
each execution starts from the same clean state as a fresh kernel would (only
the module cache survives). A kernel that timed out or failed is discarded.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import subprocess
import threading
from pathlib import Path

from crmlib.errors import NotebookError, NotebookTimeoutError, StorageError

KERNEL_NAME = "python3"
# Imported once when a warm kernel starts, so the first month doesn't pay for them.
# (charts draw on matplotlib.figure directly; pyplot and its backend set-up are never needed)
WARM_UP = (
    "import crmlib.report.laporan, crmlib.report.tables, crmlib.report.figures, "
    "crmlib.report.charts, crmlib.report.fmt, crmlib.metrics, crmlib.report.narasi, "
    "matplotlib.figure\n"
    # Only the module cache is warm: the namespace the notebook sees is a new kernel's.
    "del crmlib, matplotlib\n"
    # What is loaded now lives as long as the kernel. Frozen (out of the garbage
    # collector's sight), it is not walked again by the two full collections IPython's
    # %reset makes before every month, nor by those during an execution: ~0.15 s a month.
    "import gc\ngc.collect()\ngc.freeze()\ndel gc"
)

_warm: dict = {}


def _ready_client_class():
    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        """A kernel client whose ``wait_for_ready`` ends as soon as IOPub is known to work.

        jupyter_client's version, after the ``kernel_info`` reply, reads IOPub until it
        has been silent for 0.2 s (and asks again when the first read times out), once
        per client: papermill's client paid it on every build. Here IOPub counts as
        connected when it carries the ``idle`` status of our own ``kernel_info``
        request; a missed one (IOPub still connecting) means asking again.
        """

        async def wait_for_ready(self, timeout: float | None = None) -> None:
            import time
            from queue import Empty

            deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
            while time.monotonic() < deadline:
                msg_id = self.kernel_info()
                try:
                    reply = await self.get_shell_msg(timeout=1)
                    while reply["parent_header"].get("msg_id") != msg_id:
                        reply = await self.get_shell_msg(timeout=1)
                    while True:
                        msg = await self.get_iopub_msg(timeout=0.2)
                        if (
                            msg["parent_header"].get("msg_id") == msg_id
                            and msg["msg_type"] == "status"
                            and msg["content"].get("execution_state") == "idle"
                        ):
                            self._handle_kernel_info_reply(reply)
                            return
                except Empty:
                    if not await self._async_is_alive():
                        raise RuntimeError("Kernel died before replying to kernel_info") from None
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    return ReadyClient


def __getattr__(name: str):
    # jupyter_client imports the client class by its dotted name (crmlib.render.execute.ReadyClient);
    # built on first use so that importing this module stays free of jupyter_client.
    if name == "ReadyClient":
        cls = _ready_client_class()
        globals()[name] = cls
        return cls
    raise AttributeError(name)


def _strip_ansi(text: object) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", str(text))


def _import_papermill():
    """Import papermill without ``rfc3987_syntax``: about a second less per build.

    papermill imports nbformat, nbformat imports jsonschema, and jsonschema imports
    ``rfc3987_syntax`` whenever it is installed (JupyterLab's jupyter-events brings it),
    which compiles a Lark grammar at import time: 1.0 s of the 1.3 s papermill took to
    import. It only serves jsonschema's ``iri``/``uri-reference`` format checks, which
    nbformat's notebook schema does not use (nor does it validate formats at all).
    """
    import sys

    sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" fails
    import papermill

    return papermill


def _quiet_kernel(cwd: Path | None = None):
    """A started kernel (working directory ``cwd``) whose own output never reaches the terminal.

    An *async* kernel manager, like the one nbclient makes for itself: with a blocking
    one, nbclient's per-cell timeout never fires. The kernel's chatter ("[IPKernelApp]
    WARNING | Kernel is running over TCP without encryption", "ERROR | KeyboardInterrupt
    caught in kernel" when it is stopped) is English noise on a run that succeeded; what
    the notebook itself prints reaches papermill through the kernel's messages, not
    through these streams. (ipykernel exits by itself within a second when this process
    dies: JPY_PARENT_PID.)
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = AsyncKernelManager(kernel_name=KERNEL_NAME, client_class=f"{__name__}.ReadyClient")
    where = {"cwd": str(cwd)} if cwd is not None else {}
    run_sync(km.start_kernel)(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **where)
    return km


def _start_kernel(box: dict | None = None):
    km = _quiet_kernel()
    if box is not None:
        box["km"] = km  # visible to kill_warm_kernel() while the imports below run
    _run_in_kernel(km, WARM_UP, timeout=120)
    km.crm_fresh = True  # nothing executed in its namespace yet: no reset needed
    return km


def _run_in_kernel(km, code: str, timeout: float) -> str:
    """Execute ``code`` on a fresh client of ``km``; return the reply status.

    Only the shell channel is used: its request waits in ZeroMQ's queue until the
    kernel reads it, so no ``wait_for_ready`` is needed. That handshake flushes the
    IOPub channel with a 0.2 s timeout (more when IOPub connects late) and sat on the
    single-month build's critical path twice.
    """
    import time
    from queue import Empty

    from jupyter_core.utils import run_sync

    async def go() -> str:
        kc = km.client()
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = kc.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    reply = await kc.get_shell_msg(timeout=min(1.0, timeout))
                except Empty:
                    if not await km.is_alive():
                        return "dead"
                    continue
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"]["status"]
            return "timeout"
        finally:
            kc.stop_channels()

    return run_sync(go)()


def shutdown_warm_kernel() -> None:
    """Stop this process's warm kernel, if any."""
    from jupyter_core.utils import run_sync

    km = _warm.pop("kernel", None)
    if km is None:
        return
    try:
        run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass


def kill_warm_kernel() -> None:
    """Stop this process's warm kernel at once (Ctrl-C, SIGTERM): SIGKILL, no messaging.

    Safe to call while an event loop of this thread was interrupted, and while the
    kernel is still booting (the boot thread then kills the kernel it started).
    """
    _warm["stopped"] = True
    pending = _warm.pop("starting", None)
    kernels = [_warm.pop("kernel", None)]
    if pending is not None:
        kernels.append(pending[1].get("km"))
    for km in kernels:
        if km is not None:
            _kill(km)


def _kill_at_exit() -> None:
    """This process is ending: SIGKILL its warm kernel without waiting for it to go.

    A graceful shutdown costs about 0.1 s at the end of every build; the kernel keeps
    no state worth saving, and its exit is reaped by init once this process is gone.
    """
    km = _warm.pop("kernel", None)
    if km is not None:
        _kill(km, wait=False)


def _kill(km, wait: bool = True) -> None:
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None:
        with contextlib.suppress(OSError):
            process.kill()
        if wait:
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                process.wait(timeout=5)
    with contextlib.suppress(OSError, TypeError):
        os.remove(km.connection_file)


def _is_alive(km) -> bool:
    from jupyter_core.utils import run_sync

    return bool(run_sync(km.is_alive)())


def prestart_warm_kernel(papermill: bool = False) -> None:
    """Start this process's warm kernel in the background (no-op when one is running or starting).

    Called at the start of a month's build, so the kernel boots and imports while the
    data is validated and the metrics computed. ``papermill`` then imports papermill
    in this thread while the kernel boots (in this thread: a stop signal that meets an
    import running in a second thread can leave Python's import locks broken).
    """
    if "kernel" in _warm or "starting" in _warm:
        return
    _warm.pop("stopped", None)
    box: dict = {}

    def boot() -> None:
        try:
            _start_kernel(box)
        except Exception as exc:
            box["error"] = exc
        if _warm.get("stopped") and box.get("km") is not None:
            _kill(box["km"])  # stopped while booting

    thread = threading.Thread(target=boot, name="warm-kernel", daemon=True)
    thread.start()
    _warm["starting"] = (thread, box)
    if papermill:
        _import_papermill()


def _join_prestart() -> None:
    pending = _warm.pop("starting", None)
    if pending is None:
        return
    thread, box = pending
    thread.join()
    if "error" in box and box.get("km") is not None:
        _kill(box["km"])  # started, but the warm-up failed: _warm_kernel starts another
    elif "km" in box:
        _warm["kernel"] = box["km"]
        atexit.register(_kill_at_exit)


def _warm_kernel(cwd: Path, retry: bool = True):
    if not Path(cwd).is_dir():
        raise NotebookError(f"Folder kerja notebook tidak ada: {cwd}")
    _join_prestart()
    km = _warm.get("kernel")
    if km is None or not _is_alive(km):
        shutdown_warm_kernel()
        km = _start_kernel()
        _warm["kernel"] = km
        atexit.register(_kill_at_exit)
    # One request: the folder first (the previous month's folder may be gone, and IPython's
    # reset fails in a deleted working directory), then a clean namespace, then the folder again.
    chdir = f"import os\nos.chdir({str(cwd)!r})\ndel os"
    if getattr(km, "crm_fresh", False):
        code = chdir
    else:
        code = f"{chdir}\nget_ipython().run_line_magic('reset', '-f')\n{chdir}"
    km.crm_fresh = False
    status = _run_in_kernel(km, code, 30)
    if status != "ok":
        shutdown_warm_kernel()
        if not retry:
            raise NotebookError("Kernel notebook tidak dapat disiapkan (reset gagal).")
        return _warm_kernel(cwd, retry=False)
    return km


def _execution_failure(exc: Exception, timeout: int, cwd: Path, out_path: Path) -> Exception:
    """What a failed execution raises: the cell's own error (not papermill's wrapper), a
    timeout, a dead kernel, a full disk naming its file; ``exc`` itself for anything else."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        # A cell could not write a file (a chart) for lack of disk space or permission:
        # the machine's problem, not the notebook's (exit 74, naming the file).
        storage = _cell_storage_error(exc.ename, _strip_ansi(exc.evalue), cwd)
        if storage is not None:
            return storage
        cell = f"sel #{exc.exec_count}" if exc.exec_count else f"sel {exc.cell_index}"
        return NotebookError(f"Notebook gagal di {cell}: {exc.ename}: {_strip_ansi(exc.evalue)}")
    name = type(exc).__name__
    if name in ("CellTimeoutError", "TimeoutError"):
        return NotebookTimeoutError(
            f"Sebuah sel notebook berjalan lebih dari {timeout} detik dan dihentikan "
            "(atur 'sel_timeout_detik' di params)."
        )
    if name == "DeadKernelError":
        return NotebookError(f"Kernel notebook berhenti saat dijalankan: {_strip_ansi(exc)}")
    if isinstance(exc, OSError) and StorageError.from_oserror(exc) is not None:
        if exc.filename is None:
            exc.filename = str(out_path)  # papermill writing the executed notebook
        return exc
    if isinstance(exc, FileNotFoundError | PermissionError):
        return NotebookError(f"Notebook tidak dapat dibuka: {exc}")
    return exc


# An OSError as a cell reports it: "[Errno 28] No space left on device: 'grafik/kanal.png'".
_CELL_OSERROR = re.compile(r"\[Errno (\d+)\] ([^:]+)(?:: '(.*)')?")
_OSERROR_NAMES = {"OSError", "IOError", "PermissionError"}


def _cell_storage_error(ename: str, evalue: str, cwd: Path) -> StorageError | None:
    """The storage error a failed cell reported, with its file under ``cwd``; else ``None``."""
    m = _CELL_OSERROR.match(evalue)
    if not m or ename not in _OSERROR_NAMES:
        return None
    path = cwd / m.group(3) if m.group(3) else cwd
    return StorageError.from_oserror(OSError(int(m.group(1)), m.group(2), str(path)))


def execute_notebook(
    notebook: Path, out_path: Path, parameters: dict, cwd: Path, timeout: int, warm: bool = False
) -> None:
    """Run the report notebook into ``out_path`` with papermill, then fill its Markdown.

    The executed copy's Markdown cells are templates filled with the month's values
    (:func:`crmlib.report.narasi.isi_notebook`); the source notebook keeps its placeholders.

    Parameters
    ----------
    notebook, out_path : path
        Template and executed copy.
    parameters : dict
        Injected into the ``parameters`` cell (papermill records them).
    cwd : path
        Working directory of the execution (the month's folder).
    timeout : int
        Per-cell timeout in seconds.
    warm : bool
        Reuse this process's warm kernel (batch builds); otherwise a fresh kernel of its
        own, stopped afterwards. Either way the kernel's own log lines stay off the terminal.

    Raises
    ------
    NotebookError
        With the failing cell's own exception, not papermill's wrapper;
        :class:`crmlib.errors.NarasiError` for a broken Markdown template.
    NotebookTimeoutError
        When a cell runs longer than ``timeout``.
    """
    pm = _import_papermill()
    km = _warm_kernel(Path(cwd).resolve()) if warm else _quiet_kernel(Path(cwd).resolve())
    try:
        pm.execute_notebook(
            str(notebook),
            str(out_path),
            parameters=parameters,
            cwd=str(cwd),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
            request_save_on_cell_execute=False,
            km=km,
        )
    except Exception as exc:
        if warm:
            shutdown_warm_kernel()
        failure = _execution_failure(exc, timeout, Path(cwd), Path(out_path))
        if failure is exc:
            raise
        raise failure from None
    finally:
        if not warm:
            _kill(km)
    # The Markdown cells are templates: fill them with the values the notebook computed.
    from crmlib.report.narasi import isi_notebook

    isi_notebook(out_path)
    _without_run_details(out_path)


# Papermill's notebook-level record of a run; only these describe the run's inputs.
_PAPERMILL_KEPT = ("default_parameters", "environment_variables", "parameters", "version")


def _without_run_details(path: Path) -> None:
    """Drop what only says how this run went, so the same inputs give the same notebook bytes.

    Papermill records start/end times, durations and the (temporary) input and output
    paths; the kernel its message timestamps per cell; a warm kernel counts
    executions on from the previous month; papermill gives its injected cell a
    random id; the Python patch release differs between machines. The notebook keeps
    its parameters, its outputs and the versions of papermill and the language.
    """
    import json

    from crmlib.report.ipynb import write_notebook

    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {})
    if isinstance(meta.get("papermill"), dict):
        meta["papermill"] = {k: v for k, v in meta["papermill"].items() if k in _PAPERMILL_KEPT}
    if isinstance(meta.get("language_info"), dict):
        meta["language_info"].pop("version", None)
    count = 0
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
        if cell.get("cell_type") != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell["execution_count"] = count
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] = count
    write_notebook(nb, path)
