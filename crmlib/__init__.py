"""crmlib: the metric logic, readers and renderers behind the monthly CRM report.

The package is layered, one folder per layer, imports running one way only
(``docs/architecture.md``; ``tests/test_layers.py`` enforces it)::

    data → metrics → report → render → publish → cli

:mod:`crmlib.errors` and :mod:`crmlib.project` sit below every layer;
:mod:`crmlib.samplegen` (synthetic example exports) beside them, used by the CLI only.

Notebooks written before the layers were folders say ``from crmlib import narasi`` and
``from crmlib import tahunan``; those two names are kept here (loaded on first use, so
importing :mod:`crmlib` stays free).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# The notebook's names for modules of the report layer.
_NOTEBOOK_MODULES = {"narasi": "crmlib.report.narasi", "tahunan": "crmlib.report.tahunan"}


def __getattr__(name: str):
    if name in _NOTEBOOK_MODULES:
        return importlib.import_module(_NOTEBOOK_MODULES[name])
    raise AttributeError(f"module 'crmlib' has no attribute {name!r}")
