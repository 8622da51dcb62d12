"""DSPy in: DSPy 3.3's typed ``LMResponse`` / ``LMOutput`` dumps and its stream events.

DSPy itself cannot be installed beside this project's pins (it needs LiteLLM, which needs
openai<3), so the payloads are written here in the exact shape of DSPy 3.3.1's
``LMResponse.model_dump()`` (``dspy/core/types.py``: every field present, defaults included)
and of its ``LMStream*Event`` dumps.
"""

from __future__ import annotations

import copy
import json

import pytest

from lmcontract import LMResponse
from lmcontract.importers import dspy

USAGE = {
    "input_tokens": 40,
    "output_tokens": 12,
    "total_tokens": 52,
    "prompt_tokens": 40,
    "completion_tokens": 12,
    "reasoning_tokens": 4,
    "cache_read_tokens": 8,
    "cache_write_tokens": None,
    "input_audio_tokens": None,
    "output_audio_tokens": None,
    "details": {"accepted_prediction_tokens": 0},
}


def _tool_call(args):
    return {"type": "tool_call", "metadata": {}, "id": "call_1", "name": "search", "args": args, "provider_data": {}}


def response_dump() -> dict:
    first = {
        "parts": [
            {"type": "thinking", "metadata": {}, "text": "The user wants the weather.", "redacted": False},
            {"type": "text", "metadata": {}, "text": "Let me look."},
            _tool_call({"q": "weather Paris"}),
        ],
        "finish_reason": "tool_calls",
        "truncated": False,
        "logprobs": {
            "content": [
                {
                    "token": "Let",
                    "logprob": -0.01,
                    "bytes": [76, 101, 116],
                    "top_logprobs": [
                        {"token": "Let", "logprob": -0.01, "bytes": [76, 101, 116]},
                        {"token": "I", "logprob": -4.6, "bytes": [73]},
                    ],
                }
            ]
        },
        "provider_data": {"service_tier": "default"},
        "metadata": {"trace": "t-1"},
    }
    second = {
        "parts": [
            {"type": "text", "metadata": {"lang": "en"}, "text": "It is sunny"},
            {
                "type": "citation",
                "metadata": {},
                "text": "Sunny, 21C",
                "title": "Forecast",
                "url": "https://example.org/w",
            },
            {
                "type": "image",
                "metadata": {},
                "media_type": "image/png",
                "data": None,
                "url": "https://example.org/a.png",
                "file_id": None,
                "path": None,
                "detail": "low",
            },
            {
                "type": "document",
                "metadata": {},
                "media_type": "application/pdf",
                "data": None,
                "url": None,
                "file_id": "file-9",
                "path": None,
                "source": {"kind": "upload"},
                "citations": {},
                "title": "Report",
                "context": None,
            },
            {
                "type": "binary",
                "metadata": {},
                "media_type": "application/zip",
                "data": "UEsDBA==",
                "url": None,
                "file_id": None,
                "path": None,
                "filename": "a.zip",
            },
            {"type": "refusal", "metadata": {}, "text": "I will not say more."},
        ],
        "finish_reason": "length",
        "truncated": True,
        "logprobs": [[0.1, 0.2]],  # not OpenAI's shape: kept as sent
        "provider_data": {},
        "metadata": {},
    }
    return {
        "model": "openai/gpt-4o-mini",
        "outputs": [first, second],
        "usage": USAGE,
        "cost": 0.0012,
        "cache_hit": False,
        "response_id": "chatcmpl-7",
        "provider_data": {"system_fingerprint": "fp_1"},
        "metadata": {"run": 3},
    }


def test_response_maps_field_by_field():
    r = dspy.from_payload(response_dump())
    assert (r.id, r.model, r.cost, r.cache_hit, r.provider) == (
        "chatcmpl-7",
        "openai/gpt-4o-mini",
        0.0012,
        False,
        "dspy",
    )
    assert r.provider_data == {"system_fingerprint": "fp_1"} and r.metadata == {"run": 3}
    u = r.usage
    assert (u.input_tokens, u.output_tokens, u.total_tokens, u.reasoning_tokens, u.cache_read_tokens) == (
        40,
        12,
        52,
        4,
        8,
    )
    assert u.provider_details == {"accepted_prediction_tokens": 0}
    assert [o.index for o in r.outputs] == [0, 1]  # DSPy outputs have no index: their position


