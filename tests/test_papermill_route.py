"""The papermill route: plain papermill with the params files, then ``crm-report render``,
exactly as the README writes it."""

from __future__ import annotations

import json
import os
import shutil

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT
from fixtures_readme import Session, fresh_clone, path_without, readme_steps, section
from notebook_checks import assert_written_by_nbformat, lines_quarto_runs_together

from crmlib.cli.main import cli

pytestmark = pytest.mark.e2e


def _papermill():
    # papermill itself, imported as crmlib imports it: without the IRI grammar jsonschema
    # would compile (about a second) for format checks nbformat never makes.
    from crmlib.render.execute import _import_papermill

    return _import_papermill()


def _tree(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The README's papermill route, run as written from the root of a fresh clone.

    The clone holds what the route reads (June and July 2022: July compares with June),
    as committed; the README's activation line comes first, as in the analyst's terminal.
    Returns the executed notebook, what the commands printed, and the clone's files
    before and after.
    """
    base = tmp_path_factory.mktemp("pm")
    files = ["notebooks", "_extensions", "_quarto.yml", "params/_default.yaml"]
    for m in ("2022-06", "2022-07"):
        files.append(f"params/{m}.yaml")
        data = yaml.safe_load((ROOT / "params" / f"{m}.yaml").read_text(encoding="utf-8"))
        files.append(data["data"])
    source = base / "bahan"
    for name in files:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        copy(ROOT / name, source / name)
    clone = fresh_clone(base / "proyek", source, (".gitignore",))
    before = _tree(clone)
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = path_without("quarto", path_without("papermill", env.get("PATH", "")))
    session = Session(clone, env, base)
    activate = next(s.text for s in readme_steps(section("Two commands")) if "activate" in s.text)
    routes = section("Three routes to one report")
    route = routes[routes.index("- **papermill") : routes.index("- **JupyterLab**")]
    commands = [activate, *(s.text for s in readme_steps(route) if s.kind == "sh")]
    assert [c.split()[0] for c in commands] == ["source", "mkdir", "papermill", "crm-report"]
    said = []
    for command in commands:
        done = session.run(command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        said.append(done.stdout + done.stderr)
    out = base / "coba-juli" / "out.ipynb"  # ../coba-juli of the project root
    return out, "\n".join(said), before, _tree(clone)


def test_runs_without_unknown_parameter_warnings(executed):
    _, said, _, _ = executed
    assert "unknown parameter" not in said.lower()


def test_writes_nothing_into_the_source_tree(executed):
    _, _, before, after = executed
    assert after == before


def test_render_gives_the_report_with_front_matter_and_comparison(executed):
    out, said, _, _ = executed
    assert f"HTML: {out.with_suffix('.html')}" in said or "out.html" in said
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert "Nugroho Bayu Saputro" in html and "KATA PENGANTAR" in html.upper()
    assert "Dibandingkan bulan Juni 2022" in html
    # Only `crm-report finalize` makes an edition final: a rendered notebook is a draft.
    assert '<p class="draf" role="note"><strong>DRAF</strong>' in html
    assert "{{" not in html and "data:image/png;base64" in html  # charts embedded in the page
    charts = ["harian", "kanal", "kategori", "kecamatan", "respon", "tren"]
    assert sorted(p.name for p in (out.parent / "out_grafik").iterdir()) == sorted(
        [f"{c}.png" for c in charts] + [f"{c}-ponsel.png" for c in charts]
    )
    assert html.count('<div class="grafik-ponsel">') == len(charts)  # the phone drawings
    nb = json.loads(out.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"]["periode"] == "2022-07"


def test_render_hands_quarto_a_notebook_nbformat_wrote(
    executed, tmp_path, monkeypatch, quarto_standin
):
    # What `crm-report render` gives Quarto: written by nbformat, every line on its own line.
    out, *_ = executed
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
