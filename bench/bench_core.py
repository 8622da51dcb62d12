"""Core costs of the contract, each as a ratio against a baseline measured in the same run.

(a) ``import lmcontract`` against ``import pydantic``, each in fresh interpreters. Every sample
    is the wall time of ``python -I -c "<statement>"``; the three statements (``pass``, ``import
    pydantic``, ``import lmcontract``) are run interleaved, round after round, so that machine
    noise hits all of them alike. Interpreter start-up is the same three-statement run's
    ``python -I -c pass``: its median (resp. minimum) is subtracted from the median (resp.
    minimum) of the two others before dividing. Target: at most 3x, and no linkml or torch
    module loaded by ``import lmcontract``.
(b) ``LMResponse.model_validate_json`` of a realistic response (1,000 tokens of text, per-token
    logprobs with 5 alternatives each, a tool call, usage) against the same JSON validated by
    a plain hand-written Pydantic model of the same shape (below: same fields, same bounds,
    same discriminated union of parts, pydantic's default configuration, no validators).
    Best of several timed batches for each, alternated. Target: at most 1.2x.
(c) ``python -m codegen`` (what ``make gen`` runs) in a fresh copy of the repository, with
    every generated file removed first, so all of them are written. Target: under 20 s.

Run: ``python -m bench.bench_core`` (or ``make bench`` for every benchmark). ``main()`` prints
the figures with PASS or FAIL and returns 1 if a target is missed.
"""

from __future__ import annotations

import json
import os
import random
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

ROOT = Path(__file__).resolve().parent.parent