def test_parts_map_kind_to_kind():
    first, second = dspy.from_payload(response_dump()).outputs
    assert [p.type for p in first.parts] == ["thinking", "text", "tool_call"]
    assert first.reasoning == "The user wants the weather." and first.text == "Let me look."
    call = first.tool_calls[0]
    assert (call.id, call.name, call.arguments) == ("call_1", "search", {"q": "weather Paris"})
    assert [p.type for p in second.parts] == ["text", "citation", "image", "document", "binary", "refusal"]
    text, citation, image, document, binary, _refusal = second.parts
    assert text.provider_data == {"metadata": {"lang": "en"}}
    assert (citation.citation.cited_text, citation.citation.title, citation.citation.url) == (
        "Sunny, 21C",
        "Forecast",
        "https://example.org/w",
    )
    assert (image.url, image.media_type, image.provider_data) == (
        "https://example.org/a.png",
        "image/png",
        {"detail": "low"},
    )
    assert (document.file_id, document.title, document.provider_data) == (
        "file-9",
        "Report",
        {"source": {"kind": "upload"}},
    )
    assert (binary.data, binary.provider_data) == ("UEsDBA==", {"filename": "a.zip"})
    assert second.refusal == "I will not say more."


def test_finish_reason_unified_raw_kept_truncated_kept():
    first, second = dspy.from_payload(response_dump()).outputs
    assert (first.finish_reason, first.provider_finish_reason, first.truncated) == ("tool_call", "tool_calls", False)
    assert (second.finish_reason, second.provider_finish_reason, second.truncated) == ("length", "length", True)


def test_openai_shaped_logprobs_become_token_logprobs_others_are_kept():
    first, second = dspy.from_payload(response_dump()).outputs
    lp = first.logprobs[0]
    assert (lp.token, lp.logprob, lp.bytes) == ("Let", -0.01, [76, 101, 116])
    assert [(a.token, a.rank) for a in lp.top] == [("Let", 1), ("I", 2)]
    assert second.logprobs is None and second.provider_data == {"logprobs": [[0.1, 0.2]]}
    assert first.metadata == {"trace": "t-1"} and first.provider_data == {"service_tier": "default"}


def test_a_tool_result_part_keeps_its_call_id_and_content():
    dump = response_dump()
    dump["outputs"][0]["parts"].append(
        {
            "type": "tool_result",
            "metadata": {},
            "call_id": "call_1",
            "name": "search",
            "content": [{"type": "text", "metadata": {}, "text": "21C"}],
            "is_error": False,
            "provider_data": {},
        }
    )
    part = dspy.from_payload(dump).outputs[0].parts[-1]
    assert (part.result.tool_call_id, part.result.name, part.result.is_error) == ("call_1", "search", False)
    assert part.result.content == [{"type": "text", "metadata": {}, "text": "21C"}]


def stream_events() -> list[dict]:
    """DSPy 3.3 stream events for the first output of ``response_dump`` (less its logprobs)."""

    def delta(part_index, delta):
        return {"type": "delta", "output_index": 0, "part_index": part_index, "delta": delta}

    return [
        {"type": "start", "model": "openai/gpt-4o-mini"},
        delta(0, {"type": "thinking_delta", "text": "The user wants "}),
        delta(1, {"type": "text_delta", "text": "Let me"}),
        delta(0, {"type": "thinking_delta", "text": "the weather."}),
        delta(1, {"type": "text_delta", "text": " look."}),
        delta(2, {"type": "tool_call_delta", "id": "call_1", "name": "search", "args_delta": '{"q": "wea'}),
        delta(2, {"type": "tool_call_delta", "id": None, "name": None, "args_delta": 'ther Paris"}'}),
        {"type": "output_end", "output_index": 0, "finish_reason": "tool_calls", "truncated": False},
        {"type": "end", "usage": USAGE, "cost": 0.0012, "response": None},
    ]


