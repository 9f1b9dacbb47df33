"""The project's paths: the bottom of the layers, importable from every one of them.

A crm-report project is the folder holding ``params/`` and the report notebook; every
layer that reads or writes the project's files takes a :class:`Project`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmlib.errors import ParamsError

NOTEBOOK = Path("notebooks") / "laporan_bulanan.ipynb"
CACHE_DIR = ".crm-report-cache"
# The project's own working files (git-ignored), outside the published output/.
STATE_DIR = Path(".crm-report")


@dataclass
class Project:
    """Paths of a crm-report project (the folder holding ``params/`` and ``notebooks/``)."""

    root: Path

    @property
    def params_dir(self) -> Path:
        """``params/``."""
        return self.root / "params"

    @property
    def output_dir(self) -> Path:
        """``output/``."""
        return self.root / "output"

    @property
    def cache_dir(self) -> Path:
        """``.crm-report-cache/``: this machine's caches (file hashes), never published."""
        return self.root / CACHE_DIR

    @property
    def log_dir(self) -> Path:
        """``.crm-report/log/``: failed months' logs (tracebacks, local paths), never published."""
        return self.root / STATE_DIR / "log"

    @property
    def notebook(self) -> Path:
        """The report template notebook."""
        return self.root / NOTEBOOK

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The project around ``start`` (default: the working directory)."""
        here = Path(start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "params").is_dir() and (candidate / NOTEBOOK).exists():
                return cls(candidate)
        fallback = Path(__file__).resolve().parents[1]
        if (fallback / NOTEBOOK).exists():
            return cls(fallback)
        raise ParamsError(
            f"Folder proyek crm-report tidak ditemukan dari {here}: jalankan perintah di folder "
            "yang berisi params/ dan notebooks/laporan_bulanan.ipynb."
        )
