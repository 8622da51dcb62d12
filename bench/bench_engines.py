"""Cost of the transformers integration on a real tiny model, as ratios measured in one run.

The model is the tests' tiny random GPT-2 (2 layers, 64 wide, 320-token vocabulary, CPU), so
the model itself is as cheap as a model gets: every ratio here is an upper bound of what the
same code costs beside a real model, where a step takes far longer.

(a) ``GenerateStreamer``'s overhead on ``generate``: greedy, 64 new tokens (no early EOS),
    ``generate`` alone against ``generate`` with the streamer, once without tensors (token,
    logprobs and text per step) and once with logits, scores and hidden states per step.
    Target: at most 1.5x either way.
(b) ``from_generate`` against ``torch.stack`` of the same tensors: from one ``generate`` output
    (n=4 sampled rows of 64 tokens, every output flag on), ``from_generate`` (which stacks the
    logits, scores and hidden-state rows of each output and computes logprobs with 5
    alternatives per token) against stacking those same rows alone. Reported, with
    ``top_logprobs=0`` beside it; no target (the logprob read-out is per token Python work).

Best of several interleaved repeats, as in ``bench_merge``, on one torch thread (see ``main``).
Run: ``python -m bench.bench_engines``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from bench.bench_merge import _best_interleaved, _verdict

STREAMER_PLAIN_TARGET = 1.5
STREAMER_TENSORS_TARGET = 1.5
NEW_TOKENS = 64


def _tiny():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from tiny_model import tiny_model, tiny_tokenizer

    tokenizer = tiny_tokenizer()
    return tokenizer, tiny_model(tokenizer)


def bench_streamer(tokenizer, model, repeats: int = 7) -> bool:
    import torch

    from lmcontract import LMResponse
    from lmcontract.importers import hf

    prompt = tokenizer("The quick brown", return_tensors="pt")
    options = {"max_new_tokens": NEW_TOKENS, "min_new_tokens": NEW_TOKENS, "do_sample": False}

    def alone() -> None:
        with torch.no_grad():
            model.generate(**prompt, **options)

    def streamed(tensors: bool) -> Callable[[], None]:
        def run() -> None:
            flags = {"logits": tensors, "scores": tensors, "hidden_states": tensors}
            with hf.GenerateStreamer(model, tokenizer, **flags) as streamer:
                model.generate(**prompt, streamer=streamer, **options)
                chunks = list(streamer)
            assert len(chunks) == NEW_TOKENS + 2

        return run

    runs = {"alone": alone, "plain": streamed(False), "tensors": streamed(True)}
    with hf.GenerateStreamer(model, tokenizer) as streamer:  # warm up and check the stream
        model.generate(**prompt, streamer=streamer, **options)
        merged = LMResponse.from_chunks(list(streamer))
    assert len(merged.outputs[0].token_ids) == NEW_TOKENS and merged.outputs[0].logits.shape[0] == NEW_TOKENS
    best = _best_interleaved(runs, repeats)
    for name in runs:
        print(f"  (a) generate, {NEW_TOKENS} tokens, {name:>7}: {best[name] * 1e3:7.1f} ms")
    plain, tensors = best["plain"] / best["alone"], best["tensors"] / best["alone"]
    ok_plain, ok_tensors = plain <= STREAMER_PLAIN_TARGET, tensors <= STREAMER_TENSORS_TARGET
    print(f"  (a) streamer without tensors / generate alone: {plain:.2f}x", end="")
    print(f" (target <= {STREAMER_PLAIN_TARGET}x) {_verdict(ok_plain)}")
    print(f"  (a) streamer with logits, scores, hidden states / generate alone: {tensors:.2f}x", end="")
    print(f" (target <= {STREAMER_TENSORS_TARGET}x) {_verdict(ok_tensors)}")
    return ok_plain and ok_tensors


def bench_from_generate(tokenizer, model, repeats: int = 7) -> bool:
    import torch

    from lmcontract.importers import hf

    prompt = tokenizer("The quick brown", return_tensors="pt")
    torch.manual_seed(0)
    output = model.generate(
        **prompt,
        max_new_tokens=NEW_TOKENS,
        min_new_tokens=NEW_TOKENS,
        do_sample=True,
        num_return_sequences=4,
        return_dict_in_generate=True,
        output_scores=True,
        output_logits=True,
        output_hidden_states=True,
    )
    length = prompt["input_ids"].shape[1]
    rows = output.sequences.shape[0]

    def stack_only() -> None:
        for r in range(rows):
            torch.stack([output.logits[t][r] for t in range(NEW_TOKENS)])
            torch.stack([output.scores[t][r] for t in range(NEW_TOKENS)])
            torch.stack([output.hidden_states[t][-1][r, -1] for t in range(NEW_TOKENS)])

    runs = {
        "torch.stack": stack_only,
        "from_generate": lambda: hf.from_generate(output, length, tokenizer),
        "top_logprobs=0": lambda: hf.from_generate(output, length, tokenizer, top_logprobs=0),
    }
    best = _best_interleaved(runs, repeats)
    for name in runs:
        print(f"  (b) {rows} rows x {NEW_TOKENS} tokens, {name:>14}: {best[name] * 1e3:7.2f} ms")
    base = best["torch.stack"]
    print(f"  (b) from_generate / torch.stack of the same tensors: {best['from_generate'] / base:.1f}x (reported)")
    print(f"  (b) from_generate(top_logprobs=0) / torch.stack: {best['top_logprobs=0'] / base:.1f}x (reported)")
    return True


def main() -> int:
    try:
        tokenizer, model = _tiny()
    except ImportError as exc:  # transformers is a dev dependency
        print(f"  skipped: {exc}")
        return 0
    import torch

    # One intra-op thread: on a small shared machine, torch's OpenMP pool spends milliseconds
    # spin-waiting on busy cores per call (a (64, 320) log_softmax: 24 ms on two contended
    # threads, 0.015 ms on one), which would measure the neighbours, not this code.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run(tokenizer, model)
    finally:
        torch.set_num_threads(threads)


def _run(tokenizer, model) -> int:
    ok = bench_streamer(tokenizer, model)
    ok = bench_from_generate(tokenizer, model) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
