"""Cost of merging streams (``LMResponse.extend`` / ``from_chunks``) beside the peers, in one run.

Every figure is measured in this run, each against the same chunks for every accumulator:

(a) Text: N one-token text deltas (N = 1k, 4k, 16k, 64k), every chunk carrying the identity
    fields (id, model, created) as OpenAI's chunks do, then a finish chunk and a usage chunk.
    The cost per chunk (the chunks frozen out of the garbage collector's reach, ``gc.freeze``,
    so that it does not walk 64k chunks' worth of inputs and time the heap rather than the
    accumulator) of:
    - lmcontract: ``LMResponse.extend`` of each chunk (``LMResponse`` objects). Target: at most
      1 us per chunk at every N.
    - light input: the same stream through ``LMResponse.append_fragment`` (what an importer
      that reads the wire itself can feed): the first chunk, then each delta's text as a string,
      the identity given once. Same target.
    - floor: walking the same chunk objects (response, outputs, parts, text) and appending each
      text to a list, joined at the end: what any accumulator of these objects must pay.
    - openai-python 3.54: ``ChatCompletionStreamState.handle_chunk`` of the equivalent
      ``ChatCompletionChunk`` objects, then ``get_final_completion()``; up to N = 16k (at 150 to
      500 us a chunk, one run at 64k alone takes 10 to 30 s).
    - pydantic-ai 2.68: ``ModelResponsePartsManager.handle_text_delta`` of each delta's text (the
      call its OpenAI model makes per chunk), then ``get_parts()``.
    - lm15 1.5: ``StreamAccumulator.push`` of its canonical events (a start event, a
      ``TextDelta`` event per chunk, an end event with usage), then ``response()``.
(b) Tool-call arguments streamed as N fragments of 4 characters, the first with the call's
    id and name, parsed when the finish reason arrives: the same accumulators per fragment.
    Target: at most 1.5 us per fragment at every N.
(c) 4,000 and 16,000 chunks each carrying logits of shape (1, 4096) float32, against one
    ``torch.cat`` of the same tensors: ``extend`` of each chunk then ``finalize()`` (what
    LMDeploy's users do), target at most 1.3x in time; ``from_chunks``; for reference,
    preallocating the whole tensor and copying each chunk in, and ``extend`` with the field
    read after every chunk. Every run writes its output into fresh pages (``_fresh_memory``
    gives freed memory back to the OS before each, so no run is handed pages another touched)
    and the chunks are frozen out of the collector's reach, as in (a). Peak memory at each N,
    each in a fresh process (the rise of the resident set over what the chunks already hold,
    from /proc/self/status), over the final tensor's size: target at most 1.1x for ``extend``
    then ``finalize()``.

Timings are the best of several runs (a minimum cuts scheduler noise), the accumulators
interleaved within each round so that machine noise hits them alike, with a garbage
collection before each timed run. openai-python is run once per size (it is 30 to 200 times
slower than the rest); an accumulator whose projected run time passes ``SLOW_S`` (a quadratic
one) is left out at larger N and says so. Run: ``python -m bench.bench_merge`` (or ``make
bench``). ``main()`` prints the figures with PASS or FAIL and returns 1 if a target is missed.
"""

from __future__ import annotations

import gc
import json
import math
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import torch

from lmcontract import LMOutput, LMResponse, LMUsage, TextPart, ToolCallPart

