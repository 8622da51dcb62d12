"""Core costs of the contract, each as a ratio against a baseline measured in the same run.

(a) First import: ``from lmcontract import LMResponse`` (what a user writes; the models are
    loaded then) against ``import pydantic``, each in fresh interpreters. Every sample is one
    ``python -I -c "<statement>"``, timed by the CPU time it used (user + system, from
    ``getrusage``: on a shared machine, other processes' load does not land in it) and by the
    wall clock; the statements are run interleaved, round after round. Interpreter start-up
    (``python -I -c pass``, same run) is subtracted before dividing. The ratio is of the
    fastest runs (load on a shared machine only ever adds time, so the minimum is the best
    estimate of the cost itself); the medians' ratio is printed beside it. Target: at most
    3x, and no linkml, torch, yaml or jsonschema module loaded. Also printed, as
    context: ``import lmcontract`` alone; the first validation after the import (the models'
    validators are built on first use); pydantic with one model of its own.
(b) ``LMResponse.model_validate_json`` of a realistic response (1,000 tokens of text, per-token
    logprobs with 5 alternatives each, a tool call, usage) against the same JSON validated by
    a plain hand-written Pydantic model of the same shape (below: same fields, same bounds,
    same discriminated union of parts, pydantic's default configuration, no validators).
    Best of several batches for each, alternated, timed by this process's CPU time. Target:
    at most 1.2x.
(c) ``model_dump_json`` of that response against the plain model's, tensors left out (the
    plain model excludes its tensor fields; both write the same JSON, checked). Target: at
    most 1.2x.
(d) ``python -m codegen`` (what ``make gen`` runs) in a fresh copy of the repository, with
    every generated file removed first, so all of them are written. Target: under 20 s.

Run: ``python -m bench.bench_core`` (or ``make bench`` for every benchmark). ``main()`` prints
the figures with PASS or FAIL and returns 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from bench.bench_merge import Figure

ROOT = Path(__file__).resolve().parent.parent

IMPORT_TARGET = 3.0
VALIDATE_TARGET = 1.2
DUMP_TARGET = 1.2
CODEGEN_TARGET_S = 20.0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- (a) first import ------------------------------------------------------------------------------
def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sample(statement: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one fresh ``python -I -c statement``."""
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", statement], check=True, env=_env(), stdout=subprocess.DEVNULL)
    return _children_cpu() - cpu, time.perf_counter() - start


_SMALL = '{"outputs": [{"index": 0, "parts": [{"type": "text", "text": "hi"}]}]}'
TARGET_LINE = "from lmcontract import LMResponse"
IMPORTS = {
    "start-up": "pass",
    "import pydantic": "import pydantic",
    TARGET_LINE: TARGET_LINE,
    "import lmcontract": "import lmcontract",
    "first use (import, one validation)": f"{TARGET_LINE}\nLMResponse.model_validate_json({_SMALL!r})",
    "pydantic and one model of its own": "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int",
}
UNWANTED = ("linkml", "linkml_runtime", "torch", "yaml", "jsonschema")


def bench_import(rounds: int = 15) -> list[Figure]:
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in IMPORTS}
    for statement in IMPORTS.values():  # warm the file cache once
        _sample(statement)
    order = list(IMPORTS.items())
    for _ in range(rounds):
        random.shuffle(order)
        for name, statement in order:
            samples[name].append(_sample(statement))

    def stat(name: str, which: int, how) -> float:
        return how(sample[which] for sample in samples[name]) - how(sample[which] for sample in samples["start-up"])

    print(f"(a) first import in fresh interpreters: {rounds} interleaved runs of `python -I -c ...` each;")
    print("    start-up (`python -I -c pass`, same run) subtracted; CPU time, fastest run (and median)")
    cpu0, wall0 = min(s[0] for s in samples["start-up"]), statistics.median(s[1] for s in samples["start-up"])
    print(f"    {'start-up':36} cpu {cpu0 * 1e3:6.1f} ms   median wall {wall0 * 1e3:6.1f} ms")
    base = {how: stat("import pydantic", 0, how) for how in (min, statistics.median)}
    base_wall = stat("import pydantic", 1, statistics.median)
    ratios = {}
    for name in list(IMPORTS)[1:]:
        cpu, cpu_median = stat(name, 0, min), stat(name, 0, statistics.median)
        wall = stat(name, 1, statistics.median)
        ratios[name] = cpu / base[min]
        print(
            f"    {name:36} cpu {cpu * 1e3:6.1f} ms = {ratios[name]:4.2f}x import pydantic"
            f" (median {cpu_median / base[statistics.median]:4.2f}x; median wall {wall / base_wall:4.2f}x)"
        )
    ok = ratios[TARGET_LINE] <= IMPORT_TARGET
    print(f"    `{TARGET_LINE}` / `import pydantic` = {ratios[TARGET_LINE]:.2f}x, target <= {IMPORT_TARGET:g}x: "
          f"{_verdict(ok)}")

    probe = (
        f"import json, sys; {TARGET_LINE}; import lmcontract; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UNWANTED!r})))"
    )
    run = subprocess.run([sys.executable, "-I", "-c", probe], check=True, env=_env(), capture_output=True, text=True)
    loaded = json.loads(run.stdout)
    print(f"    {', '.join(UNWANTED)} modules loaded: {loaded or 'none'}: {_verdict(not loaded)}")
    return [
        Figure(f"(a) `{TARGET_LINE}` / `import pydantic`", ratios[TARGET_LINE], "x", IMPORT_TARGET, ok),
        Figure("(a) linkml/torch/yaml/jsonschema modules loaded", len(loaded), "", 0, not loaded),
    ]


