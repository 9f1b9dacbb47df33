"""Pin environment.yml's pip section to requirements.lock (run by `make lock`).

The conda route (environment.yml) gets Python and Quarto from conda-forge and every
Python package from PyPI at exactly the lock's version, so both routes run the same
packages. Only the lines between the two marker comments are rewritten;
tests/test_environment.py checks that they agree with the lock.

Usage: python tools/lock_to_environment.py requirements.lock environment.yml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.markers import Marker

BEGIN = "# --- pinned by `make lock` from requirements.lock: do not edit by hand ---"
END = "# --- end of pins ---"
# The Python the conda route installs (environment.yml: python=3.11), at its newest release.
PYTHON = {"python_version": "3.11", "python_full_version": "3.11.9999"}
_PYTHON_ONLY = re.compile(r"^[\s()]*python_(full_)?version\b")
_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;\s*(.*?))?\s*\\?$")


def pins(lock_text: str) -> list[str]:
    """The lock's packages as ``name==version`` lines for the conda route's Python.

    An entry whose marker depends on the Python version only is kept (without its
    marker) when it applies to Python 3.11 and dropped otherwise; one that depends on
    the platform keeps its marker, for pip to decide on the user's machine.
    """
    out = []
    for line in lock_text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        name, version, marker = m.group(1).lower(), m.group(2), m.group(3)
        if marker is None:
            out.append(f"{name}=={version}")
        elif "platform" in marker or "sys_" in marker or "os_name" in marker:
            out.append(f"{name}=={version} ; {marker}")
        elif Marker(marker).evaluate(PYTHON):
            out.append(f"{name}=={version}")
    return out


def rewrite(environment: str, lines: list[str]) -> str:
    """``environment`` with the lines between :data:`BEGIN` and :data:`END` replaced."""
    head, rest = environment.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    indent = head.rsplit("\n", 1)[1]
    body = "".join(f"{indent}- {p}\n" for p in lines)
    return f"{head}{BEGIN}\n{body}{indent}{END}{tail}"


def main(lock: str, environment: str) -> int:
    env = Path(environment)
    env.write_text(rewrite(env.read_text(), pins(Path(lock).read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
