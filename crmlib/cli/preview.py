"""``crm-report preview YYYY-MM``: the month's report, rebuilt on every save, served locally.

The draft lives in ``.preview/<YYYY-MM>/`` (git-ignored, never ``output/``) and is
served on 127.0.0.1 only. A polling watcher (mtimes, every 0.2 s) looks at the
notebook, the month's and the default params, the month's data and the renderer
templates, and redoes only what a change needs:

- Markdown cells only (the code cells are unchanged): the last execution's
  outputs are reused, the templates re-filled and the HTML re-rendered; no kernel;
- params or data, or a code cell: the notebook is executed again on the warm
  kernel kept by :mod:`crmlib.render.execute`, then filled and rendered (params keys
  that only the cover, foreword and signature read: rendered again only);
- templates (``_extensions/``): the HTML is rendered again.

Only the HTML is rendered (pandoc, no Typst); the PDF is ``crm-report build``'s.
The page polls ``/versi`` and reloads itself when a rebuild finished. A broken
edit leaves the last good page up, with the error in a box on top of it and on
the terminal.

For this machine only: the server listens on 127.0.0.1 and answers only requests
whose ``Host`` is ``127.0.0.1:PORT`` or ``localhost:PORT`` (a web page the analyst
visits cannot reach it through a DNS name that points at 127.0.0.1), and its error
texts name files relative to the project. The month and the port are checked before
anything is built: a month without params, or a port asked for explicitly that is in
use, is refused (exit 2). When the default port is taken, the next free one is used.

The server answers at once, with a "being built" page, and the first build (a cold
kernel: many seconds) says each step on the terminal.
"""

from __future__ import annotations

import copy
import errno
import html
import json
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from crmlib.data.periode import parse_periode
from crmlib.errors import CrmReportError, ParamsError, RenderError

PREVIEW_DIR = ".preview"
DEFAULT_PORT = 8000
# When the default port is taken (another preview, another program), the next ones are tried.
PORT_TRIES = 20
POLL_SECONDS = 0.2
# Params keys only the front matter reads (crmlib.report.frontmatter), never the notebook's cells.
FRONT_MATTER_KEYS = {
    "judul",
    "tempat",
    "kertas",
    "tanggal_laporan",
    "identitas",
    "penandatangan",
    "kata_pengantar",
}
_RELOAD = """<script>
(function () {
  var versi = %d;
  setInterval(function () {
    fetch("/versi", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (d) { if (d.versi !== versi) { location.reload(); } })
      .catch(function () {});
  }, 500);
})();
</script>"""
_KOTAK_GALAT = (
    '<div id="pratinjau-galat" style="position:sticky;top:0;z-index:9;background:#fde8e8;'
    "border:2px solid #b42318;color:#7a1a12;padding:.8em 1em;font:14px/1.4 sans-serif;"
    'white-space:pre-wrap"><strong>Perubahan terakhir gagal; yang tampil adalah '
    "pratinjau terakhir yang berhasil.</strong>\n%s</div>"
)
_SEDANG_DISUSUN = (
    '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8"><title>Pratinjau</title>'
    '</head><body><p style="font:16px/1.5 sans-serif;margin:2em">Pratinjau sedang disusun; '
    "halaman ini dimuat ulang sendiri bila sudah siap.</p></body></html>"
)


def _mtimes(paths: list[Path]) -> dict[str, float]:
    out: dict[str, float] = {}
    for p in paths:
        if p.is_dir():
            for f in p.rglob("*"):
                if f.is_file():
                    out[str(f)] = f.stat().st_mtime_ns
        elif p.exists():
            out[str(p)] = p.stat().st_mtime_ns
    return out


def _code_cells(nb: dict[str, Any]) -> list[str]:
    def src(c: dict[str, Any]) -> str:
        s = c.get("source") or ""
        return "".join(s) if isinstance(s, list) else s

    return [src(c) for c in nb.get("cells") or [] if c.get("cell_type") != "markdown"]


