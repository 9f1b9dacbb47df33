"""Typst compilation in a child process bounded in time and memory.

Typst is a programming language: a document could loop or allocate without end.
:func:`start_typst` starts the child (it imports ``typst`` while pandoc still writes
the ``.typ``), :func:`compile_typst` hands it one job and turns what went wrong into a
:class:`~crmlib.errors.RenderError`; :func:`_typst_anak` is the child's side.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from crmlib.errors import RenderError, StorageError
from crmlib.render.extension import _ekor

# Bounds of one Typst compilation (the report takes about 2 s and well under 1 GB).
TYPST_TIMEOUT = 300
TYPST_MEMORY = 3 * 2**30


def _typst_error_text(e: Exception) -> str:
    bagian = [getattr(e, "message", "") or str(e)]
    diagnostik = getattr(e, "diagnostic", "")
    if diagnostik and diagnostik not in bagian[0]:
        bagian.append(diagnostik)
    for hint in getattr(e, "hints", None) or []:
        bagian.append(f"petunjuk: {hint}")
    return "\n".join(b for b in bagian if b)


# Jakarta's offset (no daylight saving): a document's naive times are Jakarta time.
_WIB = dt.timezone(dt.timedelta(hours=7))


def epoch_of(waktu: str | None) -> int | None:
    """Seconds since 1970 of an ISO time (naive: Jakarta time); ``None`` when there is none.

    What the PDF's dates are made from (the front matter's ``waktu-dokumen``), in the
    ``SOURCE_DATE_EPOCH`` convention: the same document gets the same dates on any
    machine, in any time zone, on any day.
    """
    if not waktu:
        return None
    value = dt.datetime.fromisoformat(str(waktu))
    return int((value if value.tzinfo else value.replace(tzinfo=_WIB)).timestamp())


def _timestamp(waktu: str | None) -> int | None:
    # The document's own time; without one, SOURCE_DATE_EPOCH from the environment.
    if waktu:
        return epoch_of(waktu)
    nilai = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(nilai) if nilai.isdigit() else None


def _typst_anak(batas: int, cpu: int) -> None:
    """Child process of :func:`compile_typst`: bound its own memory and CPU, then compile.

    Reads the job as JSON on stdin; writes ``{"warnings": [...]}``, ``{"error": "..."}``
    or, when the PDF cannot be written (a full disk), ``{"oserror": [errno, text]}`` as
    JSON on stdout. The PDF is written here, by Python, so that a failed write is an
    ``OSError`` with its errno. The CPU bound holds even if the parent dies and can no
    longer enforce its timeout.
    """
    resource.setrlimit(resource.RLIMIT_AS, (batas, batas))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    import typst

    tugas = json.loads(sys.stdin.read())
    try:
        pdf, warns = typst.compile_with_warnings(
            tugas["input"],
            format="pdf",
            root=tugas["root"],
            # Only Typst's bundled fonts: the PDF is the same on every machine
            # (and font discovery is skipped, which is faster).
            ignore_system_fonts=True,
            timestamp=tugas["timestamp"],
            # Final editions: PDF/A (archival); drafts: plain PDF.
            **({"pdf_standards": tugas["standar"]} if tugas.get("standar") else {}),
        )
        Path(tugas["output"]).write_bytes(pdf)
    except typst.TypstError as e:
        print(json.dumps({"error": _typst_error_text(e)}))
        return
    except OSError as e:
        print(json.dumps({"oserror": [e.errno, e.strerror or str(e)]}))
        return
    print(json.dumps({"warnings": [_typst_error_text(w) for w in warns or []]}))


def start_typst(memory: int | None = None, timeout: float | None = None) -> subprocess.Popen:
    """Start the child process that will compile one Typst document (see :func:`compile_typst`).

    Started early, the child imports ``typst`` while pandoc is still writing the
    ``.typ``; it waits for its job on stdin.
    """
    memory = TYPST_MEMORY if memory is None else memory
    # Typst uses every core: CPU seconds may run ahead of the wall clock.
    cpu = int(2 * (TYPST_TIMEOUT if timeout is None else timeout)) + 1
    env = dict(os.environ)
    paket = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (paket, env.get("PYTHONPATH")) if p)
    anak = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from crmlib.render.typst_compile import _typst_anak; _typst_anak({memory}, {cpu})",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    anak.batas_memori = memory  # type: ignore[attr-defined]
    return anak


def compile_typst(
    source: Path,
    pdf: Path,
    root: Path,
    timeout: float | None = None,
    memory: int | None = None,
    child: subprocess.Popen | None = None,
    standards: list[str] | None = None,
    waktu: str | None = None,
) -> list[str]:
    """Compile ``source`` to ``pdf`` in a child process bounded in time and memory.

    Typst is a programming language: a document could loop or allocate without
    end. The child may read files only below ``root``, gets at most ``memory``
    bytes of address space (:data:`TYPST_MEMORY`) and ``timeout`` seconds
    (:data:`TYPST_TIMEOUT`), and is killed when either runs out.

    Parameters
    ----------
    child : subprocess.Popen, optional
        A child from :func:`start_typst` (``memory`` is then the child's); a new
        one is started when omitted.
    standards : list of str, optional
        Typst PDF standards, e.g. ``["a-3a"]`` (PDF/A-3a) for a final edition.
    waktu : str, optional
        The document's time (ISO, :func:`epoch_of`): the PDF's dates. Never the clock.

    Returns
    -------
    list of str
        Typst's warnings.

    Raises
    ------
    RenderError
        Typst's own diagnostic, or which bound was exceeded.
    StorageError
        The PDF could not be written: disk full or no permission (exit code 74).
    """
    timeout = TYPST_TIMEOUT if timeout is None else timeout
    anak = child if child is not None else start_typst(memory, timeout)
    memory = anak.batas_memori  # type: ignore[attr-defined]
    tugas = {
        "input": str(source),
        "output": str(pdf),
        "root": str(root),
        "timestamp": _timestamp(waktu),
    }
    if standards:
        tugas["standar"] = list(standards)
    try:
        keluar, galat = anak.communicate(json.dumps(tugas), timeout=timeout)
    except subprocess.TimeoutExpired:
        anak.kill()
        anak.communicate()
        raise RenderError(
            f"Typst tidak selesai dalam {timeout:g} detik dan dihentikan; dokumen yang "
            "berjalan selama itu hampir pasti memuat perulangan tanpa akhir."
        ) from None
    except BaseException:
        anak.kill()
        anak.wait()
        raise
    return _child_result(anak, keluar, galat, pdf, memory)


def _child_result(
    anak: subprocess.Popen, keluar: str, galat: str, pdf: Path, memory: int
) -> list[str]:
    """Typst's warnings from the child's answer; else the error its answer or its end names.

    Raises
    ------
    RenderError
        Typst's own diagnostic, or which bound (CPU time, ``memory``) was exceeded.
    StorageError
        The PDF could not be written: disk full or no permission.
    """
    try:
        jawaban = json.loads(keluar.strip().splitlines()[-1])
    except (IndexError, ValueError):
        jawaban = None
    if anak.returncode == 0 and isinstance(jawaban, dict) and "warnings" in jawaban:
        return list(jawaban.get("warnings") or [])
    if isinstance(jawaban, dict) and "error" in jawaban:
        raise RenderError(jawaban["error"])
    if isinstance(jawaban, dict) and "oserror" in jawaban:
        code, text = jawaban["oserror"]
        failure = OSError(code, text, str(pdf))
        raise StorageError.from_oserror(failure) or RenderError(
            f"Typst tidak dapat menulis {pdf}: {text}"
        )
    if anak.returncode == -signal.SIGXCPU:
        raise RenderError(
            "Typst melampaui batas waktu CPU dan dihentikan; dokumen yang berjalan selama "
            "itu hampir pasti memuat perulangan tanpa akhir."
        )
    if "memory allocation" in galat or anak.returncode == -signal.SIGABRT:
        raise RenderError(
            f"Typst melampaui batas memori {memory // 2**20} MB dan dihentikan; dokumen "
            "yang memakai memori sebanyak itu hampir pasti memuat perulangan tanpa akhir."
        )
    raise RenderError(f"Typst berhenti tanpa hasil (kode {anak.returncode}):\n{_ekor(galat)}")
