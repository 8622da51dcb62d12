"""Properties of every importer, over answers hypothesis makes up and renders in each wire format.

For each format: the complete payload and the stream of the same answer import to equal
responses, whatever way the stream splits the text, reasoning and tool arguments into events;
and ``import_stream`` (which merges chunk dicts and validates once) equals
``LMResponse.from_chunks`` over the validated ``feed``/``close`` chunks.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmcontract import LMResponse
from lmcontract.importers import anthropic, gemini, openai_chat, openai_completions, openai_responses

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
FRAGMENTS = st.lists(TEXT, min_size=1, max_size=5)
ARGS = st.dictionaries(st.sampled_from(["city", "unit", "days", "q"]),
                       st.one_of(st.integers(-5, 5), st.text(max_size=5), st.booleans()), max_size=3)


@dataclass
class Call:
    id: str
    name: str
    args: dict
    cuts: list[int]  # where the argument text is cut into fragments

    def fragments(self) -> list[str]:
        text = json.dumps(self.args)
        points = sorted({min(c, len(text)) for c in self.cuts} | {0, len(text)})
        return [text[a:b] for a, b in itertools.pairwise(points) if text[a:b]]


@dataclass
class Answer:
    reasoning: list[str]  # fragments; empty: no reasoning
    text: list[str]
    calls: list[Call]
    input_tokens: int
    cached: int
    output_tokens: int
    reasoning_tokens: int


@st.composite
def answers(draw, reasoning: bool = True, calls: bool = True) -> Answer:
    n_calls = draw(st.integers(0, 3)) if calls else 0
    made = [
        Call(f"call_{i}", draw(st.sampled_from(["get_weather", "lookup"])), draw(ARGS),
             draw(st.lists(st.integers(0, 40), max_size=4)))
        for i in range(n_calls)
    ]
    text = draw(FRAGMENTS) if not made or draw(st.booleans()) else []
    thinking = draw(FRAGMENTS) if reasoning and draw(st.booleans()) else []
    cached = draw(st.integers(0, 500))
    return Answer(thinking, text, made, cached + draw(st.integers(0, 500)), cached,
                  *sorted(draw(st.lists(st.integers(0, 300), min_size=2, max_size=2)), reverse=True))


def check(module, payload: dict, events: list[dict]) -> None:
    complete = module.from_payload(payload)
    streamed = module.import_stream(events)
    assert streamed == complete
    importer = module.StreamImporter()
    chunks = [c for e in events for c in importer.feed(e)] + importer.close()
    assert LMResponse.from_chunks(chunks) == streamed


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- OpenAI Chat Completions ------------------------------------------------------------------
def openai_chat_wire(a: Answer) -> tuple[dict, list[dict]]:
    head = {"id": "chatcmpl-p", "created": 1763800000, "model": "gpt-4o"}
    finish = "tool_calls" if a.calls else "stop"
    usage = {"prompt_tokens": a.input_tokens, "completion_tokens": a.output_tokens,
             "total_tokens": a.input_tokens + a.output_tokens,
             "prompt_tokens_details": {"cached_tokens": a.cached},
             "completion_tokens_details": {"reasoning_tokens": a.reasoning_tokens}}
    message: dict = {"role": "assistant", "content": "".join(a.text) or None}
    if a.reasoning:
        message["reasoning_content"] = "".join(a.reasoning)
    if a.calls:
        message["tool_calls"] = [{"id": c.id, "type": "function",
                                  "function": {"name": c.name, "arguments": json.dumps(c.args)}} for c in a.calls]
    payload = {**head, "object": "chat.completion", "usage": usage,
               "choices": [{"index": 0, "message": message, "finish_reason": finish}]}

    def chunk(delta: dict, finish_reason: str | None = None) -> dict:
        return {**head, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"reasoning_content": f}) for f in a.reasoning]
    events += [chunk({"content": f}) for f in a.text]
    for i, call in enumerate(a.calls):
        events.append(chunk({"tool_calls": [{"index": i, "id": call.id, "type": "function",
                                             "function": {"name": call.name, "arguments": ""}}]}))
        events += [chunk({"tool_calls": [{"index": i, "function": {"arguments": f}}]}) for f in call.fragments()]
    events.append(chunk({}, finish))
    events.append({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})
    return payload, events


@SETTINGS
@given(answers())
def test_openai_chat_stream_equals_payload_for_any_split(answer):
    check(openai_chat, *openai_chat_wire(answer))


# --- OpenAI Completions -----------------------------------------------------------------------
@SETTINGS
@given(answers(reasoning=False, calls=False))
def test_openai_completions_stream_equals_payload_for_any_split(a):
    head = {"id": "cmpl-p", "object": "text_completion", "created": 1763800000, "model": "gpt-3.5-turbo-instruct"}
    usage = {"prompt_tokens": a.input_tokens, "completion_tokens": a.output_tokens,
             "total_tokens": a.input_tokens + a.output_tokens}
    payload = {**head, "choices": [{"index": 0, "text": "".join(a.text), "finish_reason": "length"}], "usage": usage}
    events = [{**head, "choices": [{"index": 0, "text": f, "finish_reason": None}]} for f in a.text]
    events.append({**head, "choices": [{"index": 0, "text": "", "finish_reason": "length"}]})
    events.append({**head, "choices": [], "usage": usage})
    check(openai_completions, payload, events)


# --- OpenAI Responses -------------------------------------------------------------------------
@SETTINGS
@given(answers(), st.lists(st.text("ABCDEFGH", min_size=4, max_size=8), min_size=3, max_size=3))
def test_openai_responses_stream_equals_payload_for_any_split(a, blobs):
    base = {"id": "resp_p", "object": "response", "created_at": 1763800000, "model": "o4-mini",
            "status": "in_progress", "output": []}
    usage = {"input_tokens": a.input_tokens, "input_tokens_details": {"cached_tokens": a.cached},
             "output_tokens": a.output_tokens, "output_tokens_details": {"reasoning_tokens": a.reasoning_tokens},
             "total_tokens": a.input_tokens + a.output_tokens}
    events: list[dict] = [{"type": "response.created", "response": base}]
    output: list[dict] = []
    if a.reasoning:
        item = {"id": "rs_1", "type": "reasoning", "summary": [], "encrypted_content": blobs[0]}
        done = {**item, "summary": [{"type": "summary_text", "text": "".join(a.reasoning)}],
                "encrypted_content": blobs[1]}
        events.append({"type": "response.output_item.added", "output_index": len(output), "item": item})
        events.append({"type": "response.reasoning_summary_part.added", "output_index": len(output),
                       "summary_index": 0, "item_id": "rs_1", "part": {"type": "summary_text", "text": ""}})
        events += [{"type": "response.reasoning_summary_text.delta", "output_index": len(output), "summary_index": 0,
                    "item_id": "rs_1", "delta": f} for f in a.reasoning]
        events.append({"type": "response.output_item.done", "output_index": len(output), "item": done})
        output.append({**done, "encrypted_content": blobs[2]})
    if a.text:
        at = len(output)
        content = {"type": "output_text", "text": "".join(a.text), "annotations": []}
        item = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
        events.append({"type": "response.output_item.added", "output_index": at, "item": item})
        events.append({"type": "response.content_part.added", "output_index": at, "content_index": 0,
                       "item_id": "msg_1", "part": {**content, "text": ""}})
        events += [{"type": "response.output_text.delta", "output_index": at, "content_index": 0, "item_id": "msg_1",
                    "delta": f} for f in a.text]
        done = {**item, "status": "completed", "content": [content]}
        events.append({"type": "response.output_item.done", "output_index": at, "item": done})
        output.append(done)
    for call in a.calls:
        at = len(output)
        item = {"id": f"fc_{call.id}", "type": "function_call", "call_id": call.id, "name": call.name,
                "arguments": "", "status": "in_progress"}
        events.append({"type": "response.output_item.added", "output_index": at, "item": item})
        events += [{"type": "response.function_call_arguments.delta", "output_index": at, "item_id": item["id"],
                    "delta": f} for f in call.fragments()]
        done = {**item, "arguments": json.dumps(call.args), "status": "completed"}
        events.append({"type": "response.output_item.done", "output_index": at, "item": done})
        output.append(done)
    final = {**base, "status": "completed", "output": output, "usage": usage}
    events.append({"type": "response.completed", "response": final})
    check(openai_responses, final, events)
    if a.reasoning:
        assert openai_responses.import_stream(events).outputs[0].parts[0].encrypted_content == blobs[2]


# --- Anthropic ----------------------------------------------------------------------------------
@SETTINGS
@given(answers(), st.text("ABCDEFGH", min_size=4, max_size=8))
def test_anthropic_stream_equals_payload_for_any_split(a, signature):
    usage = {"input_tokens": a.input_tokens - a.cached, "cache_read_input_tokens": a.cached,
             "cache_creation_input_tokens": 0}
    content: list[dict] = []
    events: list[dict] = [{"type": "message_start", "message": {
        "id": "msg_p", "type": "message", "role": "assistant", "model": "claude-x", "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": {**usage, "output_tokens": 1}}}]

    def block(start: dict, deltas: list[dict], whole: dict) -> None:
        index = len(content)
        events.append({"type": "content_block_start", "index": index, "content_block": start})
        events.extend({"type": "content_block_delta", "index": index, "delta": d} for d in deltas)
        events.append({"type": "content_block_stop", "index": index})
        content.append(whole)

    if a.reasoning:
        block({"type": "thinking", "thinking": "", "signature": ""},
              [{"type": "thinking_delta", "thinking": f} for f in a.reasoning]
              + [{"type": "signature_delta", "signature": signature}],
              {"type": "thinking", "thinking": "".join(a.reasoning), "signature": signature})
    if a.text:
        block({"type": "text", "text": ""}, [{"type": "text_delta", "text": f} for f in a.text],
              {"type": "text", "text": "".join(a.text)})
    for call in a.calls:
        block({"type": "tool_use", "id": call.id, "name": call.name, "input": {}},
              [{"type": "input_json_delta", "partial_json": f} for f in call.fragments()],
              {"type": "tool_use", "id": call.id, "name": call.name, "input": call.args})
    stop = "tool_use" if a.calls else "end_turn"
    events.append({"type": "ping"})
    events.append({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                   "usage": {"output_tokens": a.output_tokens}})
    events.append({"type": "message_stop"})
    payload = {"id": "msg_p", "type": "message", "role": "assistant", "model": "claude-x", "content": content,
               "stop_reason": stop, "stop_sequence": None, "usage": {**usage, "output_tokens": a.output_tokens}}
    check(anthropic, payload, events)
    assert anthropic.import_stream(events).usage.input_tokens == a.input_tokens


# --- Gemini ---------------------------------------------------------------------------------------
@SETTINGS
@given(answers())
def test_gemini_stream_equals_payload_for_any_split(a):
    def usage(fraction: int) -> dict:
        return {"promptTokenCount": a.input_tokens, "cachedContentTokenCount": a.cached,
                "candidatesTokenCount": (a.output_tokens - a.reasoning_tokens) * fraction // 2,
                "thoughtsTokenCount": a.reasoning_tokens,
                "totalTokenCount": a.input_tokens + a.output_tokens}

    def chunk(parts: list[dict], finish: str | None = None, fraction: int = 1) -> dict:
        candidate: dict = {"content": {"role": "model", "parts": parts}, "index": 0}
        if finish:
            candidate["finishReason"] = finish
        return {"candidates": [candidate], "usageMetadata": usage(fraction), "modelVersion": "gemini-x",
                "responseId": "r1"}

    events = [chunk([{"text": f, "thought": True}]) for f in a.reasoning]
    events += [chunk([{"text": f}]) for f in a.text]
    events += [chunk([{"functionCall": {"name": c.name, "args": c.args}}]) for c in a.calls]
    events.append(chunk([{"text": ""}] if not a.calls else [], "STOP", fraction=2))
    parts = ([{"text": "".join(a.reasoning), "thought": True}] if a.reasoning else []) + (
        [{"text": "".join(a.text)}] if a.text else []) + [
        {"functionCall": {"name": c.name, "args": c.args}} for c in a.calls]
    if not a.calls and not a.text:
        parts.append({"text": ""})
    payload = chunk(parts, "STOP", fraction=2)
    check(gemini, payload, events)
    output = gemini.import_stream(events).outputs[0]
    assert output.finish_reason == ("tool_call" if a.calls else "stop")


def test_an_importer_that_builds_models_still_merges_through_from_chunks():
    from lmcontract.importers.streaming import BaseStreamImporter, merged

    class Words(BaseStreamImporter):
        def feed(self, event):
            return [LMResponse(chunk_mode="delta", outputs=[{"index": 0, "parts": [
                {"type": "text", "text": event, "part_index": 0}]}])]

    assert merged(Words(), ["Hel", "lo"]).outputs[0].text == "Hello"
