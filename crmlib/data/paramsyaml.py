"""A params file's YAML read so that every slip in it is found in one run.

PyYAML stops at the first syntax error, so a key typo further down the same file
would only show on the next run. Here the line at fault is repaired in a copy of the
text (a value holding ``": "`` quoted, the tabs of an indentation turned into spaces,
otherwise the line emptied) and the text parsed again, up to :data:`MAX_REPAIRS`
times; what then parses is validated like a correct file by :mod:`crmlib.data.params`.
A repair never adds or removes a line, so every line number is the file's own. Each
slip is reported in Indonesian with its fix (PyYAML's own words are English), and so
is what PyYAML accepts silently but nobody means: a key written twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# Enough for any file an analyst edits by hand; a text that needs more is not YAML at all.
MAX_REPAIRS = 20

# PyYAML's problem (English, start of the text) → what is wrong and what to do, in Indonesian.
YAML_PROBLEMS = (
    (
        "mapping values are not allowed",
        "ada tanda titik dua di tengah nilai; beri tanda kutip pada nilai yang berisi ': ', "
        'mis. catatan: "Penting: banjir", atau periksa jorokan baris ini',
    ),
    ("found character '\\t'", "jangan memakai tab untuk menjorokkan baris; pakai spasi"),
    (
        "expected <block end>",
        "jorokan (spasi di awal baris) tidak konsisten dengan baris-baris di atasnya",
    ),
    ("did not find expected key", "jorokan (spasi di awal baris) tidak konsisten"),
    (
        "did not find expected '-'",
        "setiap butir daftar diawali '- ' dengan jorokan yang sama",
    ),
    ("expected ',' or ']'", "tanda kurung [ ] tidak ditutup"),
    ("expected ',' or '}'", "tanda kurung { } tidak ditutup"),
    ("found unexpected end of stream", "tanda kutip tidak ditutup"),
    ("could not find expected ':'", "tanda titik dua setelah nama kunci hilang (kunci: nilai)"),
    (
        "found undefined alias",
        "tanda * di awal nilai dibaca sebagai rujukan YAML; beri tanda kutip",
    ),
    ("expected a single document", "berkas berisi lebih dari satu dokumen (---); hapus '---'"),
)
# When PyYAML names where a construct began (an unclosed quote or bracket, a key without
# its colon), the slip is on that line, not where PyYAML gave up.
_STARTED_AT = (
    "while scanning a quoted scalar",
    "while parsing a flow",
    "while scanning a simple key",
)


@dataclass(frozen=True)
class ParamsProblem:
    """One problem in a params file, located as an editor shows it (line 1 = first line)."""

    file: str
    line: int | None
    message: str  # what is wrong and how to fix it, one Indonesian sentence
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", baris {self.line}"
        if self.column is not None:
            where += f", kolom {self.column}"
        return f"{where}: {self.message}"


@dataclass
class ParsedYaml:
    """A params file as far as it could be read.

    Attributes
    ----------
    data : dict
        What the (repaired) text holds; ``{}`` when nothing could be read.
    root : yaml.Node or None
        The composed document, for the line of any key.
    problems : list of ParamsProblem
        Every syntax slip and every key written twice.
    complete : bool
        No line had to be dropped: every key the file sets is in ``data``.
    reworded : set of int
        Lines (1-based) whose value a repair quoted or dropped: what the schema finds
        there is the same slip again.
    """

    data: dict = field(default_factory=dict)
    root: yaml.Node | None = None
    problems: list[ParamsProblem] = field(default_factory=list)
    complete: bool = True
    reworded: set[int] = field(default_factory=set)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except that an impossible date (2022-02-30) stays text.

    The schema then refuses it with its line, instead of the loader raising a bare
    ``ValueError`` that no message locates.
    """

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _load(text: str) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return (loader.construct_document(root) if root is not None else None), root
    finally:
        loader.dispose()


