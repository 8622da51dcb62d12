"""vLLM: ``RequestOutput`` / ``CompletionOutput`` (objects or their dicts) to ``LMResponse``.

One ``RequestOutput`` is one prompt: it becomes one response, its ``CompletionOutput`` s the
outputs, each by its own ``index`` (with n=3 and a filter, 0 and 2 are possible). Several
prompts in one ``LLM.generate`` call give a list of ``RequestOutput`` s: ``from_payloads``
makes one response each.

Fields, as vLLM documents them:

- ``RequestOutput``: ``request_id`` -> ``id``; ``prompt_token_ids``; ``prompt_logprobs`` (a
  list with ``None`` first, then one ``{token_id: Logprob}`` per prompt token) ->
  ``prompt_logprobs`` from the second token on; ``num_cached_tokens`` -> ``usage.cache_read_tokens``;
  ``finished``; everything else (``prompt``, ``metrics``, ``lora_request``, ``encoder_prompt``,
  ``kv_transfer_params``, ...) -> ``provider_data``.
- ``CompletionOutput``: ``index``, ``text`` -> a text part, ``token_ids``, ``cumulative_logprob``,
  ``logprobs`` (one ``{token_id: Logprob(logprob, rank, decoded_token)}`` per position, the
  sampled token always in it, with its own rank when it was not the best), ``finish_reason``
  (``stop``, ``length``, ``abort``), ``stop_reason`` (the stop string -> ``stop_sequence``, or
  the stop token id -> ``stop_token_id``).

Streams: ``SamplingParams.output_kind`` decides what each ``RequestOutput`` of a stream holds,
and the object does not say which, so the caller does: ``CUMULATIVE`` (vLLM's default: every
output repeats everything so far; chunks are ``cumulative``), ``DELTA`` (only what is new;
chunks are ``delta``) or ``FINAL_ONLY`` (one complete output at the end).

vLLM does not run on this project's CPU-only machines: the tests build these objects from the
fields above (small dataclasses with vLLM's names), not from a running engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.importers._engines import get, has, leftovers, position_logprob
from lmcontract.importers.streaming import BaseStreamImporter

CUMULATIVE = "cumulative"
DELTA = "delta"
FINAL_ONLY = "final_only"
OUTPUT_KINDS = (CUMULATIVE, DELTA, FINAL_ONLY)
PROVIDER = "vllm"

_REQUEST_FIELDS = frozenset(
    {"request_id", "prompt_token_ids", "prompt_logprobs", "outputs", "finished", "num_cached_tokens"}
)
_OUTPUT_FIELDS = frozenset(
    {"index", "text", "token_ids", "cumulative_logprob", "logprobs", "finish_reason", "stop_reason"}
)


def _kind(output_kind: Any) -> str:
    # vLLM's RequestOutputKind is an IntEnum (CUMULATIVE=0, DELTA=1, FINAL_ONLY=2); its name or value works.
    name = getattr(output_kind, "name", output_kind)
    if isinstance(name, int) and not isinstance(name, bool) and 0 <= name < len(OUTPUT_KINDS):
        name = OUTPUT_KINDS[name]
    if isinstance(name, str) and name.lower() in OUTPUT_KINDS:
        return name.lower()
    raise ValueError(f"output_kind: expected one of {', '.join(OUTPUT_KINDS)}, got {output_kind!r}")


def _rank(entry: Any) -> Any:
    return get(entry, "rank")


def _decoded(entry: Any) -> Any:
    return get(entry, "decoded_token")


def _logprobs(token_ids: list[int], positions: Any, where: str) -> list[dict[str, Any]]:
    if len(positions) != len(token_ids):
        raise ValueError(f"{where}: {len(positions)} positions but {len(token_ids)} token ids")
    return [
        position_logprob(tid, entries, f"{where}[{pos}]", rank_of=_rank, token_of=_decoded)
        for pos, (tid, entries) in enumerate(zip(token_ids, positions, strict=True))
    ]


def _output(completion: Any, where: str) -> dict[str, Any]:
    from lmcontract.lib.finish_reasons import unify_finish_reason

    index = get(completion, "index")
    out: dict[str, Any] = {"index": index}
    text = get(completion, "text")
    if text:
        out["parts"] = [{"type": "text", "text": text}]
    token_ids = get(completion, "token_ids")
    if token_ids is not None:
        out["token_ids"] = [int(t) for t in token_ids]
    if get(completion, "cumulative_logprob") is not None:
        out["cumulative_logprob"] = float(get(completion, "cumulative_logprob"))
    positions = get(completion, "logprobs")
    if positions is not None:
        out["logprobs"] = _logprobs(out.get("token_ids", []), positions, f"{where}.logprobs")
    raw = get(completion, "finish_reason")
    if raw is not None:
        finish, provider_raw, truncated = unify_finish_reason(PROVIDER, raw)
        out.update(finish_reason=finish, provider_finish_reason=provider_raw, truncated=truncated)
    stop = get(completion, "stop_reason")
    if isinstance(stop, str):
        out["stop_sequence"] = stop
    elif isinstance(stop, int) and not isinstance(stop, bool):
        out["stop_token_id"] = stop
    elif stop is not None:
        raise ValueError(f"{where}.stop_reason: expected a string, a token id or None, got {stop!r}")
    extra = leftovers(completion, _OUTPUT_FIELDS)
    if extra:
        out["provider_data"] = extra
    return out


def _response_dict(request: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"provider": PROVIDER}
    if get(request, "request_id") is not None:
        response["id"] = str(get(request, "request_id"))
    prompt_ids = get(request, "prompt_token_ids")
    if prompt_ids is not None:
        response["prompt_token_ids"] = [int(t) for t in prompt_ids]
    prompt_logprobs = get(request, "prompt_logprobs")
    if prompt_logprobs is not None:
        if prompt_ids is None:
            raise ValueError("prompt_logprobs: given without prompt_token_ids, so no token is known to be chosen")
        if prompt_logprobs and prompt_logprobs[0] is not None:
            raise ValueError("prompt_logprobs[0]: vLLM gives None for the first prompt token; got a value")
        response["prompt_logprobs"] = [
            position_logprob(int(tid), entries, f"prompt_logprobs[{pos}]", rank_of=_rank, token_of=_decoded)
            for pos, (tid, entries) in enumerate(zip(prompt_ids, prompt_logprobs, strict=False))
            if pos > 0
        ]
    completions = get(request, "outputs") or []
    response["outputs"] = [_output(c, f"outputs[{i}]") for i, c in enumerate(completions)]
    extra = leftovers(request, _REQUEST_FIELDS)
    if has(request, "finished") and get(request, "finished") is not None:
        extra["finished"] = bool(get(request, "finished"))
    if extra:
        response["provider_data"] = extra
    if get(request, "num_cached_tokens") is not None:
        response["usage"] = {"cache_read_tokens": int(get(request, "num_cached_tokens"))}
    return response


def _usage(response: dict[str, Any], output_tokens: int | None) -> None:
    usage = response.setdefault("usage", {})
    if "prompt_token_ids" in response:
        usage["input_tokens"] = len(response["prompt_token_ids"])
    if output_tokens is not None:
        usage["output_tokens"] = output_tokens
        if "input_tokens" in usage:
            usage["total_tokens"] = usage["input_tokens"] + output_tokens


def _validated(response: dict[str, Any]):
    from lmcontract import LMResponse

    return LMResponse.model_validate(response)


def from_payload(payload: Any):
    """One finished ``RequestOutput`` (object or dict; ``FINAL_ONLY`` or the last of a stream
    of cumulative outputs) as a complete ``LMResponse``."""
    response = _response_dict(payload)
    if not response["outputs"]:
        raise ValueError("outputs: a RequestOutput with no CompletionOutput is not a result")
    _usage(response, sum(len(o.get("token_ids", ())) for o in response["outputs"]))
    for out in response["outputs"]:
        if "parts" not in out and not out.get("token_ids"):
            out["parts"] = [{"type": "text", "text": ""}]  # an empty completion is still a completion
    return _validated(response)


def from_payloads(payloads: Iterable[Any]) -> list:
    """Several prompts of one call (a list of ``RequestOutput``): one response each, in order."""
    return [from_payload(p) for p in payloads]


class StreamImporter(BaseStreamImporter):
    """``RequestOutput`` s of one request, as ``LLMEngine.step`` or ``AsyncLLM.generate`` yields them.

    ``output_kind`` is the request's ``SamplingParams.output_kind`` (``"cumulative"``, vLLM's
    default, ``"delta"`` or ``"final_only"``, or the enum itself). Usage is sent on the chunk
    that finishes the request, counted from the token ids seen per output.
    """

    def __init__(self, output_kind: Any = CUMULATIVE) -> None:
        self.kind = _kind(output_kind)
        self._generated: dict[int, int] = {}

    def feed(self, event: Any) -> list:
        response = _response_dict(event)
        mode = DELTA if self.kind == DELTA else CUMULATIVE
        if self.kind == FINAL_ONLY:
            mode = DELTA  # one chunk holding everything: appended to nothing
        response["chunk_mode"] = mode
        for out in response["outputs"]:
            n = len(out.get("token_ids", ()))
            if mode == DELTA:
                self._generated[out["index"]] = self._generated.get(out["index"], 0) + n
            elif "token_ids" in out:
                self._generated[out["index"]] = n
        if get(event, "finished"):
            _usage(response, sum(self._generated.values()))
        return [_validated(response)]


def import_stream(events: Iterable[Any], output_kind: Any = CUMULATIVE):
    """Import and merge a whole stream of ``RequestOutput`` s of one request."""
    from lmcontract import LMResponse

    return LMResponse.from_chunks(StreamImporter(output_kind).chunks(events))


__all__ = ["OUTPUT_KINDS", "StreamImporter", "from_payload", "from_payloads", "import_stream"]
