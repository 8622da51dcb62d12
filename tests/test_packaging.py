"""The wheel: what it holds, what it needs, and what importing the package loads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schema" / "lmcontract.yaml"
PUBLISHED = ROOT / "generated" / "jsonschema" / "lmcontract.schema.json"

# Run in a fresh interpreter: which modules does importing the package load?
LOADED = """
import json, sys
import lmcontract, lmcontract.cli
from lmcontract import *  # every model built, as a user gets them
LMResponse.model_validate({"outputs": [{"index": 0, "parts": [{"type": "text", "text": "hi"}]}]})
print(json.dumps({"file": lmcontract.__file__, "modules": sorted(sys.modules)}))
"""


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env.update(extra)
    return env


def _pip(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args],
        capture_output=True,
        text=True,
        env=_clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT))
    (built,) = out.glob("lmcontract-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel unpacked by pip into a folder of its own, ahead of the editable install."""
    target = tmp_path_factory.mktemp("site")
    _pip("install", "--no-deps", "--quiet", "--target", str(target), str(wheel))
    return target


def _metadata(wheel: Path) -> tuple[list[str], object]:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (meta,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        return names, Parser().parsestr(zf.read(meta).decode())


def test_wheel_holds_the_generated_models_schema_and_py_typed(wheel):
    names, _ = _metadata(wheel)
    for required in (
        "lmcontract/generated/models.py",
        "lmcontract/generated/lmcontract.schema.json",
        "lmcontract/py.typed",
        "lmcontract/cli.py",
    ):
        assert required in names, required
    assert not [n for n in names if n.startswith(("codegen/", "tests/", "schema/", "bench/"))], names
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("lmcontract/generated/lmcontract.schema.json") == PUBLISHED.read_bytes()


def test_wheel_requires_pydantic_and_its_json_parser_only(wheel):
    # jiter is pydantic's own JSON parser as a Python package; it is what refuses duplicate keys.
    _, meta = _metadata(wheel)
    requires = meta.get_all("Requires-Dist") or []
    runtime = [r for r in requires if "extra ==" not in r]
    names = [r.split(">")[0].split("<")[0].split("=")[0].split(";")[0].strip() for r in runtime]
    assert sorted(names) == ["jiter", "pydantic"], runtime


def test_wheel_declares_the_command(wheel):
    with zipfile.ZipFile(wheel) as zf:
        (entry_points,) = [n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = zf.read(entry_points).decode()
    assert "lmcontract = lmcontract.cli:main" in text


@pytest.mark.parametrize("source", ["installed-wheel", "dev-tree"])
def test_import_loads_neither_linkml_nor_torch(source, request):
    env = _clean_env()
    if source == "installed-wheel":
        env["PYTHONPATH"] = str(request.getfixturevalue("installed"))
    result = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    if source == "installed-wheel":
        assert report["file"].startswith(env["PYTHONPATH"]), report["file"]
    unwanted = ("linkml", "linkml_runtime", "torch", "yaml", "jsonschema")
    heavy = [m for m in report["modules"] if m.split(".")[0] in unwanted]
    assert heavy == []
    assert "pydantic" in report["modules"]


def test_installed_wheel_prints_its_schema(installed):
    result = subprocess.run(
        [sys.executable, "-m", "lmcontract", "schema"],
        capture_output=True,
        env=_clean_env(PYTHONPATH=str(installed)),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == PUBLISHED.read_bytes()


def test_star_import_gives_every_schema_class_and_enum():
    schema = yaml.safe_load(SCHEMA.read_text())
    # Classes declared as linkml:Any (Any, JsonObject) are plain JSON values in Python, not classes.
    classes = {name for name, c in schema["classes"].items() if (c or {}).get("class_uri") != "linkml:Any"}
    enums = set(schema["enums"])
    namespace: dict[str, object] = {}
    exec("from lmcontract import *", namespace)
    assert classes | enums <= set(namespace), sorted((classes | enums) - set(namespace))
    for name in classes | enums:
        assert isinstance(namespace[name], type), name


def test_public_names_are_listed_once_and_all_resolve():
    # __all__ is spelled out for linters and type checkers; it must name exactly what
    # lmcontract's lazy loader (PEP 562) can resolve.
    import lmcontract

    assert sorted(lmcontract.__all__) == sorted(lmcontract._WHERE)
    for name in lmcontract.__all__:
        assert getattr(lmcontract, name) is not None, name
