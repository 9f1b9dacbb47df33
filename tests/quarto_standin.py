"""A stand-in for the Quarto 1.10 command line, for the checks that must run without Quarto.

Quarto cannot be installed on the development machines or in CI, so the product
owner checks with a real Quarto 1.10.18 and these tests check the project's side of
the contract against this stand-in. For what the tests look at it does what Quarto
1.10 does, after Quarto's own sources (quarto-dev/quarto-cli):

- **the Markdown pandoc receives** from a notebook (``src/core/jupyter/jupyter.ts``,
  ``jupyterToMarkdown``): each cell's source as lines (``jupyter-shared.ts``,
  ``jupyterCellSrcAsLines``: a *string* source is split into lines *without* their
  line ends, a list is taken as it is), leading ``#|`` options cut off
  (``partitionCellOptions``), the lines joined with nothing between them and one
  line end made sure of at the end; code hidden (``echo: false``), outputs of
  ``output: asis`` cells written as they are, others in ``.cell-output`` divs;
- **which files a render takes** (``src/project/project-context.ts``,
  ``projectInputFiles``; ``src/core/path.ts``, ``resolvePathGlobs``): without
  ``project: render`` every notebook of the project; with it, its globs (``**/``
  put before a glob, ``!`` excluding), an empty list giving no file at all; hidden
  and underscore paths never. A file outside that list is rendered as a single
  file, without the project's scripts (``src/command/render/render-shared.ts``);
- **pre- and post-render scripts** run in the project folder with
  ``QUARTO_PROJECT_OUTPUT_DIR``, ``QUARTO_PROJECT_RENDER_ALL`` (all files),
  ``QUARTO_PROJECT_INPUT_FILES`` (pre) and ``QUARTO_PROJECT_OUTPUT_FILES`` (post),
  paths relative to the project (``src/command/render/project.ts``);
- **the format extension** found beside the document or in a folder above it up to
  the project (only beside it for a single file), its ``quarto-required`` enforced;
- **``pdf-standard``** handed to Typst (``src/command/render/output-typst.ts``; read
  since Quarto 1.9, so a stand-in of an older version ignores it);
- **what a render leaves on disk**: the scratch folder ``.quarto/`` (the project's, or
  beside a single file), the extension's ``format-resources`` copied beside the
  document and left there, Quarto's lines added to the project's ``.gitignore``;
- **``quarto preview``** of the project: its input files rendered, then served (the
  stand-in prints the address and stops instead of serving).

With ``QUARTO_STANDIN_KEEP=<folder>`` it keeps a copy of every notebook it was handed.

The HTML is made by pandoc (pypandoc-binary) with the extension's Lua filters from
that Markdown: not Quarto's page template, but the document structure Quarto would
give it. The PDF is a short Typst document (the title and that Markdown's headings)
compiled by Typst (the typst wheel) with the PDF standard Quarto would ask for.

:func:`install` puts a ``quarto`` command running this module on a folder of PATH;
:func:`notebook_markdown` is the notebook-to-Markdown step on its own.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
VERSION = "1.10.18"
GITIGNORE_LINES = ("/.quarto/", "**/*.quarto_ipynb")
_OPTION = re.compile(r"^#\s*\| ?")  # partition-cell-options.ts, optionCommentPattern("#")
_FRONT_MATTER = re.compile(r"^---[ \t]*\n(.*?\n)---[ \t]*(\n|$)", re.S)
# projectHiddenIgnoreGlob (project-context.ts) and engineIgnoreDirs.
_IGNORED = ("_*", ".*", "README.md", "README.qmd", "node_modules", "renv", "packrat", "venv", "env")


class QuartoError(Exception):
    """What Quarto prints as ERROR before exiting with status 1."""


def install(bin_dir: Path, version: str = VERSION) -> Path:
    """Write a ``quarto`` command into ``bin_dir`` that runs this stand-in as ``version``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "quarto"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(HERE)!r})\n"
        f"from quarto_standin import main\nsys.exit(main(sys.argv[1:], {version!r}))\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


# --------------------------------------------------------------------------- notebook → Markdown


def _source_lines(value: Any) -> list[str]:
    """``jupyterCellSrcAsLines``: a string is split into lines *without* their line ends."""
    return re.split(r"\r?\n", value) if isinstance(value, str) else list(value or [])