def test_stream_events_merge_to_the_complete_response():
    merged = dspy.import_stream(stream_events())
    dump = response_dump()
    dump["outputs"] = dump["outputs"][:1]
    out = dump["outputs"][0]
    out["logprobs"], out["provider_data"], out["metadata"] = None, {}, {}
    dump.update(response_id=None, provider_data={}, metadata={})
    del dump["cache_hit"]  # DSPy's stream does not say; its complete dump defaults it to False
    expected = dspy.from_payload(dump)
    for part in merged.outputs[0].parts:
        part.part_index = None  # the stream's part indices are its own bookkeeping
    assert merged == expected


def test_an_end_event_with_the_whole_response_gives_that_response():
    events = stream_events()
    events[-1]["response"] = response_dump()
    assert dspy.import_stream(events) == dspy.from_payload(response_dump())


def test_an_error_event_ends_the_call_with_an_error():
    events = [*stream_events()[:3], {"type": "error", "error": "RateLimitError: slow down"}]
    merged = dspy.import_stream(events)
    assert merged.error.message == "RateLimitError: slow down"
    assert merged.outputs[0].finish_reason == "error"


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d["outputs"][0]["parts"].append({"type": "hologram", "metadata": {}}), "outputs[0].parts[3].type"),
    ],
)
def test_unknown_kinds_are_refused_by_name(change, needle):
    dump = response_dump()
    change(dump)
    with pytest.raises(ValueError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        dspy.from_payload(dump)


def test_unknown_stream_events_are_refused():
    with pytest.raises(ValueError, match="unknown DSPy stream event 'tick'"):
        dspy.StreamImporter().feed({"type": "tick"})


def test_the_payload_is_not_changed():
    dump = response_dump()
    before = copy.deepcopy(dump)
    dspy.from_payload(dump)
    assert dump == before and json.dumps(dump)
    assert LMResponse.model_validate_json(dspy.from_payload(dump).model_dump_json()) == dspy.from_payload(dump)


# --- DSPy 3.5's model boundary: lm15's Response (the real package, pure Python) -------------


def lm15_response():
    t = pytest.importorskip("lm15.types")
    state = t.ContinuationState(provider="anthropic", kind="signature", data={"signature": "sig=="})
    message = t.Message(
        role="assistant",
        parts=(
            t.ThinkingPart(text="Weather first.", continuation=(state,)),
            t.TextPart(text="Looking it up."),
            t.ToolCallPart(id="toolu_1", name="weather", input={"city": "Paris"}),
            t.CitationPart(url="https://example.org/w", title="Forecast", text="Sunny"),
            t.DataPart(value={"label": "yes"}),
        ),
    )
    return t.Response(
        id="msg_1",
        model="claude-x",
        message=message,
        finish_reason="tool_call",
        usage=t.Usage(input_tokens=20, output_tokens=7, cache_read_tokens=4),
        logprobs=(
            t.TokenLogprob(
                token="Look",
                logprob=-0.2,
                token_id=9,
                top=(t.TopLogprob(token="Look", logprob=-0.2), t.TopLogprob(token="I", logprob=-2.0)),
            ),
        ),
        provider_data={"provider": "anthropic"},
    )


def test_lm15_response_objects_and_their_serde_dicts_import_alike():
    from lmcontract.importers import lm15 as lm15_importer

    serde = pytest.importorskip("lm15.serde")
    response = lm15_response()
    r = lm15_importer.from_payload(response)
    assert r == lm15_importer.from_payload(serde.response_to_dict(response, include_provider_data=True))
    o = r.outputs[0]
    assert [p.type for p in o.parts] == ["thinking", "text", "tool_call", "citation"]
    assert o.parts[0].provider_data == {
        "continuation": [{"provider": "anthropic", "kind": "signature", "data": {"signature": "sig=="}}]
    }
    assert (o.tool_calls[0].id, o.tool_calls[0].arguments) == ("toolu_1", {"city": "Paris"})
    assert o.parts[3].citation.cited_text == "Sunny"
    assert o.provider_data == {"parts": [{"type": "data", "value": {"label": "yes"}}]}
    assert (o.finish_reason, o.provider_finish_reason) == ("tool_call", "tool_call")
    assert [(a.token, a.rank) for a in o.logprobs[0].top] == [("Look", 1), ("I", 2)] and o.logprobs[0].token_id == 9
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.total_tokens, r.usage.cache_read_tokens) == (
        20,
        7,
        27,
        4,
    )
    assert (r.id, r.model, r.provider_data) == ("msg_1", "claude-x", {"provider": "anthropic"})
