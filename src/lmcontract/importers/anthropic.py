"""Anthropic Messages (``/v1/messages``), complete and streamed.

Traps handled here:

- Anthropic's ``input_tokens`` leaves out ``cache_read_input_tokens`` and
  ``cache_creation_input_tokens``; the contract's ``input_tokens`` includes them, so they are
  added (100 reported + 55,096 read from cache is 55,196 read). A stream reports usage in
  ``message_start`` and again, cumulatively, in ``message_delta``: the importer keeps the latest
  value of each wire count and sends the whole record again, which the merge replaces.
- A content block's ``index`` is its position in the message: it is the part's ``part_index``,
  so blocks never merge by guess. A ``tool_use`` block starts with ``input: {}`` and its input
  then arrives as ``partial_json`` text, appended raw and parsed once at the end.
- A thinking block's ``signature`` arrives whole in a ``signature_delta``; a
  ``redacted_thinking`` block's ``data`` is opaque: both are replaced, never appended.
- ``server_tool_use`` and ``*_tool_result`` blocks are tools the provider ran itself
  (``server_side``); a block of a kind this importer does not know is kept whole.
- ``ping`` carries nothing; ``error`` ends the stream with an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.generated.importer_usage import USAGE as IMPORTER_USAGE
from lmcontract.importers.streaming import BaseStreamImporter, merged
from lmcontract.importers.usage import UsageMapping, usage_record
from lmcontract.importers.wire import ImportProblem, as_dict, error_fields, parse_arguments
from lmcontract.lib.finish_reasons import unify_finish_reason

FORMAT = "anthropic"
PROVIDER = "anthropic"

# Contract usage field -> the wire counts that add up to it: data in schema/importers.yaml.
USAGE: UsageMapping = IMPORTER_USAGE[FORMAT]

# Events with nothing new: stops, keep-alives, and the anthropic SDK's own helper events
# (``messages.stream()`` yields text, thinking, signature, input_json and citation events
# beside the raw ones, repeating what their deltas carried).
_CARRY_NOTHING = frozenset(
    {"content_block_stop", "message_stop", "ping", "text", "thinking", "signature", "input_json", "citation"}
)
# Delta type -> (part kind, the delta's fragment field): what feed_into appends directly.
_FRAGMENTS = {
    "text_delta": ("text", "text"),
    "thinking_delta": ("thinking", "thinking"),
    "input_json_delta": ("tool_call", "partial_json"),
}
_MESSAGE_MAPPED = frozenset({"id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"})
_TEXT_MAPPED = frozenset({"type", "text", "citations"})
_CITATION_FIELDS = {
    "cited_text": "cited_text",
    "document_index": "document_index",
    "document_title": "title",
    "title": "title",
    "url": "url",
}
# start_char_index / end_char_index (and page and block locations) point into the cited
# document, not into the text part as the contract's start_index does: they stay in
# the citation's provider_data.


def _citation(raw: dict) -> dict:
    out: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for key, value in raw.items():
        target = _CITATION_FIELDS.get(key)
        if target is not None and value is not None and target not in out:
            out[target] = value
        else:
            rest[key] = value
    if rest:
        out["provider_data"] = rest
    return out


def _tool_result_content(block: dict) -> dict:
    rest = {k: v for k, v in block.items() if k not in ("type", "tool_use_id", "content", "is_error")}
    result: dict[str, Any] = {"tool_call_id": block.get("tool_use_id") or "", "content": block.get("content")}
    if block.get("is_error") is not None:
        result["is_error"] = block["is_error"]
    content = block.get("content")
    if isinstance(content, dict) and str(content.get("type", "")).endswith("_error"):
        result["is_error"] = True
    part: dict[str, Any] = {"type": "tool_result", "server_side": True, "result": result}
    rest["type"] = block["type"]
    part["provider_data"] = rest
    return part


def block_part(block: dict, index: int, *, streaming: bool = False) -> dict:
    """One content block as a part at ``index``; in a stream, the block as ``content_block_start`` opens it."""
    kind = block.get("type")
    part: dict[str, Any]
    if kind == "text":
        part = {"type": "text", "text": block.get("text") or ""}
        if block.get("citations"):
            part["citations"] = [_citation(c) for c in block["citations"]]
        extra = {k: v for k, v in block.items() if k not in _TEXT_MAPPED and v is not None}
        if extra:
            part["provider_data"] = extra
    elif kind == "thinking":
        part = {"type": "thinking", "text": block.get("thinking") or ""}
        if block.get("signature"):
            part["signature"] = block["signature"]
    elif kind == "redacted_thinking":
        part = {"type": "thinking", "redacted": True, "encrypted_content": block.get("data")}
    elif kind in ("tool_use", "server_tool_use", "mcp_tool_use"):
        part = {"type": "tool_call", "id": block.get("id"), "name": block.get("name")}
        if kind != "tool_use":
            part["server_side"] = True
            part["provider_data"] = {k: v for k, v in block.items() if k not in ("id", "name", "input")}
        if not streaming:
            raw_input = block.get("input")
            if isinstance(raw_input, dict):
                part["arguments"] = raw_input
            elif isinstance(raw_input, str):
                part["arguments"], part["arguments_raw"] = parse_arguments(raw_input)
        # In a stream the block starts with input {} and the input arrives as partial_json.
    elif isinstance(kind, str) and kind.endswith("_tool_result"):
        part = _tool_result_content(block)
    else:
        part = {"type": "unknown", "provider_type": str(kind), "value": block}
    part["part_index"] = index
    return part


def _finish(raw: str | None, stop_sequence: str | None) -> dict:
    if raw is None:
        return {}
    out = unify_finish_reason(PROVIDER, raw).fields()
    if stop_sequence is not None:
        out["stop_sequence"] = stop_sequence
    return out



def _identity(message: dict) -> dict:
    out: dict[str, Any] = {"provider": PROVIDER}
    if message.get("id") is not None:
        out["id"] = message["id"]
    if message.get("model") is not None:
        out["model"] = message["model"]
    extra = {k: v for k, v in message.items() if k not in _MESSAGE_MAPPED and v is not None}
    if extra:
        out["provider_data"] = extra
    return out


def from_payload(payload: Any) -> Any:
    """A complete Messages response (``"type": "message"``) as an ``LMResponse``."""
    from lmcontract import LMResponse

    message = as_dict(payload, "payload")
    if message.get("type") == "error":
        text = error_fields(message.get("error"), "type")["message"]
        raise ImportProblem(f"error: the provider returned an error: {text}")
    if not isinstance(message.get("content"), list):
        raise ImportProblem("content: missing; not a Messages response")
    parts = [block_part(as_dict(b, "content block"), i) for i, b in enumerate(message["content"])]
    finish = _finish(message.get("stop_reason"), message.get("stop_sequence"))
    response = _identity(message)
    response["outputs"] = [{"index": 0, "parts": parts, **finish}]
    usage = usage_record(USAGE, message.get("usage"))
    if usage:
        response["usage"] = usage
    return LMResponse.model_validate(response)


class StreamImporter(BaseStreamImporter):
    """Messages stream events (``message_start`` ... ``message_stop``) to delta chunks."""

    def __init__(self) -> None:
        super().__init__()
        self._usage: dict[str, Any] = {}

    def _usage_chunk(self, usage: dict | None) -> dict | None:
        if not usage:
            return None
        for key, value in usage.items():
            if value is not None:
                self._usage[key] = value
        return usage_record(USAGE, self._usage)

    def feed_into(self, event: Any, accumulator: Any) -> None:
        if type(event) is dict and event.get("type") == "content_block_delta":
            delta = event["delta"]
            kind = _FRAGMENTS.get(delta.get("type"))
            if kind is not None and accumulator.append(0, event["index"], kind[0], delta[kind[1]]):
                return
        super().feed_into(event, accumulator)

    def feed_dicts(self, event: Any) -> list[dict]:
        ev = event if type(event) is dict else as_dict(event)
        kind = ev.get("type")
        if kind == "content_block_delta":
            delta = ev["delta"]
            if delta.get("type") == "text_delta":  # most events: the fast path
                part = {"type": "text", "text": delta["text"], "part_index": ev["index"]}
                return [{"chunk_mode": "delta", "outputs": [{"index": 0, "parts": [part]}]}]
        out: dict[str, Any] = {"chunk_mode": "delta"}
        if kind == "content_block_delta":
            out["outputs"] = [{"index": 0, "parts": [self._delta(ev["index"], ev["delta"])]}]
        elif kind == "content_block_start":
            block = as_dict(ev["content_block"], "content_block")
            out["outputs"] = [{"index": 0, "parts": [block_part(block, ev["index"], streaming=True)]}]
        elif kind == "message_start":
            message = as_dict(ev["message"], "message")
            out.update(_identity(message))
            output: dict[str, Any] = {"index": 0}
            if message.get("content"):
                output["parts"] = [block_part(b, i) for i, b in enumerate(message["content"])]
            output.update(_finish(message.get("stop_reason"), message.get("stop_sequence")))
            out["outputs"] = [output]
            usage = self._usage_chunk(message.get("usage"))
            if usage:
                out["usage"] = usage
        elif kind == "message_delta":
            delta = ev.get("delta") or {}
            finish = _finish(delta.get("stop_reason"), delta.get("stop_sequence"))
            if finish:
                out["outputs"] = [{"index": 0, **finish}]
            usage = self._usage_chunk(ev.get("usage"))
            if usage:
                out["usage"] = usage
            extra = {k: v for k, v in delta.items() if k not in ("stop_reason", "stop_sequence") and v is not None}
            if extra:
                out["provider_data"] = extra
        elif kind == "error":
            out["error"] = error_fields(ev.get("error"), "type")
        elif kind in _CARRY_NOTHING:
            return []
        else:
            raise ImportProblem(f"type: unknown Messages stream event {kind!r}")
        return [out]

    @staticmethod
    def _delta(index: int, delta: dict) -> dict:
        kind = delta.get("type")
        if kind == "text_delta":
            return {"type": "text", "text": delta["text"], "part_index": index}
        if kind == "input_json_delta":
            part = {"type": "tool_call", "part_index": index}
            if delta.get("partial_json"):
                part["arguments_raw"] = delta["partial_json"]
            return part
        if kind == "thinking_delta":
            return {"type": "thinking", "text": delta["thinking"], "part_index": index}
        if kind == "signature_delta":
            return {"type": "thinking", "signature": delta["signature"], "part_index": index}
        if kind == "citations_delta":
            return {"type": "text", "text": "", "citations": [_citation(delta["citation"])], "part_index": index}
        raise ImportProblem(f"delta.type: unknown content block delta {kind!r}")


def import_stream(events: Iterable[Any]) -> Any:
    """Import and merge a whole Messages stream into one complete ``LMResponse``."""
    return merged(StreamImporter(), events)
