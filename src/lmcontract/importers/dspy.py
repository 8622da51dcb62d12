"""DSPy: the typed ``LMResponse`` / ``LMOutput`` of DSPy 3.3 (their ``model_dump()`` or the
objects) and its stream events, to ``LMResponse``.

DSPy's classes have nearly this contract's shape; the docs page "DSPy" has the table, field by
field. In short: ``response_id`` -> ``id``; ``model``, ``cost``, ``cache_hit``,
``provider_data``, ``metadata`` as they are; ``usage`` (with its ``prompt_tokens`` /
``completion_tokens`` aliases) -> usage, ``details`` -> ``usage.provider_details``; an output's
position -> its ``index`` (DSPy outputs have no index of their own); ``finish_reason`` unified
through the OpenAI table (DSPy 3.3 passed on what LiteLLM, in OpenAI's vocabulary, returned),
raw kept; ``truncated`` as it is; ``logprobs`` in OpenAI's shape (``{"content": [...]}`` or the
list) -> token logprobs, any other shape -> ``provider_data["logprobs"]``. Parts map kind to
kind; a part's ``metadata`` and fields with no slot (an image's ``path`` or ``detail``, a
file's ``filename``) go to the part's ``provider_data``.

Stream events (``type``: ``start``, ``delta``, ``output_end``, ``end``, ``error``) become delta
chunks: each delta names its ``output_index`` and ``part_index``, which the chunks keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.importers._engines import get, json_value
from lmcontract.importers.streaming import BaseStreamImporter

PROVIDER = "dspy"
_FINISH_TABLE = "openai"
_MEDIA = {"image": "image", "audio": "audio", "video": "video", "document": "document", "binary": "binary"}
_MEDIA_FIELDS = ("media_type", "data", "url", "file_id")
_USAGE_FIELDS = (
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "reasoning_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "input_audio_tokens",
    "output_audio_tokens",
)


def _dump(obj: Any) -> Any:
    """A DSPy pydantic object as its dump; dicts and other values as they are."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    return obj


def _part_extra(part: dict[str, Any], known: set[str]) -> dict[str, Any] | None:
    extra = {k: json_value(v) for k, v in part.items() if k not in known and v not in (None, {}, [])}
    provider_data = part.get("provider_data")
    if provider_data:
        extra = {**extra, **provider_data}
    return extra or None


def _part(part: Any, where: str) -> dict[str, Any]:
    part = _dump(part)
    kind = part.get("type")
    if kind in ("text", "refusal"):
        out = {"type": kind, "text": part["text"]}
        known = {"type", "text", "provider_data"}
    elif kind == "thinking":
        out = {"type": "thinking", "text": part.get("text")}
        if part.get("redacted"):
            out["redacted"] = True
        if part.get("signature") is not None:
            out["signature"] = part["signature"]
        known = {"type", "text", "redacted", "signature", "provider_data"}
    elif kind == "tool_call":
        out = {"type": "tool_call", "id": part.get("id"), "name": part.get("name")}
        args = part.get("args")
        if isinstance(args, dict):
            out["arguments"] = args
        elif isinstance(args, str):
            out["arguments_raw"] = args
        known = {"type", "id", "name", "args", "provider_data"}
    elif kind == "tool_result":
        content = part.get("content")
        if isinstance(content, list):
            content = [json_value(_dump(c)) for c in content]
        result = {"tool_call_id": part.get("call_id") or "", "content": content}
        if part.get("name") is not None:
            result["name"] = part["name"]
        if part.get("is_error") is not None:
            result["is_error"] = part["is_error"]
        out = {"type": "tool_result", "result": result}
        known = {"type", "call_id", "name", "content", "is_error", "provider_data"}
    elif kind == "citation":
        citation = {"cited_text": part.get("text"), "title": part.get("title"), "url": part.get("url")}
        out = {"type": "citation", "citation": {k: v for k, v in citation.items() if v is not None}}
        known = {"type", "text", "title", "url", "provider_data"}
    elif kind in _MEDIA or kind == "file":
        # Later DSPy versions name the generic kind "file"; it is a document when it is a PDF.
        target = _MEDIA.get(kind) or ("document" if part.get("media_type") == "application/pdf" else "binary")
        out = {"type": target, **{k: part[k] for k in _MEDIA_FIELDS if part.get(k) is not None}}
        if target == "document" and part.get("title") is not None:
            out["title"] = part["title"]
        if kind == "audio" and part.get("transcript") is not None:
            out["transcript"] = part["transcript"]
        known = {"type", *_MEDIA_FIELDS, "title", "transcript", "provider_data"}
    else:
        raise ValueError(f"{where}.type: unknown DSPy part kind {kind!r}")
    extra = _part_extra(part, known)
    if extra:
        out["provider_data"] = extra
    return out


def _openai_logprobs(value: Any) -> list[dict[str, Any]] | None:
    """OpenAI-shaped logprobs (``{"content": [...]}`` or the list) as TokenLogprob dicts, read
    as the OpenAI Chat importer reads them; None for any other shape."""
    from lmcontract.importers.openai_chat import _token

    content = value.get("content") if isinstance(value, dict) else value
    if not isinstance(content, list) or not all(isinstance(e, dict) and "logprob" in e for e in content):
        return None
    return [_token(entry) for entry in content]


