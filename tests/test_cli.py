"""The real command line, run in subprocesses: ``lmcontract`` and ``python -m lmcontract``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
PUBLISHED = ROOT / "generated" / "jsonschema" / "lmcontract.schema.json"
COMMAND = str(Path(sys.executable).with_name("lmcontract"))  # the console script pip installed
PROBLEM = re.compile(r"^(?P<file>.+?):(?P<record>\d+): (?P<path>\S+): (?P<message>.+)$")
FAILED = re.compile(r"^failed: (\d+) records? read from (\d+) files?: (\d+) invalid as (\w+), (\d+) unreadable$")


def run(*args: str, module: bool = False, cwd: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "lmcontract", *args] if module else [COMMAND, *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("lmcontract: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def problem_lines(result: subprocess.CompletedProcess) -> list[str]:
    """The problem lines of a validate run's stdout, after checking that a summary line ends it."""
    *lines, summary = result.stdout.splitlines()
    assert FAILED.match(summary) or summary.startswith("ok: "), summary
    return lines


def by_class(folder: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for path in sorted((DATA / folder).iterdir()):
        groups[path.name.split("-", 1)[0]].append(str(path))
    return dict(groups)


@pytest.mark.parametrize(("cls", "paths"), sorted(by_class("valid").items()))
def test_valid_examples_pass(cls, paths):
    result = run("validate", "--class", cls, *paths)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert re.fullmatch(rf"ok: \d+ records? valid as {cls} in {len(paths)} files?\n", result.stdout), result.stdout


@pytest.mark.parametrize(("cls", "paths"), sorted(by_class("invalid").items()))
def test_invalid_examples_report_file_record_path_message(cls, paths):
    result = run("validate", "--class", cls, *paths)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    lines = problem_lines(result)
    assert len(lines) == len(paths), lines  # each example breaks exactly one rule
    for path, line in zip(paths, lines, strict=True):
        match = PROBLEM.match(line)
        assert match, line
        expected = re.search(r"^# expect: (\S+)$", Path(path).read_text(), flags=re.M).group(1)
        assert (match["file"], match["record"], match["path"]) == (path, "1", expected), line


def test_cross_field_rules_are_checked():
    result = run("validate", str(DATA / "invalid" / "LMResponse-logprobs-not-aligned.yaml"))
    assert result.returncode == 1
    assert ": outputs[0].logprobs: 2 entries but token_ids has 3" in result.stdout


def test_records_are_numbered_by_line_in_json_lines(tmp_path):
    good = (DATA / "valid" / "LMResponse-openai-stream.jsonl").read_text().splitlines()
    bad = json.loads(good[1])
    bad["outputs"][0]["index"] = -1
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join([good[0], "", json.dumps(bad), good[2]]) + "\n")
    result = run("validate", str(path))
    assert result.returncode == 1
    assert problem_lines(result) == [f"{path}:3: outputs[0].index: Input should be greater than or equal to 0, got -1"]


def test_records_are_numbered_by_position_in_a_list(tmp_path):
    record = {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "hi"}]}]}
    path = tmp_path / "two.json"
    path.write_text(json.dumps([record, {**record, "model": 4}]))
    result = run("validate", str(path))
    assert result.returncode == 1
    assert problem_lines(result) == [f"{path}:2: model: Input should be a valid string, got 4"]


def test_a_part_can_be_validated_as_lmpart(tmp_path):
    path = tmp_path / "parts.yaml"
    path.write_text("- {type: text, text: hi}\n- {type: image, url: 'https://x.org/a.png'}\n- {type: sticker}\n")
    result = run("validate", "--class", "LMPart", str(path))
    assert result.returncode == 1
    (line,) = problem_lines(result)
    assert line.startswith(f"{path}:3: <record>: Input tag 'sticker' found using 'type'")


def test_yaml_is_read_as_json_compatible_yaml(tmp_path):
    # YAML 1.1 would turn "yes" into True and an unquoted timestamp into a datetime; here both
    # stay strings, as they would be in JSON: the timestamp is valid, "yes" is not a boolean.
    path = tmp_path / "r.yaml"
    path.write_text(
        "created: 2024-09-18T10:21:43Z\ncache_hit: yes\noutputs:\n  - index: 0\n    parts: [{type: text, text: hi}]\n"
    )
    result = run("validate", str(path))
    assert result.returncode == 1
    assert problem_lines(result) == [f"{path}:1: cache_hit: Input should be a valid boolean, got 'yes'"]


