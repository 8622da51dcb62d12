"""Importing provider streams from their raw Server-Sent Events bytes, against the SDKs' own paths.

(a) An OpenAI Chat Completions stream of N chunks (N = 1k, 4k, 16k: text deltas, a tool call
    in fragments, a finish chunk and a usage chunk), from the raw SSE bytes to one merged
    ``LMResponse``: ``lmcontract.importers.sse.parse_events`` + ``openai_chat.import_stream``.
    Against openai-python's own path from the same bytes: its ``SSEDecoder``, each event built
    into a ``ChatCompletionChunk`` as its ``Stream`` builds it (``construct_type``), and
    ``ChatCompletionStreamState`` accumulating them into the final completion.
    Targets: openai's cost per chunk at least 10x ours at every N, and our cost per chunk at
    16k at most 1.3x that at 1k (flat: no per-chunk copy of what came before).
(b) The same for an Anthropic Messages stream (text deltas, a thinking block, a tool_use
    block's input_json deltas, message_delta usage): against the anthropic SDK's own
    ``SSEDecoder``, ``RawMessageStreamEvent`` construction and ``accumulate_event`` (what its
    ``MessageStream`` runs per event).

Both sides produce the same text, tool calls and usage (checked before timing). Each timed
sample handles 16k events (16 streams of 1k, 4 of 4k, or one of 16k), so noise from other work
on the machine weighs alike on every size; timings are the best of several interleaved repeats,
with a garbage collection before each. Run:
``python -m bench.bench_import`` (or ``make bench``). ``main()`` returns 1 if a target is missed.
"""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Callable

from lmcontract.importers import anthropic as anthropic_importer
from lmcontract.importers import openai_chat
from lmcontract.importers.sse import parse_events

SDK_TARGET = 10.0
FLAT_TARGET = 1.3
SIZES = (1_000, 4_000, 16_000)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _best_interleaved(runs: dict, repeats: int) -> dict:
    best = {name: float("inf") for name in runs}
    order = list(runs)
    for _ in range(repeats):
        random.shuffle(order)
        for name in order:
            best[name] = min(best[name], _timed(runs[name]))
    return best


def _sse(events: list[dict], named: bool) -> bytes:
    if named:
        return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()
    return ("".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n").encode()


# -- (a) OpenAI Chat Completions ---------------------------------------------------------------
def openai_stream(n: int) -> bytes:
    """N chunks as OpenAI sends them: text, a tool call in fragments, finish, usage."""
    head = {"id": "chatcmpl-Bench", "object": "chat.completion.chunk", "created": 1763800000,
            "model": "gpt-4o-2024-08-06", "service_tier": "default", "system_fingerprint": "fp_bench"}

    def chunk(delta: dict, finish: str | None = None) -> dict:
        return {**head, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
                "usage": None}

    fragments = n // 4
    events = [chunk({"role": "assistant", "content": "", "refusal": None})]
    events += [chunk({"content": " tok"}) for _ in range(n - fragments - 4)]
    events.append(chunk({"tool_calls": [{"index": 0, "id": "call_bench", "type": "function",
                                         "function": {"name": "lookup", "arguments": ""}}]}))
    events.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"q": "'}}]}))
    events += [chunk({"tool_calls": [{"index": 0, "function": {"arguments": "ab"}}]}) for _ in range(fragments - 2)]
    events.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"}'}}]}))
    events.append(chunk({}, "tool_calls"))
    events.append({**head, "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": n + 12,
                                                    "prompt_tokens_details": {"cached_tokens": 0}}})
    assert len(events) == n
    return _sse(events, named=False)


def ours_openai(raw: bytes):
    return openai_chat.import_stream(parse_events(raw.decode("utf-8")))


def theirs_openai(raw: bytes):
    from openai._models import construct_type
    from openai._streaming import SSEDecoder
    from openai.lib.streaming.chat import ChatCompletionStreamState
    from openai.types.chat import ChatCompletionChunk

    state = ChatCompletionStreamState()
    for sse in SSEDecoder().iter_bytes(iter([raw])):
        if sse.data.startswith("[DONE]"):
            break
        state.handle_chunk(construct_type(value=sse.json(), type_=ChatCompletionChunk))
    return state.get_final_completion()


def _check_openai(raw: bytes) -> None:
    ours, theirs = ours_openai(raw), theirs_openai(raw)
    message = theirs.choices[0].message
    assert ours.outputs[0].text == message.content
    [call] = ours.outputs[0].tool_calls
    theirs_call = message.tool_calls[0]
    assert (call.id, call.name, call.arguments) == (
        theirs_call.id, theirs_call.function.name, json.loads(theirs_call.function.arguments)
    )
    assert ours.usage.output_tokens == theirs.usage.completion_tokens