TEXT_TARGET_US = 1.0
TOOL_TARGET_US = 1.5
TENSOR_TIME_TARGET = 1.3
TENSOR_MEMORY_TARGET = 1.1
SIZES = (1_000, 4_000, 16_000, 64_000)
OPENAI_UP_TO = 16_000
SLOW_S = 15.0  # an accumulator projected to take longer than this for one run is left out
CREATED = datetime(2025, 1, 1, tzinfo=timezone.utc)
CREATED_UNIX = 1735689600
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One measured figure beside its target, for the summary ``python -m bench`` prints."""

    name: str
    value: float
    unit: str
    target: float
    ok: bool

    def line(self) -> str:
        verdict = "PASS" if self.ok else "FAIL"
        of_target = f" ({self.value / self.target:.2f}x the target)" if self.target else ""
        return f"{self.name:62} {self.value:9.2f} {self.unit:3} target <= {self.target:g}{of_target} {verdict}"


def _best(
    runs: dict[str, Callable[[], object]], repeats: dict[str, int], prepare: Callable[[], object] = gc.collect
) -> dict[str, float]:
    """The best time of each run, the runs shuffled within each round, ``prepare()`` before each."""
    best = {name: float("inf") for name in runs}
    for round_ in range(max(repeats.values())):
        # A run over a second is measured once: noise is small beside it, and time is not.
        order = [name for name in runs if round_ < repeats[name] and (round_ == 0 or best[name] < 1.0)]
        random.shuffle(order)
        for name in order:
            prepare()
            start = time.perf_counter()
            runs[name]()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


# -- the accumulators -------------------------------------------------------------------------


def _ours(chunks: list[LMResponse]) -> LMResponse:
    receiver = LMResponse(chunk_mode="delta")
    for chunk in chunks:
        receiver.extend(chunk)
    return receiver


def _light(stream: list) -> LMResponse:
    """The light input: the receiver takes its identity once, then each fragment as a string
    (``append_fragment``); the chunks that are more than a fragment are merged as chunks."""
    receiver = LMResponse(chunk_mode="delta", **_identity())
    append = receiver.append_fragment
    for item in stream:
        if type(item) is str:
            append(item)
        elif type(item) is tuple:
            append(item[0], kind="tool_call", part_index=item[1])
        else:
            receiver.extend(item)
    return receiver


def _floor_text(chunks: list[LMResponse]) -> str:
    pieces = []
    append = pieces.append
    for chunk in chunks:
        for output in chunk.outputs or ():
            for part in output.parts or ():
                append(part.text)
    return "".join(pieces)


def _floor_arguments(chunks: list[LMResponse]) -> str:
    pieces = []
    append = pieces.append
    for chunk in chunks:
        for output in chunk.outputs or ():
            for part in output.parts or ():
                append(part.arguments_raw)
    return "".join(pieces)


def _openai(chunks: list) -> object:
    from openai.lib.streaming.chat._completions import ChatCompletionStreamState

    state = ChatCompletionStreamState()
    for chunk in chunks:
        state.handle_chunk(chunk)
    return state.get_final_completion()


def _pydantic_ai_text(deltas: list[str]) -> list:
    from pydantic_ai._parts_manager import ModelResponsePartsManager
    from pydantic_ai.models import ModelRequestParameters

    manager = ModelResponsePartsManager(ModelRequestParameters())
    for delta in deltas:
        for _event in manager.handle_text_delta(vendor_part_id="content", content=delta):
            pass
    return manager.get_parts()


def _pydantic_ai_arguments(fragments: list[tuple[str, str | None, str | None]]) -> list:
    from pydantic_ai._parts_manager import ModelResponsePartsManager
    from pydantic_ai.models import ModelRequestParameters

    manager = ModelResponsePartsManager(ModelRequestParameters())
    for args, name, call_id in fragments:
        manager.handle_tool_call_delta(vendor_part_id=0, tool_name=name, args=args, tool_call_id=call_id)
    return manager.get_parts()


def _lm15(events: list) -> object:
    from lm15.result import StreamAccumulator
    from lm15.types import Message, Request

    accumulator = StreamAccumulator(Request(model="gpt-x", messages=Message.user("hi")))
    for event in events:
        accumulator.push(event)
    return accumulator.response()


# -- the chunks, built once at the largest size -------------------------------------------------


def _openai_chunk(choices: list, usage: dict | None = None):
    from openai.types.chat import ChatCompletionChunk

    body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": CREATED_UNIX, "model": "gpt-x"}
    return ChatCompletionChunk.model_validate({**body, "choices": choices, "usage": usage})


def _identity() -> dict:
    return {"id": "chatcmpl-1", "model": "gpt-x", "created": CREATED, "provider": "openai"}


class Streams(dict):
    """Per accumulator, its stream in its own input objects: (head, body, tail), the body built
    at the largest size; ``head(n)`` is each stream with its body cut to n deltas."""

    def head(self, n: int) -> dict[str, list]:
        return {name: first + body[:n] + last for name, (first, body, last) in self.items()}


def _text_streams(n: int) -> Streams:
    from lm15.types import StreamDeltaEvent, StreamEndEvent, StreamStartEvent, TextDelta, Usage

    usage = {"input_tokens": 5, "output_tokens": n, "total_tokens": n + 5}
    ours = [
        LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text=" tok")])], **_identity())
        for _ in range(n)
    ]
    ours_tail = [
        LMResponse(
            chunk_mode="delta",
            outputs=[LMOutput(index=0, finish_reason="stop", provider_finish_reason="stop")],
            **_identity(),
        ),
        LMResponse(chunk_mode="delta", usage=LMUsage(**usage), **_identity()),
    ]
    first = _openai_chunk([{"index": 0, "delta": {"role": "assistant", "content": " tok"}, "finish_reason": None}])
    openai = [first] + [
        _openai_chunk([{"index": 0, "delta": {"content": " tok"}, "finish_reason": None}])
        for _ in range(min(n, OPENAI_UP_TO) - 1)
    ]
    openai_tail = [
        _openai_chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]),
        _openai_chunk([], {"prompt_tokens": 5, "completion_tokens": n, "total_tokens": n + 5}),
    ]
    lm15_end = StreamEndEvent(finish_reason="stop", usage=Usage(input_tokens=5, output_tokens=n))
    return Streams(
        ours=([], ours, ours_tail),
        light=([], ours[:1] + [" tok"] * (n - 1), ours_tail),
        openai=([], openai, openai_tail),
        pydantic_ai=([], [" tok"] * n, []),
        lm15=(
            [StreamStartEvent(id="chatcmpl-1", model="gpt-x")],
            [StreamDeltaEvent(TextDelta(text=" tok")) for _ in range(n)],
            [lm15_end],
        ),
    )


def _argument_streams(n: int) -> Streams:
    from lm15.types import StreamDeltaEvent, StreamEndEvent, StreamStartEvent, ToolCallDelta

    def ours_fragment(raw: str, **call) -> LMResponse:
        part = ToolCallPart(arguments_raw=raw, part_index=0, **call)
        return LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[part])], **_identity())

    # n fragments: the call's opening (with its id and name), n - 1 pieces of its text; the
    # close of the JSON string and the finish reason arrive in the tail.
    opening = '{"text": "'
    ours = [ours_fragment(opening, id="call_1", name="write")] + [ours_fragment("abc ") for _ in range(n - 1)]
    ours_tail = [
        ours_fragment('"}'),
        LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, finish_reason="tool_call")], **_identity()),
    ]

    def openai_fragment(arguments: str, first: bool = False):
        call: dict = {"index": 0, "function": {"arguments": arguments}}
        delta: dict = {"tool_calls": [call]}
        if first:
            call.update(id="call_1", type="function")
            call["function"]["name"] = "write"
            delta["role"] = "assistant"
        return _openai_chunk([{"index": 0, "delta": delta, "finish_reason": None}])

    openai = [openai_fragment(opening, first=True)]
    openai += [openai_fragment("abc ") for _ in range(min(n, OPENAI_UP_TO) - 1)]
    openai_tail = [openai_fragment('"}'), _openai_chunk([{"index": 0, "delta": {}, "finish_reason": "tool_calls"}])]
    pydantic_ai = [(opening, "write", "call_1")] + [("abc ", None, None)] * (n - 1)
    lm15 = [StreamDeltaEvent(ToolCallDelta(input=opening, id="call_1", name="write"))]
    lm15 += [StreamDeltaEvent(ToolCallDelta(input="abc ")) for _ in range(n - 1)]
    lm15_tail = [StreamDeltaEvent(ToolCallDelta(input='"}')), StreamEndEvent(finish_reason="tool_call")]
    return Streams(
        ours=([], ours, ours_tail),
        light=([], ours[:1] + [("abc ", 0)] * (n - 1), ours_tail),
        openai=([], openai, openai_tail),
        pydantic_ai=([], pydantic_ai, [('"}', None, None)]),
        lm15=([StreamStartEvent(id="chatcmpl-1", model="gpt-x")], lm15, lm15_tail),
    )


# -- (a) and (b): per chunk beside the peers ---------------------------------------------------

PEERS = ("lmcontract", "light", "floor", "openai", "pydantic-ai", "lm15")
REPEATS = {"lmcontract": 5, "light": 5, "floor": 5, "openai": 1, "pydantic-ai": 3, "lm15": 3}


def _projected(per_chunk: dict[int, float], n: int) -> float:
    """Seconds one run at n is expected to take, from the per-chunk costs at smaller sizes,
    growing as they grew (so a quadratic accumulator is left out before it takes minutes)."""
    if not per_chunk:
        return 0.0
    sizes = sorted(per_chunk)
    last = sizes[-1]
    exponent = 1.0
    if len(sizes) > 1:
        prev = sizes[-2]
        exponent = max(1.0, 1.0 + math.log(per_chunk[last] / per_chunk[prev]) / math.log(last / prev))
    return per_chunk[last] * last * (n / last) ** exponent


def _per_chunk_table(title: str, streams: Streams, runs_for, check, target_us: float) -> list[Figure]:
    print(f"  {title}, identity fields on every chunk; us per chunk (best of {REPEATS['lmcontract']}; openai once)")
    print("  " + f"{'N':>7} " + "".join(f"{name:>13}" for name in PEERS) + "   lmcontract/target")
    figures, seen = [], {}
    for n in SIZES:
        inputs = streams.head(n)
        runs = runs_for(inputs)
        check(runs, n)
        kept = {name: run for name, run in runs.items() if _projected(seen.get(name, {}), n) <= SLOW_S}
        if n > OPENAI_UP_TO:
            kept.pop("openai", None)
        best = _best(kept, {name: REPEATS[name] for name in kept})
        row = {}
        for name in PEERS:
            if name in best:
                row[name] = best[name] / n
                seen.setdefault(name, {})[n] = row[name]
        cells = "".join(f"{row[name] * 1e6:13.2f}" if name in row else f"{'(skipped)':>13}" for name in PEERS)
        verdicts = []
        for name, label in (("lmcontract", "chunks"), ("light", "light input")):
            ours = row[name] * 1e6
            ok = ours <= target_us
            verdicts.append(f"{label} {ours / target_us:5.2f}x {'PASS' if ok else 'FAIL'}")
            figures.append(Figure(f"{title}, lmcontract ({label}) us/chunk at N={n}", ours, "us", target_us, ok))
        print(f"  {n:>7} {cells}   " + ", ".join(verdicts))
    for name in PEERS:
        missing = [n for n in SIZES if n not in seen.get(name, {})]
        if missing:
            why = f"up to N={OPENAI_UP_TO} only" if name == "openai" else f"projected over {SLOW_S:g} s a run"
            print(f"    {name}: left out at N={', '.join(map(str, missing))} ({why})")
    ours_by_n = seen["lmcontract"]
    for name in ("floor", "pydantic-ai", "lm15", "openai"):
        ratios = [ours_by_n[n] / seen[name][n] for n in SIZES if n in seen.get(name, {})]
        if ratios:
            print(f"    lmcontract's cost per chunk / {name}'s: {min(ratios):.3g}x to {max(ratios):.3g}x")
    flat = ours_by_n[SIZES[-1]] / ours_by_n[SIZES[0]]
    print(f"    lmcontract's cost per chunk at N={SIZES[-1]} / at N={SIZES[0]}: {flat:.2f}x (flat is 1)")
    return figures


def bench_text() -> list[Figure]:
    streams = _text_streams(max(SIZES))
    gc.collect()
    gc.freeze()  # the chunks are the inputs: the collector need not walk them during the runs

    def runs_for(inputs):
        return {
            "lmcontract": lambda: _ours(inputs["ours"]),
            "light": lambda: _light(inputs["light"]),
            "floor": lambda: _floor_text(inputs["ours"]),
            "openai": lambda: _openai(inputs["openai"]),
            "pydantic-ai": lambda: _pydantic_ai_text(inputs["pydantic_ai"]),
            "lm15": lambda: _lm15(inputs["lm15"]),
        }

    def check(runs, n):
        if n != SIZES[0]:
            return
        text = " tok" * n
        assert runs["lmcontract"]().outputs[0].text == text
        assert runs["light"]() == runs["lmcontract"]()
        assert runs["floor"]() == text
        assert runs["openai"]().choices[0].message.content == text
        assert runs["pydantic-ai"]()[0].content == text
        assert runs["lm15"]().text == text

    try:
        return _per_chunk_table("(a) text deltas", streams, runs_for, check, TEXT_TARGET_US)
    finally:
        gc.unfreeze()


def bench_arguments() -> list[Figure]:
    streams = _argument_streams(max(SIZES))
    gc.collect()
    gc.freeze()

    def runs_for(inputs):
        return {
            "lmcontract": lambda: _ours(inputs["ours"]),
            "light": lambda: _light(inputs["light"]),
            "floor": lambda: _floor_arguments(inputs["ours"]),
            "openai": lambda: _openai(inputs["openai"]),
            "pydantic-ai": lambda: _pydantic_ai_arguments(inputs["pydantic_ai"]),
            "lm15": lambda: _lm15(inputs["lm15"]),
        }

    def check(runs, n):
        if n != SIZES[0]:
            return
        want = {"text": "abc " * (n - 1)}
        # The finish completes the call; its text stays beside the parsed object until finalize().
        call = runs["lmcontract"]().finalize().outputs[0].parts[0]
        assert call.arguments == want and call.arguments_raw is None
        assert runs["light"]() == runs["lmcontract"]()
        assert json.loads(runs["floor"]()) == want
        assert json.loads(runs["openai"]().choices[0].message.tool_calls[0].function.arguments) == want
        assert runs["pydantic-ai"]()[0].args_as_dict() == want
        assert runs["lm15"]().message.parts[0].input == want

    try:
        return _per_chunk_table("(b) tool-call fragments", streams, runs_for, check, TOOL_TARGET_US)
    finally:
        gc.unfreeze()


# -- (c) tensors ------------------------------------------------------------------------------


def _rows(n: int, width: int) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return [torch.randn(1, width, generator=gen) for _ in range(n)]


def _tensor_chunks(rows: list[torch.Tensor]) -> list[LMResponse]:
    chunks = [LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, logits=row)]) for row in rows]
    chunks[0].outputs[0].parts = [TextPart(text="t")]  # from_chunks wants a complete response
    return chunks


def _extend_finalize(chunks: list[LMResponse]) -> torch.Tensor:
    return _ours(chunks).finalize().outputs[0].logits


def _read_each(chunks: list[LMResponse]) -> torch.Tensor:
    receiver = LMResponse(chunk_mode="delta")
    for chunk in chunks:
        receiver.extend(chunk)
        receiver.outputs[0].logits  # noqa: B018 (the read is what is measured)
    return receiver.finalize().outputs[0].logits


def _preallocate(rows: list[torch.Tensor]) -> torch.Tensor:
    out = torch.empty((len(rows), rows[0].shape[1]), dtype=rows[0].dtype)
    for i, row in enumerate(rows):
        out[i : i + 1].copy_(row)
    return out


TENSOR_RUNS: dict[str, Callable[[list, list], torch.Tensor]] = {
    "one torch.cat": lambda rows, chunks: torch.cat(rows),
    "extend each chunk, then finalize()": lambda rows, chunks: _extend_finalize(chunks),
    "LMResponse.from_chunks": lambda rows, chunks: LMResponse.from_chunks(chunks).outputs[0].logits,
    "preallocate and copy each chunk in (reference)": lambda rows, chunks: _preallocate(rows),
    "extend, read after every chunk (reference)": lambda rows, chunks: _read_each(chunks),
}


# Peak memory is measured for these, each in a fresh process (about 3 s each).
PEAK_RUNS = ("one torch.cat", "extend each chunk, then finalize()", "LMResponse.from_chunks",
             "extend, read after every chunk (reference)")


def _fresh_memory() -> None:
    """Before each timed tensor run: collect garbage, then give the memory freed back to the OS.

    Each run writes a 62 MiB (or 250 MiB) tensor, and its first touch of fresh pages costs a
    page fault per 4 KiB, most of a torch.cat's time here (46 ms of a cat of 4,000 rows, 14 ms
    once the pages are touched). Without this, the reference run that grows a buffer leaves
    that much freed but touched memory in the C heap, the run drawn to follow it gets its
    output there without a fault and runs 3 to 4 times faster, and the best of a few runs
    picks that lottery (the 7.48x once measured at N=4,000 was one torch.cat that drew it).
    After ``malloc_trim`` every run faults in the pages of its own output, as a stream's
    consumer does.
    """
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 (glibc only)
    except (OSError, AttributeError):
        return None
    return libc


_LIBC = _libc()


def _status_kib(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def peak_child(name: str, n: int, width: int) -> None:
    """In a fresh process: the rise of the resident set while ``name`` runs, as JSON."""
    rows = _rows(n, width)
    chunks = _tensor_chunks(rows)
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the high-water mark restarts from here
    base = _status_kib("VmRSS")
    result = TENSOR_RUNS[name](rows, chunks)
    peak = _status_kib("VmHWM")
    assert torch.equal(result, torch.cat(rows))
    print(json.dumps({"peak": (peak - base) * 1024, "final": result.nbytes}))


def _peak(name: str, n: int, width: int) -> float:
    code = f"from bench.bench_merge import peak_child; peak_child({name!r}, {n}, {width})"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=_env()
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures["peak"] / figures["final"]


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(ROOT)}


def bench_tensors(sizes: tuple[int, ...] = (4_000, 16_000), width: int = 4_096, repeats: int = 5) -> list[Figure]:
    figures = []
    for n in sizes:
        rows = _rows(n, width)
        chunks = _tensor_chunks(rows)
        expected = torch.cat(rows)
        for name, run in TENSOR_RUNS.items():
            assert torch.equal(run(rows, chunks), expected), name
        del expected
        gc.collect()
        gc.freeze()  # the chunks are the inputs, as in (a): the collector need not walk them
        try:
            runs = {name: partial(run, rows, chunks) for name, run in TENSOR_RUNS.items()}
            best = _best(runs, {name: repeats for name in TENSOR_RUNS}, prepare=_fresh_memory)
        finally:
            gc.unfreeze()
        cat = best["one torch.cat"]
        print(f"  (c) {n} chunks of (1, {width}) float32 logits ({n * width * 4 / 2**20:.0f} MiB), best of {repeats}")
        peaks = {name: _peak(name, n, width) for name in PEAK_RUNS}
        for name in TENSOR_RUNS:
            line = f"    {name:48} {best[name] * 1e3:8.1f} ms = {best[name] / cat:5.2f}x one torch.cat"
            if name in peaks:
                line += f"   peak memory {peaks[name]:5.2f}x the final tensor"
            print(line)
        extend = best["extend each chunk, then finalize()"] / cat
        ok = extend <= TENSOR_TIME_TARGET
        print(f"    extend then finalize(): {extend:.2f}x one torch.cat, target <= {TENSOR_TIME_TARGET:g}x: "
              f"{'PASS' if ok else 'FAIL'}")
        figures.append(Figure(f"(c) tensors: extend+finalize / torch.cat, N={n}", extend, "x", TENSOR_TIME_TARGET, ok))
        if peaks:
            peak = peaks["extend each chunk, then finalize()"]
            ok = peak <= TENSOR_MEMORY_TARGET
            print(f"    extend then finalize(): peak memory {peak:.2f}x the final tensor, "
                  f"target <= {TENSOR_MEMORY_TARGET:g}x: {'PASS' if ok else 'FAIL'}")
            figures.append(
                Figure(f"(c) tensors: extend+finalize peak memory / final, N={n}", peak, "x", TENSOR_MEMORY_TARGET, ok)
            )
        del rows, chunks
    return figures


def run() -> list[Figure]:
    return bench_text() + bench_arguments() + bench_tensors()


def main() -> int:
    figures = run()
    return 0 if all(f.ok for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
