"""The docs as their readers meet them: one language per reader, nothing outside the repository.

The analyst's guide is README.md's Indonesian section; every doc it leads to, and every
doc those lead to, is read by the same analyst and must be Indonesian too. No doc may
send its reader to a file the repository does not hold.
"""

from __future__ import annotations

import re

import pytest
from fixtures_readme import ROOT, section

# Function words, which every sentence has and no identifier is.
INDONESIAN = {"yang", "dan", "di", "ke", "dari", "untuk", "dengan", "bila", "tidak", "ini"}
INDONESIAN |= {"itu", "atau", "pada", "dalam", "oleh", "setiap", "adalah", "juga", "akan"}
ENGLISH = {"the", "and", "of", "is", "are", "to", "in", "with", "for", "when", "that"}
ENGLISH |= {"this", "be", "by", "from", "as", "it", "an", "on", "which", "its"}


def _prose(markdown: str) -> str:
    """The text a reader reads: code blocks, code spans and links' targets left out."""
    text = re.sub(r"^[ \t]*```.*?^[ \t]*```", " ", markdown, flags=re.MULTILINE | re.DOTALL)
    text = re.sub(r"`[^`\n]*`", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def indonesian_share(markdown: str) -> float:
    words = re.findall(r"[a-z]+", _prose(markdown).lower())
    ind = sum(w in INDONESIAN for w in words)
    eng = sum(w in ENGLISH for w in words)
    return ind / max(ind + eng, 1)


def _docs_named(markdown: str) -> set[str]:
    names = set(re.findall(r"docs/([a-z0-9_-]+\.md)", markdown))
    names |= set(re.findall(r"`([a-z0-9_-]+\.md)`", markdown))
    return {n for n in names if n != "README.md"}


def docs_led_to() -> set[str]:
    """Every docs/*.md the guide names, and every one those name, transitively."""
    todo, seen = list(_docs_named(section("Panduan singkat"))), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = ROOT / "docs" / name
        assert path.is_file(), f"the guide leads to docs/{name}, which does not exist"
        todo += _docs_named(path.read_text(encoding="utf-8")) - seen
    return seen


def test_the_guide_itself_is_indonesian():
    assert indonesian_share(section("Panduan singkat")) > 0.9


def test_the_guide_leads_to_the_docs_an_analyst_needs():
    led = docs_led_to()
    assert {"format-data.md", "glosarium.md", "parameter.md", "narasi.md", "edisi.md"} <= led


@pytest.mark.parametrize("name", sorted(docs_led_to()))
def test_every_doc_the_guide_leads_to_is_indonesian(name):
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert indonesian_share(text) > 0.9, f"docs/{name} reads as English"


def _all_docs():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", _all_docs(), ids=lambda p: p.name)
def test_no_doc_points_outside_the_repository(path):
    text = path.read_text(encoding="utf-8")
    outside = re.findall(r"(?:\.\./)*shared/\S*|/work/\S*|data-contract\.md", text)
    assert outside == [], outside
    for name in sorted(_docs_named(text)):
        assert (ROOT / "docs" / name).is_file(), f"{path.name} names docs/{name}"


def test_params_files_speak_indonesian_in_their_comments():
    for path in sorted((ROOT / "params").glob("*.yaml")):
        comments = "\n".join(
            line.split("#", 1)[1] for line in path.read_text().splitlines() if "#" in line
        )
        assert indonesian_share(comments) > 0.9, path.name


def test_the_project_tree_names_every_module():
    """README's tree is the map an inheriting engineer opens first: every module is on it."""
    tree = section("Project tree")
    named = set(re.findall(r"[\w/]+\.py\b", tree))
    named = {n.rsplit("/", 1)[-1] for n in named}
    missing = [
        p.relative_to(ROOT).as_posix()
        for p in sorted((ROOT / "crmlib").rglob("*.py"))
        # The sample generator is described as a whole (its own subpackage, used by the CLI).
        if p.name != "__init__.py" and "samplegen" not in p.parts and p.name not in named
    ]
    assert missing == []