# -- (b) validation ------------------------------------------------------------------------------
# A plain hand-written Pydantic model of the same shape as the contract's classes: every field
# the contract has, the same bounds, the same discriminated union of part kinds, and pydantic's
# defaults (lax, extra ignored, no assignment validation, no validators).
class PlainTokenAlternative(BaseModel):
    token: str | None = None
    token_id: int | None = Field(default=None, ge=0)
    bytes: list[Annotated[int, Field(ge=0, le=255)]] | None = None
    logprob: float = Field(le=0)
    rank: int | None = Field(default=None, ge=0)


class PlainTokenLogprob(BaseModel):
    token: str | None = None
    token_id: int | None = Field(default=None, ge=0)
    bytes: list[Annotated[int, Field(ge=0, le=255)]] | None = None
    logprob: float = Field(le=0)
    rank: int | None = Field(default=None, ge=1)
    top: list[PlainTokenAlternative] | None = None


class PlainCitation(BaseModel):
    url: str | None = None
    title: str | None = None
    cited_text: str | None = None
    document_index: int | None = Field(default=None, ge=0)
    start_index: int | None = Field(default=None, ge=0)
    end_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None


class PlainTextPart(BaseModel):
    type: Literal["text"] = "text"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    text: str
    citations: list[PlainCitation] | None = None
    signature: str | None = None


class PlainThinkingPart(BaseModel):
    type: Literal["thinking"] = "thinking"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    text: str | None = None
    signature: str | None = None
    redacted: bool | None = None
    encrypted_content: str | None = None


class PlainToolCallPart(BaseModel):
    type: Literal["tool_call"] = "tool_call"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    id: str | None = None
    name: str
    arguments: dict[str, Any] | None = None
    arguments_raw: str | None = None
    signature: str | None = None
    server_side: bool | None = None


class PlainToolResult(BaseModel):
    tool_call_id: str
    name: str | None = None
    content: Any | None = None
    is_error: bool | None = None


class PlainToolResultPart(BaseModel):
    type: Literal["tool_result"] = "tool_result"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    result: PlainToolResult


class _PlainMedia(BaseModel):
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    media_type: str | None = None
    data: str | None = None
    url: str | None = None
    file_id: str | None = None


class PlainImagePart(_PlainMedia):
    type: Literal["image"] = "image"


class PlainAudioPart(_PlainMedia):
    type: Literal["audio"] = "audio"
    transcript: str | None = None


class PlainVideoPart(_PlainMedia):
    type: Literal["video"] = "video"


class PlainDocumentPart(_PlainMedia):
    type: Literal["document"] = "document"
    title: str | None = None


class PlainBinaryPart(_PlainMedia):
    type: Literal["binary"] = "binary"


class PlainCitationPart(BaseModel):
    type: Literal["citation"] = "citation"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    citation: PlainCitation


class PlainRefusalPart(BaseModel):
    type: Literal["refusal"] = "refusal"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    text: str


PlainPart = Annotated[
    PlainTextPart
    | PlainThinkingPart
    | PlainToolCallPart
    | PlainToolResultPart
    | PlainImagePart
    | PlainAudioPart
    | PlainVideoPart
    | PlainDocumentPart
    | PlainBinaryPart
    | PlainCitationPart
    | PlainRefusalPart,
    Field(discriminator="type"),
]


