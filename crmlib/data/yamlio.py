"""YAML text to Python values: libyaml's C parser when PyYAML has it, PyYAML's own otherwise.

The pure-Python loader took 0.84 s of a 1.5 s no-change ``build --all`` (46 loads of
small params files); libyaml parses the same files in about a fiftieth of that. Both
build the same values (the same ``SafeConstructor`` and resolver run on the parsed
nodes). Errors are always reported by the pure-Python loader, so an analyst's mistake
is described by the same problem text and marks whichever parser is installed, and
``crmlib.data.params.YAML_HINTS`` keeps matching it.
"""

from __future__ import annotations

import yaml

# libyaml when PyYAML was built with it (the wheels are), else the pure-Python parser.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """``yaml.safe_load(text)``, parsed by libyaml when available.

    Parameters
    ----------
    text : str
        A YAML document.

    Returns
    -------
    object
        What ``yaml.safe_load`` returns for ``text``.

    Raises
    ------
    yaml.YAMLError
        As raised by the pure-Python loader (the C parser's error is not shown: its
        wording differs).
    """
    try:
        return yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        if FAST_LOADER is yaml.SafeLoader:
            raise
    # Same document, the reference parser: its error (or, should the two parsers ever
    # disagree on what is valid, its value) is what the analyst gets.
    return yaml.safe_load(text)
