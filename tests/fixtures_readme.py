"""The README's commands as an analyst types them, and a terminal session to run them in.

``readme_steps`` reads a section of README.md in document order: every line of a
``bash`` block, every inline ``code span`` that starts like a command (``crm-report …``,
``make …``, ``git …``), and ``yaml`` blocks (an edit the text asks for). ``Session`` runs
commands one after the other the way one terminal would: ``cd`` and ``source`` carry
over to the next command, nothing else is added to what the README says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("crm-report ", "make ", "source ", "git ", "papermill ", "mkdir ")
# What a command must never print (the kernel's log lines, Python's warnings, tracebacks).
NOISE = re.compile(
    r"Traceback|Warning|WARNING|ERROR|\[IPKernelApp\]|\[IPKernel|Exception|"
    r"^\s*warnings\.warn|DeprecationWarning|site-packages",
    re.MULTILINE,
)
# English words that no crm-report message uses (its messages are Indonesian); the
# identifiers and paths a message quotes are not among them.
ENGLISH = {
    "the", "and", "is", "are", "was", "not", "error", "warning", "deprecated", "failed",
    "exception", "traceback", "running", "without", "encryption", "caught", "will", "be",
    "removed", "use", "please", "could", "cannot", "unable", "such", "directory", "kernel",
    "found", "missing", "invalid", "expected",
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    """One thing the README asks for: a shell command, or a YAML edit."""

    kind: str  # "sh" or "yaml"
    text: str


def section(title_start: str, text: str | None = None) -> str:
    """The README section whose ``## `` heading starts with ``title_start``."""
    text = text if text is not None else (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title_start}")
    end = text.find("\n## ", start + 4)
    return text[start : end if end != -1 else len(text)]


def readme_steps(markdown: str) -> list[Step]:
    """Commands and YAML edits of ``markdown``, in the order they appear."""
    steps: list[Step] = []
    fence = re.compile(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
    pos = 0
    for m in fence.finditer(markdown):
        steps += _inline(markdown[pos : m.start()])
        lang, body = m.group(1), _dedent(m.group(2))
        if lang == "yaml":
            steps.append(Step("yaml", body))
        elif lang in ("bash", "sh", ""):
            steps += [Step("sh", line) for line in _lines(body)]
        pos = m.end()
    return steps + _inline(markdown[pos:])


def _dedent(body: str) -> str:
    lines = body.splitlines()
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


def _lines(body: str) -> list[str]:
    """Shell lines of a block: continuations joined, trailing ``  # comments`` dropped."""
    joined = body.replace("\\\n", " ")
    out = []
    for line in joined.splitlines():
        line = re.split(r"\s{2,}#\s", line)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _inline(text: str) -> list[Step]:
    spans = re.findall(r"(?<!`)`([^`\n]+)`(?!`)", text)
    return [Step("sh", s) for s in spans if s.startswith(COMMANDS)]


def english_noise(text: str) -> list[str]:
    """Lines with what a successful crm-report command must not print."""
    return [line for line in text.splitlines() if NOISE.search(line)]


def english_words(text: str) -> set[str]:
    """English words in ``text``; paths, hashes and identifiers are not words."""
    words = set()
    for token in text.split():
        word = token.strip(".,;:()[]'\"“”").lower()
        if word.isalpha() and word in ENGLISH:
            words.add(word)
    return words


def path_without(program: str, path: str) -> str:
    """``PATH`` without the folders that hold ``program`` (so only the README can add it)."""
    keep = [d for d in path.split(os.pathsep) if d and not (Path(d) / program).exists()]
    return os.pathsep.join(keep)


@dataclass
class Session:
    """One terminal: commands run in order; ``cd``/``source``/``export`` carry over."""

    cwd: Path
    env: dict[str, str]
    state: Path  # a scratch folder for the shell's state between commands
    log: list[tuple[str, int, str, str]] = field(default_factory=list)

    def run(self, command: str, timeout: float = 900) -> subprocess.CompletedProcess:
        """Run ``command`` as written, in this session; its result (also kept in ``log``)."""
        where, env0 = self.state / "cwd", self.state / "env"
        script = f'{command}\n__rc=$?\npwd > "{where}"\nenv -0 > "{env0}"\nexit $__rc\n'
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if where.exists():
            self.cwd = Path(where.read_text().strip())
            pairs = (x.split("=", 1) for x in env0.read_text().split("\0") if "=" in x)
            self.env = {k: v for k, v in pairs if k not in ("__rc", "_", "SHLVL", "PWD", "OLDPWD")}
            where.unlink()
        self.log.append((command, done.returncode, done.stdout, done.stderr))
        return done

    def start(self, command: str) -> subprocess.Popen:
        """Start a command that serves until stopped (its own process group, like a terminal)."""
        return subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )


def fresh_clone(dest: Path, source: Path, extra: tuple[str, ...] = ()) -> Path:
    """A git repository at ``dest`` holding ``source``'s files plus ROOT's ``extra`` files or
    folders, committed, with ROOT's installed ``.venv`` (so ``make`` finds it installed)."""
    shutil.copytree(source, dest, symlinks=True)
    for name in extra:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, target)
    (dest / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    stamp = ROOT / ".venv" / ".installed-stamp"
    if stamp.exists():  # what make's install compares with: this clone's install is current
        older = stamp.stat().st_mtime - 60
        for name in ("pyproject.toml", "Makefile", "requirements.lock"):
            if (dest / name).exists():
                os.utime(dest / name, (older, older))
    git = ["git", "-c", "user.name=Uji", "-c", "user.email=uji@contoh.id"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "klon"]):
        subprocess.run([*git, *args], cwd=dest, check=True, capture_output=True)
    return dest