def _usage(usage: Any) -> dict[str, Any] | None:
    usage = _dump(usage)
    if not usage:
        return None
    out = {name: usage[name] for name in _USAGE_FIELDS if usage.get(name) is not None}
    # DSPy fills input/output from the prompt/completion aliases; a dump may carry either.
    if "input_tokens" not in out and usage.get("prompt_tokens") is not None:
        out["input_tokens"] = usage["prompt_tokens"]
    if "output_tokens" not in out and usage.get("completion_tokens") is not None:
        out["output_tokens"] = usage["completion_tokens"]
    known = {*_USAGE_FIELDS, "prompt_tokens", "completion_tokens", "details"}
    details = dict(usage.get("details") or {})
    details.update({k: v for k, v in usage.items() if k not in known and v is not None})
    if details:
        out["provider_details"] = json_value(details)
    return out


def _finish(raw: Any) -> dict[str, Any]:
    from lmcontract.lib.finish_reasons import unify_finish_reason

    if raw is None:
        return {}
    finish, provider_raw, truncated = unify_finish_reason(_FINISH_TABLE, raw)
    return {"finish_reason": finish, "provider_finish_reason": provider_raw, "truncated": truncated}


def _output(output: Any, index: int) -> dict[str, Any]:
    output = _dump(output)
    where = f"outputs[{index}]"
    out: dict[str, Any] = {
        "index": index,
        "parts": [_part(p, f"{where}.parts[{i}]") for i, p in enumerate(output.get("parts") or [])],
    }
    out.update(_finish(output.get("finish_reason")))
    if output.get("truncated"):
        out["truncated"] = True
    provider_data = dict(output.get("provider_data") or {})
    logprobs = output.get("logprobs")
    if logprobs is not None:
        converted = _openai_logprobs(logprobs)
        if converted is not None:
            out["logprobs"] = converted
        else:
            provider_data["logprobs"] = json_value(logprobs)
    if provider_data:
        out["provider_data"] = provider_data
    if output.get("metadata"):
        out["metadata"] = output["metadata"]
    return out


def _response(payload: Any) -> dict[str, Any]:
    payload = _dump(payload)
    response: dict[str, Any] = {"provider": PROVIDER}
    if payload.get("response_id") is not None:
        response["id"] = payload["response_id"]
    for name in ("model", "cost", "cache_hit"):
        if payload.get(name) is not None:
            response[name] = payload[name]
    usage = _usage(payload.get("usage"))
    if usage:
        response["usage"] = usage
    for name in ("provider_data", "metadata"):
        if payload.get(name):
            response[name] = payload[name]
    response["outputs"] = [_output(o, i) for i, o in enumerate(payload.get("outputs") or [])]
    return response


def from_payload(payload: Any):
    """A DSPy 3.3 ``LMResponse`` (or its ``model_dump()``) as a complete ``LMResponse``."""
    from lmcontract import LMResponse

    return LMResponse.model_validate(_response(payload))


_DELTA_KINDS = {"text_delta": "text", "thinking_delta": "thinking"}


class StreamImporter(BaseStreamImporter):
    """DSPy 3.3 stream events (``LMStreamEvent`` objects or their dumps) to delta chunks."""

    def __init__(self) -> None:
        self._first = True

    def _chunk(self, fields: dict[str, Any]) -> list:
        from lmcontract import LMResponse

        chunk = {"chunk_mode": "delta"} | fields
        if self._first:
            chunk.setdefault("provider", PROVIDER)
            self._first = False
        return [LMResponse.model_validate(chunk)]

    def feed(self, event: Any) -> list:
        event = _dump(event)
        kind = get(event, "type")
        if kind == "start":
            return self._chunk({"model": event.get("model")} if event.get("model") else {})
        if kind == "delta":
            return self._chunk({"outputs": [{"index": event.get("output_index", 0), "parts": [self._delta(event)]}]})
        if kind == "output_end":
            out = {"index": event.get("output_index", 0), **_finish(event.get("finish_reason"))}
            if event.get("truncated"):
                out["truncated"] = True
            return self._chunk({"outputs": [out]})
        if kind == "end":
            if event.get("response") is not None:
                # The final response is whole: it is what the deltas added up to.
                return self._chunk({**_response(event["response"]), "chunk_mode": "cumulative"})
            fields: dict[str, Any] = {}
            usage = _usage(event.get("usage"))
            if usage:
                fields["usage"] = usage
            if event.get("cost") is not None:
                fields["cost"] = event["cost"]
            return self._chunk(fields)
        if kind == "error":
            error = event.get("error")
            return self._chunk(
                {
                    "error": {
                        "message": str(error),
                        "code": type(error).__name__ if isinstance(error, BaseException) else None,
                    }
                }
            )
        raise ValueError(f"type: unknown DSPy stream event {kind!r}")

    @staticmethod
    def _delta(event: dict[str, Any]) -> dict[str, Any]:
        delta = _dump(event.get("delta")) or {}
        index = event.get("part_index")
        kind = delta.get("type")
        if kind in _DELTA_KINDS:
            part = {"type": _DELTA_KINDS[kind], "text": delta.get("text", "")}
        elif kind == "tool_call_delta":
            part = {
                "type": "tool_call",
                "id": delta.get("id"),
                "name": delta.get("name"),
                "arguments_raw": delta.get("args_delta") or "",
            }
        elif kind == "citation_delta":
            part = _part(delta["citation"], "delta.citation")
        elif kind in ("image_delta", "audio_delta"):
            part = _part(delta[kind.removesuffix("_delta")], f"delta.{kind}")
        else:
            raise ValueError(f"delta.type: unknown DSPy delta kind {kind!r}")
        part["part_index"] = index
        return part


def import_stream(events: Iterable[Any]):
    """Import and merge a whole DSPy stream."""
    from lmcontract import LMResponse

    return LMResponse.from_chunks(StreamImporter().chunks(events))


__all__ = ["StreamImporter", "from_payload", "import_stream"]