def render_html(month_dir: Path, root: Path) -> Path:
    """``month_dir/laporan.ipynb`` to ``laporan.html`` with the embedded renderer's HTML step.

    The same pandoc command as :func:`crmlib.render.embedded._render_embedded` writes the HTML
    with (template, stylesheet, Lua filters, sandbox), without the PDF.
    """
    from crmlib.render.embedded import _siapkan_sumber, pandoc_common, pandoc_html
    from crmlib.render.extension import EXTENSION, _ekor
    from crmlib.render.markdown import notebook_to_markdown
    from crmlib.render.renderer import NOTEBOOK

    ext = root / "_extensions" / EXTENSION
    notebook = json.loads((month_dir / NOTEBOOK).read_text(encoding="utf-8"))
    meta, body, gambar = notebook_to_markdown(notebook)
    with tempfile.TemporaryDirectory(prefix=".crm-render-", dir=month_dir) as tmp_name:
        tmp, _ = _siapkan_sumber(Path(tmp_name), meta, body, gambar, month_dir, ext)
        out = month_dir / ".laporan.html.tmp"
        cmd = pandoc_html(
            ext, pandoc_common(ext, meta), "laporan-html.md", tmp / "laporan-css.html", out
        )
        res = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            out.unlink(missing_ok=True)
            raise RenderError(f"pandoc gagal menulis HTML pratinjau:\n{_ekor(res.stderr)}")
    final = month_dir / "laporan.html"
    os.replace(out, final)
    return final


