"""Cost of merging streams (``LMResponse.extend`` / ``from_chunks``), as ratios measured in one run.

(a) A text stream of N one-token delta chunks, N = 1k, 4k, 16k: the cost per chunk at 16k
    over the cost per chunk at 1k. Target: at most 1.3 (linear time: no per-chunk copy of
    the text so far).
(b) Against openai-python's accumulator, ``ChatCompletionStreamState`` from
    ``openai.lib.streaming.chat._completions`` (benchmark-only dependency), N = 8k: each side
    is fed the equivalent already-parsed chunks (``ChatCompletionChunk`` for openai,
    ``LMResponse`` for us), identity on every chunk, a finish chunk and a usage chunk at the
    end. Target: openai's cost per chunk at least 20x ours.
(c) Tool-call arguments streamed as N fragments (N = 1k to 8k), parsed when the finish
    reason arrives: the cost per fragment at 8k over the cost per fragment at 1k.
    Target: at most 1.3.
(d) 4,000 chunks each carrying logits of shape (1, 4096) float32: the whole stream merged by
    ``LMResponse.from_chunks`` (which concatenates tensor rows once, at the end) over one
    ``torch.cat`` of the same tensors. Target: at most 2x. Beside it, for reference: the same
    chunks merged one ``extend`` at a time (a growth buffer, the field correct after every
    chunk), and a ``torch.cat`` per chunk (quadratic), both against the same one ``torch.cat``.

Timings are the best of several repeats (a minimum cuts scheduler noise), with the sizes of a
series interleaved within each round so that machine noise hits them alike, and a garbage
collection before each timed run. Run: ``python -m bench.bench_merge`` (or ``make bench``).
``main()`` prints the figures with PASS or FAIL and returns 1 if a target is missed.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from datetime import datetime, timezone

import torch

from lmcontract import LMOutput, LMResponse, LMUsage, TextPart, ToolCallPart

FLAT_TARGET = 1.3
OPENAI_TARGET = 20.0
TENSOR_TARGET = 2.0
CREATED = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _best_interleaved(runs: dict, repeats: int) -> dict:
    """The best time of each run, the runs shuffled within each round."""
    best = {name: float("inf") for name in runs}
    order = list(runs)
    for _ in range(repeats):
        random.shuffle(order)
        for name in order:
            best[name] = min(best[name], _timed(runs[name]))
    return best


def _merge_all(chunks: list[LMResponse]) -> LMResponse:
    receiver = LMResponse(chunk_mode="delta")
    for chunk in chunks:
        receiver.extend(chunk)
    return receiver


# -- (a) text ---------------------------------------------------------------------------------


def _text_chunks(n: int) -> list[LMResponse]:
    def make() -> LMResponse:
        return LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text=" tok")])])

    return [make() for _ in range(n)]


def bench_text(sizes: tuple[int, ...] = (1_000, 4_000, 16_000), repeats: int = 7) -> bool:
    streams = {n: _text_chunks(n) for n in sizes}
    assert _merge_all(streams[sizes[0]]).outputs[0].text == " tok" * sizes[0]
    best = _best_interleaved({n: (lambda c=c: _merge_all(c)) for n, c in streams.items()}, repeats)
    per_chunk = {n: best[n] / n for n in sizes}
    for n in sizes:
        print(f"  (a) text, {n:>6} one-token delta chunks: {per_chunk[n] * 1e6:6.2f} us/chunk")
    ratio = per_chunk[sizes[-1]] / per_chunk[sizes[0]]
    ok = ratio <= FLAT_TARGET
    print(f"  (a) per-chunk cost at {sizes[-1]} / at {sizes[0]}: {ratio:.2f}x", end="")
    print(f" (target <= {FLAT_TARGET}x) {_verdict(ok)}")
    return ok


# -- (b) against openai's ChatCompletionStreamState ------------------------------------------------


def _openai_chunks(n: int) -> list:
    from openai.types.chat import ChatCompletionChunk

    def make(choices: list, usage: dict | None = None) -> ChatCompletionChunk:
        body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1735689600, "model": "gpt-x"}
        return ChatCompletionChunk.model_validate({**body, "choices": choices, "usage": usage})

    chunks = [make([{"index": 0, "delta": {"role": "assistant", "content": " tok"}, "finish_reason": None}])]
    chunks += [make([{"index": 0, "delta": {"content": " tok"}, "finish_reason": None}]) for _ in range(n - 3)]
    chunks.append(make([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
    chunks.append(make([], {"prompt_tokens": 5, "completion_tokens": n - 2, "total_tokens": n + 3}))
    return chunks


def _our_chunks(n: int) -> list[LMResponse]:
    identity = {"id": "chatcmpl-1", "model": "gpt-x", "created": CREATED, "provider": "openai"}

    def make(outputs: list | None, usage: LMUsage | None = None) -> LMResponse:
        return LMResponse(chunk_mode="delta", outputs=outputs, usage=usage, **identity)

    chunks = [make([LMOutput(index=0, parts=[TextPart(text=" tok")])]) for _ in range(n - 2)]
    chunks.append(make([LMOutput(index=0, finish_reason="stop", provider_finish_reason="stop")]))
    chunks.append(make(None, LMUsage(input_tokens=5, output_tokens=n - 2, total_tokens=n + 3)))
    return chunks


def _openai_merge(chunks: list) -> object:
    from openai.lib.streaming.chat._completions import ChatCompletionStreamState

    state = ChatCompletionStreamState()
    for chunk in chunks:
        state.handle_chunk(chunk)
    return state.get_final_completion()


def bench_openai(n: int = 8_000, repeats: int = 3) -> bool:
    try:
        theirs_chunks = _openai_chunks(n)
    except ImportError:
        print("  (b) openai is not installed (pip install -e '.[bench]'): FAIL")
        return False
    ours_chunks = _our_chunks(n)
    assert _openai_merge(theirs_chunks).choices[0].message.content == _merge_all(ours_chunks).outputs[0].text
    best = _best_interleaved(
        {"openai": lambda: _openai_merge(theirs_chunks), "ours": lambda: _merge_all(ours_chunks)}, repeats
    )
    theirs, ours = best["openai"] / n, best["ours"] / n
    ratio = theirs / ours
    ok = ratio >= OPENAI_TARGET
    print(f"  (b) openai ChatCompletionStreamState, {n} chunks: {theirs * 1e6:7.2f} us/chunk")
    print(f"  (b) LMResponse.extend, same {n} chunks:            {ours * 1e6:7.2f} us/chunk")
    print(f"  (b) ours faster per chunk by {ratio:.1f}x (target >= {OPENAI_TARGET:.0f}x) {_verdict(ok)}")
    return ok


# -- (c) tool-call argument fragments -----------------------------------------------------------


def _argument_chunks(n: int) -> list[LMResponse]:
    def fragment(raw: str, **call) -> LMResponse:
        part = ToolCallPart(arguments_raw=raw, part_index=0, **call)
        return LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[part])])

    chunks = [fragment('{"text": "', id="call_1", name="write")]
    chunks += [fragment("abc ") for _ in range(n - 2)]
    chunks.append(fragment('"}'))
    chunks.append(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, finish_reason="tool_call")]))
    return chunks


def bench_arguments(sizes: tuple[int, ...] = (1_000, 2_000, 4_000, 8_000), repeats: int = 7) -> bool:
    streams = {n: _argument_chunks(n) for n in sizes}
    call = _merge_all(streams[sizes[0]]).finalize().outputs[0].parts[0]
    assert call.arguments == {"text": "abc " * (sizes[0] - 2)} and call.arguments_raw is None
    best = _best_interleaved({n: (lambda c=c: _merge_all(c)) for n, c in streams.items()}, repeats)
    per_fragment = {n: best[n] / n for n in sizes}
    for n in sizes:
        print(f"  (c) tool-call arguments, {n:>5} fragments: {per_fragment[n] * 1e6:6.2f} us/fragment")
    ratio = max(per_fragment.values()) / min(per_fragment.values())
    ok = ratio <= FLAT_TARGET
    print(f"  (c) per-fragment cost, highest / lowest: {ratio:.2f}x (target <= {FLAT_TARGET}x) {_verdict(ok)}")
    return ok


# -- (d) tensors ------------------------------------------------------------------------------------


def _per_chunk_cat(rows: list[torch.Tensor]) -> torch.Tensor:
    merged = rows[0]
    for row in rows[1:]:
        merged = torch.cat([merged, row])
    return merged


def bench_tensors(n: int = 4_000, width: int = 4_096, repeats: int = 5) -> bool:
    gen = torch.Generator().manual_seed(0)
    rows = [torch.randn(1, width, generator=gen) for _ in range(n)]
    chunks = [LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, logits=row)]) for row in rows]
    chunks[0].outputs[0].parts = [TextPart(text="t")]
    expected = torch.cat(rows)
    assert torch.equal(LMResponse.from_chunks(chunks).outputs[0].logits, expected)
    assert torch.equal(_merge_all(chunks).outputs[0].logits, expected)
    del expected
    best = _best_interleaved(
        {
            "cat": lambda: torch.cat(rows),
            "from_chunks": lambda: LMResponse.from_chunks(chunks),
            "extend": lambda: _merge_all(chunks),
        },
        repeats,
    )
    quadratic = _timed(lambda: _per_chunk_cat(rows))
    cat = best["cat"]
    ratio = best["from_chunks"] / cat
    ok = ratio <= TENSOR_TARGET
    print(f"  (d) one torch.cat of {n} (1, {width}) float32 rows:      {cat * 1e3:8.1f} ms")
    print(
        f"  (d) LMResponse.from_chunks of the {n} chunks:           {best['from_chunks'] * 1e3:8.1f} ms"
        f" = {ratio:.2f}x one torch.cat (target <= {TENSOR_TARGET:.0f}x) {_verdict(ok)}"
    )
    print(
        f"  (d) extend one chunk at a time (growth buffer):       {best['extend'] * 1e3:8.1f} ms"
        f" = {best['extend'] / cat:.2f}x one torch.cat (for reference)"
    )
    print(
        f"  (d) torch.cat on every chunk (quadratic):             {quadratic * 1e3:8.1f} ms"
        f" = {quadratic / cat:.0f}x one torch.cat (for reference)"
    )
    return ok


def main() -> int:
    results = [bench_text(), bench_openai(), bench_arguments(), bench_tensors()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