# -- (b) Anthropic Messages ----------------------------------------------------------------------
def anthropic_stream(n: int) -> bytes:
    """N events as Anthropic sends them: thinking, text, a tool_use block's input, usage."""
    usage = {"input_tokens": 100, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 5000,
             "output_tokens": 1}
    events: list[dict] = [{"type": "message_start", "message": {
        "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-bench", "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": usage}}]
    thinking = n // 8
    fragments = n // 4
    text = n - thinking - fragments - 10
    events.append({"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "",
                                                                                "signature": ""}})
    events += [{"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": " hm"}}
               for _ in range(thinking)]
    events.append({"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta",
                                                                        "signature": "EqQBCkYIBxgC"}})
    events.append({"type": "content_block_stop", "index": 0})
    events.append({"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}})
    events += [{"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": " tok"}}
               for _ in range(text)]
    events.append({"type": "content_block_stop", "index": 1})
    events.append({"type": "content_block_start", "index": 2, "content_block": {
        "type": "tool_use", "id": "toolu_bench", "name": "lookup", "input": {}}})
    events.append({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta",
                                                                        "partial_json": '{"q": "'}})
    events += [{"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "ab"}}
               for _ in range(fragments - 2)]
    events.append({"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta",
                                                                        "partial_json": '"}'}})
    events.append({"type": "content_block_stop", "index": 2})
    events.append({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                   "usage": {"output_tokens": n}})
    events.append({"type": "message_stop"})
    assert len(events) == n, len(events)
    return _sse(events, named=True)


def ours_anthropic(raw: bytes):
    return anthropic_importer.import_stream(parse_events(raw.decode("utf-8")))


def theirs_anthropic(raw: bytes):
    from anthropic._models import construct_type
    from anthropic._streaming import SSEDecoder
    from anthropic.lib.streaming._messages import accumulate_event
    from anthropic.types import RawMessageStreamEvent

    snapshot = None
    json_bufs: dict = {}
    for sse in SSEDecoder().iter_bytes(iter([raw])):
        event = construct_type(value=sse.json(), type_=RawMessageStreamEvent)
        snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=json_bufs)
    return snapshot


def _check_anthropic(raw: bytes) -> None:
    ours, theirs = ours_anthropic(raw), theirs_anthropic(raw)
    assert ours.outputs[0].text == theirs.content[1].text
    assert ours.outputs[0].reasoning == theirs.content[0].thinking
    [call] = ours.outputs[0].tool_calls
    assert (call.id, call.arguments) == (theirs.content[2].id, theirs.content[2].input)
    assert ours.usage.output_tokens == theirs.usage.output_tokens


# -- running -------------------------------------------------------------------------------------
def _series(label: str, make: Callable[[int], bytes], ours: Callable, theirs: Callable, check: Callable,
            repeats: int) -> bool:
    streams = {n: make(n) for n in SIZES}
    check(streams[SIZES[0]])
    runs: dict = {}
    # Each timed sample imports the same number of events whatever the stream's length (16 x 1k,
    # 4 x 4k, 1 x 16k), so machine noise weighs alike on every size.
    times = {n: SIZES[-1] // n for n in SIZES}
    for n, raw in streams.items():
        runs[("ours", n)] = lambda raw=raw, k=times[n]: [ours(raw) for _ in range(k)]
        runs[("theirs", n)] = lambda raw=raw, k=times[n]: [theirs(raw) for _ in range(k)]
    best = _best_interleaved(runs, repeats)
    ok = True
    for n in SIZES:
        events = n * times[n]
        mine, sdk = best[("ours", n)] / events * 1e6, best[("theirs", n)] / events * 1e6
        ratio = sdk / mine
        ok &= ratio >= SDK_TARGET
        print(f"  {label}, {n:>6} events: lmcontract {mine:6.2f} us/event, SDK {sdk:7.2f} us/event: "
              f"{ratio:5.1f}x (target >= {SDK_TARGET:.0f}x) {_verdict(ratio >= SDK_TARGET)}")
    flat = best[("ours", SIZES[-1])] / best[("ours", SIZES[0])]  # the same number of events each
    ok &= flat <= FLAT_TARGET
    print(f"  {label}, lmcontract per-event cost at {SIZES[-1]} / at {SIZES[0]}: {flat:.2f}x "
          f"(target <= {FLAT_TARGET}x) {_verdict(flat <= FLAT_TARGET)}")
    return ok


def main(repeats: int = 5) -> int:
    try:
        import anthropic  # noqa: F401
        import openai  # noqa: F401
    except ImportError:
        print("  the openai and anthropic SDKs are not installed (pip install -e '.[bench]'): FAIL")
        return 1
    ok = _series("(a) OpenAI chat SSE", openai_stream, ours_openai, theirs_openai, _check_openai, repeats)
    ok &= _series("(b) Anthropic SSE", anthropic_stream, ours_anthropic, theirs_anthropic, _check_anthropic, repeats)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
