"""The analyst's first hour: the README's quick-start and Indonesian guide, run as written.

Every command of the quick-start and of the guide is read out of README.md and run, in
order, in one terminal session on a fresh clone: the README's own ``source`` line is what
puts ``crm-report`` on the PATH, the guide's month (2023-01) and file names are used as
written, and the guide's one edit (the new year's DPA line) is applied as its YAML block
shows it. Each command must succeed and print no English noise (kernel log lines,
warnings, tracebacks); ``finalize``, ``revise`` and ``verify`` print no English at all.

The clone is the shared built project (2022-05 and 2022-06 built, nothing else in
``params/``) plus the repository's top-level files and ``crmlib/``, so ``make report`` finds its months
up to date and builds only the annual report. Not run: ``make test`` (this suite) and
``make lab`` (opens JupyterLab in a browser and serves until stopped; ``test_lab.py``
checks its command line, ``test_lab_loop.py`` runs the same JupyterLab).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest
from fixtures_built import built_two_months
from fixtures_readme import (
    ROOT,
    Session,
    english_noise,
    english_words,
    fresh_clone,
    path_without,
    readme_steps,
    section,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("make") is None, reason="make not installed"),
]
NOT_RUN = {"make test", "make lab"}
# The guide's whole month, in order: what the steps read out of README.md must contain.
THE_MONTH = (
    "make report",
    "source .venv/bin/activate",
    "git clone . ../latihan-crm",
    "crm-report contoh 2023-01",
    "crm-report validate data/2023-01.xlsx",
    "yaml",
    "crm-report new-month 2023-01",
    "crm-report build 2023-01",
    "crm-report status",
    "crm-report nilai 2023-01",
    "crm-report preview 2023-01",
    "crm-report finalize 2023-01",
    "git add terbitan/2023-01",
    "git add params",
    "crm-report revise 2023-01",
    "crm-report verify 2023-01",
)
SILENT_IN_ENGLISH = ("crm-report finalize", "crm-report revise", "crm-report verify")
SERVE_SECONDS = 600  # a bound for a loaded machine, not a speed target


def _steps():
    # The quick-start up to the conda route (conda is not installed here or in CI).
    quick = section("Two commands").split("\n### Conda route")[0]
    return readme_steps(quick) + readme_steps(section("Panduan singkat"))


def test_the_guide_is_read_out_whole():
    """The extraction finds the whole month in order (the test below runs exactly these)."""
    steps = [s for s in _steps() if s.text not in NOT_RUN]
    labels = [s.text if s.kind == "sh" else "yaml" for s in steps]
    found = iter(labels)
    missing = [want for want in THE_MONTH if not any(x.startswith(want) for x in found)]
    assert missing == [], labels


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if not (ROOT / ".venv" / ".installed-stamp").exists():
        pytest.skip("the README's `make report` would install: run `make install` first")
    built = built_two_months(tmp_path_factory)
    base = tmp_path_factory.mktemp("analis")
    # crmlib too: finalize accepts the .venv's crmlib (ROOT's) only when it is the commit's.
    extra = ("README.md", "Makefile", "pyproject.toml", ".gitignore", ".gitattributes", "crmlib")
    return fresh_clone(base / "proyek", built, extra)


@pytest.fixture(scope="module")
def first_hour(clone, tmp_path_factory):
    """Run every step; the session (its log: command, exit code, stdout, stderr)."""
    state = tmp_path_factory.mktemp("sesi")
    gitconfig = state / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Analis Uji\n\temail = analis@contoh.id\n")
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    # Only the README's own line may put crm-report and papermill on the PATH; Quarto is
    # not installed here or in CI (the embedded renderer is the one checked).
    env["PATH"] = path_without("quarto", path_without("crm-report", env.get("PATH", "")))
    env["GIT_CONFIG_GLOBAL"] = str(gitconfig)  # the analyst's git identity (finalize, commit)
    session = Session(clone, env, state)
    results = {}
    for step in _steps():
        if step.text in NOT_RUN:
            continue
        if step.kind == "yaml":
            results["yaml"] = _add_dpa_line(session.cwd / "params" / "_default.yaml", step.text)
        elif step.text.startswith("crm-report preview"):
            results[step.text] = _preview(session, step.text)
        else:
            if step.text.startswith("git add params"):  # the guide's correction, made here
                _correct_the_month(session.cwd / "params" / "2023-01.yaml")
            done = session.run(step.text)
            assert done.returncode == 0, (step.text, done.stdout, done.stderr)
            results[step.text] = done
    return session, results


def _correct_the_month(month_yaml) -> None:
    """What the analyst corrects after a final (here: the month's note), before revise."""
    text = month_yaml.read_text(encoding="utf-8")
    month_yaml.write_text(text + 'catatan: "Data Kelurahan Cipinang dikoreksi."\n', "utf-8")


def _add_dpa_line(default_yaml, block: str) -> str:
    """The guide's YAML block: one line for the new year under ``dpa_nomor:``."""
    (line,) = [x for x in block.splitlines() if x.strip()]
    assert re.fullmatch(r"\s*2023: .+", line), line
    lines = default_yaml.read_text(encoding="utf-8").splitlines()
    at = max(i for i, x in enumerate(lines) if re.match(r"\s+\d{4}: ", x))
    indent = len(lines[at]) - len(lines[at].lstrip())
    lines.insert(at + 1, " " * indent + line.strip())
    default_yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return line


def _preview(session: Session, command: str) -> dict:
    """Start the preview as written, read its page once built, stop it with Ctrl-C."""
    proc = session.start(command)
    said, url, page = [], None, ""
    deadline = time.monotonic() + SERVE_SECONDS
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            said.append(line)
            if m := re.search(r"(http://127\.0\.0\.1:\d+/)", line):
                url = m.group(1)
            if "pratinjau diperbarui" in line or line.startswith("GAGAL"):
                break
        assert url, "".join(said)
        with urllib.request.urlopen(url, timeout=30) as r:
            page = r.read().decode("utf-8")
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the analyst's terminal
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    return {"stdout": "".join(said) + out, "stderr": err, "rc": proc.returncode, "page": page}


def test_every_command_of_the_quick_start_and_the_guide_runs_as_written(first_hour):
    session, results = first_hour
    ran = [c for c, *_ in session.log]
    assert ran[0] == "make report"
    first_crm = next(i for i, c in enumerate(ran) if c.startswith("crm-report"))
    assert "source .venv/bin/activate" in ran[:first_crm]  # the README's line, nothing else
    assert session.cwd.name == "latihan-crm"  # the guide's `cd` carried over
    assert (session.cwd / "terbitan" / "2023-01" / "edisi-2" / "manifest.json").is_file()
    commit = subprocess.run(
        ["git", "log", "--format=%s", "-1"], cwd=session.cwd, capture_output=True, text=True
    ).stdout
    assert "2023-01" in commit


def test_no_command_prints_english_noise(first_hour):
    session, results = first_hour
    for command, _, _, err in session.log:
        if command.startswith(("crm-report", "make")):
            assert english_noise(err) == [], (command, err)
    preview = next(v for k, v in results.items() if k.startswith("crm-report preview"))
    assert english_noise(preview["stderr"]) == []


def test_finalize_revise_and_verify_print_no_english_at_all(first_hour):
    session, _ = first_hour
    checked = [c for c, *_ in session.log if c.startswith(SILENT_IN_ENGLISH)]
    assert len(checked) == 3
    for command, _, out, err in session.log:
        if command.startswith(SILENT_IN_ENGLISH):
            assert english_words(out + err) == set(), (command, out, err)
            assert "SEMUA COCOK" in out if "verify" in command else "edisi final" in out


def test_make_report_says_where_each_months_files_are(first_hour):
    _, results = first_hour
    out = results["make report"].stdout
    for month in ("2022-05", "2022-06"):
        assert f"output/{month}/laporan.html" in out and f"output/{month}/laporan.pdf" in out
    assert "output/index.html" in out and "2022 (tahunan)" in out
    assert "source .venv/bin/activate" in out  # the next step, said where it is needed


def test_rehearsal_month_is_a_synthetic_export_the_build_accepts(first_hour):
    session, results = first_hour
    contoh = next(v for k, v in results.items() if k.startswith("crm-report contoh"))
    assert "sintetis" in contoh.stdout and "crm-report validate data/2023-01.xlsx" in contoh.stdout
    metrics = json.loads((session.cwd / "output" / "2023-01" / "metrics.json").read_text())
    assert metrics["total_laporan"] > 0 and metrics["periode"] == "2023-01"


def test_preview_says_each_step_and_stops_on_ctrl_c(first_hour):
    _, results = first_hour
    preview = next(v for k, v in results.items() if k.startswith("crm-report preview"))
    steps = [x for x in preview["stdout"].splitlines() if x.startswith("pratinjau 2023-01:")]
    assert len(steps) >= 3, preview["stdout"]  # a line per step of the first build
    assert "Januari 2023" in preview["page"]
    assert preview["rc"] == 130 and "Pratinjau dihentikan." in preview["stderr"]
