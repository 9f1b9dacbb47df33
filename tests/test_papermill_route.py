"""The papermill route: plain papermill with the params files, then ``crm-report render``."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT
from notebook_checks import assert_written_by_nbformat, lines_quarto_runs_together

from crmlib.cli.main import cli

pytestmark = pytest.mark.e2e


def _git_status() -> str:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # Hypothesis' example database (.hypothesis/) and Python's bytecode caches
    # (__pycache__/) are written by the tests that run beside this module in another
    # worker, not by the notebook.
    return "".join(
        line
        for line in out.stdout.splitlines(keepends=True)
        if ".hypothesis/" not in line and "__pycache__/" not in line
    )


def _papermill():
    # papermill itself, imported as crmlib imports it: without the IRI grammar jsonschema
    # would compile (about a second) for format checks nbformat never makes.
    from crmlib.render.execute import _import_papermill

    return _import_papermill()


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    pm = _papermill()
    before = _git_status()
    params = {}
    for name in ("_default.yaml", "2022-07.yaml"):  # what papermill -f ... -f ... merges
        params.update(yaml.safe_load((ROOT / "params" / name).read_text(encoding="utf-8")))
    out = tmp_path_factory.mktemp("pm") / "out.ipynb"
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("papermill").addHandler(handler)
    try:
        pm.execute_notebook(
            str(ROOT / "notebooks" / "laporan_bulanan.ipynb"),
            str(out),
            parameters=params,
            cwd=str(ROOT),  # as when papermill is run from the project root
            progress_bar=False,
            kernel_name="python3",
        )
    finally:
        logging.getLogger("papermill").removeHandler(handler)
    return out, records, before


def test_runs_without_unknown_parameter_warnings(executed):
    _, records, _ = executed
    assert not [r.getMessage() for r in records if "unknown parameter" in r.getMessage()]


def test_writes_nothing_into_the_source_tree(executed):
    _, _, before = executed
    assert _git_status() == before
    assert not (ROOT / "grafik").exists() and not (ROOT / "notebooks" / "grafik").exists()


def test_render_gives_the_report_with_front_matter_and_comparison(executed):
    out, _, _ = executed
    result = CliRunner().invoke(
        cli, ["render", str(out), "--renderer", "embedded"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert "Nugroho Bayu Saputro" in html and "KATA PENGANTAR" in html.upper()
    assert "Dibandingkan bulan Juni 2022" in html
    # Only `crm-report finalize` makes an edition final: a rendered notebook is a draft.
    assert '<p class="draf" role="note"><strong>DRAF</strong>' in html
    assert "{{" not in html and "data:image/png;base64" in html  # charts embedded in the page
    assert sorted(p.name for p in (out.parent / "out_grafik").iterdir()) == [
        "harian.png",
        "kanal.png",
        "kategori.png",
        "kecamatan.png",
        "respon.png",
        "tren.png",
    ]
    nb = json.loads(out.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["periode"] == "2022-07"


def test_render_hands_quarto_a_notebook_nbformat_wrote(
    executed, tmp_path, monkeypatch, quarto_standin
):
    # What `crm-report render` gives Quarto: written by nbformat, every line on its own line.
    out, _, _ = executed
    assert_written_by_nbformat(out)  # papermill's own output
    copy = tmp_path / "juli.ipynb"
    shutil.copyfile(out, copy)
    monkeypatch.setenv("QUARTO_STANDIN_KEEP", str(tmp_path / "diterima"))
    result = CliRunner().invoke(
        cli, ["render", str(copy), "--renderer", "quarto"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    received = tmp_path / "diterima" / "laporan.ipynb"
    assert_written_by_nbformat(received)
    assert lines_quarto_runs_together(json.loads(received.read_text(encoding="utf-8"))) == []
    assert copy.with_suffix(".html").is_file() and copy.with_suffix(".pdf").is_file()


def test_without_parameters_the_notebook_previews_the_latest_month(tmp_path):
    """As in JupyterLab: the parameters cell's defaults, no file written anywhere."""
    pm = _papermill()
    from crmlib.data.params import list_months, load_params
    from crmlib.report.narasi import nilai_dari_notebook

    latest = list_months(ROOT / "params")[-1]
    params = load_params(ROOT / "params", latest)
    out = tmp_path / "lab.ipynb"
    cwd = tmp_path / "kerja"
    cwd.mkdir()
    pm.execute_notebook(
        str(ROOT / "notebooks" / "laporan_bulanan.ipynb"),
        str(out),
        cwd=str(cwd),
        progress_bar=False,
        kernel_name="python3",
    )
    assert list(cwd.iterdir()) == []
    values = nilai_dari_notebook(json.loads(out.read_text(encoding="utf-8")))
    assert values["n"]["bulan"] == latest
    assert values["n"]["kendala"] == params["kendala"] and values["n"]["saran"] == params["saran"]
    assert values["perubahan_total"]  # the previous month's figures, as the build gives them
