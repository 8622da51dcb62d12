"""OpenTelemetry GenAI out: an ``LMResponse`` as semantic-convention attributes on a span.

``output_messages(response)`` is the plain function: the ``gen_ai.output.messages`` value (a
list of output messages, one per output in index order, that validates against the
conventions' output-messages JSON Schema). ``response_attributes(response)`` gives every span
attribute, and ``record_response(span, response)`` sets them on a span (any OpenTelemetry API
span; install ``lmcontract[otel]``).

What goes where:

- ``gen_ai.response.id`` <- ``id``; ``gen_ai.response.model`` <- ``model``;
  ``gen_ai.provider.name`` <- ``provider``;
- ``gen_ai.response.finish_reasons`` <- each output's finish reason, in index order, in the
  conventions' words (``stop``, ``length``, ``tool_call``, ``content_filter``, ``error``); the
  unified values they lack (``aborted``, ``paused``, ``other``) go as the provider's raw string;
- ``gen_ai.usage.input_tokens``, ``gen_ai.usage.output_tokens`` (both counted as the
  conventions count them: cached tokens inside input, reasoning inside output, as this
  contract does), ``gen_ai.usage.cache_read.input_tokens``,
  ``gen_ai.usage.cache_creation.input_tokens``. A response with no usage of its own but
  per-output usage (LMDeploy) gets the sums;
- ``gen_ai.output.messages``: only when content capture is on (``capture_content=True``, or the
  environment variable ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true``), as a JSON
  string, since span attributes hold no nested values;
- an ``error``: ``error.type`` and the span status ``ERROR`` with the message.

What the conventions cannot carry (the docs page "OpenTelemetry" lists it, with what is done
instead): thinking signatures and redacted reasoning payloads (left out: they are opaque and
not for telemetry), token ids and logprobs, tensors, per-output usage, citations, stop
sequences, cost, provider_data and metadata, and output indices that are not 0, 1, 2, ...
"""

from __future__ import annotations

import json
import os
from typing import Any

CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
OUTPUT_MESSAGES = "gen_ai.output.messages"
# The finish reasons the conventions name; any other string is allowed there too.
OTEL_FINISH_REASONS = frozenset({"stop", "length", "content_filter", "tool_call", "error"})
# An output with no finish reason (the field is required in an output message).
NO_FINISH_REASON = "unknown"
_MODALITY = {"image": "image", "audio": "audio", "video": "video", "document": "document", "binary": "binary"}


def finish_reason(output: Any, failed: bool = False) -> str:
    """An output's finish reason in the conventions' words (see the module docstring).

    ``failed``: the response carries an error, which ends an output that has no reason of its own.
    """
    unified = output.finish_reason
    if unified is None and (failed or output.error is not None):
        return "error"
    if unified in OTEL_FINISH_REASONS:
        return unified
    return output.provider_finish_reason or unified or NO_FINISH_REASON


def _media(part: Any) -> dict[str, Any]:
    modality = _MODALITY[part.type]
    common: dict[str, Any] = {"modality": modality}
    if part.media_type is not None:
        common["mime_type"] = part.media_type
    if part.data is not None:
        return {"type": "blob", **common, "content": part.data}
    if part.url is not None:
        return {"type": "uri", **common, "uri": part.url}
    return {"type": "file", **common, "file_id": part.file_id}


def _part(part: Any) -> dict[str, Any] | None:
    kind = part.type
    if kind == "text":
        return {"type": "text", "content": part.text}
    if kind == "thinking":
        if part.redacted:
            return None  # an opaque payload, not reasoning to show
        return {"type": "reasoning", "content": part.text or ""}
    if kind == "tool_call":
        call: dict[str, Any] = {"type": "tool_call", "name": part.name}
        if part.id is not None:
            call["id"] = part.id
        arguments = part.arguments if part.arguments is not None else part.arguments_raw
        if arguments is not None:
            call["arguments"] = arguments
        return call
    if kind == "tool_result":
        return {"type": "tool_call_response", "id": part.result.tool_call_id, "response": part.result.content}
    if kind == "refusal":
        # No refusal part in the conventions: a generic part of its own type.
        return {"type": "refusal", "content": part.text}
    if kind in _MODALITY:
        return _media(part)
    return None  # a standalone citation: the conventions have no place for it


def output_message(output: Any, failed: bool = False) -> dict[str, Any]:
    """One output as an OpenTelemetry GenAI output message."""
    parts = [p for p in (_part(part) for part in output.parts or ()) if p is not None]
    return {"role": "assistant", "parts": parts, "finish_reason": finish_reason(output, failed)}


def output_messages(response: Any) -> list[dict[str, Any]]:
    """The ``gen_ai.output.messages`` value of a response: one message per output, by index."""
    failed = response.error is not None
    return [output_message(o, failed) for o in sorted(response.outputs or (), key=lambda o: o.index)]


def _usage(response: Any) -> dict[str, int]:
    names = {
        "input_tokens": "gen_ai.usage.input_tokens",
        "output_tokens": "gen_ai.usage.output_tokens",
        "cache_read_tokens": "gen_ai.usage.cache_read.input_tokens",
        "cache_write_tokens": "gen_ai.usage.cache_creation.input_tokens",
    }
    usage = response.usage
    if usage is not None:
        return {attr: getattr(usage, field) for field, attr in names.items() if getattr(usage, field) is not None}
    totals: dict[str, int] = {}
    for output in response.outputs or ():
        if output.usage is None:
            continue
        for field, attr in names.items():
            value = getattr(output.usage, field)
            if value is not None:
                totals[attr] = totals.get(attr, 0) + value
    return totals


def capture_content_default() -> bool:
    return os.environ.get(CAPTURE_ENV, "").strip().lower() == "true"


def response_attributes(response: Any, *, capture_content: bool | None = None) -> dict[str, Any]:
    """The span attributes for a response (see the module docstring); None values left out."""
    if capture_content is None:
        capture_content = capture_content_default()
    attrs: dict[str, Any] = {}
    if response.id is not None:
        attrs["gen_ai.response.id"] = response.id
    if response.model is not None:
        attrs["gen_ai.response.model"] = response.model
    if response.provider is not None:
        attrs["gen_ai.provider.name"] = response.provider
    outputs = sorted(response.outputs or (), key=lambda o: o.index)
    if outputs:
        attrs["gen_ai.response.finish_reasons"] = [finish_reason(o, response.error is not None) for o in outputs]
    attrs.update(_usage(response))
    error = response.error or next((o.error for o in outputs if o.error is not None), None)
    if error is not None:
        attrs["error.type"] = error.code or "LMError"
    if capture_content:
        attrs[OUTPUT_MESSAGES] = json.dumps(output_messages(response), ensure_ascii=False)
    return attrs


def record_response(span: Any, response: Any, *, capture_content: bool | None = None) -> None:
    """Set the response's GenAI attributes on ``span``; an error also sets the span status."""
    attrs = response_attributes(response, capture_content=capture_content)
    span.set_attributes(attrs)
    error = response.error or next((o.error for o in response.outputs or () if o.error is not None), None)
    if error is not None:
        from opentelemetry.trace import Status, StatusCode

        span.set_status(Status(StatusCode.ERROR, error.message))


__all__ = [
    "CAPTURE_ENV",
    "OUTPUT_MESSAGES",
    "finish_reason",
    "output_message",
    "output_messages",
    "record_response",
    "response_attributes",
]
