"""OpenTelemetry GenAI in: ``gen_ai.output.messages`` (or a span's attributes) to ``LMResponse``.

The payload is the output-messages value (a list of messages, or that list as a JSON string),
or a span's attributes (a dict with ``gen_ai.*`` keys, the messages in ``gen_ai.output.messages``
as a JSON string, as spans carry them). Each message becomes the output whose index is its
position; parts map back as ``lmcontract.otel`` writes them (text, reasoning -> thinking,
tool_call, tool_call_response -> tool_result, blob / uri / file -> the media kind of their
modality, a generic ``refusal`` part -> refusal); any other part (a server tool call, a generic
part of another type) is not guessed at but kept whole in the output's ``provider_data["parts"]``.
Finish reasons go through the OpenTelemetry column of the finish-reason table. From span
attributes: ``gen_ai.response.id``, ``gen_ai.response.model``, ``gen_ai.provider.name``,
``gen_ai.usage.*``, ``error.type``; ``gen_ai.response.finish_reasons`` when the messages are
not there: a span recorded without content capture has no parts, so it comes back as a
``delta`` chunk (outputs with finish reasons and no parts), not as a complete response. Other
attributes go to ``provider_data``.

OpenTelemetry records results, not streams: there is no stream importer beyond one event per
whole result.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from lmcontract.importers.streaming import BaseStreamImporter

PROVIDER_TABLE = "opentelemetry"
OUTPUT_MESSAGES = "gen_ai.output.messages"
_USAGE = {
    "gen_ai.usage.input_tokens": "input_tokens",
    "gen_ai.usage.output_tokens": "output_tokens",
    "gen_ai.usage.cache_read.input_tokens": "cache_read_tokens",
    "gen_ai.usage.cache_creation.input_tokens": "cache_write_tokens",
}
_RESPONSE = {"gen_ai.response.id": "id", "gen_ai.response.model": "model", "gen_ai.provider.name": "provider"}
_HANDLED = {*_USAGE, *_RESPONSE, OUTPUT_MESSAGES, "gen_ai.response.finish_reasons", "error.type"}
_MEDIA_KINDS = {"image", "audio", "video", "document", "binary"}


def _media(part: dict[str, Any], where: str) -> dict[str, Any]:
    kind = part.get("modality")
    if kind not in _MEDIA_KINDS:
        raise ValueError(f"{where}.modality: {kind!r} has no media part kind; known: {', '.join(sorted(_MEDIA_KINDS))}")
    out: dict[str, Any] = {"type": kind}
    if part.get("mime_type") is not None:
        out["media_type"] = part["mime_type"]
    source = {"blob": ("content", "data"), "uri": ("uri", "url"), "file": ("file_id", "file_id")}[part["type"]]
    out[source[1]] = part[source[0]]
    return out


def _part(part: dict[str, Any], where: str) -> dict[str, Any] | None:
    kind = part.get("type")
    if kind == "text":
        return {"type": "text", "text": part["content"]}
    if kind == "reasoning":
        return {"type": "thinking", "text": part["content"]}
    if kind == "tool_call":
        out: dict[str, Any] = {"type": "tool_call", "name": part["name"]}
        if part.get("id") is not None:
            out["id"] = part["id"]
        arguments = part.get("arguments")
        if isinstance(arguments, dict):
            out["arguments"] = arguments
        elif isinstance(arguments, str):
            out["arguments_raw"] = arguments
        elif arguments is None:
            out["arguments"] = {}
        else:
            out["arguments_raw"] = json.dumps(arguments)
        return out
    if kind == "tool_call_response":
        return {
            "type": "tool_result",
            "result": {"tool_call_id": part.get("id") or "", "content": part.get("response")},
        }
    if kind == "refusal":
        return {"type": "refusal", "text": part["content"]}
    if kind in ("blob", "uri", "file"):
        return _media(part, where)
    return None


def _message(message: dict[str, Any], index: int) -> dict[str, Any]:
    from lmcontract.lib.finish_reasons import unify_finish_reason

    where = f"[{index}]"
    if not isinstance(message, dict):
        raise ValueError(f"{OUTPUT_MESSAGES}{where}: expected an output message object, got {type(message).__name__}")
    out: dict[str, Any] = {"index": index, "parts": []}
    kept: list[Any] = []
    for i, part in enumerate(message.get("parts") or []):
        converted = _part(part, f"{OUTPUT_MESSAGES}{where}.parts[{i}]")
        if converted is None:
            kept.append(part)
        else:
            out["parts"].append(converted)
    finish, raw, truncated = unify_finish_reason(PROVIDER_TABLE, message.get("finish_reason"))
    if finish is not None:
        out.update(finish_reason=finish, provider_finish_reason=raw, truncated=truncated)
    extra = {k: v for k, v in message.items() if k not in ("role", "parts", "finish_reason")}
    if message.get("role") not in (None, "assistant"):
        extra["role"] = message["role"]
    if kept:
        extra["parts"] = kept
    if extra:
        out["provider_data"] = extra
    return out


def _messages(value: Any) -> list:
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list):
        raise ValueError(f"{OUTPUT_MESSAGES}: expected a list of output messages, got {type(value).__name__}")
    return value


def from_payload(payload: Any):
    """An output-messages value (list or JSON string) or a span's attributes, as an ``LMResponse``."""
    from lmcontract import LMResponse
    from lmcontract.lib.finish_reasons import unify_finish_reason

    if isinstance(payload, str) or isinstance(payload, list):
        return LMResponse.model_validate({"outputs": [_message(m, i) for i, m in enumerate(_messages(payload))]})
    if not isinstance(payload, dict):
        raise ValueError(f"payload: expected output messages or span attributes, got {type(payload).__name__}")
    attrs = dict(payload.get("attributes", payload))  # a span as JSON nests them under "attributes"
    response: dict[str, Any] = {name: attrs[key] for key, name in _RESPONSE.items() if attrs.get(key) is not None}
    usage = {name: attrs[key] for key, name in _USAGE.items() if attrs.get(key) is not None}
    if usage:
        response["usage"] = usage
    if OUTPUT_MESSAGES in attrs:
        response["outputs"] = [_message(m, i) for i, m in enumerate(_messages(attrs[OUTPUT_MESSAGES]))]
    else:
        # Without content capture only the finish reasons say there were outputs.
        reasons = attrs.get("gen_ai.response.finish_reasons") or []
        response["chunk_mode"] = "delta"  # no parts: not a complete response, and it says so
        response["outputs"] = []
        for i, raw in enumerate(reasons):
            finish, provider_raw, truncated = unify_finish_reason(PROVIDER_TABLE, raw)
            response["outputs"].append(
                {"index": i, "finish_reason": finish, "provider_finish_reason": provider_raw, "truncated": truncated}
            )
    if attrs.get("error.type") is not None:
        response["error"] = {
            "message": str(attrs.get("error.message") or attrs["error.type"]),
            "code": attrs["error.type"],
        }
    extra = {k: v for k, v in attrs.items() if k not in _HANDLED and k != "error.message"}
    if extra:
        response["provider_data"] = extra
    return LMResponse.model_validate(response)


class StreamImporter(BaseStreamImporter):
    """One whole result per event (OpenTelemetry has no streams): each event becomes a chunk
    that is a complete response, and the merged stream is the last one's content appended."""

    def feed(self, event: Any) -> list:
        return [from_payload(event)]


def import_stream(events: Iterable[Any]):
    from lmcontract import LMResponse

    return LMResponse.from_chunks(StreamImporter().chunks(events))


__all__ = ["StreamImporter", "from_payload", "import_stream"]