class PlainUsage(BaseModel):
    input_tokens: int | None = Field(default=None, ge=0)
    output_tokens: int | None = Field(default=None, ge=0)
    total_tokens: int | None = Field(default=None, ge=0)
    reasoning_tokens: int | None = Field(default=None, ge=0)
    cache_read_tokens: int | None = Field(default=None, ge=0)
    cache_write_tokens: int | None = Field(default=None, ge=0)
    input_audio_tokens: int | None = Field(default=None, ge=0)
    output_audio_tokens: int | None = Field(default=None, ge=0)
    provider_details: Any | None = None


class PlainError(BaseModel):
    message: str
    code: str | None = None
    provider_data: Any | None = None


FinishReasonLiteral = Literal["stop", "length", "tool_call", "content_filter", "error", "aborted", "paused", "other"]


class PlainOutput(BaseModel):
    index: int = Field(ge=0)
    parts: list[PlainPart] | None = None
    finish_reason: FinishReasonLiteral | None = None
    provider_finish_reason: str | None = None
    stop_sequence: str | None = None
    stop_token_id: int | None = Field(default=None, ge=0)
    truncated: bool | None = False
    token_ids: list[Annotated[int, Field(ge=0)]] | None = None
    logprobs: list[PlainTokenLogprob] | None = None
    refusal_logprobs: list[PlainTokenLogprob] | None = None
    cumulative_logprob: float | None = None
    usage: PlainUsage | None = None
    # Tensors are left out of JSON, as the contract's are.
    logits: Any | None = Field(default=None, exclude=True)
    scores: Any | None = Field(default=None, exclude=True)
    last_hidden_state: Any | None = Field(default=None, exclude=True)
    error: PlainError | None = None
    provider_data: Any | None = None
    metadata: Any | None = None


class PlainResponse(BaseModel):
    id: str | None = None
    model: str | None = None
    created: datetime | None = None
    chunk_mode: Literal["delta", "cumulative"] | None = None
    outputs: list[PlainOutput] | None = None
    usage: PlainUsage | None = None
    cost: float | None = Field(default=None, ge=0)
    cache_hit: bool | None = None
    provider: str | None = None
    error: PlainError | None = None
    prompt_token_ids: list[Annotated[int, Field(ge=0)]] | None = None
    prompt_logprobs: list[PlainTokenLogprob | None] | None = None
    provider_data: Any | None = None
    metadata: Any | None = None




def realistic_response(tokens: int = 1000, alternatives: int = 5, seed: int = 7) -> str:
    """A response JSON with ``tokens`` tokens of text, per-token logprobs with ``alternatives``
    alternatives each, a tool call and usage: what a logprobs-enabled chat call returns."""
    rng = random.Random(seed)
    words = ["the", "model", "returns", "tokens", "with", "their", "log", "probabilities", "and", "a", "tool"]
    token_ids, logprobs, pieces = [], [], []
    for _ in range(tokens):
        word = " " + rng.choice(words)
        tid = rng.randrange(100, 128000)
        chosen = -rng.random() * 2
        top = [
            {
                "token": " " + rng.choice(words),
                "token_id": rng.randrange(100, 128000),
                "logprob": round(chosen - rank * rng.random(), 6),
                "rank": rank + 1,
            }
            for rank in range(alternatives)
        ]
        entry = {"token": word, "token_id": tid, "logprob": round(chosen, 6), "top": top}
        if rng.random() < 0.05:
            entry["bytes"] = list(word.encode())
        token_ids.append(tid)
        logprobs.append(entry)
        pieces.append(word)
    doc = {
        "id": "chatcmpl-bench-0001",
        "model": "gpt-4o-2024-08-06",
        "created": "2025-01-14T10:00:00Z",
        "provider": "openai",
        "outputs": [
            {
                "index": 0,
                "finish_reason": "tool_call",
                "provider_finish_reason": "tool_calls",
                "parts": [
                    {"type": "text", "text": "".join(pieces)},
                    {
                        "type": "tool_call",
                        "id": "call_bench",
                        "name": "search",
                        "arguments": {"query": "token log probabilities", "top_k": 5, "filters": {"lang": "en"}},
                    },
                ],
                "token_ids": token_ids,
                "logprobs": logprobs,
            }
        ],
        "usage": {"input_tokens": 412, "output_tokens": tokens, "total_tokens": 412 + tokens, "cache_read_tokens": 0},
    }
    return json.dumps(doc)


