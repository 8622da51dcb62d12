"""OpenAI legacy Completions (``/v1/completions``) and the servers that still speak it.

Each choice carries ``text`` (a delta in a stream) and, when asked, the old logprobs layout:
parallel lists ``tokens``, ``token_logprobs``, ``top_logprobs`` (one ``{token: logprob}`` dict
per position) and ``text_offset``. They become one ``TokenLogprob`` per token, alternatives
ranked best first. ``text_offset`` is not kept: it is each token's character offset in the
text, which the tokens themselves give. A ``null`` token logprob (the first prompt token when
``echo`` is on) has no value the contract could hold, so such a choice keeps its logprobs
verbatim in ``provider_data`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.generated.importer_usage import USAGE as IMPORTER_USAGE
from lmcontract.importers.openai_chat import _extras, _finish, checked_payload, error
from lmcontract.importers.streaming import BaseStreamImporter, merged
from lmcontract.importers.usage import usage_record
from lmcontract.importers.wire import as_dict, from_unix

FORMAT = "openai-completions"
PROVIDER = "openai"
USAGE = IMPORTER_USAGE[FORMAT]

_RESPONSE_MAPPED = frozenset({"id", "object", "created", "model", "choices", "usage", "error"})
_CHOICE_MAPPED = frozenset({"index", "text", "logprobs", "finish_reason"})


def _logprobs(logprobs: dict | None) -> tuple[list[dict] | None, dict | None]:
    """(contract logprobs, what is kept in provider_data instead)."""
    if not logprobs or not logprobs.get("tokens"):
        return None, None
    tokens = logprobs["tokens"]
    values = logprobs.get("token_logprobs") or [None] * len(tokens)
    if any(v is None for v in values):
        return None, {"logprobs": logprobs}
    tops = logprobs.get("top_logprobs") or [None] * len(tokens)
    out = []
    for token, value, top in zip(tokens, values, tops, strict=False):
        entry: dict[str, Any] = {"token": token, "logprob": value}
        if top:
            ranked = sorted(top.items(), key=lambda kv: -kv[1])
            entry["top"] = [{"token": t, "logprob": lp, "rank": r} for r, (t, lp) in enumerate(ranked, start=1)]
        out.append(entry)
    return out, None


def _identity(payload: dict, provider: str) -> dict:
    out: dict[str, Any] = {"provider": provider}
    for key in ("id", "model"):
        if payload.get(key) is not None:
            out[key] = payload[key]
    if payload.get("created") is not None:
        out["created"] = from_unix(payload["created"])
    extra = _extras(payload, _RESPONSE_MAPPED)
    if extra:
        out["provider_data"] = extra
    return out


def _output(choice: dict, *, text: str | None) -> dict:
    output: dict[str, Any] = {"index": choice.get("index", 0)}
    if text is not None:
        output["parts"] = [{"type": "text", "text": text, "part_index": 0}]
    output.update(_finish(choice.get("finish_reason")))
    logprobs, kept = _logprobs(choice.get("logprobs"))
    if logprobs:
        output["logprobs"] = logprobs
    extra = _extras(choice, _CHOICE_MAPPED) or {}
    if kept:
        extra.update(kept)
    if extra:
        output["provider_data"] = extra
    return output


def from_payload(payload: Any, *, provider: str = PROVIDER) -> Any:
    """A complete Completions response (``text_completion``) as an ``LMResponse``."""
    from lmcontract import LMResponse

    payload = checked_payload(payload, "Completions")
    out = _identity(payload, provider)
    out["outputs"] = [_output(c, text=c.get("text") or "") for c in payload["choices"]]
    usage = usage_record(USAGE, payload.get("usage"))
    if usage:
        out["usage"] = usage
    return LMResponse.model_validate(out)


class StreamImporter(BaseStreamImporter):
    """Completions stream chunks to delta chunks; each choice's text is one part."""

    def __init__(self, *, provider: str = PROVIDER) -> None:
        super().__init__()
        self.provider = provider
        self._identified = False
        self._seen: set[int] = set()

    def feed_dicts(self, event: Any) -> list[dict]:
        chunk = event if type(event) is dict else as_dict(event)
        out: dict[str, Any] = {"chunk_mode": "delta"}
        if not self._identified and (chunk.get("id") is not None or chunk.get("model") is not None):
            out.update(_identity(chunk, self.provider))
            self._identified = True
        if chunk.get("error") is not None:
            out["error"] = error(chunk["error"])
        if chunk.get("choices"):
            outputs = []
            for choice in chunk["choices"]:
                index = choice.get("index", 0)
                text = choice.get("text")
                # Every choice gets its text part, even if it only ever sends "".
                if text or index not in self._seen:
                    self._seen.add(index)
                    outputs.append(_output(choice, text=text or ""))
                else:
                    outputs.append(_output(choice, text=None))
            out["outputs"] = outputs
        usage = usage_record(USAGE, chunk.get("usage"))
        if usage:
            out["usage"] = usage
        if len(out) == 1:
            return []
        return [out]


def import_stream(events: Iterable[Any], *, provider: str = PROVIDER) -> Any:
    """Import and merge a whole Completions stream into one complete ``LMResponse``."""
    return merged(StreamImporter(provider=provider), events)