IMPORT_TARGET = 3.0
VALIDATE_TARGET = 1.2
CODEGEN_TARGET_S = 20.0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- (a) import time ------------------------------------------------------------------------------
def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _wall(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-I", "-c", statement], check=True, env=_env(), stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


# What is timed. The last two are context, not targets: `import pydantic` is lazy (BaseModel is
# not imported until used), and the first model class any package defines pulls in the rest of
# pydantic (about 66 more modules, importlib.metadata for plugins among them).
IMPORTS = {
    "start-up": "pass",
    "pydantic": "import pydantic",
    "lmcontract": "import lmcontract",
    "all models": "from lmcontract import LMResponse",
    "BaseModel": "from pydantic import BaseModel",
    "one model": "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int",
}
UNWANTED = ("linkml", "linkml_runtime", "torch")


def bench_import(rounds: int = 30) -> bool:
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    for statement in IMPORTS.values():  # warm the file cache once
        _wall(statement)
    order = list(IMPORTS.items())
    for _ in range(rounds):
        random.shuffle(order)
        for name, statement in order:
            samples[name].append(_wall(statement))

    print(f"(a) import in fresh interpreters: {rounds} interleaved runs of `python -I -c ...` each;")
    print("    start-up (`python -I -c pass`, same run) subtracted from the median (and from the min)")
    base_med, base_min = statistics.median(samples["start-up"]), min(samples["start-up"])
    pyd_med = statistics.median(samples["pydantic"]) - base_med
    pyd_min = min(samples["pydantic"]) - base_min
    ratios = {}
    for name in IMPORTS:
        med, low = statistics.median(samples[name]), min(samples[name])
        line = f"    {name:11} median {med * 1e3:6.1f} ms   min {low * 1e3:6.1f} ms"
        if name != "start-up":
            ratios[name] = (med - base_med) / pyd_med
            line += f"   minus start-up {(med - base_med) * 1e3:6.1f} ms = {ratios[name]:.2f}x import pydantic"
            line += f" (by min {(low - base_min) / pyd_min:.2f}x)"
        print(line)
    ok_ratio = ratios["lmcontract"] <= IMPORT_TARGET
    print(f"    import lmcontract / import pydantic = {ratios['lmcontract']:.2f}x, target <= {IMPORT_TARGET:g}x: "
          f"{_verdict(ok_ratio)}")
    # `import lmcontract` is lazy (PEP 562), as `import pydantic` is; the models are built on first
    # use. What that first use costs is printed too, against what any pydantic user pays first.
    print(
        f"    context: `from lmcontract import LMResponse` (all 26 models built) = {ratios['all models']:.2f}x "
        f"import pydantic; {ratios['all models'] / ratios['one model']:.2f}x pydantic + one one-field model; "
        f"{ratios['all models'] / ratios['BaseModel']:.2f}x `from pydantic import BaseModel`"
    )

    probe = (
        "import json, sys; from lmcontract import *; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {UNWANTED!r})))"
    )
    run = subprocess.run([sys.executable, "-I", "-c", probe], check=True, env=_env(), capture_output=True, text=True)
    loaded = json.loads(run.stdout)
    ok_modules = not loaded
    print(f"    linkml/torch modules loaded by `from lmcontract import *`: {loaded or 'none'}: {_verdict(ok_modules)}")
    return ok_ratio and ok_modules


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


class PlainThinkingPart(BaseModel):
    type: Literal["thinking"] = "thinking"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    text: str | None = None
    signature: str | None = None
    redacted: bool | None = None


class PlainToolCallPart(BaseModel):
    type: Literal["tool_call"] = "tool_call"
    part_index: int | None = Field(default=None, ge=0)
    provider_data: Any | None = None
    id: str | None = None
    name: str
    arguments: dict[str, Any] | None = None
    arguments_raw: str | None = None


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
    truncated: bool | None = False
    token_ids: list[Annotated[int, Field(ge=0)]] | None = None
    logprobs: list[PlainTokenLogprob] | None = None
    usage: PlainUsage | None = None
    logits: Any | None = None
    last_hidden_state: Any | None = None
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


def _best_batch(fn, payload: str, number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn(payload)
    return (time.perf_counter() - start) / number


def bench_validate(batches: int = 15, number: int = 20) -> bool:
    from lmcontract import LMResponse

    payload = realistic_response()
    ours, plain = LMResponse.model_validate_json, PlainResponse.model_validate_json
    # Same data, same answer: both accept it, and agree on its content.
    a, b = ours(payload), plain(payload)
    assert len(a.outputs[0].logprobs) == len(b.outputs[0].logprobs) == 1000
    assert len(a.outputs[0].logprobs[0].top) == 5
    for _ in range(3):
        ours(payload), plain(payload)
    t_ours, t_plain = [], []
    for _ in range(batches):
        t_ours.append(_best_batch(ours, payload, number))
        t_plain.append(_best_batch(plain, payload, number))
    best_ours, best_plain = min(t_ours), min(t_plain)
    ratio = best_ours / best_plain
    ok = ratio <= VALIDATE_TARGET
    print(
        f"(b) model_validate_json of a {len(payload) / 1024:.0f} KiB response "
        f"(1000 tokens, 5 alternatives each, a tool call, usage); best of {batches} batches of {number}"
    )
    for label, best, times in (("LMResponse", best_ours, t_ours), ("plain pydantic, same shape", best_plain, t_plain)):
        print(f"    {label:27} {best * 1e3:7.2f} ms  (median {statistics.median(times) * 1e3:.2f} ms)")
    print(f"    ratio {ratio:.2f}x, target <= {VALIDATE_TARGET:g}x: {_verdict(ok)}")
    return ok


# -- (c) regeneration ------------------------------------------------------------------------------
def bench_codegen(runs: int = 3) -> bool:
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
                print(f"(c) python -m codegen failed:\n{result.stderr}")
                return False
    worst = max(times)
    ok = worst < CODEGEN_TARGET_S
    listed = ", ".join(f"{t:.1f} s" for t in times)
    print(f"(c) full `python -m codegen` (make gen) into a fresh copy, {runs} runs: {listed}")
    print(f"    slowest {worst:.1f} s, target < {CODEGEN_TARGET_S:g} s: {_verdict(ok)}")
    return ok


def main() -> int:
    results = [bench_import(), bench_validate(), bench_codegen()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
