"""OpenTelemetry GenAI out and in: a real SDK span (in-memory exporter), the published schema.

The exported ``gen_ai.output.messages`` are checked with a real JSON Schema validator against
the conventions' own output-messages schema (``data/otel/``, copied unchanged).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema")
pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import StatusCode  # noqa: E402

from lmcontract import LMResponse  # noqa: E402
from lmcontract import otel as otel_export  # noqa: E402
from lmcontract.importers import otel  # noqa: E402

SCHEMA = json.loads((Path(__file__).parent / "data" / "otel" / "gen-ai-output-messages.schema.json").read_text())


def rich() -> LMResponse:
    """A response with every kind of part, two outputs, usage, and a non-conventional finish."""
    return LMResponse.model_validate(
        {
            "id": "resp_1",
            "model": "claude-x",
            "provider": "anthropic",
            "usage": {
                "input_tokens": 100,
                "output_tokens": 30,
                "total_tokens": 130,
                "cache_read_tokens": 60,
                "cache_write_tokens": 5,
            },
            "cost": 0.01,
            "outputs": [
                {
                    "index": 0,
                    "finish_reason": "tool_call",
                    "provider_finish_reason": "tool_use",
                    "parts": [
                        {"type": "thinking", "text": "Check the weather.", "signature": "sig=="},
                        {"type": "thinking", "redacted": True, "text": "ENCRYPTED"},
                        {
                            "type": "text",
                            "text": "Looking.",
                            "citations": [{"url": "https://example.org", "title": "x"}],
                        },
                        {"type": "tool_call", "id": "call_1", "name": "weather", "arguments": {"city": "Paris"}},
                        {"type": "tool_call", "id": "call_2", "name": "broken", "arguments_raw": "{not json"},
                        {"type": "tool_result", "result": {"tool_call_id": "call_0", "content": {"temp": 21}}},
                        {"type": "image", "media_type": "image/png", "data": "iVBORw0KGgo="},
                        {
                            "type": "audio",
                            "media_type": "audio/wav",
                            "url": "https://example.org/a.wav",
                            "transcript": "hi",
                        },
                        {"type": "document", "media_type": "application/pdf", "file_id": "file-1"},
                        {"type": "citation", "citation": {"url": "https://example.org/c"}},
                    ],
                    "logprobs": [{"token": "Look", "logprob": -0.1}],
                    "token_ids": [7],
                },
                {
                    "index": 1,
                    "finish_reason": "aborted",
                    "provider_finish_reason": "abort",
                    "truncated": True,
                    "parts": [{"type": "refusal", "text": "No."}],
                },
            ],
        }
    )


def _validate_part(part: dict) -> None:
    """Each part against the schema's definition for its own type (the generic part admits
    anything, so validating the list alone would not catch a bad text part)."""
    for definition in SCHEMA["$defs"].values():
        const = definition.get("properties", {}).get("type", {}).get("const")
        if const == part["type"]:
            jsonschema.Draft202012Validator(definition | {"$defs": SCHEMA["$defs"]}).validate(part)
            return


def test_exported_messages_validate_against_the_otel_schema():
    messages = otel_export.output_messages(rich())
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(messages)
    kinds = [p["type"] for m in messages for p in m["parts"]]
    assert kinds == [
        "reasoning",
        "text",
        "tool_call",
        "tool_call",
        "tool_call_response",
        "blob",
        "uri",
        "file",
        "refusal",
    ]
    for message in messages:
        for part in message["parts"]:
            _validate_part(part)


def test_the_validator_catches_a_broken_export():
    messages = otel_export.output_messages(rich())
    del messages[0]["finish_reason"]
    with pytest.raises(jsonschema.ValidationError, match="finish_reason"):
        jsonschema.Draft202012Validator(SCHEMA).validate(messages)
    text = {"type": "text", "contents": "typo"}
    with pytest.raises(jsonschema.ValidationError, match="content"):
        _validate_part(text)


def test_finish_reasons_in_the_conventions_words_else_the_raw_value():
    messages = otel_export.output_messages(rich())
    assert [m["finish_reason"] for m in messages] == ["tool_call", "abort"]


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider.get_tracer("lmcontract-test"), exporter
    provider.shutdown()


def _record(tracer, response, **options):
    with tracer.start_as_current_span("chat claude-x") as span:
        otel_export.record_response(span, response, **options)


def test_a_real_span_carries_the_genai_attributes(spans):
    tracer, exporter = spans
    _record(tracer, rich(), capture_content=True)
    (span,) = exporter.get_finished_spans()
    a = span.attributes
    assert a["gen_ai.response.id"] == "resp_1" and a["gen_ai.response.model"] == "claude-x"
    assert a["gen_ai.provider.name"] == "anthropic"
    assert tuple(a["gen_ai.response.finish_reasons"]) == ("tool_call", "abort")
    assert (a["gen_ai.usage.input_tokens"], a["gen_ai.usage.output_tokens"]) == (100, 30)
    assert (a["gen_ai.usage.cache_read.input_tokens"], a["gen_ai.usage.cache_creation.input_tokens"]) == (60, 5)
    messages = json.loads(a["gen_ai.output.messages"])
    jsonschema.Draft202012Validator(SCHEMA).validate(messages)
    assert messages == otel_export.output_messages(rich())
    assert span.status.status_code == StatusCode.UNSET


def test_content_is_captured_only_when_asked(spans, monkeypatch):
    tracer, exporter = spans
    monkeypatch.delenv(otel_export.CAPTURE_ENV, raising=False)
    _record(tracer, rich())
    monkeypatch.setenv(otel_export.CAPTURE_ENV, "true")
    _record(tracer, rich())
    off, on = exporter.get_finished_spans()
    assert "gen_ai.output.messages" not in off.attributes
    assert "gen_ai.output.messages" in on.attributes


def test_an_error_sets_the_span_status(spans):
    tracer, exporter = spans
    failed = LMResponse.model_validate(
        {
            "outputs": [{"index": 0, "parts": [{"type": "text", "text": "x"}]}],
            "error": {"message": "overloaded", "code": "overloaded_error"},
        }
    )
    _record(tracer, failed)
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code == StatusCode.ERROR and span.status.description == "overloaded"
    assert span.attributes["error.type"] == "overloaded_error"
    assert tuple(span.attributes["gen_ai.response.finish_reasons"]) == ("error",)


def test_per_output_usage_is_summed_when_the_response_has_none():
    batch = LMResponse.model_validate(
        {
            "outputs": [
                {
                    "index": 0,
                    "parts": [{"type": "text", "text": "a"}],
                    "usage": {"input_tokens": 9, "output_tokens": 4},
                },
                {
                    "index": 1,
                    "parts": [{"type": "text", "text": "b"}],
                    "usage": {"input_tokens": 5, "output_tokens": 2},
                },
            ]
        }
    )
    attrs = otel_export.response_attributes(batch)
    assert (attrs["gen_ai.usage.input_tokens"], attrs["gen_ai.usage.output_tokens"]) == (14, 6)


def carryable() -> LMResponse:
    """Only what the conventions can hold (see the OpenTelemetry docs page)."""
    return LMResponse.model_validate(
        {
            "id": "resp_1",
            "model": "claude-x",
            "provider": "anthropic",
            "usage": {"input_tokens": 100, "output_tokens": 30, "cache_read_tokens": 60, "cache_write_tokens": 5},
            "outputs": [
                {
                    "index": 0,
                    "finish_reason": "tool_call",
                    "provider_finish_reason": "tool_call",
                    "parts": [
                        {"type": "thinking", "text": "Check the weather."},
                        {"type": "text", "text": "Looking."},
                        {"type": "tool_call", "id": "call_1", "name": "weather", "arguments": {"city": "Paris"}},
                        {"type": "tool_call", "id": "call_2", "name": "broken", "arguments_raw": "{not json"},
                        {"type": "tool_result", "result": {"tool_call_id": "call_0", "content": {"temp": 21}}},
                        {"type": "image", "media_type": "image/png", "data": "iVBORw0KGgo="},
                        {"type": "audio", "media_type": "audio/wav", "url": "https://example.org/a.wav"},
                        {"type": "document", "media_type": "application/pdf", "file_id": "file-1"},
                    ],
                },
                {
                    "index": 1,
                    "finish_reason": "aborted",
                    "provider_finish_reason": "abort",
                    "truncated": True,
                    "parts": [{"type": "refusal", "text": "No."}],
                },
            ],
        }
    )


def test_round_trip_through_a_span_keeps_everything_the_convention_holds(spans):
    tracer, exporter = spans
    _record(tracer, carryable(), capture_content=True)
    (span,) = exporter.get_finished_spans()
    back = otel.from_payload(dict(span.attributes))
    expected = carryable()
    # "abort" has no conventional value: it travels as the raw string and comes back as other,
    # which does not say the output was cut short.
    expected.outputs[1].finish_reason = "other"
    expected.outputs[1].truncated = False
    assert back == expected


def test_round_trip_drops_what_the_page_says_is_dropped():
    back = otel.from_payload(otel_export.output_messages(rich()))
    first = back.outputs[0]
    assert all(getattr(p, "signature", None) is None for p in first.parts)
    assert [p.type for p in first.parts].count("thinking") == 1  # the redacted one is gone
    assert first.logprobs is None and first.token_ids is None
    assert first.parts[1].citations is None
    assert back.cost is None and back.usage is None


def test_import_keeps_unknown_parts_whole_and_reads_a_json_string():
    messages = [
        {
            "role": "assistant",
            "finish_reason": "stop",
            "parts": [
                {"type": "text", "content": "hi"},
                {
                    "type": "server_tool_call",
                    "name": "web_search",
                    "server_tool_call": {"type": "web_search", "query": "x"},
                },
            ],
        }
    ]
    back = otel.from_payload(json.dumps(messages))
    out = back.outputs[0]
    assert out.text == "hi" and out.provider_data == {"parts": [messages[0]["parts"][1]]}
    assert (out.finish_reason, out.provider_finish_reason) == ("stop", "stop")


def test_a_span_without_content_comes_back_as_a_chunk_of_finish_reasons():
    attrs = otel_export.response_attributes(rich(), capture_content=False)
    back = otel.from_payload(attrs)
    assert back.chunk_mode == "delta"
    assert [(o.finish_reason, o.parts) for o in back.outputs] == [("tool_call", None), ("other", None)]


def test_bad_messages_are_refused_by_name():
    with pytest.raises(ValueError, match=r"gen_ai\.output\.messages"):
        otel.from_payload({"gen_ai.output.messages": json.dumps({"not": "a list"})})
    with pytest.raises(ValueError, match=r"parts\[0\].modality"):
        otel.from_payload(
            [
                {
                    "role": "assistant",
                    "finish_reason": "stop",
                    "parts": [{"type": "blob", "modality": "smell", "content": "AA=="}],
                }
            ]
        )
