"""``lmcontract convert --from vllm|lmdeploy|dspy|otel`` on the JSON forms of their results.

The files in ``data/recorded/<format>/`` are these sources' own JSON shapes (vLLM's and
LMDeploy's dataclasses through ``dataclasses.asdict``, DSPy 3.3's ``model_dump()`` and stream
event dumps, a span's GenAI attributes), written by this project. The real command runs in a
subprocess; what it prints must equal the importer called in Python on the same data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lmcontract import LMResponse
from lmcontract.importers import dspy, lmdeploy, otel, vllm

RECORDED = Path(__file__).resolve().parent / "data" / "recorded"
COMMAND = str(Path(sys.executable).with_name("lmcontract"))


def convert(fmt: str, *files: Path) -> list[LMResponse]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [COMMAND, "convert", "--from", fmt, *map(str, files)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [LMResponse.model_validate_json(line) for line in result.stdout.splitlines()]


def lines(path: Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_vllm_request_output_and_its_cumulative_stream():
    payload, stream = RECORDED / "vllm" / "request-output.json", RECORDED / "vllm" / "cumulative-stream.jsonl"
    complete, merged = convert("vllm", payload, stream)
    assert complete == vllm.from_payload(json.loads(payload.read_text()))
    # The command reads a vLLM stream in vLLM's default output kind, CUMULATIVE.
    assert merged == vllm.import_stream(lines(stream), output_kind="cumulative") == complete
    assert [o.index for o in complete.outputs] == [0, 2]


def test_lmdeploy_batch_and_stream():
    payload, stream = RECORDED / "lmdeploy" / "response.json", RECORDED / "lmdeploy" / "stream.jsonl"
    complete, merged = convert("lmdeploy", payload, stream)
    (expected,) = [lmdeploy.from_payload(item) for item in json.loads(payload.read_text())]
    assert complete == expected
    assert merged.outputs[0].text == complete.outputs[0].text and merged.outputs[0].usage == complete.outputs[0].usage
    assert merged == lmdeploy.import_stream(lines(stream))


def test_dspy_response_and_stream_events():
    payload, stream = RECORDED / "dspy" / "response.json", RECORDED / "dspy" / "stream.jsonl"
    complete, merged = convert("dspy", payload, stream)
    assert complete == dspy.from_payload(json.loads(payload.read_text()))
    assert merged == dspy.import_stream(lines(stream))
    assert merged.outputs[0].tool_calls[0].arguments == {"q": "weather Paris"}


def test_otel_span_attributes():
    payload = RECORDED / "otel" / "span-attributes.json"
    (response,) = convert("otel", payload)
    assert response == otel.from_payload(json.loads(payload.read_text()))
    assert response.id == "resp_1" and response.usage.cache_read_tokens == 60


@pytest.mark.parametrize("fmt", ["vllm", "lmdeploy", "dspy", "otel"])
def test_a_payload_that_does_not_import_is_one_line_naming_the_problem(tmp_path, fmt):
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"outputs": [{"index": "zero", "parts": [{"type": "hologram"}]}], "gen_ai.output.messages": "{}"})
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [COMMAND, "convert", "--from", fmt, str(bad)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"lmcontract: error: {bad}: cannot import as {fmt}: ")
