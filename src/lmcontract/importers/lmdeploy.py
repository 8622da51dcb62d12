"""LMDeploy: the pipeline's ``Response`` (object or dict) to ``LMResponse``.

One pipeline call is one response. Each ``Response`` is one output, paired by its ``index``
(the position of its prompt in the batch), with its own usage: ``input_token_len`` ->
``usage.input_tokens``, ``generate_token_len`` -> ``usage.output_tokens``. ``text`` -> a text
part; ``token_ids``; ``logprobs`` (one ``{token_id: logprob}`` per position) -> logprobs whose
``top`` holds every entry, ranked by logprob; ``logits`` and ``last_hidden_state`` tensors as
given; ``finish_reason`` (``stop``, ``length``, ``error``, ``abort``) unified, raw kept; an
``error`` text -> the output's error. Fields with no slot (``session_id``, ``routed_experts``,
...) go to the output's ``provider_data``.

Streams (``pipeline.stream_infer``): each ``Response`` holds the new text, token ids, logprobs
and tensor rows, while ``generate_token_len`` is a running total. Chunks are deltas, so text,
ids and tensor rows are appended and the usage (replaced, never summed) ends at the total.
LMDeploy's own ``Response.extend`` keeps the first chunk's ``logits`` and drops the rest;
merging these chunks keeps every row.

LMDeploy does not run on this project's CPU-only machines (it needs another torch build): the
tests build ``Response``-shaped objects from the fields above, not from a running engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.importers._engines import get, has, leftovers, position_logprob
from lmcontract.importers.streaming import BaseStreamImporter

PROVIDER = "lmdeploy"
_FIELDS = frozenset(
    {
        "text",
        "generate_token_len",
        "input_token_len",
        "finish_reason",
        "token_ids",
        "logprobs",
        "logits",
        "last_hidden_state",
        "index",
        "error",
    }
)


def _output(item: Any, where: str, complete: bool) -> dict[str, Any]:
    from lmcontract.lib.finish_reasons import unify_finish_reason

    index = get(item, "index", 0)
    if isinstance(index, bool) or not isinstance(index, int):
        raise ValueError(f"{where}.index: expected an integer, got {index!r}")
    out: dict[str, Any] = {"index": index}
    for name in ("text", "generate_token_len", "input_token_len"):
        if not has(item, name):
            raise ValueError(f"{where}.{name}: missing; every LMDeploy Response has it")
    text = get(item, "text")
    if text or (complete and text is not None):
        out["parts"] = [{"type": "text", "text": text}]
    token_ids = get(item, "token_ids")
    if token_ids:
        out["token_ids"] = [int(t) for t in token_ids]
    positions = get(item, "logprobs")
    if positions:
        ids = out.get("token_ids", [])
        if len(positions) != len(ids):
            raise ValueError(f"{where}.logprobs: {len(positions)} positions but {len(ids)} token ids")
        out["logprobs"] = [
            position_logprob(tid, entries, f"{where}.logprobs[{pos}]")
            for pos, (tid, entries) in enumerate(zip(ids, positions, strict=True))
        ]
    usage = {}
    if get(item, "input_token_len") is not None:
        usage["input_tokens"] = int(get(item, "input_token_len"))
    if get(item, "generate_token_len") is not None:
        usage["output_tokens"] = int(get(item, "generate_token_len"))
    if usage:
        out["usage"] = usage
    for name in ("logits", "last_hidden_state"):
        if get(item, name) is not None:
            out[name] = get(item, name)
    raw = get(item, "finish_reason")
    if raw is not None:
        finish, provider_raw, truncated = unify_finish_reason(PROVIDER, raw)
        out.update(finish_reason=finish, provider_finish_reason=provider_raw, truncated=truncated)
    error = get(item, "error")
    if error is not None:
        out["error"] = error if isinstance(error, dict) else {"message": str(error)}
    extra = leftovers(item, _FIELDS)
    if extra:
        out["provider_data"] = extra
    return out


def _items(payload: Any) -> list:
    return list(payload) if isinstance(payload, (list, tuple)) else [payload]


def from_payload(payload: Any, *, model: str | None = None):
    """One ``Response`` or a batch of them (a list, as ``pipeline(prompts)`` returns) as one
    complete ``LMResponse``: one output per ``Response``, by its ``index``."""
    from lmcontract import LMResponse

    outputs = [_output(item, f"outputs[{i}]", complete=True) for i, item in enumerate(_items(payload))]
    for out in outputs:
        if "parts" not in out and "token_ids" not in out:
            out["parts"] = [{"type": "text", "text": ""}]
    return LMResponse.model_validate({"provider": PROVIDER, "model": model, "outputs": outputs})


class StreamImporter(BaseStreamImporter):
    """``Response`` s as ``pipeline.stream_infer`` yields them (batches interleave by ``index``)."""

    def __init__(self, *, model: str | None = None) -> None:
        self.model = model
        self._first = True

    def feed(self, event: Any) -> list:
        from lmcontract import LMResponse

        outputs = [_output(item, f"outputs[{i}]", complete=False) for i, item in enumerate(_items(event))]
        chunk: dict[str, Any] = {"chunk_mode": "delta", "outputs": outputs}
        if self._first:
            chunk.update(provider=PROVIDER, model=self.model)
            self._first = False
        return [LMResponse.model_validate(chunk)]


def import_stream(events: Iterable[Any], *, model: str | None = None):
    """Import and merge a whole ``stream_infer`` stream."""
    from lmcontract import LMResponse

    return LMResponse.from_chunks(StreamImporter(model=model).chunks(events))


__all__ = ["StreamImporter", "from_payload", "import_stream"]
