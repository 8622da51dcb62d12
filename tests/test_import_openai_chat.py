"""The OpenAI Chat Completions importer on recorded streams, one test per wire trap."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from lmcontract.importers import openai_chat
from lmcontract.importers.sse import iter_events

RECORDED = Path(__file__).resolve().parent / "data" / "recorded" / "openai-chat"


def sse_events(name: str) -> list[dict]:
    return [json.loads(e.data) for e in iter_events((RECORDED / name).read_text())]


def test_later_tool_call_fragments_with_only_an_index_land_on_their_own_call():
    events = sse_events("parallel-tool-calls.sse")
    # The trap: after the first fragment, a tool call is named by tool_calls[].index only.
    assert "id" not in events[4]["choices"][0]["delta"]["tool_calls"][0]
    importer = openai_chat.StreamImporter()
    chunks = [c for e in events for c in importer.feed(e)]
    fragments = [p for c in chunks for o in c.outputs or () for p in o.parts or () if p.type == "tool_call"]
    assert [(p.id, p.part_index) for p in fragments] == [("call_paris01", 1)] * 3 + [("call_oslo02", 2)] * 3
    response = openai_chat.import_stream(events)
    calls = response.outputs[0].tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("call_paris01", "get_weather", {"city": "Paris"}),
        ("call_oslo02", "get_weather", {"city": "Oslo"}),
    ]
    assert response.outputs[0].finish_reason == "tool_call"
    assert response.outputs[0].provider_finish_reason == "tool_calls"


def test_fragments_interleaved_across_calls_still_pair_by_index():
    def chunk(calls, finish=None):
        return {"id": "c", "created": 1, "model": "m",
                "choices": [{"index": 0, "delta": {"tool_calls": calls}, "finish_reason": finish}]}

    events = [
        chunk([{"index": 0, "id": "a", "function": {"name": "f", "arguments": '{"x"'}},
               {"index": 1, "id": "b", "function": {"name": "g", "arguments": '{"y"'}}]),
        chunk([{"index": 1, "function": {"arguments": ": 2}"}}]),
        chunk([{"index": 0, "function": {"arguments": ": 1}"}}], finish="tool_calls"),
    ]
    calls = openai_chat.import_stream(events).outputs[0].tool_calls
    assert [(c.id, c.arguments) for c in calls] == [("a", {"x": 1}), ("b", {"y": 2})]


def test_usage_in_a_last_chunk_with_empty_choices_is_kept():
    events = sse_events("parallel-tool-calls.sse")
    assert events[-1]["choices"] == [] and events[-1]["usage"]
    importer = openai_chat.StreamImporter()
    [last] = importer.feed(events[-1])
    assert last.outputs is None
    usage = openai_chat.import_stream(events).usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (1520, 48, 1568)
    assert usage.cache_read_tokens == 1024  # a part of input_tokens, not an addition
    assert usage.provider_details["completion_tokens_details"]["accepted_prediction_tokens"] == 0


def test_created_unix_integer_becomes_a_utc_datetime():
    response = openai_chat.import_stream(sse_events("parallel-tool-calls.sse"))
    assert response.created == datetime(2025, 11, 22, 8, 26, 40, tzinfo=timezone.utc)
    assert response.model_dump(mode="json")["created"] == "2025-11-22T08:26:40Z"


def test_empty_content_before_reasoning_opens_no_part():
    response = openai_chat.import_stream(sse_events("reasoning-content.sse"))
    parts = response.outputs[0].parts
    assert [(p.type, p.text) for p in parts] == [("thinking", "The user wants 2+2."), ("text", "2 + 2 = 4.")]
    assert response.outputs[0].provider_data is None  # vLLM's stop_reason: null is "not reported"


def test_reasoning_delta_named_reasoning_also_lands_in_thinking():
    events = [
        {"id": "c", "choices": [{"index": 0, "delta": {"reasoning": "hmm"}}]},
        {"id": "c", "choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]},
    ]
    output = openai_chat.import_stream(events).outputs[0]
    assert (output.reasoning, output.text) == ("hmm", "ok")


def test_n2_choices_interleaved_merge_by_index():
    events = [
        {"id": "c", "choices": [{"index": 1, "delta": {"content": "B1"}}]},
        {"id": "c", "choices": [{"index": 0, "delta": {"content": "A1"}}]},
        {"id": "c", "choices": [{"index": 1, "delta": {"content": "B2"}, "finish_reason": "length"}]},
        {"id": "c", "choices": [{"index": 0, "delta": {"content": "A2"}, "finish_reason": "stop"}]},
    ]
    response = openai_chat.import_stream(events)
    assert [(o.index, o.text, o.finish_reason, o.truncated) for o in response.outputs] == [
        (0, "A1A2", "stop", False), (1, "B1B2", "length", True)
    ]


def test_unknown_finish_reason_is_kept_raw_and_unified_as_other():
    payload = {"id": "x", "choices": [{"index": 0, "message": {"content": "hi"}, "finish_reason": "eos_token"}]}
    output = openai_chat.from_payload(payload).outputs[0]
    assert (output.finish_reason, output.provider_finish_reason) == ("other", "eos_token")


def test_unmapped_fields_are_kept_in_provider_data():
    payload = json.loads((RECORDED / "parallel-tool-calls.json").read_text())
    payload["choices"][0]["stop_reason"] = 128009
    response = openai_chat.from_payload(payload)
    assert response.provider_data == {"service_tier": "default", "system_fingerprint": "fp_7c2b1e0d93"}
    assert response.outputs[0].provider_data == {"stop_reason": 128009}


def test_logprobs_keep_rank_of_alternatives():
    payload = {"id": "x", "choices": [{"index": 0, "message": {"content": "Hi"}, "finish_reason": "stop",
               "logprobs": {"content": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105],
                                         "top_logprobs": [{"token": "Hi", "logprob": -0.1, "bytes": [72, 105]},
                                                          {"token": "Hello", "logprob": -2.5, "bytes": None}]}],
                            "refusal": None}}]}
    [entry] = openai_chat.from_payload(payload).outputs[0].logprobs
    assert (entry.token, entry.bytes, [(a.token, a.rank) for a in entry.top]) == (
        "Hi", [72, 105], [("Hi", 1), ("Hello", 2)]
    )


def test_streamed_audio_fragments_are_joined_as_bytes_not_as_base64_text():
    import base64

    pcm = bytes(range(256)) * 3
    pieces = [pcm[:100], pcm[100:401], pcm[401:]]  # each base64-encoded on its own, padded
    head = {"id": "chatcmpl-a", "created": 1, "model": "gpt-4o-audio-preview"}

    def chunk(audio: dict, finish: str | None = None) -> dict:
        return {**head, "choices": [{"index": 0, "delta": {"audio": audio} if audio else {}, "finish_reason": finish}]}

    events = [chunk({"id": "audio_1", "transcript": "Hel", "expires_at": 1763803600})]
    events += [chunk({"data": base64.b64encode(p).decode()}) for p in pieces]
    events += [chunk({"transcript": "lo."}), chunk({}, "stop")]
    assert "=" in base64.b64encode(pieces[0]).decode()  # appending the text would corrupt it
    streamed = openai_chat.import_stream(events)
    payload = {**head, "choices": [{"index": 0, "finish_reason": "stop", "message": {
        "role": "assistant", "content": None,
        "audio": {"id": "audio_1", "data": base64.b64encode(pcm).decode(), "transcript": "Hello.",
                  "expires_at": 1763803600}}}]}
    assert streamed == openai_chat.from_payload(payload)
    [audio] = streamed.outputs[0].parts
    assert (base64.b64decode(audio.data), audio.transcript, audio.provider_data["id"]) == (pcm, "Hello.", "audio_1")


def test_a_tool_call_without_index_is_found_by_its_id():
    events = [
        {"id": "c", "choices": [{"index": 0, "delta": {"tool_calls": [
            {"id": "a", "function": {"name": "f", "arguments": "{}"}},
            {"id": "b", "function": {"name": "g", "arguments": '{"x": 1}'}}]}}]},
        {"id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
    ]
    calls = openai_chat.import_stream(events).outputs[0].tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [("a", "f", {}), ("b", "g", {"x": 1})]


def test_an_error_chunk_mid_stream_ends_the_choice_in_error_and_is_not_provider_data():
    events = sse_events("parallel-tool-calls.sse")[:3]
    events.append({"error": {"message": "The server had an error", "type": "server_error", "code": None}})
    response = openai_chat.import_stream(events)
    assert (response.error.code, response.error.message) == ("server_error", "The server had an error")
    assert response.outputs[0].finish_reason == "error"
    assert "error" not in (response.provider_data or {})
