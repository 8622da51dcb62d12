"""One test per wire trap of the Anthropic, Gemini, Responses and Completions importers.

(The Chat Completions traps are in test_import_openai_chat.py.)
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from lmcontract import LMResponse
from lmcontract.importers import anthropic, gemini, openai_completions, openai_responses
from lmcontract.importers.sse import iter_events
from lmcontract.importers.wire import ImportProblem

RECORDED = Path(__file__).resolve().parent / "data" / "recorded"


def sse(folder: str, name: str) -> list[dict]:
    return [json.loads(e.data) for e in iter_events((RECORDED / folder / name).read_text())]


def load(folder: str, name: str) -> dict:
    return json.loads((RECORDED / folder / name).read_text())


# --- Anthropic --------------------------------------------------------------------------------
def test_anthropic_input_tokens_add_cache_reads_and_writes():
    usage = anthropic.import_stream(sse("anthropic", "thinking-citations-tool-use.sse")).usage
    assert usage.provider_details["input_tokens"] == 100
    assert (usage.input_tokens, usage.cache_read_tokens, usage.cache_write_tokens) == (55196, 55096, 0)


def test_anthropic_cumulative_output_tokens_are_replaced_not_summed():
    events = sse("anthropic", "thinking-citations-tool-use.sse")
    assert events[0]["message"]["usage"]["output_tokens"] == 1
    assert anthropic.import_stream(events).usage.output_tokens == 212  # not 213


def test_anthropic_message_delta_usage_without_cache_fields_keeps_the_cache_in_input_tokens():
    events = sse("anthropic", "thinking-citations-tool-use.sse")
    for event in events:
        if event["type"] == "message_delta":
            event["usage"] = {"input_tokens": 100, "output_tokens": 212}  # newer servers repeat input_tokens
    assert anthropic.import_stream(events).usage.input_tokens == 55196


def test_anthropic_block_index_is_part_index_and_tool_input_json_is_parsed_once():
    importer = anthropic.StreamImporter()
    chunks = [c for e in sse("anthropic", "thinking-citations-tool-use.sse") for c in importer.feed(e)]
    indexes = {p.part_index for c in chunks for o in c.outputs or () for p in o.parts or ()}
    assert indexes == {0, 1, 2, 3}
    assert all(p.part_index is not None for c in chunks for o in c.outputs or () for p in o.parts or ())
    [call] = anthropic.import_stream(sse("anthropic", "thinking-citations-tool-use.sse")).outputs[0].tool_calls
    assert (call.arguments, call.arguments_raw) == ({"city": "Paris", "unit": "celsius"}, None)


def test_anthropic_signature_and_redacted_data_are_replaced_never_appended():
    events = sse("anthropic", "thinking-citations-tool-use.sse")
    signature = next(e for e in events if e.get("delta", {}).get("type") == "signature_delta")
    events.insert(events.index(signature) + 1, signature)  # the signature sent twice
    thinking, redacted = anthropic.import_stream(events).outputs[0].parts[:2]
    assert thinking.signature == signature["delta"]["signature"]
    assert (redacted.redacted, redacted.text, redacted.encrypted_content[:8]) == (True, None, "EmwKAhgB")


def test_anthropic_server_tools_are_told_apart_from_client_tools():
    parts = anthropic.import_stream(sse("anthropic", "web-search.sse")).outputs[0].parts
    call, result, _text = parts
    assert (call.type, call.server_side, call.arguments) == ("tool_call", True, {"query": "Oslo population 2025"})
    assert (result.type, result.server_side, result.result.tool_call_id) == ("tool_result", True, call.id)
    assert result.result.content[0]["url"] == "https://www.ssb.no/en/befolkning"
    client = anthropic.import_stream(sse("anthropic", "thinking-citations-tool-use.sse")).outputs[0].tool_calls[0]
    assert client.server_side is None


def test_anthropic_ping_is_ignored_and_an_error_event_ends_the_stream_in_error():
    events = sse("anthropic", "thinking-citations-tool-use.sse")
    assert any(e["type"] == "ping" for e in events)
    cut = [*events[:5], {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}]
    response = anthropic.import_stream(cut)
    assert response.error.code == "overloaded_error"
    assert response.outputs[0].finish_reason == "error"


def test_anthropic_unknown_block_kind_is_kept_whole():
    message = load("anthropic", "thinking-citations-tool-use.json")
    block = {"type": "container_upload", "file_id": "file_011CNha8"}
    message["content"].append(block)
    part = anthropic.from_payload(message).outputs[0].parts[-1]
    assert (part.type, part.provider_type, part.value) == ("unknown", "container_upload", block)


def test_anthropic_citation_character_indexes_point_into_the_document_not_the_text():
    response = anthropic.from_payload(load("anthropic", "thinking-citations-tool-use.json"))
    [citation] = response.outputs[0].parts[2].citations
    assert citation.start_index is None
    assert citation.provider_data["start_char_index"] == 1520
    assert (citation.title, citation.document_index) == ("Quarterly report", 0)


# --- Gemini -----------------------------------------------------------------------------------
def test_gemini_stop_after_a_function_call_is_a_tool_call():
    output = gemini.import_stream(sse("gemini", "thought-signature-function-calls.sse")).outputs[0]
    assert (output.finish_reason, output.provider_finish_reason) == ("tool_call", "STOP")
    plain = {"candidates": [{"content": {"parts": [{"text": "Hi"}], "role": "model"}, "finishReason": "STOP"}]}
    assert gemini.from_payload(plain).outputs[0].finish_reason == "stop"


def test_gemini_function_call_in_an_earlier_chunk_than_stop_still_makes_a_tool_call():
    events = sse("gemini", "thought-signature-function-calls.sse")
    events.append({"candidates": [{"content": {"parts": [{"text": ""}], "role": "model"}, "finishReason": "STOP"}]})
    del events[-2]["candidates"][0]["finishReason"]
    assert gemini.import_stream(events).outputs[0].finish_reason == "tool_call"


def test_gemini_cumulative_usage_is_replaced_and_output_tokens_include_thoughts():
    usage = gemini.import_stream(sse("gemini", "thought-signature-function-calls.sse")).usage
    assert (usage.input_tokens, usage.output_tokens, usage.reasoning_tokens) == (412, 41 + 118, 118)
    assert (usage.total_tokens, usage.cache_read_tokens) == (571, 256)


def test_gemini_thought_signature_on_text_and_function_call_parts():
    parts = gemini.import_stream(sse("gemini", "thought-signature-function-calls.sse")).outputs[0].parts
    assert [p.type for p in parts] == ["thinking", "text", "tool_call", "tool_call"]
    assert parts[1].text == "Let me look both up."
    assert parts[1].signature.startswith("CiQBVKhc7oJm")
    assert parts[2].signature.startswith("CiQBVKhc7uQb")
    assert parts[3].signature is None


def test_gemini_same_name_function_calls_without_ids_stay_apart():
    calls = gemini.import_stream(sse("gemini", "thought-signature-function-calls.sse")).outputs[0].tool_calls
    assert [(c.id, c.name, c.arguments, c.part_index) for c in calls] == [
        (None, "get_weather", {"city": "Paris"}, 2), (None, "get_weather", {"city": "Oslo"}, 3)
    ]


def test_gemini_blocked_candidate_is_an_output_with_no_parts_and_content_filter():
    response = gemini.from_payload(load("gemini", "blocked-candidate.json"))
    output = response.outputs[0]
    assert (output.parts, output.finish_reason, output.provider_finish_reason) == (None, "content_filter", "SAFETY")
    assert output.provider_data["safetyRatings"][0]["blocked"] is True
    LMResponse.model_validate(response.model_dump())  # a valid complete response


def test_gemini_blocked_prompt_keeps_the_block_reason():
    payload = {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, "usageMetadata": {"promptTokenCount": 7}}
    response = gemini.from_payload(payload)
    assert (response.outputs[0].finish_reason, response.outputs[0].provider_finish_reason) == (
        "content_filter", "PROHIBITED_CONTENT")
    assert response.provider_data == {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}


def test_gemini_unknown_part_kind_is_kept_whole():
    code = {"executableCode": {"language": "PYTHON", "code": "print(2 + 2)"}}
    payload = {"candidates": [{"content": {"parts": [code, {"text": "4"}]}, "finishReason": "STOP"}]}
    first, second = gemini.from_payload(payload).outputs[0].parts
    assert (first.type, first.provider_type, first.value) == ("unknown", "executableCode", code)
    assert (second.type, second.part_index) == ("text", 1)


# --- OpenAI Responses ---------------------------------------------------------------------------
def test_responses_encrypted_content_keeps_the_last_whole_blob():
    events = sse("openai-responses", "reasoning-search-function-call.sse")
    blobs = [json.dumps(e).count("gAAAAABowQ2Z") for e in events]
    assert sum(blobs) == 3  # added, done, completed: three different blobs
    thinking = openai_responses.import_stream(events).outputs[0].parts[0]
    assert thinking.encrypted_content == "gAAAAABowQ2Z_third_and_last_blob_CCCCCCCC"
    assert thinking.text == "**Adding numbers** The user asks for 2+2.\n\n**Weather** Then check Paris."


def test_responses_function_call_id_is_the_call_id_and_deltas_find_it_by_item():
    importer = openai_responses.StreamImporter()
    chunks = [c for e in sse("openai-responses", "reasoning-search-function-call.sse") for c in importer.feed(e)]
    fragments = [p for c in chunks for o in c.outputs or () for p in o.parts or () if getattr(p, "arguments_raw", None)]
    assert {p.id for p in fragments} == {"call_Wq3eR5tY7uI9oP1a"}
    call = openai_responses.import_stream(sse("openai-responses", "reasoning-search-function-call.sse")).outputs[0]
    function = call.tool_calls[1]
    assert (function.id, function.arguments, function.provider_data["id"]) == (
        "call_Wq3eR5tY7uI9oP1a", {"city": "Paris"}, "fc_68c1f0a6b7c8")


def test_responses_built_in_tools_are_server_side():
    web, function = openai_responses.from_payload(load("openai-responses", "reasoning-search-function-call.json")
                                                  ).outputs[0].tool_calls
    assert (web.name, web.server_side, web.arguments["query"]) == ("web_search", True, "weather Paris today")
    assert function.server_side is None


def test_responses_finish_reason_follows_status_and_incomplete_details():
    response = openai_responses.from_payload(load("openai-responses", "reasoning-search-function-call.json"))
    assert (response.outputs[0].finish_reason, response.outputs[0].provider_finish_reason) == (
        "tool_call", "completed")  # completed after a function call: the caller's turn
    incomplete = openai_responses.from_payload(load("openai-responses", "incomplete-max-output-tokens.json"))
    output = incomplete.outputs[0]
    assert (output.finish_reason, output.provider_finish_reason, output.truncated) == (
        "length", "max_output_tokens", True)


def test_responses_created_at_unix_integer_and_usage():
    response = openai_responses.import_stream(sse("openai-responses", "reasoning-search-function-call.sse"))
    assert response.created == datetime(2025, 11, 22, 8, 35, tzinfo=timezone.utc)
    usage = response.usage
    assert (usage.input_tokens, usage.cache_read_tokens, usage.output_tokens, usage.reasoning_tokens) == (
        1820, 1536, 184, 128)


def test_responses_error_event_ends_in_error():
    events = sse("openai-responses", "reasoning-search-function-call.sse")[:5]
    events.append({"type": "error", "code": "server_error", "message": "The server had an error", "param": None})
    response = openai_responses.import_stream(events)
    assert (response.error.code, response.outputs[0].finish_reason) == ("server_error", "error")


# --- OpenAI Completions -------------------------------------------------------------------------
def test_completions_logprobs_rank_alternatives_best_first():
    output = openai_completions.import_stream(sse("openai-completions", "logprobs-length.sse")).outputs[0]
    assert output.text == " Paris is sunny"
    sunny = output.logprobs[2]
    assert (sunny.token, [(a.token, a.rank) for a in sunny.top]) == (" sunny", [(" cloudy", 1), (" sunny", 2)])
    assert (output.finish_reason, output.truncated) == ("length", True)


def test_completions_echo_with_a_null_first_logprob_keeps_logprobs_verbatim():
    logprobs = {"tokens": ["The", " sky"], "token_logprobs": [None, -2.1], "top_logprobs": [None, {" sky": -2.1}],
                "text_offset": [0, 3]}
    payload = {"id": "c", "choices": [{"index": 0, "text": "The sky", "logprobs": logprobs, "finish_reason": "stop"}]}
    output = openai_completions.from_payload(payload).outputs[0]
    assert output.logprobs is None
    assert output.provider_data == {"logprobs": logprobs}


# --- every format -------------------------------------------------------------------------------
@pytest.mark.parametrize("module", [anthropic, gemini, openai_responses, openai_completions])
def test_a_payload_that_is_not_of_the_format_is_a_clear_error(module):
    with pytest.raises(ImportProblem, match=r"^\w+: missing; not a"):
        module.from_payload({"hello": "world"})
