"""The Engines, DSPy and OpenTelemetry docs pages agree with the schema, the sources and the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCHEMA = yaml.safe_load((ROOT / "schema" / "lmcontract.yaml").read_text())
SLOTS = set(SCHEMA["slots"])
CLASSES = set(SCHEMA["classes"])

# Every field of DSPy 3.3.1's response-side classes (dspy/core/types.py), as the seed's
# LMOutput page describes them.
DSPY_33 = {
    "LMResponse": [
        "model",
        "outputs",
        "usage",
        "cost",
        "cache_hit",
        "response_id",
        "provider_response",
        "provider_data",
        "metadata",
    ],
    "LMOutput": ["parts", "finish_reason", "truncated", "logprobs", "provider_output", "provider_data", "metadata"],
    "LMUsage": [
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "prompt_tokens",
        "completion_tokens",
        "reasoning_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "input_audio_tokens",
        "output_audio_tokens",
        "details",
    ],
    "LMBasePart": ["metadata"],
    "LMTextPart": ["text"],
    "LMThinkingPart": ["text", "redacted"],
    "LMToolCallPart": ["id", "name", "args", "provider_data"],
    "LMToolResultPart": ["call_id", "name", "content", "is_error", "provider_data"],
    "LMCitationPart": ["text", "title", "url"],
    "LMRefusalPart": ["text"],
    "LMImagePart": ["media_type", "data", "url", "file_id", "path", "detail"],
    "LMAudioPart": ["media_type", "data", "url", "file_id"],
    "LMVideoPart": ["media_type", "data", "url", "file_id"],
    "LMDocumentPart": ["media_type", "data", "url", "file_id", "source", "citations", "title", "context"],
    "LMBinaryPart": ["media_type", "data", "url", "file_id", "filename"],
}


def table_rows(page: str, heading: str) -> list[list[str]]:
    text = (DOCS / page).read_text()
    section = text[text.index(heading) :]
    section = section[: section.find("\n## ", 1)] if "\n## " in section[1:] else section
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:  # the first table after the heading, up to its end
        if not line.startswith("|"):
            break
        rows.append(line)
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]


def test_dspy_table_gives_every_field_of_the_seed_a_place():
    rows = table_rows("dspy.md", "## Field by field")
    sources = " ".join(row[0] for row in rows)
    missing = []
    for cls, fields in DSPY_33.items():
        for field in fields:
            # A row names `Class.field`, or lists the classes and then `.field`.
            if f"`{cls}.{field}`" not in sources and not (f"`{cls}`" in sources and f"`.{field}`" in sources):
                missing.append(f"{cls}.{field}")
    assert not missing, f"DSPy fields without a row: {missing}"


def test_dspy_table_targets_are_schema_slots_or_say_why_not():
    for source, target, note in table_rows("dspy.md", "## Field by field"):
        if target == "not kept":
            assert note, f"{source}: not kept, but the note does not say why"
            continue
        names = re.findall(r"`([A-Za-z_.\[\]\"]+)`", target)
        assert names, f"{source}: no lmcontract field named"
        for name in names:
            for piece in re.split(r"[.\[]", name):
                piece = piece.strip('"]')
                if piece in ("", "metadata", "logprobs") or piece in SLOTS or piece in CLASSES:
                    continue
                pytest.fail(f"{source} -> {name}: {piece!r} is not a slot or class of the schema")


def test_engines_page_names_every_vllm_and_lmdeploy_field_the_tests_build():
    from test_engines_lmdeploy import Response
    from test_engines_vllm import CompletionOutput, RequestOutput

    text = (DOCS / "engines.md").read_text()
    vllm = text[text.index("## vLLM") : text.index("## LMDeploy")]
    lmdeploy = text[text.index("## LMDeploy") :]
    for cls in (CompletionOutput, RequestOutput):
        for name in cls.__dataclass_fields__:
            if name in ("kv_transfer_params", "kv_transfer_params_list", "routed_experts", "encoder_prompt_token_ids"):
                continue  # provider_data: the row lists them with "..."
            assert f"`{name}`" in vllm or f".{name}`" in vllm, f"vLLM field {name} not on the Engines page"
    for name in Response.__dataclass_fields__:
        assert f"`{name}`" in lmdeploy, f"LMDeploy field {name} not on the Engines page"


def test_otel_attribute_table_is_what_the_export_writes():
    from test_otel import rich

    from lmcontract import LMError
    from lmcontract.otel import response_attributes

    response = rich()
    response.error = LMError(message="x", code="y")
    written = set(response_attributes(response, capture_content=True))
    documented = {re.fullmatch(r"`([\w.]+)`", row[0]).group(1) for row in table_rows("opentelemetry.md", "| Attribute")}
    assert written == documented


def test_otel_page_lists_what_the_issue_says_the_export_cannot_carry():
    rows = table_rows("opentelemetry.md", "## What the export cannot carry")
    lost = " ".join(row[0] for row in rows)
    for needle in ("signatures", "redacted reasoning", "logprobs", "per-output usage"):
        assert needle in lost
    assert all(row[1] for row in rows), "every loss says what is done instead"
