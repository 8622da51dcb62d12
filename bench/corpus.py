"""Realistic synthetic responses, deterministic for a seed: what a production log of chat calls holds.

Several providers and models, each with its own mix of finish reasons; most outputs are one text
part of 20 to 200 words, some start with a thinking part, tool calls carry JSON arguments, a few
responses have two candidates, an error or citations; usage on every response. Used by
``bench/bench_arrow.py`` and by the docs page on datasets (its plot is a query over this corpus).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

from lmcontract import LMResponse

# model -> (provider, weights of stop, length, tool_call, content_filter, error)
MODELS = {
    "gpt-4o-2024-08-06": ("openai", (66, 8, 22, 3, 1)),
    "claude-sonnet-4-20250514": ("anthropic", (58, 6, 33, 2, 1)),
    "gemini-2.5-pro": ("gemini", (72, 12, 10, 5, 1)),
    "llama-3.1-70b-instruct": ("vllm", (70, 25, 3, 0, 2)),
}
REASONS = ("stop", "length", "tool_call", "content_filter", "error")
PROVIDER_REASON = {
    ("anthropic", "stop"): "end_turn",
    ("anthropic", "length"): "max_tokens",
    ("anthropic", "tool_call"): "tool_use",
    ("anthropic", "content_filter"): "refusal",
    ("gemini", "stop"): "STOP",
    ("gemini", "tool_call"): "STOP",
    ("gemini", "length"): "MAX_TOKENS",
    ("gemini", "content_filter"): "SAFETY",
    ("openai", "tool_call"): "tool_calls",
}
WORDS = (
    "the model answer returns a short list of steps to follow first check whether the value is set "
    "then call the function with the city name and read the forecast for the next three days it "
    "may rain in the afternoon so take an umbrella and note that prices vary by region"
).split()
TOOLS = ("get_weather", "search_docs", "run_sql", "lookup_order")
START = datetime(2025, 6, 1, tzinfo=timezone.utc)


def _text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))


def _output(rng: random.Random, index: int, provider: str, weights: tuple[int, ...], i: int) -> dict:
    reason = rng.choices(REASONS, weights=weights)[0]
    parts: list[dict] = []
    if provider == "anthropic" and rng.random() < 0.3:
        parts.append({"type": "thinking", "text": _text(rng, 30, 120), "signature": f"sig-{i:08x}"})
    text: dict = {"type": "text", "text": _text(rng, 20, 200)}
    if rng.random() < 0.05:
        text["citations"] = [{"url": f"https://example.org/doc/{i % 97}", "start_index": 0, "end_index": 12}]
    parts.append(text)
    if reason == "tool_call":
        for k in range(rng.choice((1, 1, 1, 2))):
            arguments = {"query": _text(rng, 2, 6), "limit": rng.randint(1, 20)}
            parts.append(
                {"type": "tool_call", "id": f"call_{i}_{k}", "name": rng.choice(TOOLS), "arguments": arguments}
            )
    output: dict = {
        "index": index,
        "finish_reason": reason,
        "provider_finish_reason": PROVIDER_REASON.get((provider, reason), reason),
        "parts": parts,
    }
    if reason in ("length",):
        output["truncated"] = True
    if reason == "error":
        output["error"] = {"message": "upstream timeout", "code": "timeout"}
    return output


def responses(n: int, seed: int = 0) -> Iterator[LMResponse]:
    """``n`` responses; the same ``n`` and ``seed`` give the same responses."""
    rng = random.Random(seed)
    names = list(MODELS)
    for i in range(n):
        model = rng.choices(names, weights=(40, 30, 20, 10))[0]
        provider, weights = MODELS[model]
        count = 2 if rng.random() < 0.03 else 1
        input_tokens = rng.randint(20, 4000)
        output_tokens = rng.randint(5, 900)
        record = {
            "id": f"resp_{seed}_{i:08d}",
            "model": model,
            "provider": provider,
            "created": START + timedelta(seconds=i * 7 + rng.randint(0, 6)),
            "outputs": [_output(rng, k, provider, weights, i) for k in range(count)],
            "usage": {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
                "cache_read_tokens": rng.choice((0, 0, 0, input_tokens // 2)),
            },
            "cost": round((input_tokens * 2.5 + output_tokens * 10) / 1e6, 6),
        }
        yield LMResponse.model_validate(record)