def explain_yaml_error(exc: yaml.YAMLError) -> str:
    """PyYAML's problem in Indonesian, with what to do."""
    problem = getattr(exc, "problem", None) or str(exc)
    for english, indonesian in YAML_PROBLEMS:
        if problem.startswith(english):
            return f"YAML tidak valid: {indonesian}"
    return f"YAML tidak valid ({problem}); periksa penulisan baris ini"


def _culprit(exc: yaml.YAMLError) -> tuple[int, int] | None:
    """The 0-based line and column of the slip PyYAML stopped at."""
    context, mark = getattr(exc, "context", None) or "", getattr(exc, "context_mark", None)
    if not (mark is not None and context.startswith(_STARTED_AT)):
        mark = getattr(exc, "problem_mark", None)
    return (mark.line, mark.column) if mark is not None else None


def _repaired(line: str, exc: yaml.YAMLError, attempt: int) -> str | None:
    """``line`` changed so that the parser can go on; ``None`` when nothing is left to try."""
    problem = getattr(exc, "problem", None) or ""
    if attempt == 0 and problem.startswith("mapping values are not allowed"):
        key, sep, value = line.partition(": ")
        if sep and value.strip():
            return f"{key}: {json.dumps(value.strip(), ensure_ascii=False)}"
    if attempt == 0 and "\t" in line:
        return re.sub(r"^\t+", lambda m: "  " * len(m.group()), line).replace("\t", " ")
    return "" if line.strip() else None


def read_yaml_text(text: str, file: str) -> ParsedYaml:
    """Parse ``text`` (a params file shown as ``file``), repairing slips to find the next.

    Returns
    -------
    ParsedYaml
        The data of the repaired text and one problem per slip; keys written twice
        are problems too.
    """
    lines = text.split("\n")
    parsed = ParsedYaml()
    attempts: dict[int, int] = {}
    for _ in range(MAX_REPAIRS + 1):
        try:
            data, parsed.root = _load("\n".join(lines))
            break
        except yaml.YAMLError as exc:
            where = _culprit(exc)
            if where is None or where[0] >= len(lines):
                parsed.problems.append(ParamsProblem(file, None, f"{explain_yaml_error(exc)}."))
                return _incomplete(parsed)
            n, column = where
            attempt = attempts.get(n, 0)
            if attempt == 0:
                message = f"{explain_yaml_error(exc)}."
                parsed.problems.append(ParamsProblem(file, n + 1, message, column + 1))
            attempts[n] = attempt + 1
            new = _repaired(lines[n], exc, attempt)
            if new is None:
                return _incomplete(parsed)
            parsed.complete = parsed.complete and bool(new.strip())
            if new.replace(" ", "") != lines[n].replace("\t", "").replace(" ", ""):
                parsed.reworded.add(n + 1)
            lines[n] = new
    else:
        return _incomplete(parsed)
    if data is None:
        return parsed
    if not isinstance(data, dict):
        parsed.problems.append(
            ParamsProblem(file, 1, "isi berkas harus berupa daftar kunci: nilai, satu per baris.")
        )
        return _incomplete(parsed)
    parsed.data = data
    parsed.problems += _twice(parsed.root, file)
    return parsed


def _incomplete(parsed: ParsedYaml) -> ParsedYaml:
    parsed.data, parsed.root, parsed.complete = {}, None, False
    return parsed


def _twice(node: yaml.Node | None, file: str, prefix: str = "") -> list[ParamsProblem]:
    """Keys written twice in one mapping (PyYAML keeps the last silently)."""
    problems: list[ParamsProblem] = []
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _twice(item, file, prefix)
    if not isinstance(node, yaml.MappingNode):
        return problems
    first: dict[str, int] = {}
    for key, value in node.value:
        name = f"{prefix}{key.value}"
        line = key.start_mark.line + 1
        if name in first:
            problems.append(
                ParamsProblem(
                    file,
                    line,
                    f"kunci '{name}' sudah ditulis di baris {first[name]}; hapus salah satu "
                    "(YAML hanya memakai yang terakhir).",
                )
            )
        else:
            first[name] = line
        problems += _twice(value, file, f"{name}.")
    return problems


__all__ = ["ParamsProblem", "ParsedYaml", "explain_yaml_error", "read_yaml_text"]
