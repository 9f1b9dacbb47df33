"""``crm-report preview``: served on localhost, rebuilt on save, a broken edit keeps the last page."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import time
import urllib.request

import pytest
from conftest import ROOT

from crmlib.cli.main import main
from crmlib.cli.preview import Preview
from crmlib.errors import ParamsError
from crmlib.render.execute import shutdown_warm_kernel

pytestmark = pytest.mark.e2e
WAIT_SECONDS = 120  # a bound for a loaded machine, not a speed target (bench/bench_preview.py)


def make_project(dest):
    """A copy of the project with June 2022 (and May for the comparison) only."""
    for name in ("notebooks", "_extensions"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "_quarto.yml", dest / "_quarto.yml")
    (dest / "params").mkdir()
    for name in ("_default.yaml", "2022-05.yaml", "2022-06.yaml"):
        shutil.copy(ROOT / "params" / name, dest / "params" / name)
    (dest / "data" / "sample").mkdir(parents=True)
    shutil.copy(ROOT / "data/sample/2022-05.xlsx", dest / "data/sample/2022-05.xlsx")
    shutil.copytree(ROOT / "data/sample/2022-06", dest / "data/sample/2022-06")
    return dest


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8")


def wait_for(url: str, check) -> str:
    end = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < end:
        page = fetch(url)
        if check(page):
            return page
        time.sleep(0.1)
    raise AssertionError("the preview never showed the change")


def edit_notebook(path, old: str, new: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"])
            cell["source"] = src.replace(old, new)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """One preview for the module: the tests below run in order and edit its files."""
    root = make_project(tmp_path_factory.mktemp("proyek"))
    said: list[str] = []
    pv = Preview(root, "2022-06", port=0, log=said.append)
    pv.said = said
    pv.start()
    try:
        yield pv
    finally:
        pv.stop()
        shutdown_warm_kernel()


def test_serves_the_draft_on_localhost_only(preview):
    assert preview.url.startswith("http://127.0.0.1:")
    page = fetch(preview.url)
    assert "Berdasarkan tabel rekapitulasi di atas" in page and "**508**" not in page
    assert 'fetch("/versi"' in page
    assert '<p class="draf" role="note"><strong>DRAF</strong>' in page  # never looks final
    assert (preview.root / ".preview" / "2022-06" / "laporan.html").is_file()
    assert not (preview.root / "output").exists()


def test_the_first_build_says_each_step_after_the_address(preview):
    assert preview.said[0].startswith(f"Pratinjau 2022-06: {preview.url}")
    steps = [x for x in preview.said if x.startswith("pratinjau 2022-06: ")]
    assert [x.split(": ", 1)[1].split()[0] for x in steps] == ["membaca", "menjalankan", "mengisi"]
    assert preview.said[len(steps) + 1].startswith("pratinjau diperbarui (semua)")


def test_a_taken_port_is_refused_or_the_next_free_one_used(preview, capsys, monkeypatch):
    import socket

    from crmlib.cli.main import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.chdir(preview.root)
        assert main(["preview", "2022-06", "--port", str(port)]) == 2  # asked for: refused
        err = capsys.readouterr().err
        assert f"Port {port} sedang dipakai program lain" in err and "--port" in err
        # The default port, when taken, gives way to the next free one.
        other = Preview(preview.root, "2022-06", port=port, next_free_port=True)
        server = other._bind()
        try:
            assert port < server.server_address[1] < port + 20
        finally:
            server.server_close()


def test_markdown_edit_is_served_and_a_broken_one_keeps_the_last_page(preview):
    nb = preview.notebook
    edit_notebook(nb, "Berdasarkan tabel rekapitulasi di atas", "Menurut tabel rekapitulasi")
    page = wait_for(preview.url, lambda p: "Menurut tabel rekapitulasi" in p)
    assert "pratinjau-galat" not in page
    edit_notebook(nb, "sebanyak **{{ total_laporan }}**", "sebanyak **{{ totl_laporan }}**")
    page = wait_for(preview.url, lambda p: "pratinjau-galat" in p)
    assert "totl_laporan" in page and "total_laporan" in page  # the name and the suggestion
    assert "Menurut tabel rekapitulasi" in page  # the last good preview stays
    edit_notebook(nb, "{{ totl_laporan }}", "{{ total_laporan }}")
    wait_for(preview.url, lambda p: "pratinjau-galat" not in p)


def test_params_edit_executes_again(preview):
    path = preview.root / "params" / "2022-06.yaml"
    # June's note replaced (a second `catatan:` key would be refused as written twice).
    june = path.read_text(encoding="utf-8").split("\ncatatan:")[0]
    path.write_text(june + '\ncatatan: "Catatan khusus pratinjau."\n', encoding="utf-8")
    wait_for(preview.url, lambda p: "Catatan khusus pratinjau." in p)


# ------------------------------------------------------------------ this machine only


def _get(preview, host: str) -> tuple[int, bytes]:
    port = preview._server.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/", headers={"Host": host})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_answers_only_requests_addressed_to_this_machine(preview):
    # DNS rebinding: a page the analyst visits points its own name at 127.0.0.1.
    port = preview._server.server_address[1]
    assert _get(preview, f"127.0.0.1:{port}")[0] == 200
    assert _get(preview, f"localhost:{port}")[0] == 200
    for host in (f"penyerang.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", ""):
        status, body = _get(preview, host)
        assert status == 403 and b"laporan" not in body.lower(), host


def test_an_error_names_files_relative_to_the_project(preview):
    path = preview.root / "params" / "2022-06.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("data: data/sample/2022-06", "data: data/tidak-ada"), "utf-8")
    try:
        page = wait_for(preview.url, lambda p: "pratinjau-galat" in p)
        assert "data/tidak-ada" in page and str(preview.root) not in page
        versi = json.loads(fetch(preview.url + "versi"))
        assert "data/tidak-ada" in versi["galat"] and str(preview.root) not in versi["galat"]
    finally:
        path.write_text(good, encoding="utf-8")
    wait_for(preview.url, lambda p: "pratinjau-galat" not in p)


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    root = make_project(tmp_path / "proyek")
    monkeypatch.chdir(root)
    return root


def test_a_port_in_use_is_refused_before_anything_is_built(project_dir, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["preview", "2022-06", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"Port {port} sedang dipakai program lain" in err and "--port" in err
    assert "Kesalahan internal" not in err
    assert not (project_dir / ".preview").exists()  # nothing was built


def test_a_month_without_params_is_refused_before_the_server_starts(project_dir, capsys):
    assert main(["preview", "2030-01", "--port", "0"]) == 2
    assert "params/2030-01.yaml" in capsys.readouterr().err
    assert not (project_dir / ".preview").exists()
    with pytest.raises(ParamsError, match="YYYY-MM"):
        Preview(project_dir, "../../etc", port=0)
