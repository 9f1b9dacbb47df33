"""The analyst's loop through JupyterLab itself: reword, save, see it in the preview, build.

JupyterLab is started the way ``make lab`` starts it (as root, at the project
root, with the pre-save hook that keeps the committed metadata). Saving goes through the Jupyter server's contents API, exactly what
JupyterLab's save does. The two sentences of issue 11's acceptance are reworded:
the BAB II summary and the second Kesimpulan item. Nothing in ``crmlib/`` is touched.
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from test_lab import LAB_LANGUAGE_INFO
from test_preview import fetch, make_project, wait_for

from crmlib.cli.main import main
from crmlib.cli.preview import Preview
from crmlib.render.execute import shutdown_warm_kernel

pytestmark = pytest.mark.e2e
# Looked up, not imported: importing JupyterLab costs ~2 s in every process that collects
# this file, and only the `jupyter lab` started below needs it.
if importlib.util.find_spec("jupyterlab") is None:
    pytest.skip("JupyterLab is installed with .[dev]", allow_module_level=True)

NOTEBOOK = "notebooks/laporan_bulanan.ipynb"
EDITS = {
    "Berdasarkan tabel rekapitulasi di atas, jumlah pengaduan": (
        "Menurut rekapitulasi bulan ini, banyaknya pengaduan"
    ),
    "UKPD dengan jumlah aduan tertinggi adalah": "Unit kerja yang paling banyak menerima aduan ialah",
}
LAB_START_SECONDS = 120  # a bound for a loaded machine, not a speed target


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """``jupyter lab`` with ``make lab``'s options, on a free port with a known token."""

    def __init__(self, root: Path) -> None:
        self.port, self.token = _free_port(), secrets.token_hex(16)
        jupyter = Path(sys.executable).parent / "jupyter"
        self.process = subprocess.Popen(
            [
                str(jupyter),
                "lab",
                "--allow-root",
                "--ServerApp.root_dir=.",
                "--ContentsManager.pre_save_hook=crmlib.cli.lab.sebelum_simpan",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                f"--IdentityProvider.token={self.token}",
                NOTEBOOK,
            ],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def api(self, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/{path}",
            data=None if body is None else json.dumps(body).encode("utf-8"),
            method="GET" if body is None else "PUT",
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read().decode("utf-8"))

    def wait_until_up(self) -> None:
        end = time.monotonic() + LAB_START_SECONDS
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise AssertionError(f"jupyter lab stopped: {self.process.stderr.read()[-2000:]}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("jupyter lab did not answer")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def lab_and_preview(tmp_path):
    root = make_project(tmp_path)
    lab = Lab(root)
    pv = Preview(root, "2022-06", port=0, log=lambda _: None)
    try:
        pv.start()
        lab.wait_until_up()
        yield root, lab, pv
    finally:
        lab.stop()
        pv.stop()
        shutdown_warm_kernel()


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return _squeeze("\n".join(page.extract_text() for page in PdfReader(path).pages))


def _squeeze(text: str) -> str:
    # Lines break and Typst hyphenates (soft hyphens): compare without either.
    return re.sub(r"[\s\u00ad-]+", "", text)


def test_rewording_in_jupyterlab_reaches_preview_then_html_and_pdf(lab_and_preview, monkeypatch):
    root, lab, pv = lab_and_preview
    before = fetch(pv.url)
    assert all(old in before and new not in before for old, new in EDITS.items())

    model = lab.api(f"contents/{NOTEBOOK}?content=1")
    assert model["type"] == "notebook"
    nb = model["content"]
    changed = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            source = cell["source"]
            for old, new in EDITS.items():
                source = source.replace(old, new)
            changed += source != cell["source"]
            cell["source"] = source
    assert changed == 2  # the BAB II summary cell and the Kesimpulan cell
    # What JupyterLab's frontend adds on every save: the kernel's language_info.
    committed_metadata = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["metadata"]
    nb["metadata"]["language_info"] = dict(LAB_LANGUAGE_INFO)
    saved = lab.api(f"contents/{NOTEBOOK}", {"type": "notebook", "format": "json", "content": nb})
    assert saved["name"] == "laporan_bulanan.ipynb"

    page = wait_for(pv.url, lambda p: all(new in p for new in EDITS.values()))
    assert not any(old in page for old in EDITS)
    assert "Traceback" not in page

    # Lab's save keeps what papermill needs, and the build takes the reworded notebook.
    on_disk = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))
    assert on_disk["metadata"]["kernelspec"]["name"] == "python3"
    assert on_disk["metadata"] == committed_metadata  # no diff but the reworded cells
    monkeypatch.chdir(root)
    assert main(["build", "2022-06", "--renderer", "embedded", "-j", "1"]) == 0
    html = (root / "output" / "2022-06" / "laporan.html").read_text(encoding="utf-8")
    pdf = _pdf_text(root / "output" / "2022-06" / "laporan.pdf")
    for old, new in EDITS.items():
        assert new in html and old not in html
        assert _squeeze(new) in pdf and _squeeze(old) not in pdf
