"""lm15: the ``Response`` DSPy 3.5 passes at its model boundary, to ``LMResponse``.

Takes an ``lm15.types.Response`` (a frozen dataclass) or the dict ``lm15.serde.response_to_dict``
makes of it; lm15 is never imported. One lm15 response is one output:

- ``id``, ``model``, ``provider_data`` as they are; ``finish_reason`` is already one of
  ``stop``, ``length``, ``tool_call``, ``content_filter``, ``error`` (the OpenTelemetry words,
  read through that column of the finish-reason table), kept raw too;
- ``usage``: the counters as lm15 gives them. lm15 keeps them provider-verbatim (Anthropic's
  ``input_tokens`` exclude cached tokens, OpenAI's include them), so they are only as
  comparable as the provider's own; ``Response.provider_data`` says which provider answered;
- ``message.parts``: text, thinking, refusal, citation (``text`` -> ``cited_text``), tool_call
  (``input`` -> ``arguments``), tool_result (``id`` -> ``tool_call_id``), the media kinds; a
  ``data`` part (a judgment's value) has no kind here and is kept whole in the output's
  ``provider_data["parts"]``. A part's ``continuation`` states (signatures, encrypted
  reasoning, provider item ids) and media ``path`` / ``detail`` go to its ``provider_data``;
- ``logprobs``: token, logprob, bytes, token_id, and ``top`` ranked by position;
- ``adaptations`` and ``logprobs_complete=False`` go to the response's ``provider_data``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from lmcontract.importers._engines import json_value

_MEDIA = ("image", "audio", "video", "document", "binary")
_MEDIA_FIELDS = ("media_type", "data", "url", "file_id")


def _plain(value: Any) -> Any:
    """lm15's frozen dataclasses (and tuples) as plain dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _extra(part: dict[str, Any], *names: str) -> dict[str, Any] | None:
    extra = {name: json_value(part[name]) for name in names if part.get(name) not in (None, [], {})}
    return extra or None


def _part(part: dict[str, Any], where: str) -> dict[str, Any] | None:
    kind = part.get("type")
    if kind in ("text", "thinking", "refusal"):
        out: dict[str, Any] = {"type": kind, "text": part["text"]}
    elif kind == "citation":
        citation = {"url": part.get("url"), "title": part.get("title"), "cited_text": part.get("text")}
        out = {"type": "citation", "citation": {k: v for k, v in citation.items() if v is not None}}
    elif kind == "tool_call":
        out = {"type": "tool_call", "id": part["id"], "name": part["name"], "arguments": part.get("input") or {}}
    elif kind == "tool_result":
        result = {
            "tool_call_id": part["id"],
            "content": json_value(part.get("content")),
            "is_error": bool(part.get("is_error")),
        }
        if part.get("name") is not None:
            result["name"] = part["name"]
        out = {"type": "tool_result", "result": result}
    elif kind in _MEDIA:
        out = {"type": kind, **{k: part[k] for k in _MEDIA_FIELDS if part.get(k) is not None}}
        extra = _extra(part, "continuation", "path", "detail")
        if extra:
            out["provider_data"] = extra
        return out
    elif kind == "data":
        return None
    else:
        raise ValueError(f"{where}.type: unknown lm15 part kind {kind!r}")
    extra = _extra(part, "continuation")
    if extra:
        out["provider_data"] = extra
    return out


def _logprob(entry: dict[str, Any]) -> dict[str, Any]:
    out = {k: entry[k] for k in ("token", "logprob", "bytes", "token_id") if entry.get(k) is not None}
    if entry.get("top"):
        out["top"] = [
            {**{k: alt[k] for k in ("token", "logprob", "bytes", "token_id") if alt.get(k) is not None}, "rank": rank}
            for rank, alt in enumerate(entry["top"], start=1)
        ]
    return out


def from_payload(payload: Any):
    """An lm15 ``Response`` (or its ``response_to_dict`` form) as a complete ``LMResponse``."""
    from lmcontract import LMResponse
    from lmcontract.lib.finish_reasons import unify_finish_reason

    data = _plain(payload)
    if not isinstance(data, dict) or "message" not in data:
        raise ValueError("message: an lm15 Response has a message")
    output: dict[str, Any] = {"index": 0, "parts": []}
    kept = []
    for i, part in enumerate(data["message"].get("parts") or []):
        converted = _part(part, f"message.parts[{i}]")
        if converted is None:
            # As lm15's serde writes it: fields at their defaults left out.
            kept.append({k: json_value(v) for k, v in part.items() if v is not None and v != []})
        else:
            output["parts"].append(converted)
    if kept:
        output["provider_data"] = {"parts": kept}
    finish, raw, truncated = unify_finish_reason("opentelemetry", data.get("finish_reason"))
    if finish is not None:
        output.update(finish_reason=finish, provider_finish_reason=raw, truncated=truncated)
    if data.get("logprobs") is not None:
        output["logprobs"] = [_logprob(e) for e in data["logprobs"]]
    response: dict[str, Any] = {"provider": "lm15", "outputs": [output]}
    for name in ("id", "model"):
        if data.get(name) is not None:
            response[name] = data[name]
    usage = {k: v for k, v in (data.get("usage") or {}).items() if v is not None}
    if usage:
        response["usage"] = usage
    provider_data = dict(data.get("provider_data") or {})
    if data.get("adaptations"):
        provider_data["adaptations"] = json_value(data["adaptations"])
    if data.get("logprobs_complete") is False:
        provider_data["logprobs_complete"] = False
    if provider_data:
        response["provider_data"] = provider_data
    return LMResponse.model_validate(response)


__all__ = ["from_payload"]