def test_problems_in_some_files_do_not_stop_the_others(tmp_path):
    invalid = DATA / "invalid" / "LMResponse-negative-cost.yaml"
    valid = DATA / "valid" / "LMResponse-refusal.yaml"
    missing = tmp_path / "missing.json"
    result = run("validate", str(valid), str(missing), str(invalid))
    assert result.returncode == 2  # the worst outcome wins: a file that could not be read
    assert result.stdout.splitlines() == [
        f"{invalid}:1: cost: Input should be greater than or equal to 0, got -0.002",
        "failed: 2 records read from 3 files: 1 invalid as LMResponse, 1 unreadable",
    ]
    assert result.stderr.splitlines() == [f"lmcontract: error: {missing}: no such file"]


def test_missing_file(tmp_path):
    assert_one_line_error(run("validate", str(tmp_path / "nope.json")), "nope.json", "no such file")


@pytest.mark.parametrize(
    "name", ["empty.json", "empty.yaml", "empty.jsonl", "blank.json", "comments.yaml", "list.json"]
)
def test_empty_file(tmp_path, name):
    content = {"blank.json": "  \n\n", "comments.yaml": "# nothing here\n", "list.json": "[]"}.get(name, "")
    path = tmp_path / name
    path.write_text(content)
    assert_one_line_error(run("validate", str(path)), name, "no records")


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("bad.json", '{"outputs": [', "not valid JSON"),
        ("nan.json", '{"cost": NaN}', "NaN is not valid JSON"),
        ("bad.yaml", "outputs:\n  - index: 0\n   parts: [\n", "not valid YAML"),
        ("tabs.yaml", "outputs:\n\t- index: 0\n", "not valid YAML"),
        ("bad.jsonl", '{"chunk_mode": "delta"}\n{"chunk_mode": \n', "bad.jsonl:2: not valid JSON"),
        ("latin1.json", None, "not UTF-8"),
        ("data.txt", "{}", "unknown file type '.txt'"),
    ],
)
def test_unreadable_file(tmp_path, name, content, needle):
    path = tmp_path / name
    if content is None:
        path.write_bytes('{"model": "caf\xe9"}'.encode("latin-1"))
    else:
        path.write_text(content)
    assert_one_line_error(run("validate", str(path)), name, needle)


def test_a_directory_is_not_a_file(tmp_path):
    folder = tmp_path / "dir.json"
    folder.mkdir()
    assert_one_line_error(run("validate", str(folder)), "is a directory")


def test_unknown_class():
    result = run("validate", "--class", "LMNope", str(DATA / "valid" / "LMResponse-refusal.yaml"))
    assert_one_line_error(result, "unknown class 'LMNope'", "LMResponse")


def test_yaml_without_pyyaml_says_which_extra_to_install(tmp_path):
    # A fresh interpreter in which `import yaml` fails, as it does when pyyaml is not installed.
    code = "import sys; sys.modules['yaml'] = None; from lmcontract.cli import main; sys.exit(main(sys.argv[1:]))"
    yaml_file = DATA / "valid" / "LMResponse-refusal.yaml"
    json_file = DATA / "valid" / "LMResponse-stream-usage-only.json"
    result = subprocess.run(
        [sys.executable, "-c", code, "validate", str(yaml_file)], capture_output=True, text=True, timeout=60
    )
    assert_one_line_error(result, "pip install 'lmcontract[yaml]'")
    result = subprocess.run(
        [sys.executable, "-c", code, "validate", str(json_file)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", [False, True], ids=["lmcontract", "python -m lmcontract"])
def test_schema_prints_the_published_json_schema(module):
    result = run("schema", module=module)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(PUBLISHED.read_text())


def test_python_m_lmcontract_validates():
    result = run("validate", str(DATA / "valid" / "LMResponse-vllm-n2-logprobs.json"), module=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok: 1 record valid as LMResponse in 1 file\n"


def test_no_command_prints_usage():
    result = run()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "validate" in result.stderr and "schema" in result.stderr


def test_field_paths_of_a_part_class_on_its_own(tmp_path):
    # A field named like a part kind (CitationPart.citation, TextPart.text) is a field, not a tag.
    path = tmp_path / "parts.json"
    path.write_text(json.dumps([{"type": "citation", "citation": {"url": 5}}, {"type": "citation"}]))
    result = run("validate", "--class", "CitationPart", str(path))
    assert result.returncode == 1
    assert problem_lines(result) == [
        f"{path}:1: citation.url: Input should be a valid string, got 5",
        f"{path}:2: citation: Field required",
    ]
