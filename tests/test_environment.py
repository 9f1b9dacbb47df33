"""The lock, the pip route, the conda route and this environment agree on every package version."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import tomllib

import yaml
from conftest import ROOT
from packaging.markers import default_environment
from packaging.requirements import Requirement

LOCK = ROOT / "requirements.lock"
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*(.*?))?\s*\\?$")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_entries() -> list[tuple[str, str, str | None]]:
    out = []
    for line in LOCK.read_text().splitlines():
        m = _ENTRY.match(line)
        if m:
            out.append((_norm(m.group(1)), m.group(2), m.group(3)))
    return out


def _tool():
    spec = importlib.util.spec_from_file_location("lock_env", ROOT / "tools/lock_to_environment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _environment() -> tuple[dict, list[str], list[str]]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    return env, conda, pip


def test_conda_route_pins_exactly_the_locked_versions():
    _, _, pip = _environment()
    assert pip == _tool().pins(LOCK.read_text())
    numpy = [p for p in pip if p.startswith("numpy==")]
    assert numpy == [f"numpy=={_installed('numpy')}"]


def test_every_dependency_is_locked_at_a_version_pyproject_allows():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *sum(project["optional-dependencies"].values(), [])]
    env = default_environment()
    locked = {n: v for n, v, marker in _lock_entries() if marker is None or _applies(marker, env)}
    for spec in map(Requirement, wanted):
        name = _norm(spec.name)
        assert name in locked, f"{name} is not in the lock: make lock"
        assert spec.specifier.contains(locked[name], prereleases=True), (spec, locked[name])


def test_every_locked_package_carries_its_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n", 2)[2])
    assert len(blocks) == len(_lock_entries()) > 100
    assert all("--hash=sha256:" in b for b in blocks)


def test_this_environment_runs_the_locked_versions():
    """`make install` installs from the lock: what runs is what it pins."""
    env = default_environment()
    wrong = {
        name: (version, _installed(name))
        for name, version, marker in _lock_entries()
        if (marker is None or _applies(marker, env)) and _installed(name) != version
    }
    assert not wrong, f"not the locked versions (make install): {wrong}"


def test_conda_route_installs_python_3_11_quarto_and_the_project():
    env, conda, pip = _environment()
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in conda and "pip" in conda
    text = (ROOT / "environment.yml").read_text()
    assert "pip install --no-deps -e ." in text
    assert _tool().PYTHON["python_version"] == "3.11"
    assert "--python-version 3.11" in (ROOT / "Makefile").read_text()


def test_quarto_is_pinned_to_the_version_the_templates_are_tested_with():
    from crmlib.render.quarto import QUARTO_VERSION

    _, conda, _ = _environment()
    assert [d for d in conda if d.startswith("quarto")] == [f"quarto={QUARTO_VERSION}.*"]
    extension = yaml.safe_load(
        (ROOT / "_extensions" / "laporan-crm" / "_extension.yml").read_text()
    )
    assert extension["quarto-required"] == f">={QUARTO_VERSION}.0"


def _applies(marker: str, env: dict) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate(env)


def _installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None
