"""environment.yml (conda route) and pyproject.toml (pip route) list the same packages."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT

# conda-only entries with no pip counterpart (the Quarto CLI cannot be pip-installed).
CONDA_ONLY = {"python", "quarto", "pip"}


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _environment():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            conda.add(_name(dep))
    return env, conda, pip


def test_runtime_dependencies_agree():
    project = _pyproject()
    wanted = {_name(d) for d in project["dependencies"]} | {
        _name(d) for d in project["optional-dependencies"]["lab"]
    }
    _, conda, pip = _environment()
    assert (conda - CONDA_ONLY) | pip == wanted


def test_conda_route_installs_the_project_and_quarto():
    env, conda, _ = _environment()
    assert "conda-forge" in env["channels"]
    assert "quarto" in conda
    pip_entries = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert any(e.startswith("-e .") for e in pip_entries)


def test_python_floor_matches():
    assert _pyproject()["requires-python"] == ">=3.11"
    assert "python>=3.11" in (ROOT / "environment.yml").read_text()


def test_quarto_is_pinned_to_the_version_the_templates_are_tested_with():
    from crmlib.render.quarto import QUARTO_VERSION

    env, _, _ = _environment()
    quarto = [d for d in env["dependencies"] if isinstance(d, str) and _name(d) == "quarto"]
    assert quarto == [f"quarto={QUARTO_VERSION}.*"]  # a pin, not a lower bound
    extension = yaml.safe_load(
        (ROOT / "_extensions" / "laporan-crm" / "_extension.yml").read_text()
    )
    assert extension["quarto-required"] == f">={QUARTO_VERSION}.0"
