"""Every Python version that ``requires-python`` admits runs the pydantic-only package.

For each admitted minor version (read from pyproject.toml, so the two cannot drift apart): a
fresh virtual environment with that interpreter, the wheel installed with its runtime
dependencies and pyyaml, and no torch; then a smoke run: the command validates every example
in tests/data (valid ones pass, invalid ones fail), RFC 3339 timestamps with short fractions
parse (``datetime.fromisoformat`` refuses them before 3.11), and a record with encoded tensors
loads as EncodedTensor.

The interpreters are found under pyenv's root, or as ``python3.X`` on PATH. Where one is
missing the test fails rather than skips, so CI cannot pass without testing every version.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# Minor versions of Python 3 that exist at all, newest last; extend when a new one is released.
KNOWN_MINORS = range(8, 16)


def admitted_versions() -> list[str]:
    """Every ``3.X`` that pyproject's requires-python admits (of KNOWN_MINORS)."""
    from packaging.specifiers import SpecifierSet

    text = (ROOT / "pyproject.toml").read_text()
    spec = SpecifierSet(re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.M).group(1))
    return [f"3.{minor}" for minor in KNOWN_MINORS if spec.contains(f"3.{minor}.0")]


def interpreter(version: str) -> str | None:
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", "python")))
    if candidates:
        return candidates[-1]
    found = shutil.which(f"python{version}")
    # A pyenv shim answers for versions pyenv has not selected, and then fails: not an interpreter.
    return found if found and "/shims/" not in found else None


SMOKE = r"""
import importlib.util, json, sys
assert importlib.util.find_spec("torch") is None, "torch must not be installed here"
from datetime import datetime, timezone
import lmcontract
from lmcontract import EncodedTensor, LMResponse

base = {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}]}]}
r = LMResponse.model_validate_json(json.dumps({**base, "created": "2024-05-01T12:00:00.1Z"}))
assert r.created == datetime(2024, 5, 1, 12, 0, 0, 100000, tzinfo=timezone.utc), r.created
r = LMResponse.model_validate_json(json.dumps({**base, "created": "2024-05-01T12:00:00.123456789+02:00"}))
assert r.created.microsecond == 123456

encoded = {"dtype": "float32", "shape": [1, 1], "data": "AACAPw=="}
record = {"outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}], "token_ids": [3], "logits": encoded}]}
loaded = LMResponse.model_validate_json(json.dumps(record))
assert isinstance(loaded.outputs[0].logits, EncodedTensor)
print("smoke ok", sys.version_info[:2])
"""


def test_every_admitted_version_is_tested():
    versions = admitted_versions()
    assert versions, "requires-python admits no known Python version"
    missing = [v for v in versions if interpreter(v) is None]
    assert not missing, f"no interpreter for admitted Python {missing}: install them (pyenv) or raise the floor"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("lmcontract-*.whl")
    return built


@pytest.mark.parametrize("version", admitted_versions())
def test_the_pydantic_only_package_runs_on_every_admitted_python(version, wheel, tmp_path):
    python = interpreter(version)
    assert python, f"no Python {version} interpreter (see test_every_admitted_version_is_tested)"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    bin_dir = venv / "bin"
    install = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", f"{wheel}[yaml]"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    smoke = subprocess.run(
        [str(bin_dir / "python"), "-c", SMOKE], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path
    )
    assert smoke.returncode == 0, smoke.stderr
    assert smoke.stdout.startswith("smoke ok"), smoke.stdout
    for folder, status in (("valid", 0), ("invalid", 1)):
        groups: dict[str, list[str]] = {}
        for path in sorted((DATA / folder).iterdir()):
            groups.setdefault(path.name.split("-", 1)[0], []).append(str(path))
        for cls, paths in groups.items():
            done = subprocess.run(
                [str(bin_dir / "lmcontract"), "validate", "--class", cls, *paths],
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
            )
            assert done.returncode == status, (version, cls, done.stdout, done.stderr)
            assert done.stderr == ""
            if status:  # each invalid example breaks one rule: one line each, then the summary
                assert len(done.stdout.splitlines()) == len(paths) + 1, done.stdout
