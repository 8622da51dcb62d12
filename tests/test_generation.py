"""The generators, for real (linkml 1.12, no mocks): deterministic, drift-checked, clean output.

Everything that writes works in temporary copies of the repository; the real tree is only read.
The linkml subprocesses start together so that their import time (about 1.5 s each) overlaps.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "lmcontract.yaml"
LINT_CONFIG = ROOT / "schema" / ".linkmllint.yaml"
MODELS = "src/lmcontract/generated/models.py"
PUBLISHED = "generated/jsonschema/lmcontract.schema.json"
# Folders that only the generators write (codegen/__main__.py's GENERATED_DIRS).
GENERATED_DIRS = ("src/lmcontract/generated", "generated")
SCHEMA_ID = "https://w3id.org/lmcontract/lmcontract.schema.json"
BANNER = "# GENERATED FILE: DO NOT EDIT."
NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    "site",
    "build",
    "dist",
    "tests",
    "node_modules",
)


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _copy_repo(dst: Path) -> Path:
    shutil.copytree(ROOT, dst, ignore=NOT_COPIED)
    if (ROOT / "node_modules").is_dir():  # the pinned JS tools the TypeScript generator runs
        (dst / "node_modules").symlink_to(ROOT / "node_modules")
    return dst


def _env(seed: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env.update(PYTHONHASHSEED=seed, PYTHONDONTWRITEBYTECODE="1")
    return env


class Runs:
    """Subprocesses started at once; ``result(name)`` waits for one."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.done: dict[str, subprocess.CompletedProcess] = {}

    def start(self, name: str, cmd: list[str], cwd: Path, seed: str = "0") -> None:
        self.procs[name] = subprocess.Popen(
            cmd, cwd=cwd, env=_env(seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def result(self, name: str) -> subprocess.CompletedProcess:
        if name not in self.done:
            proc = self.procs[name]
            out, err = proc.communicate(timeout=120)
            self.done[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        return self.done[name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    before = _tree_digest(ROOT / "src" / "lmcontract" / "generated") | _tree_digest(ROOT / "generated")
    tmp = tmp_path_factory.mktemp("codegen")
    runs = Runs()
    codegen = [sys.executable, "-m", "codegen"]

    # Two full regenerations from scratch, in different processes and hash seeds.
    for name, seed in (("first", "1"), ("second", "2")):
        copy = _copy_repo(tmp / name)
        for folder in GENERATED_DIRS:
            shutil.rmtree(copy / folder)
        runs.start(name, codegen, copy, seed)

    runs.start("check-tree", [*codegen, "--check"], ROOT)

    edited = _copy_repo(tmp / "edited")
    path = edited / MODELS
    path.write_text(path.read_text().replace("class LMResponse(", "class LMResponse(  # hand edit\n    ", 1))
    runs.start("check-edited", [*codegen, "--check"], edited)

    stale = _copy_repo(tmp / "stale")
    (stale / "generated" / "jsonschema" / "old.schema.json").write_text("{}\n")
    runs.start("check-stale", [*codegen, "--check"], stale)

    linkml = str(Path(sys.executable).with_name("linkml"))
    runs.start("lint", [linkml, "lint", "--config", str(LINT_CONFIG), str(SCHEMA)], ROOT)

    runs.tmp = tmp
    yield runs
    for proc in runs.procs.values():
        proc.kill() if proc.poll() is None else None
    after = _tree_digest(ROOT / "src" / "lmcontract" / "generated") | _tree_digest(ROOT / "generated")
    assert after == before, "a test changed the real tree's generated files"


def _named_files(stderr: str) -> set[str]:
    return set(re.findall(r": (\S+)$", stderr, flags=re.M))


def test_regeneration_is_deterministic(runs):
    for name in ("first", "second"):
        result = runs.result(name)
        assert result.returncode == 0, result.stderr
        assert "regenerated" in result.stdout
    first, second = _tree_digest(runs.tmp / "first"), _tree_digest(runs.tmp / "second")
    assert MODELS in first and PUBLISHED in first
    assert first == second, sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))


def test_regeneration_from_scratch_gives_the_committed_files(runs):
    assert runs.result("first").returncode == 0
    fresh = _tree_digest(runs.tmp / "first")
    for folder in GENERATED_DIRS:
        committed = _tree_digest(ROOT / folder)
        regenerated = {k.removeprefix(folder + "/"): v for k, v in fresh.items() if k.startswith(folder + "/")}
        assert regenerated == committed, folder


def test_check_passes_on_the_tree(runs):
    result = runs.result("check-tree")
    assert result.returncode == 0, result.stderr
    assert "match the schema" in result.stdout


def test_check_fails_on_a_hand_edited_file(runs):
    result = runs.result("check-edited")
    assert result.returncode != 0
    assert _named_files(result.stderr) == {MODELS}, result.stderr


def test_check_fails_on_a_stale_file(runs):
    result = runs.result("check-stale")
    assert result.returncode != 0
    assert _named_files(result.stderr) == {"generated/jsonschema/old.schema.json"}, result.stderr


def test_generated_module_has_banner_and_imports_only_stdlib_pydantic_and_lib():
    for path in (ROOT / "src" / "lmcontract" / "generated").glob("*.py"):
        assert path.read_text().startswith(BANNER), path
    tree = ast.parse((ROOT / MODELS).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import in the generated module"
            imported.add(node.module)
    allowed = {
        m
        for m in imported
        if m.split(".")[0] in sys.stdlib_module_names or m.split(".")[0] == "pydantic" or m.startswith("lmcontract.lib")
    }
    assert imported == allowed, imported - allowed
    assert any(m.startswith("lmcontract.lib") for m in imported)


def test_every_element_of_the_schema_has_a_description():
    from linkml_runtime.utils.schemaview import SchemaView

    sv = SchemaView(str(SCHEMA))
    missing = [f"class {n}" for n, c in sv.all_classes(imports=False).items() if not c.description]
    missing += [f"slot {n}" for n, s in sv.all_slots(imports=False).items() if not s.description]
    missing += [f"type {n}" for n, t in sv.all_types(imports=False).items() if not t.description]
    for name, enum in sv.all_enums(imports=False).items():
        missing += [f"enum {name}"] if not enum.description else []
        missing += [f"value {name}.{v}" for v, pv in enum.permissible_values.items() if not pv.description]
    assert sv.all_classes(imports=False) and sv.all_enums(imports=False)
    assert not missing


def test_linkml_lint_passes(runs):
    result = runs.result("lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_disabled_lint_rule_gives_its_reason():
    config = yaml.safe_load(LINT_CONFIG.read_text())
    disabled = [name for name, rule in config["rules"].items() if rule.get("level") == "disabled"]
    lines = LINT_CONFIG.read_text().splitlines()
    for name in disabled:
        start = lines.index(f"  {name}:")
        block = []
        for line in lines[start + 1 :]:
            if re.match(r"^\s{0,2}\S", line):
                break
            block.append(line.strip())
        reason = " ".join(line.lstrip("# ") for line in block if line.startswith("#"))
        assert len(reason.split()) >= 5, f"disabled lint rule {name} gives no reason"


def test_json_schema_has_a_stable_id_and_the_schema_version():
    published = json.loads((ROOT / PUBLISHED).read_text())
    assert published["$id"] == SCHEMA_ID
    assert published["version"] == yaml.safe_load(SCHEMA.read_text())["version"]
    assert published["$schema"] == "https://json-schema.org/draft/2019-09/schema"


def test_any_accepts_arrays_in_the_json_schema_and_in_pydantic():
    from jsonschema import Draft201909Validator

    import lmcontract

    published = json.loads((ROOT / PUBLISHED).read_text())
    any_schema = {**published["$defs"]["Any"], "$schema": published["$schema"]}
    for value in ([1, "two", None, {"three": [3]}], [], {"a": [1]}, "text", 1.5, True, None):
        assert Draft201909Validator(any_schema).is_valid(value), value
    response = {
        "outputs": [{"index": 0, "parts": [{"type": "text", "text": "hi"}], "provider_data": [1, 2]}],
        "provider_data": ["x", {"y": []}],
        "metadata": [],
    }
    assert Draft201909Validator(published).is_valid(response)
    assert lmcontract.LMResponse.model_validate(response).provider_data == ["x", {"y": []}]


# --- generator defects that once slipped through -------------------------------------------------

SMALL_SCHEMA = r"""
id: https://example.org/small
name: small
prefixes:
  linkml: https://w3id.org/linkml/
default_prefix: small
default_range: string
imports:
  - linkml:types
classes:
  LMPart:
    abstract: true
    description: A part.
    slots: [type]
  Digits:
    is_a: LMPart
    description: A part holding digits and scores.
    slots: [digits, scores]
    slot_usage:
      type:
        equals_string: digits
        ifabsent: string(digits)
slots:
  type:
    description: The kind.
    required: true
    annotations: {merge: key}
  digits:
    description: Digits only.
    pattern: "^\\d+$"
    annotations: {merge: last_non_null}
  scores:
    range: float
    multivalued: true
    minimum_value: 0
    description: Non-negative scores.
    annotations: {merge: append}
"""


def _small_module(tmp_path: Path) -> dict:
    from codegen import pydantic_gen

    schema = tmp_path / "small.yaml"
    schema.write_text(SMALL_SCHEMA)
    # A real module: the models are built on first use, and pydantic then resolves their
    # annotations in the module they were defined in.
    module = types.ModuleType("small_models")
    sys.modules[module.__name__] = module
    exec(compile(pydantic_gen.generate(schema), "small_models", "exec"), module.__dict__)
    return module.__dict__


def test_a_pattern_with_a_backslash_means_what_the_schema_says(tmp_path):
    from pydantic import ValidationError

    digits = _small_module(tmp_path)["Digits"]
    assert digits(digits="123").digits == "123"
    for bad in ("12a", "\\d", "\\ddd"):
        with pytest.raises(ValidationError):
            digits(digits=bad)


def test_bounds_on_a_list_slot_bound_each_element(tmp_path):
    from pydantic import ValidationError

    digits = _small_module(tmp_path)["Digits"]
    assert digits(scores=[0.0, 2.5]).scores == [0.0, 2.5]
    with pytest.raises(ValidationError, match=r"scores\.1"):
        digits(scores=[1.0, -0.5])


def test_the_generated_models_import_only_what_they_use():
    tree = ast.parse((ROOT / MODELS).read_text())
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    imported = {
        (alias.asname or alias.name).split(".")[0]
        for node in tree.body
        if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", None) != "__future__"
        for alias in node.names
    }
    assert imported and imported <= used, sorted(imported - used)


def test_a_generator_that_cannot_run_fails_generation_and_deletes_nothing(tmp_path):
    copy = _copy_repo(tmp_path / "repo")
    docs_gen = copy / "codegen" / "docs_gen.py"
    source = docs_gen.read_text()
    docs_gen.write_text(source.replace("import yaml\n", "import yaml\nimport a_module_that_is_not_installed\n", 1))
    before = _tree_digest(copy / "generated")
    result = subprocess.run(
        [sys.executable, "-m", "codegen"], cwd=copy, env=_env("0"), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "a_module_that_is_not_installed" in result.stderr
    assert _tree_digest(copy / "generated") == before


def test_a_slot_without_a_merge_policy_stops_generation(tmp_path):
    from codegen import tables_gen

    schema = tmp_path / "lmcontract.yaml"
    text = SCHEMA.read_text()
    start = text.index("  stop_sequence:\n")
    cut = text.index("    annotations:\n      merge: last_non_null\n", start)
    schema.write_text(text[:cut] + text[cut + len("    annotations:\n      merge: last_non_null\n") :])
    with pytest.raises(tables_gen.SchemaTableError, match=r"slot stop_sequence: no merge policy"):
        tables_gen.generate(schema)
    schema.write_text(text.replace("merge: stays_true", "merge: sometimes"))
    with pytest.raises(tables_gen.SchemaTableError, match=r"slot truncated: unknown merge policy 'sometimes'"):
        tables_gen.generate(schema)


def test_every_slot_has_a_merge_policy_and_the_merge_code_reads_it():
    from lmcontract.generated.merge_policy import POLICIES, TENSOR_SLOTS

    raw = yaml.safe_load(SCHEMA.read_text())
    for name, slot in raw["slots"].items():
        assert slot.get("annotations", {}).get("merge"), name
    assert POLICIES["LMOutput"]["truncated"] == "stays_true"
    assert POLICIES["ToolCallPart"]["id"] == "key" and POLICIES["LMResponse"]["id"] == "first_wins"
    assert TENSOR_SLOTS == {"LMOutput": ["logits", "scores", "last_hidden_state"]}


def test_importing_the_cli_builds_no_model():
    code = "import sys, lmcontract.cli; print('lmcontract.generated.models' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], env=_env("0"), capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