@dataclass
class Preview:
    """One month's live preview: build, watch, serve.

    Attributes
    ----------
    root : Path
        The project folder (holding ``params/`` and ``notebooks/``).
    periode : str
        ``YYYY-MM``.
    port : int
        0 picks a free port (see :attr:`url` once started).
    next_free_port : bool
        When ``port`` is taken, try the next :data:`PORT_TRIES` ports (the default port);
        otherwise a taken port is refused.
    """

    root: Path
    periode: str
    port: int = DEFAULT_PORT
    log: Callable[[str], None] = print
    next_free_port: bool = False
    versi: int = 0
    galat: str = ""
    _html: bytes = b""
    _executed: dict[str, Any] | None = None
    _code: list[str] = field(default_factory=list)
    _seen: dict[str, float] = field(default_factory=dict)
    _riwayat: list[dict] | None = None
    _params_run: dict[str, Any] | None = None  # the params of the last execution
    _stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        self.periode = parse_periode(self.periode)

    # ------------------------------------------------------------------ paths

    @property
    def draft(self) -> Path:
        return self.root / PREVIEW_DIR / self.periode

    @property
    def notebook(self) -> Path:
        from crmlib.project import NOTEBOOK

        return self.root / NOTEBOOK

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def _params(self) -> dict[str, Any]:
        from crmlib.data.params import load_params

        return load_params(self.root / "params", self.periode)

    def _watched(self) -> dict[str, list[Path]]:
        from crmlib.data.params import resolve_data_path

        params_files = [self.root / "params" / "_default.yaml"]
        params_files.append(self.root / "params" / f"{self.periode}.yaml")
        try:
            params_files.append(resolve_data_path(self._params(), self.root))
        except CrmReportError:
            pass  # broken params: watched as files, the error is shown already
        return {
            "notebook": [self.notebook],
            "params": params_files,
            "templates": [self.root / "_extensions"],
        }

    # ------------------------------------------------------------------ steps

    def _step(self, text: str) -> None:
        """A progress line of the first build (a cold kernel makes it many seconds long)."""
        if self.versi == 0:
            self.log(f"pratinjau {self.periode}: {text}")

    def _execute(self) -> None:
        from crmlib.project import Project
        from crmlib.publish.month import notebook_parameters
        from crmlib.render.execute import execute_notebook, prestart_warm_kernel
        from crmlib.report.laporan import previous_month

        self._step("membaca params dan data…")
        prestart_warm_kernel()  # boots while the params and the previous month are read
        params = self._params()
        self.draft.mkdir(parents=True, exist_ok=True)
        from crmlib.data.params import resolve_data_path

        data_rel = os.path.relpath(resolve_data_path(params, self.root).resolve(), self.draft)
        if self._riwayat is None:  # the previous month is not watched: computed once
            self._riwayat, warning = previous_month(Project(self.root), self.periode)
            if warning:
                self.log(f"PERINGATAN: {self.relative(warning)}")
        riwayat = self._riwayat
        source = json.loads(self.notebook.read_text(encoding="utf-8"))
        target = self.draft / "dieksekusi.ipynb"
        self._step("menjalankan notebook: angka, tabel dan grafik (kernel Python dinyalakan)…")
        execute_notebook(
            self.notebook,
            target,
            notebook_parameters(params, data_rel, {}, riwayat),
            cwd=self.draft,
            timeout=int(params.get("sel_timeout_detik") or 300),
            warm=True,
        )
        self._executed = json.loads(target.read_text(encoding="utf-8"))
        self._params_run = params
        self._code = _code_cells(source)

    def _fill(self) -> dict[str, Any]:
        """The current source notebook with the last execution's outputs, templates filled."""
        from crmlib.report import narasi

        assert self._executed is not None
        source = json.loads(self.notebook.read_text(encoding="utf-8"))
        nb = copy.deepcopy(self._executed)
        code = iter(c for c in nb["cells"] if c.get("cell_type") != "markdown")
        cells = []
        for cell in source.get("cells") or []:
            # papermill inserts an "injected-parameters" cell after the parameters cell
            cells.append(cell if cell.get("cell_type") == "markdown" else next(code))
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                cells.append(next(code))
        nb["cells"] = cells
        narasi.isi_sel(nb, narasi.nilai_dari_notebook(nb) or {})
        return nb

    def _render(self, nb: dict[str, Any]) -> None:
        from crmlib.render import renderer as render
        from crmlib.report.frontmatter import (
            DRAFT_FRONT_MATTER,
            build_front_matter,
            merge_front_matter,
        )
        from crmlib.report.ipynb import write_notebook

        params = self._params()
        meta = build_front_matter(params, self.periode, {}, {})
        meta["tentang"] = []
        meta.update(DRAFT_FRONT_MATTER)  # a preview is a draft, marked as such
        merge_front_matter(nb, meta, str(self.notebook))
        write_notebook(nb, self.draft / render.NOTEBOOK)
        html_path = render_html(self.draft, self.root)
        self._html = html_path.read_bytes()

    def _only_front_matter(self) -> bool:
        """Did the params change only in keys the notebook never reads (the front matter's)?"""
        if self._params_run is None:
            return False
        new = self._params()
        keys = set(new) | set(self._params_run)
        changed = {k for k in keys if new.get(k) != self._params_run.get(k)}
        return changed <= FRONT_MATTER_KEYS

    def rebuild(self, what: str) -> None:
        """Redo what ``what`` needs ("semua", "notebook", "params", "templates")."""
        t0 = time.perf_counter()
        try:
            if what == "notebook" and self._executed is not None:
                source = json.loads(self.notebook.read_text(encoding="utf-8"))
                if _code_cells(source) != self._code:
                    what = "params"  # a code cell changed: execute again
            if what == "params" and self._only_front_matter():
                what = "sampul"  # cover/foreword/signature keys only: no execution needed
            if what in ("semua", "params") or self._executed is None:
                self._execute()
            self._step("mengisi kalimat dan menyusun HTML…")
            self._render(self._fill())
            self.galat = ""
            self.log(f"pratinjau diperbarui ({what}) dalam {time.perf_counter() - t0:.2f} s")
        except Exception as exc:  # any broken edit: keep serving the last good page
            self.galat = self.relative(
                str(exc) if isinstance(exc, CrmReportError) else f"{type(exc).__name__}: {exc}"
            )
            self.log(f"GAGAL ({what}): {self.galat}")
        self.versi += 1

    # ------------------------------------------------------------------ watch + serve

    def _poll(self) -> None:
        watched = self._watched()
        now = {k: _mtimes(v) for k, v in watched.items()}
        changed = [k for k in ("params", "notebook", "templates") if now[k] != self._seen.get(k)]
        self._seen = now
        if changed:
            self.rebuild(changed[0])

    def _watch(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self._poll()

    def page(self) -> bytes:
        """The page served at ``/``: last good HTML, the error box, the reload script."""
        body = self._html.decode("utf-8") if self._html else _SEDANG_DISUSUN
        extra = _RELOAD % self.versi
        if self.galat:
            kotak = _KOTAK_GALAT % html.escape(self.galat)
            body = body.replace("<body>", "<body>" + kotak, 1) if "<body>" in body else kotak + body
        return body.replace("</body>", extra + "</body>").encode("utf-8")

    def relative(self, text: str) -> str:
        """``text`` with the project's absolute path left out (paths read from the project)."""
        for root in sorted({str(self.root), str(self.root.resolve())}, key=len, reverse=True):
            text = text.replace(root + os.sep, "").replace(root, ".")
        return text

    def allowed_hosts(self) -> set[str]:
        """The ``Host`` headers this server answers: this machine by address or by name."""
        port = self._server.server_address[1] if self._server else self.port
        return {f"127.0.0.1:{port}", f"localhost:{port}"}

    def start(self) -> None:
        """Check the month and bind the port, then serve (a "being built" page at first),
        build once and watch in the background.

        Raises
        ------
        ParamsError
            The month has no params file, or the port is in use (before anything is built).
        """
        from crmlib.data.params import month_file

        if not month_file(self.root / "params", self.periode).is_file():
            raise ParamsError(
                f"Tidak ada berkas parameter untuk {self.periode} "
                f"(params/{self.periode}.yaml): buat dengan crm-report new-month "
                f"{self.periode} --data PATH."
            )
        self._server = self._bind()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.log(f"Pratinjau {self.periode}: {self.url}  (Ctrl-C untuk berhenti)")
        self._seen = {k: _mtimes(v) for k, v in self._watched().items()}
        self.rebuild("semua")
        threading.Thread(target=self._watch, daemon=True).start()

    def _bind(self) -> ThreadingHTTPServer:
        """The server on 127.0.0.1: ``port``, or the next free one when allowed."""
        tries = PORT_TRIES if self.next_free_port and self.port else 1
        for port in range(self.port, self.port + tries):
            try:
                return ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    raise ParamsError(
                        f"Port {port} tidak dapat dipakai ({exc.strerror}): pilih port lain, "
                        f"mis. --port {port + 1 if 0 < port < 65535 else 8001}."
                    ) from None
        last = self.port + tries - 1
        taken = f"{self.port}" if tries == 1 else f"{self.port} sampai {last}"
        raise ParamsError(
            f"Port {taken} sedang dipakai program lain (mungkin pratinjau lain masih berjalan); "
            f"hentikan program itu, atau pilih port lain, mis. --port {last + 1}."
        )

    def stop(self) -> None:
        """Stop watching and serving (the warm kernel stops with the process)."""
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # DNS rebinding: a page on any site may send requests to a name that points
            # at 127.0.0.1; only a request addressed to this machine itself is answered.
            if self.headers.get("Host", "").lower() not in preview.allowed_hosts():
                self._send(403, "text/plain; charset=utf-8", b"Host tidak diizinkan.\n")
            elif self.path.split("?")[0] == "/":
                self._send(200, "text/html; charset=utf-8", preview.page())
            elif self.path.split("?")[0] == "/versi":
                data = {"versi": preview.versi, "galat": preview.galat}
                self._send(200, "application/json", json.dumps(data).encode("utf-8"))
            else:
                self._send(404, "text/plain; charset=utf-8", b"tidak ada\n")

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # no request log on the terminal

    return Handler