def _partition_options(lines: list[str]) -> tuple[dict[str, Any], list[str]]:
    """``partitionCellOptions``: the leading ``#|`` lines as YAML, and the rest."""
    yaml_lines = []
    for line in lines:
        match = _OPTION.match(line)
        if not match:
            break
        yaml_lines.append(line[match.end() :].rstrip("\n"))
    options = yaml.safe_load("\n".join(yaml_lines)) if yaml_lines else None
    return (options if isinstance(options, dict) else {}), lines[len(yaml_lines) :]


def _ensure_trailing_newline(lines: list[str]) -> list[str]:
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines


def _as_lines(value: Any) -> list[str]:
    """``cleanJupyterOutputDisplayData``: a string value becomes a one-element list."""
    return [value] if isinstance(value, str) else list(value)


def _code_outputs(cell: dict[str, Any], options: dict[str, Any]) -> list[str]:
    asis = options.get("output") == "asis"
    md: list[str] = []
    for output in cell.get("outputs") or []:
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stderr":
                continue  # warning: false (the extension's `execute`)
            text = output["text"]  # Quarto joins a list here: a string would fail
            if not isinstance(text, list):
                raise QuartoError("output.text.join is not a function")
            body = "".join(text) if asis else "```\n" + "".join(text).rstrip("\n") + "\n```\n"
        elif kind in ("display_data", "execute_result"):
            data = output.get("data") or {}
            if "text/markdown" in data:
                body = "".join(_as_lines(data["text/markdown"])) + "\n"
            elif "text/plain" in data:
                body = "```\n" + "".join(_as_lines(data["text/plain"])).rstrip("\n") + "\n```\n"
            else:
                continue
        else:
            continue
        md.append(body if asis else "\n::: {.cell-output .cell-output-display}\n" + body + ":::\n")
    if md and not asis:
        md = ["::: {.cell}\n", *md, ":::\n"]
    return md


def notebook_markdown(nb: dict[str, Any]) -> str:
    """The Markdown Quarto 1.10 hands to pandoc for an executed notebook (``echo: false``)."""
    md: list[str] = []
    for cell in nb.get("cells") or []:
        options, source = _partition_options(_source_lines(cell.get("source")))
        if cell.get("cell_type") in ("markdown", "raw"):
            md.append("".join(_ensure_trailing_newline(source)))
        elif options.get("include") is not False and options.get("output") is not False:
            md.extend(_code_outputs(cell, options))
            md.append("\n")
        md.append("\n")
    return "".join(md)


def front_matter(markdown: str) -> dict[str, Any]:
    """The YAML front matter at the top of the Markdown (``partitionYamlFrontMatter``)."""
    match = _FRONT_MATTER.match(markdown)
    data = yaml.safe_load(match.group(1)) if match else None
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------- projects


def _project_dir(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "_quarto.yml").is_file():
            return folder
    return None


