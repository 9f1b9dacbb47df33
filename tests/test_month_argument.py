"""Month arguments: one strict parser, applied by every command before any path is built.

``build $'2022-06\\n'`` used to pass the old ``$``-anchored pattern and create
``output/_log/2022-06\\n-gagal.log``; ``verify ../../tmp`` looked in ``terbitan/../../tmp``
and ``preview ../../etc`` started a server. Every command now refuses such a month with
exit code 2 before it touches the project's folders.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT

from crmlib.cli.main import main
from crmlib.data.periode import is_periode, parse_periode
from crmlib.errors import ParamsError

BAD_MONTHS = ["2022-06\n", "../../tmp", "2022-13", "2022-6", " 2022-06", "2202-06", "2022-06/x"]

# Every command that takes a month, with the month put where the command takes it.
COMMANDS = {
    "validate": lambda m: ["validate", "data/2022-06", "--periode", m],
    "metrics": lambda m: ["metrics", "data/2022-06", "--periode", m],
    "build": lambda m: ["build", m],
    "new-month": lambda m: ["new-month", m, "--data", "data/2022-06"],
    "finalize": lambda m: ["finalize", m, "--oleh", "Analis"],
    "revise": lambda m: ["revise", m, "--alasan", "koreksi", "--oleh", "Analis"],
    "verify": lambda m: ["verify", m],
    "preview": lambda m: ["preview", m, "--port", "0"],
    "nilai": lambda m: ["nilai", m],
    "contoh": lambda m: ["contoh", m, "--ke", "data/contoh.xlsx"],
}


@pytest.mark.parametrize("text", ["2022-06", "2000-01", "2099-12"])
def test_a_real_month_is_accepted(text):
    assert is_periode(text) and parse_periode(text) == text


@pytest.mark.parametrize("text", [*BAD_MONTHS, "1999-12", "2100-01", "2022-00", 202206, None])
def test_anything_else_is_refused_with_the_format(text):
    assert not is_periode(text)
    with pytest.raises(ParamsError, match="YYYY-MM"):
        parse_periode(text)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project with June's params and data, nothing built, as the working directory."""
    shutil.copytree(ROOT / "params", tmp_path / "params")
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "laporan_bulanan.ipynb", tmp_path / "notebooks")
    shutil.copytree(ROOT / "data" / "sample" / "2022-06", tmp_path / "data" / "2022-06")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _tree(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize(
    "month", ["2022-06\n", "../../tmp", "2022-13"], ids=["newline", "path", "13"]
)
def test_every_command_refuses_a_bad_month_before_touching_the_project(
    project, capsys, command, month
):
    before = _tree(project)
    assert main(COMMANDS[command](month)) == 2
    err = capsys.readouterr().err
    assert "YYYY-MM" in err and "Kesalahan internal" not in err and "Traceback" not in err
    assert _tree(project) == before  # no output/, no log, no params file, no terbitan/
    assert not (project.parent / "tmp").exists()