def _alternated(ours, plain, batches: int, number: int) -> tuple[float, float, list, list]:
    for _ in range(3):
        ours(), plain()
    t_ours, t_plain = [], []
    for _ in range(batches):
        t_ours.append(_best_batch(ours, number))
        t_plain.append(_best_batch(plain, number))
    return min(t_ours), min(t_plain), t_ours, t_plain


def _best_batch(fn, number: int) -> float:
    # CPU time of this process: both sides are single-threaded, and on a shared machine other
    # processes' load then stays out of the figure.
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def _report(label: str, target: float, best_ours, best_plain, t_ours, t_plain) -> Figure:
    ratio = best_ours / best_plain
    ok = ratio <= target
    for name, best, times in (("LMResponse", best_ours, t_ours), ("plain pydantic, same shape", best_plain, t_plain)):
        print(f"    {name:27} {best * 1e3:7.2f} ms  (median {statistics.median(times) * 1e3:.2f} ms)")
    print(f"    ratio {ratio:.2f}x, target <= {target:g}x: {_verdict(ok)}")
    return Figure(f"{label} / plain pydantic", ratio, "x", target, ok)


def bench_validate(batches: int = 15, number: int = 20) -> list[Figure]:
    from lmcontract import LMResponse

    payload = realistic_response()
    # Same data, same answer: both accept it, and agree on its content.
    a, b = LMResponse.model_validate_json(payload), PlainResponse.model_validate_json(payload)
    assert len(a.outputs[0].logprobs) == len(b.outputs[0].logprobs) == 1000
    assert len(a.outputs[0].logprobs[0].top) == 5
    times = _alternated(
        lambda: LMResponse.model_validate_json(payload), lambda: PlainResponse.model_validate_json(payload),
        batches, number,
    )
    print(
        f"(b) model_validate_json of a {len(payload) / 1024:.0f} KiB response "
        f"(1000 tokens, 5 alternatives each, a tool call, usage); best of {batches} batches of {number}"
    )
    return [_report("(b) model_validate_json", VALIDATE_TARGET, *times)]


def bench_dump(batches: int = 15, number: int = 20) -> list[Figure]:
    from lmcontract import LMResponse

    payload = realistic_response()
    a, b = LMResponse.model_validate_json(payload), PlainResponse.model_validate_json(payload)
    assert a.model_dump_json() == b.model_dump_json()  # the same JSON, tensors left out of both
    times = _alternated(a.model_dump_json, b.model_dump_json, batches, number)
    print(f"(c) model_dump_json of the same response (tensors left out); best of {batches} batches of {number}")
    return [_report("(c) model_dump_json", DUMP_TARGET, *times)]


# -- (d) regeneration ------------------------------------------------------------------------------
def bench_codegen(runs: int = 2) -> list[Figure]:
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", "site", "build", "dist",
        "node_modules",
    )
    times = []
    with tempfile.TemporaryDirectory(prefix="lmcontract-bench-") as tmp:
        for i in range(runs):
            copy = Path(tmp) / f"repo{i}"
            shutil.copytree(ROOT, copy, ignore=ignore)
            if (ROOT / "node_modules").is_dir():  # the pinned JS tools, for the TypeScript types
                (copy / "node_modules").symlink_to(ROOT / "node_modules")
            for folder in ("src/lmcontract/generated", "generated"):
                shutil.rmtree(copy / folder, ignore_errors=True)
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-m", "codegen"], cwd=copy, env=_env(), capture_output=True, text=True
            )
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                print(f"(d) python -m codegen failed:\n{result.stderr}")
                return [Figure("(d) python -m codegen, slowest run", float("inf"), "s", CODEGEN_TARGET_S, False)]
    worst = max(times)
    ok = worst < CODEGEN_TARGET_S
    listed = ", ".join(f"{t:.1f} s" for t in times)
    print(f"(d) full `python -m codegen` (make gen) into a fresh copy, {runs} runs: {listed}")
    print(f"    slowest {worst:.1f} s, target < {CODEGEN_TARGET_S:g} s: {_verdict(ok)}")
    return [Figure("(d) python -m codegen, slowest run", worst, "s", CODEGEN_TARGET_S, ok)]


def run() -> list[Figure]:
    return bench_import() + bench_validate() + bench_dump() + bench_codegen()


def main() -> int:
    return 0 if all(f.ok for f in run()) else 1


if __name__ == "__main__":
    sys.exit(main())
