"""The examples on the hand-written docs pages are real: every ``python`` block runs, and every
``console`` block runs with its printed output compared.

A page's python blocks run in order in one namespace, in a scratch folder; its console blocks
run in the same folder, between them, so a block can read the files an earlier one wrote.
A console block is ``$ command`` lines, each followed by the exact output it prints.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.M | re.S)
# Languages that are run; the others are shown only (``sh`` for commands that change the
# machine or the repository, such as `pip install` or `make gen`, and ``mermaid`` diagrams).
RUN = ("python", "console")
# ``py`` is Python shown only, for code that needs a cluster (Ray, Spark); ``ts`` and ``sql`` are
# compiled or run by their own tests (tests/test_typescript.py, tests/test_ray.py).
SHOWN = ("sh", "mermaid", "yaml", "json", "py", "ts", "sql")


def blocks(page: Path) -> list[tuple[str, str, int]]:
    """(language, code, line of the first code line) for each fenced block of a page."""
    text = page.read_text(encoding="utf-8")
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 2) for m in FENCE.finditer(text)]


PAGES = sorted(DOCS.glob("*.md"))
EXAMPLE_PAGES = [p for p in PAGES if any(lang in RUN for lang, _, _ in blocks(p))]


def console(code: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            assert pairs, f"console block output before any `$ ` command: {line!r}"
            pairs[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in pairs]


def run_page(page: Path, folder: Path) -> int:
    """Run every example of a page in ``folder``; return how many blocks ran."""
    namespace: dict = {"__name__": f"docs.{page.stem}"}
    # The installed `lmcontract` and `python` first on PATH, as after `pip install`.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    ran = 0
    for lang, code, line in blocks(page):
        where = f"{page.name}:{line}"
        if lang == "python":
            # Leading newlines make tracebacks point at the line of the page.
            exec(compile("\n" * (line - 1) + code, str(page), "exec"), namespace)
        elif lang == "console":
            for command, expected in console(code):
                proc = subprocess.run(
                    ["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, timeout=120
                )
                got = (proc.stdout + proc.stderr).rstrip()
                assert got == expected.rstrip(), f"{where}: `{command}` printed:\n{got}\nthe page says:\n{expected}"
        else:
            continue
        ran += 1
    return ran


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=lambda p: p.name)
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    assert run_page(page, tmp_path) > 0


def test_pages_with_examples_include_quickstart_and_merging():
    names = {p.name for p in EXAMPLE_PAGES}
    assert {"quickstart.md", "merging.md", "jsonschema.md"} <= names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_block_is_run_or_only_shown(page: Path):
    for lang, _, line in blocks(page):
        assert lang in RUN + SHOWN, f"{page.name}:{line}: a ```{lang} block is neither run nor allowed as shown-only"


def test_quickstart_covers_the_first_steps():
    text = (DOCS / "quickstart.md").read_text()
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == ["Install", "Build a response", "Write and validate a file", "Merge a stream", "Attach tensors"]
    code = "\n".join(code for lang, code, _ in blocks(DOCS / "quickstart.md") if lang in RUN)
    for used in ("LMResponse(", "from_chunks(", ".extend(", "lmcontract validate", "import torch", "logits="):
        assert used in code, used


def test_quickstart_install_commands_name_real_extras():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    shown = [code for lang, code, _ in blocks(DOCS / "quickstart.md") if lang == "sh"]
    assert len(shown) == 1, "the quickstart's only shown-only block is the install block"
    commands = [line.split("#")[0].strip() for line in shown[0].splitlines() if line.strip()]
    assert commands and all(c.startswith("pip install .") or c.startswith("pip install '.[") for c in commands)
    for extras in re.findall(r"\.\[([\w,-]+)\]", shown[0]):
        for extra in extras.split(","):
            assert extra in project["optional-dependencies"], f"pip install '.[{extra}]': no such extra"


def test_console_parser_keeps_commands_and_their_output():
    pairs = console("$ echo a\na\n$ true\n$ printf 'x\\ny'\nx\ny")
    assert pairs == [("echo a", "a"), ("true", ""), ("printf 'x\\ny'", "x\ny")]


def test_a_wrong_example_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "wrong.md"
    page.write_text("```python\nx = 1\n```\n\n```console\n$ echo hello\nhallo\n```\n")
    with pytest.raises(AssertionError, match="printed"):
        run_page(page, tmp_path)
    page.write_text("text\n\n```python\nassert 1 == 2\n```\n")
    with pytest.raises(AssertionError) as info:
        run_page(page, tmp_path)
    assert info.traceback[-1].lineno + 1 == 4  # the line on the page