def _config(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8")) or {}


def _ignored(relative: Path) -> bool:
    return any(fnmatch.fnmatch(part, glob) for part in relative.parts for glob in _IGNORED)


def _glob(project: Path, pattern: str) -> set[Path]:
    """``resolvePathGlobs`` (mode auto): a glob gets ``**/`` before it, a literal path not."""
    smart = any(c in pattern for c in "*?[{")
    if pattern.endswith("/"):
        pattern, smart = pattern + "**/*", True
    elif (project / pattern).is_dir():
        pattern, smart = pattern.rstrip("/") + "/**/*", True
    if pattern.startswith("/"):
        pattern = pattern[1:]
    elif smart:
        pattern = "**/" + pattern
    found = set(project.glob(pattern)) if smart else {project / pattern}
    return {p for p in found if p.exists() and not _ignored(p.relative_to(project))}


def input_files(project: Path) -> list[Path]:
    """The notebooks a render of the whole project takes (``projectInputFiles``)."""
    render = (_config(project).get("project") or {}).get("render")
    if render is None:  # no list: every file of the project
        found = set(_glob(project, "*.ipynb"))
    else:  # a list, even an empty one: its globs only
        found, excluded = set(), set()
        for pattern in render:
            if pattern.startswith("!"):
                excluded |= _glob(project, pattern[1:])
            else:
                found |= _glob(project, pattern)
        found -= excluded
        expanded = {f for p in found for f in (p.rglob("*") if p.is_dir() else [p])}
        found = {p for p in expanded if not _ignored(p.relative_to(project))}
    return sorted(p.resolve() for p in found if p.suffix == ".ipynb" and p.is_file())


def _ensure_gitignore(project: Path) -> None:
    path = project / ".gitignore"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    missing = [line for line in GITIGNORE_LINES if line not in {x.strip() for x in lines}]
    if missing:
        path.write_text("\n".join([*lines, *missing]) + "\n", encoding="utf-8")


def _run_scripts(project: Path, scripts: Any, env: dict[str, str]) -> None:
    for script in [scripts] if isinstance(scripts, str) else list(scripts or []):
        command = script.split()
        if command[0].endswith(".py"):
            command = [sys.executable, *command]
        done = subprocess.run(command, cwd=project, env={**os.environ, **env})
        if done.returncode != 0:
            raise QuartoError(f"script failed: {script}")


# --------------------------------------------------------------------------- one document


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _extension(doc_dir: Path, project: Path | None, name: str, version: str) -> tuple[Path, dict]:
    """The format extension ``name``: beside the document, or above it up to the project."""
    folders = [doc_dir]
    if project is not None:
        folders += [p for p in doc_dir.parents if p == project or project in p.parents]
    for folder in folders:
        ext = folder / "_extensions" / name
        if (ext / "_extension.yml").is_file():
            data = yaml.safe_load((ext / "_extension.yml").read_text(encoding="utf-8"))
            required = str(data.get("quarto-required") or "")
            if required and _version_tuple(version) < _version_tuple(required):
                raise QuartoError(  # extension.ts, validateExtension
                    f"The extension {data.get('title') or name} is incompatible with this "
                    f"quarto version.\n\nExtension requires: {required}\nQuarto version: {version}"
                )
            return ext, data
    raise QuartoError(f"Unable to find extension '{name}'")


def _formats(doc: Path, project: Path | None, meta: dict, to: str | None) -> list[str]:
    if to:
        return to.split(",")
    own = meta.get("format")
    if own:
        return [own] if isinstance(own, str) else list(own)
    project_formats = (_config(project).get("format") if project else None) or {"html": {}}
    return list(project_formats)


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _render_html(doc: Path, ext: Path, options: dict, markdown: Path, flags: list[str]) -> Path:
    filters = [f["path"] if isinstance(f, dict) else f for f in options.get("filters") or []]
    command = [_pandoc(), str(markdown), "-f", "markdown", "-t", "html5", "-s"]
    command += [f"--lua-filter={ext / f}" for f in filters] + flags
    out = doc.with_suffix(".html")
    subprocess.run([*command, "-o", str(out)], check=True, capture_output=True)
    return out


def _render_pdf(doc: Path, ext: Path, options: dict, markdown: Path, flags: list[str]) -> Path:
    """The PDF: a short Typst document (title and the headings pandoc would see), compiled
    with the PDF standard Quarto hands Typst. Its content is not Quarto's report."""
    import typst

    for resource in options.get("format-resources") or []:
        shutil.copyfile(ext / resource, doc.parent / resource)  # left behind, as Quarto does
    headings = re.findall(r"(?m)^(#{1,6}) (.+)$", markdown.read_text(encoding="utf-8"))
    source = [f"#set document(title: {json.dumps(str(options.get('title', doc.stem)))})"]
    source += [
        f"#heading(level: {len(h)}, {json.dumps(t, ensure_ascii=False)})" for h, t in headings
    ]
    typ = doc.with_suffix(".typ")
    typ.write_text("\n".join(source) + "\n", encoding="utf-8")
    standard = options.get("pdf-standard")
    standards = [standard] if isinstance(standard, str) else list(standard or [])
    out = doc.with_suffix(".pdf")
    try:
        typst.compile(str(typ), output=str(out), root=str(doc.parent), pdf_standards=standards)
    except Exception as e:  # Typst's own error
        raise QuartoError(f"Typst compilation failed: {e}") from None
    finally:
        if not options.get("keep-typ"):
            typ.unlink(missing_ok=True)
    return out


def render_document(
    doc: Path, project: Path | None, to: str | None, flags: dict[str, str], version: str
) -> list[Path]:
    """Render one notebook to each of its formats; the files written."""
    nb = json.loads(doc.read_text(encoding="utf-8"))
    markdown = notebook_markdown(nb)
    keep = os.environ.get("QUARTO_STANDIN_KEEP")  # tests read what Quarto was handed
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(doc, Path(keep) / doc.name)
    meta = {**front_matter(markdown), **flags}
    scratch = (project or doc.parent) / ".quarto"
    (scratch / "typst" / "packages").mkdir(parents=True, exist_ok=True)
    (scratch / "available-fonts.json").write_text("[]", encoding="utf-8")
    md_file = scratch / f"{doc.stem}.md"
    md_file.write_text(markdown, encoding="utf-8")
    pandoc_flags = [f"--metadata={k}:{v}" for k, v in flags.items()]
    written = []
    for fmt in _formats(doc, project, meta, to):
        name, _, base = fmt.rpartition("-")
        ext, data = _extension(doc.parent, project, name, version)
        formats = (data.get("contributes") or {}).get("formats") or {}
        options = {**(formats.get("common") or {}), **(formats.get(base) or {}), **meta}
        if _version_tuple(version) < (1, 9):
            options.pop("pdf-standard", None)  # read since Quarto 1.9
        step = _render_pdf if base == "typst" else _render_html
        written.append(step(doc, ext, options, md_file, pandoc_flags))
    md_file.unlink()
    return written


# --------------------------------------------------------------------------- commands


def _parse(args: list[str]) -> tuple[str | None, str | None, dict[str, str], set[str]]:
    target, to, flags, switches = None, None, {}, set()
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("--to", "-t"):
            to, i = args[i + 1], i + 2
        elif arg in ("-M", "--metadata"):
            key, _, value = args[i + 1].partition("=")
            flags[key] = yaml.safe_load(value) if value else True
            i += 2
        elif arg.startswith("-"):
            switches.add(arg)
            i += 1
        else:
            target = target or arg
            i += 1
    return target, to, flags, switches


def render_project(project: Path, files: list[Path] | None, to, flags, version) -> list[Path]:
    """``renderProject``: pre-render, the files (all inputs when ``files`` is None), post-render."""
    config = (_config(project).get("project")) or {}
    inputs = input_files(project)
    files = inputs if files is None else files
    env = {"QUARTO_PROJECT_OUTPUT_DIR": str(project), "QUARTO_PROJECT_DIR": str(project)}
    if len(files) == len(inputs):
        env["QUARTO_PROJECT_RENDER_ALL"] = "1"
    _ensure_gitignore(project)
    relative = [str(f.relative_to(project)) for f in files]
    _run_scripts(
        project,
        config.get("pre-render"),
        {**env, "QUARTO_PROJECT_INPUT_FILES": "\n".join(relative)},
    )
    written = [out for f in files for out in render_document(f, project, to, flags, version)]
    outputs = "\n".join(str(p.relative_to(project)) for p in written)
    _run_scripts(
        project, config.get("post-render"), {**env, "QUARTO_PROJECT_OUTPUT_FILES": outputs}
    )
    return written


def render(target: str | None, to, flags, version) -> list[Path]:
    path = Path(target or ".").resolve()
    project = _project_dir(path if path.is_dir() else path.parent)
    if path.is_dir():
        if project is None:
            raise QuartoError(
                f"The specified directory ('{target or '.'}') is not a Quarto project."
            )
        inside = [f for f in input_files(project) if path == project or path in f.parents]
        return render_project(project, None if path == project else inside, to, flags, version)
    if project is not None and path in input_files(project):
        return render_project(project, [path], to, flags, version)
    return render_document(path, None, to, flags, version)  # a single file, outside any project


def main(argv: list[str], version: str = VERSION) -> int:
    """``quarto --version``, ``quarto render [TARGET] [--to F] [-M K=V]``, ``quarto preview``."""
    if argv[:1] == ["--version"]:
        print(version)
        return 0
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    target, to, flags, switches = _parse(rest)
    try:
        if command == "render":
            for path in render(target, to, flags, version):
                print(f"Output created: {path.name}")
        elif command == "preview":
            render(target, to, flags, version)
            print("Watching files for changes\nBrowse at http://localhost:4200/")
        else:
            raise QuartoError(f"stand-in: unknown command {command!r}")
    except QuartoError as e:
        print(f"ERROR: {e}", file=sys.stderr)
        return 1
    return 0
