"""Every notebook crm-report writes goes through nbformat (crmlib.report.ipynb.write_notebook)."""

from __future__ import annotations

import json

import pytest
from fixtures_built import built_two_months
from fixtures_render import load_notebook
from notebook_checks import assert_written_by_nbformat

from crmlib.errors import RenderError
from crmlib.report.ipynb import write_notebook


def test_the_build_writes_its_notebook_as_nbformat_does(tmp_path_factory):
    assert_written_by_nbformat(
        built_two_months(tmp_path_factory) / "output" / "2022-06" / "laporan.ipynb"
    )


def test_string_sources_are_stored_as_lines_and_the_dict_is_left_alone(tmp_path):
    nb = load_notebook()
    nb["cells"][4]["source"] = "# BAB I\n\n## A. Latar\n\n1. satu\n2. dua\n"
    before = json.dumps(nb, sort_keys=True)
    path = tmp_path / "laporan.ipynb"
    write_notebook(nb, path)
    assert json.loads(path.read_text(encoding="utf-8"))["cells"][4]["source"] == [
        "# BAB I\n",
        "\n",
        "## A. Latar\n",
        "\n",
        "1. satu\n",
        "2. dua\n",
    ]
    assert json.dumps(nb, sort_keys=True) == before
    assert_written_by_nbformat(path)
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.ipynb"]  # no temp file left


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda nb: nb["cells"][1].pop("outputs"), "tidak sah menurut nbformat"),
        (lambda nb: nb["cells"][2].pop("id"), "sel ke-3 tanpa id"),
        (lambda nb: nb["cells"][2].update(id=nb["cells"][1]["id"]), "sel ke-3 dengan id ganda"),
    ],
)
def test_an_invalid_notebook_is_refused_and_nothing_is_written(tmp_path, change, message):
    nb = load_notebook()
    change(nb)
    path = tmp_path / "laporan.ipynb"
    with pytest.raises(RenderError, match=message):
        write_notebook(nb, path)
    assert list(tmp_path.iterdir()) == []
