"""OpenAI Responses (``/v1/responses``), complete and streamed.

Traps handled here:

- A reasoning item's ``encrypted_content`` is sent again, different, at
  ``response.output_item.added``, ``response.output_item.done`` and in ``response.completed``:
  it lands in the thinking part's ``encrypted_content``, which is replaced, never appended,
  so the last whole blob wins.
- The finish reason is not a field: it follows from ``status`` (``completed``, ``incomplete``,
  ``failed``, ``cancelled``) and ``incomplete_details.reason``; a completed turn that called a
  client function is a ``tool_call``, which needs the stream to remember function calls.
- A function call has an item id (``fc_...``, what argument deltas name) and a ``call_id``
  (what the tool result must echo): the part's ``id`` is the ``call_id``; the item id is kept
  in ``provider_data``; argument deltas find their call through the item id.
- Built-in tools (``web_search_call``, ``file_search_call``, ``code_interpreter_call``, ...) ran
  on the provider's side: ``server_side`` tool calls. An item of a kind not known here is kept
  whole as an ``unknown`` part.
- ``created_at`` is a Unix integer.

Each output item, and each content part of a message, is one part; a reasoning item is one
thinking part whose summary paragraphs are joined with a blank line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.generated.importer_usage import USAGE as IMPORTER_USAGE
from lmcontract.importers.streaming import BaseStreamImporter, merged
from lmcontract.importers.usage import UsageMapping, usage_record
from lmcontract.importers.wire import ImportProblem, as_dict, error_fields, from_unix, parse_arguments
from lmcontract.lib.finish_reasons import unify_finish_reason

FORMAT = "openai-responses"
PROVIDER = "openai"
FINISH_PROVIDER = "openai_responses"

# Contract usage field -> the wire counts that add up to it: data in schema/importers.yaml.
USAGE: UsageMapping = IMPORTER_USAGE[FORMAT]

_RESPONSE_MAPPED = frozenset({"id", "object", "created_at", "model", "output", "usage", "output_text"})
# Items a client runs (the caller must answer them); every other ``*_call`` ran on the provider.
_CLIENT_CALLS = frozenset({"function_call", "custom_tool_call", "computer_call", "local_shell_call", "shell_call",
                           "apply_patch_call"})
_PARAGRAPH = "\n\n"


def _token(entry: dict) -> dict:
    out: dict[str, Any] = {"token": entry.get("token"), "logprob": entry["logprob"]}
    if entry.get("bytes") is not None:
        out["bytes"] = entry["bytes"]
    if entry.get("top_logprobs"):
        out["top"] = [
            {"token": alt.get("token"), "logprob": alt["logprob"], "rank": rank,
             **({"bytes": alt["bytes"]} if alt.get("bytes") is not None else {})}
            for rank, alt in enumerate(entry["top_logprobs"], start=1)
        ]
    return out


def _citation(annotation: dict) -> dict:
    out = {k: annotation[k] for k in ("url", "title", "start_index", "end_index") if annotation.get(k) is not None}
    rest = {k: v for k, v in annotation.items() if k not in out}
    if rest:
        out["provider_data"] = rest
    return out


def _content_part(content: dict, item_id: str | None) -> dict:
    kind = content.get("type")
    if kind == "output_text":
        part: dict[str, Any] = {"type": "text", "text": content.get("text") or ""}
        if content.get("annotations"):
            part["citations"] = [_citation(a) for a in content["annotations"]]
    elif kind == "refusal":
        part = {"type": "refusal", "text": content.get("refusal") or ""}
    else:
        return {"type": "unknown", "provider_type": str(kind), "value": content}
    if item_id is not None:
        part["provider_data"] = {"id": item_id}
    return part


def _reasoning_text(item: dict) -> str:
    summary = _PARAGRAPH.join(s.get("text") or "" for s in item.get("summary") or ())
    content = "".join(c.get("text") or "" for c in item.get("content") or ())
    return summary + content


def _reasoning_part(item: dict, *, with_text: bool) -> dict:
    part: dict[str, Any] = {"type": "thinking"}
    if with_text:
        part["text"] = _reasoning_text(item)
    if item.get("encrypted_content"):
        part["encrypted_content"] = item["encrypted_content"]
    if item.get("id") is not None:
        part["provider_data"] = {"id": item["id"]}
    return part


def _call_part(item: dict, *, with_arguments: bool) -> dict:
    kind = item.get("type")
    mapped = ("call_id", "name", "arguments", "input", "type")
    rest = {k: v for k, v in item.items() if k not in mapped and v is not None}
    if kind in ("function_call", "custom_tool_call"):
        part: dict[str, Any] = {"type": "tool_call", "id": item.get("call_id"), "name": item.get("name")}
        if with_arguments:
            # A custom tool's input is free text: kept raw unless it happens to be a JSON object.
            raw = item.get("arguments") if kind == "function_call" else item.get("input")
            part["arguments"], part["arguments_raw"] = parse_arguments(raw)
        if kind != "function_call":
            rest["type"] = kind
    else:
        # A built-in tool: its name is the item's kind; what it was asked is its action.
        part = {"type": "tool_call", "id": item.get("call_id") or item.get("id"), "name": kind.removesuffix("_call")}
        if kind not in _CLIENT_CALLS:
            part["server_side"] = True
        if with_arguments:
            part["arguments"] = item.get("action") or {}
        rest = {k: v for k, v in item.items() if k not in ("type", "action") and v is not None}
    if rest:
        part["provider_data"] = rest
    return part


def _is_call(kind: str | None) -> bool:
    return isinstance(kind, str) and kind.endswith("_call")


def _finish(response: dict, saw_client_call: bool) -> dict:
    status = response.get("status")
    if status in (None, "in_progress", "queued"):
        return {}
    raw = status
    if status == "incomplete":
        raw = (response.get("incomplete_details") or {}).get("reason") or status
    out = unify_finish_reason(FINISH_PROVIDER, raw).fields()
    if out.get("finish_reason") == "stop" and saw_client_call:
        out["finish_reason"] = "tool_call"  # completed, waiting for the caller's function results
    return out



def _response_fields(response: dict) -> dict:
    out: dict[str, Any] = {"provider": PROVIDER}
    if response.get("id") is not None:
        out["id"] = response["id"]
    if response.get("model") is not None:
        out["model"] = response["model"]
    if response.get("created_at") is not None:
        out["created"] = from_unix(response["created_at"], "created_at")
    extra = {k: v for k, v in response.items() if k not in _RESPONSE_MAPPED and v is not None and v != []}
    if extra:
        out["provider_data"] = extra
    return out


def from_payload(payload: Any) -> Any:
    """A complete Responses object (``"object": "response"``) as an ``LMResponse``."""
    from lmcontract import LMResponse

    response = as_dict(payload, "payload")
    if not isinstance(response.get("output"), list):
        raise ImportProblem("output: missing; not a Responses object")
    parts: list[dict] = []
    logprobs: list[dict] = []
    saw_client_call = False
    for raw_item in response["output"]:
        item = as_dict(raw_item, "output item")
        kind = item.get("type")
        if kind == "message":
            for content in item.get("content") or ():
                parts.append(_content_part(content, item.get("id")))
                logprobs.extend(_token(e) for e in content.get("logprobs") or ())
        elif kind == "reasoning":
            parts.append(_reasoning_part(item, with_text=True))
        elif _is_call(kind):
            saw_client_call |= kind in _CLIENT_CALLS
            parts.append(_call_part(item, with_arguments=True))
        else:
            parts.append({"type": "unknown", "provider_type": str(kind), "value": item})
    for index, part in enumerate(parts):
        part["part_index"] = index
    output: dict[str, Any] = {"index": 0, "parts": parts, **_finish(response, saw_client_call)}
    if logprobs:
        output["logprobs"] = logprobs
    out = _response_fields(response)
    if response.get("error"):
        out["error"] = error_fields(response["error"], "code")
    out["outputs"] = [output]
    usage = usage_record(USAGE, response.get("usage"))
    if usage:
        out["usage"] = usage
    return LMResponse.model_validate(out)


class StreamImporter(BaseStreamImporter):
    """Responses stream events (``response.created`` ... ``response.completed``) to delta chunks."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: dict[tuple, int] = {}  # (output_index, content_index or None) -> part_index
        self._items: dict[str, int] = {}  # item id -> output_index
        self._calls: dict[int, str] = {}  # output_index -> call_id
        self._summaries: set[tuple[int, int]] = set()
        self._saw_client_call = False

    def _index(self, output_index: int, sub: int | None = None) -> int:
        key = (output_index, sub)
        found = self._parts.get(key)
        if found is None:
            found = self._parts[key] = len(self._parts)
        return found

    def _chunk(self, parts: list[dict] | None = None, **fields: Any) -> list[dict]:
        out: dict[str, Any] = {"chunk_mode": "delta", **fields}
        if parts:
            out.setdefault("outputs", [{"index": 0}])[0]["parts"] = parts
        return [out]

    def _item_parts(self, item: dict, output_index: int, *, done: bool) -> list[dict]:
        kind = item.get("type")
        if item.get("id") is not None:
            self._items[item["id"]] = output_index
        if kind == "message":
            # Content parts arrive through their own events (and whole again at done).
            return []
        if kind == "reasoning":
            part = _reasoning_part(item, with_text=False)
        elif _is_call(kind):
            self._saw_client_call |= kind in _CLIENT_CALLS
            part = _call_part(item, with_arguments=done and kind not in ("function_call", "custom_tool_call"))
            if part.get("id") is not None:
                self._calls[output_index] = part["id"]
        else:
            part = {"type": "unknown", "provider_type": str(kind), "value": item}
        part["part_index"] = self._index(output_index)
        return [part]

    def feed_dicts(self, event: Any) -> list[dict]:
        ev = event if type(event) is dict else as_dict(event)
        kind = ev.get("type")
        if kind == "response.output_text.delta":
            part = {"type": "text", "text": ev["delta"], "part_index": self._index(ev["output_index"],
                                                                                ev.get("content_index", 0))}
            if ev.get("logprobs"):
                return self._chunk([part], outputs=[{"index": 0, "logprobs": [_token(e) for e in ev["logprobs"]]}])
            return self._chunk([part])
        if kind == "response.function_call_arguments.delta" or kind == "response.custom_tool_call_input.delta":
            output_index = ev["output_index"]
            part = {"type": "tool_call", "part_index": self._index(output_index), "arguments_raw": ev["delta"]}
            if output_index in self._calls:
                part["id"] = self._calls[output_index]
            return self._chunk([part])
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            part = {"type": "thinking", "text": ev["delta"], "part_index": self._index(ev["output_index"])}
            return self._chunk([part])
        if kind == "response.reasoning_summary_part.added":
            key = (ev["output_index"], ev.get("summary_index", 0))
            self._summaries.add(key)
            if key[1] > 0:
                return self._chunk([{"type": "thinking", "text": _PARAGRAPH,
                                     "part_index": self._index(ev["output_index"])}])
            return []
        if kind == "response.refusal.delta":
            return self._chunk([{"type": "refusal", "text": ev["delta"],
                                 "part_index": self._index(ev["output_index"], ev.get("content_index", 0))}])
        if kind == "response.content_part.added":
            content = as_dict(ev["part"], "part")
            part = _content_part(content, ev.get("item_id"))
            if part["type"] in ("text", "refusal"):
                part["text"] = ""  # the text follows as deltas
                part.pop("citations", None)
            part["part_index"] = self._index(ev["output_index"], ev.get("content_index", 0))
            return self._chunk([part])
        if kind == "response.output_text.annotation.added":
            part = {"type": "text", "text": "", "citations": [_citation(as_dict(ev["annotation"]))],
                    "part_index": self._index(ev["output_index"], ev.get("content_index", 0))}
            return self._chunk([part])
        if kind in ("response.output_item.added", "response.output_item.done"):
            item = as_dict(ev["item"], "item")
            parts = self._item_parts(item, ev["output_index"], done=kind.endswith("done"))
            return self._chunk(parts) if parts else []
        if kind in ("response.created", "response.in_progress", "response.completed", "response.incomplete",
                    "response.failed", "response.queued"):
            response = as_dict(ev["response"], "response")
            fields = _response_fields(response)
            finish = _finish(response, self._saw_client_call)
            if finish:
                fields["outputs"] = [{"index": 0, **finish}]
            elif kind == "response.created":
                fields["outputs"] = [{"index": 0}]
            if response.get("error"):
                fields["error"] = error_fields(response["error"], "code")
            usage = usage_record(USAGE, response.get("usage"))
            if usage:
                fields["usage"] = usage
            parts = []
            if kind != "response.created":
                # The final response repeats every reasoning item with its last encrypted blob.
                for output_index, raw_item in enumerate(response.get("output") or ()):
                    item = as_dict(raw_item, "output item")
                    if item.get("type") == "reasoning" and item.get("encrypted_content"):
                        part = _reasoning_part(item, with_text=False)
                        part["part_index"] = self._index(output_index)
                        parts.append(part)
            return self._chunk(parts, **fields)
        if kind == "error":
            return self._chunk(error=error_fields(ev, "code"))
        # Progress and echo events (content_part.done, *.done with the whole text, web search
        # progress, ...) repeat what deltas and output_item.done already carried.
        return []


def import_stream(events: Iterable[Any]) -> Any:
    """Import and merge a whole Responses stream into one complete ``LMResponse``."""
    return merged(StreamImporter(), events)
