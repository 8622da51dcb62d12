"""OpenAI Chat Completions (``/v1/chat/completions``) and every server that speaks it.

vLLM, SGLang, LMDeploy's api_server, llama.cpp, DeepSeek and ``transformers serve`` send the
same payloads; several add the reasoning text as ``reasoning_content`` (or ``reasoning``) beside
``content``, which lands in a thinking part.

Stream traps handled here:

- Only the first fragment of a tool call carries ``id`` and ``function.name``; later fragments
  carry ``tool_calls[].index`` alone. The importer keeps index -> id per choice and puts the
  id and an explicit ``part_index`` on every fragment, so fragments never land on another call.
- With ``stream_options.include_usage`` the usage arrives in a last chunk whose ``choices`` is
  empty; it becomes a chunk with usage and no outputs.
- ``created`` is a Unix integer; the contract holds a datetime.
- The first chunk may carry an empty ``content`` before the reasoning starts: empty text opens
  no part, so the reasoning stays first, as in the complete payload.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any

from lmcontract.generated.importer_usage import USAGE as IMPORTER_USAGE
from lmcontract.importers.streaming import BaseStreamImporter, merged
from lmcontract.importers.usage import UsageMapping, usage_record
from lmcontract.importers.wire import ImportProblem, as_dict, error_fields, from_unix, parse_arguments
from lmcontract.lib.finish_reasons import unify_finish_reason

FORMAT = "openai-chat"
PROVIDER = "openai"

# Contract usage field -> the wire counts that add up to it: data in schema/importers.yaml.
USAGE: UsageMapping = IMPORTER_USAGE[FORMAT]

# Members mapped to contract fields; any other member is kept in provider_data. ``object`` only
# says which payload this is (chat.completion or chat.completion.chunk) and is dropped.
_RESPONSE_MAPPED = frozenset({"id", "object", "created", "model", "choices", "usage", "error"})
_CHOICE_MAPPED = frozenset({"index", "message", "delta", "logprobs", "finish_reason"})
_MESSAGE_MAPPED = frozenset(
    {"role", "content", "refusal", "tool_calls", "function_call", "reasoning_content", "reasoning", "annotations",
     "audio"}
)
_REASONING_KEYS = ("reasoning_content", "reasoning")


# --- pieces shared by payloads and chunks ----------------------------------------------------
def _extras(obj: dict, mapped: frozenset) -> dict | None:
    extra = {k: v for k, v in obj.items() if k not in mapped and v is not None}
    return extra or None


def _reasoning(message: dict) -> str | None:
    for key in _REASONING_KEYS:
        value = message.get(key)
        if value:
            return value
    return None


def _citation(annotation: dict) -> dict:
    found = annotation.get("url_citation") or {}
    citation = {k: found[k] for k in ("url", "title", "start_index", "end_index") if found.get(k) is not None}
    rest = {k: v for k, v in annotation.items() if k != "url_citation"}
    rest.update({k: v for k, v in found.items() if k not in citation})
    if rest:
        citation["provider_data"] = rest
    return citation


def _token(entry: dict) -> dict:
    out: dict[str, Any] = {"token": entry.get("token"), "logprob": entry["logprob"]}
    if entry.get("bytes") is not None:
        out["bytes"] = entry["bytes"]
    top = entry.get("top_logprobs")
    if top:
        out["top"] = [
            {"token": alt.get("token"), "logprob": alt["logprob"], "rank": rank,
             **({"bytes": alt["bytes"]} if alt.get("bytes") is not None else {})}
            for rank, alt in enumerate(top, start=1)
        ]
    return out


def _logprobs(logprobs: dict | None) -> dict:
    """``logprobs`` (content tokens) and ``refusal_logprobs`` of a choice, each when present."""
    if not logprobs:
        return {}
    out = {}
    if logprobs.get("content"):
        out["logprobs"] = [_token(e) for e in logprobs["content"]]
    if logprobs.get("refusal"):
        out["refusal_logprobs"] = [_token(e) for e in logprobs["refusal"]]
    return out


def _finish(raw: str | None) -> dict:
    if raw is None:  # every chunk but the last: no table look-up
        return {}
    return unify_finish_reason(PROVIDER, raw).fields()



def _empty_output_needs_text(finish: dict) -> bool:
    # A complete output has parts, except one a filter withheld (finish reason content_filter).
    return finish.get("finish_reason") != "content_filter"


def _audio_part(audio: dict, part_index: int) -> dict:
    part = {"type": "audio", "part_index": part_index}
    if audio.get("data"):
        part["data"] = audio["data"]
    if audio.get("transcript") is not None:
        part["transcript"] = audio["transcript"]
    rest = {k: v for k, v in audio.items() if k not in ("data", "transcript")}
    if rest:
        part["provider_data"] = rest
    return part


# --- complete payloads -----------------------------------------------------------------------
def _message_parts(message: dict) -> list[dict]:
    parts: list[dict] = []

    def add(part: dict) -> None:
        part["part_index"] = len(parts)
        parts.append(part)

    reasoning = _reasoning(message)
    if reasoning:
        add({"type": "thinking", "text": reasoning})
    content = message.get("content")
    if content:
        text: dict[str, Any] = {"type": "text", "text": content}
        if message.get("annotations"):
            text["citations"] = [_citation(a) for a in message["annotations"]]
        add(text)
    if message.get("refusal"):
        add({"type": "refusal", "text": message["refusal"]})
    if message.get("audio"):
        add(_audio_part(message["audio"], 0))  # add() sets its part_index
    calls = list(message.get("tool_calls") or ())
    if message.get("function_call"):
        calls.append({"function": message["function_call"]})
    for call in calls:
        function = call.get("function") or {}
        arguments, raw = parse_arguments(function.get("arguments"))
        part: dict[str, Any] = {"type": "tool_call", "name": function.get("name")}
        if call.get("id") is not None:
            part["id"] = call["id"]
        part["arguments"], part["arguments_raw"] = arguments, raw
        extra = {k: v for k, v in call.items() if k not in ("id", "type", "function", "index")}
        if extra:
            part["provider_data"] = extra
        add(part)
    return parts


def _response_fields(payload: dict, provider: str) -> dict:
    out: dict[str, Any] = {"provider": provider}
    if payload.get("id") is not None:
        out["id"] = payload["id"]
    if payload.get("model") is not None:
        out["model"] = payload["model"]
    if payload.get("created") is not None:
        out["created"] = from_unix(payload["created"])
    extra = _extras(payload, _RESPONSE_MAPPED)
    if extra:
        out["provider_data"] = extra
    return out


def _keep_extras(output: dict, choice: dict, message: dict) -> None:
    """The fields of a choice and its message (or delta) that have no slot, in provider_data."""
    extra = _extras(choice, _CHOICE_MAPPED) or {}
    message_extra = _extras(message, _MESSAGE_MAPPED)
    if message_extra:
        extra["message"] = message_extra
    if extra:
        output["provider_data"] = extra


def error(value: Any) -> dict:
    """An OpenAI error object as LMError fields (its code, else its type, is the code)."""
    return error_fields(value, "code", "type")


def checked_payload(payload: Any, api: str) -> dict:
    """A complete OpenAI response (Chat Completions or Completions) as a dict with choices, or
    an ImportProblem saying why not (the provider's error, or no choices)."""
    payload = as_dict(payload, "payload")
    if payload.get("error") is not None and not payload.get("choices"):
        raise ImportProblem(f"error: the provider returned an error: {error(payload['error'])['message']}")
    if not isinstance(payload.get("choices"), list):
        raise ImportProblem(f"choices: missing; not a {api} response")
    return payload


def from_payload(payload: Any, *, provider: str = PROVIDER) -> Any:
    """A complete Chat Completions response (``chat.completion``) as an ``LMResponse``."""
    from lmcontract import LMResponse

    payload = checked_payload(payload, "Chat Completions")
    response = _response_fields(payload, provider)
    outputs = []
    for choice in payload["choices"]:
        message = choice.get("message") or {}
        finish = _finish(choice.get("finish_reason"))
        parts = _message_parts(message)
        if not parts and _empty_output_needs_text(finish):
            parts = [{"type": "text", "text": message.get("content") or "", "part_index": 0}]
        output: dict[str, Any] = {"index": choice.get("index", 0), "parts": parts, **finish,
                                  **_logprobs(choice.get("logprobs"))}
        _keep_extras(output, choice, message)
        outputs.append(output)
    response["outputs"] = outputs
    if payload.get("error") is not None:
        response["error"] = error(payload["error"])
    usage = usage_record(USAGE, payload.get("usage"))
    if usage:
        response["usage"] = usage
    return LMResponse.model_validate(response)


# --- streams ---------------------------------------------------------------------------------
class _Choice:
    """What a stream must remember about one choice: its parts' indexes and its tool-call ids."""

    __slots__ = ("audio", "call_ids", "finished", "next_index", "parts")

    def __init__(self) -> None:
        self.parts: dict[Any, int] = {}  # part key -> part_index
        self.call_ids: dict[int, str] = {}  # tool_calls[].index -> id
        self.next_index = 0
        self.finished = False
        self.audio: _Audio | None = None

    def index_of(self, key: Any) -> int:
        found = self.parts.get(key)
        if found is None:
            found = self.parts[key] = self.next_index
            self.next_index += 1
        return found


class _Audio:
    """Streamed audio, held until the choice ends: each ``data`` fragment is base64 of its own
    (padded), so the fragments cannot be appended as text; the bytes are joined instead."""

    __slots__ = ("data", "fields", "transcript")

    def __init__(self) -> None:
        self.data = bytearray()
        self.transcript: list[str] = []
        self.fields: dict[str, Any] = {}

    def add(self, audio: dict) -> None:
        if audio.get("data"):
            self.data += base64.b64decode(audio["data"])
        if audio.get("transcript"):
            self.transcript.append(audio["transcript"])
        self.fields.update((k, v) for k, v in audio.items() if k not in ("data", "transcript") and v is not None)

    def part(self, part_index: int) -> dict:
        whole = {**self.fields, "transcript": "".join(self.transcript)}
        if self.data:
            whole["data"] = base64.b64encode(bytes(self.data)).decode("ascii")
        return _audio_part(whole, part_index)


class StreamImporter(BaseStreamImporter):
    """Chat Completions chunks (``chat.completion.chunk`` dicts or SDK objects) to delta chunks."""

    def __init__(self, *, provider: str = PROVIDER) -> None:
        super().__init__()
        self.provider = provider
        self._choices: dict[int, _Choice] = {}
        self._identified = False
        self._last_extra: dict | None = None

    def feed_dicts(self, event: Any) -> list[dict]:
        chunk = event if type(event) is dict else as_dict(event)
        out: dict[str, Any] = {"chunk_mode": "delta"}
        if not self._identified and (chunk.get("id") is not None or chunk.get("model") is not None):
            out.update(_response_fields(chunk, self.provider))
            self._identified = True
            self._last_extra = out.get("provider_data")
        else:
            # Sent again on every chunk (system_fingerprint, ...): passed on only when it changes.
            extra = _extras(chunk, _RESPONSE_MAPPED)
            if extra and extra != self._last_extra:
                out["provider_data"] = extra
                self._last_extra = extra
        if chunk.get("error") is not None:
            out["error"] = error(chunk["error"])
        choices = chunk.get("choices")
        if choices:
            out["outputs"] = [self._choice(c) for c in choices]
        usage = chunk.get("usage")
        if usage:
            out["usage"] = usage_record(USAGE, usage)
        if len(out) == 1:
            return []
        return [out]

    def _choice(self, choice: dict) -> dict:
        index = choice.get("index", 0)
        state = self._choices.get(index)
        if state is None:
            state = self._choices[index] = _Choice()
        output: dict[str, Any] = {"index": index}
        parts: list[dict] = []
        delta = choice.get("delta") or {}
        reasoning = _reasoning(delta)
        if reasoning:
            parts.append({"type": "thinking", "text": reasoning, "part_index": state.index_of("thinking")})
        content = delta.get("content")
        if content:
            part = {"type": "text", "text": content, "part_index": state.index_of("text")}
            parts.append(part)
        if delta.get("annotations"):
            parts.append({"type": "text", "text": "", "part_index": state.index_of("text"),
                          "citations": [_citation(a) for a in delta["annotations"]]})
        if delta.get("refusal"):
            parts.append({"type": "refusal", "text": delta["refusal"], "part_index": state.index_of("refusal")})
        if delta.get("tool_calls"):
            for call in delta["tool_calls"]:
                parts.append(self._call(state, call))
        if delta.get("function_call"):
            parts.append(self._call(state, {"index": -1, "function": delta["function_call"]}))
        if delta.get("audio"):
            if state.audio is None:
                state.audio = _Audio()
                state.index_of("audio")
            state.audio.add(delta["audio"])
        _keep_extras(output, choice, delta)
        if choice.get("logprobs"):
            output.update(_logprobs(choice["logprobs"]))
        raw = choice.get("finish_reason")
        if raw is not None:
            finish = _finish(raw)
            output.update(finish)
            state.finished = True
            if state.audio is not None:
                parts.append(state.audio.part(state.parts["audio"]))
                state.audio = None
            if not state.parts and not parts and _empty_output_needs_text(finish):
                parts.append({"type": "text", "text": "", "part_index": state.index_of("text")})
        if parts:
            output["parts"] = parts
        return output

    def _call(self, state: _Choice, call: dict) -> dict:
        position = call.get("index")
        call_id = call.get("id")
        if position is None:
            # Some servers leave out the index: the id says which call, else it is the open one.
            if call_id is not None:
                position = next((i for i, known in state.call_ids.items() if known == call_id), None)
            if position is None:
                # An id not seen before starts a new call; no id continues the last one.
                last = max(state.call_ids, default=-1)
                position = last + 1 if call_id is not None else max(last, 0)
        if call_id is not None:
            state.call_ids.setdefault(position, call_id)
        else:
            call_id = state.call_ids.get(position)
        part: dict[str, Any] = {"type": "tool_call", "part_index": state.index_of(("tool", position))}
        if call_id is not None:
            part["id"] = call_id
        function = call.get("function") or {}
        if function.get("name"):
            part["name"] = function["name"]
        if function.get("arguments"):
            part["arguments_raw"] = function["arguments"]
        return part

    def close_dicts(self) -> list[dict]:
        outputs = []
        for index, state in sorted(self._choices.items()):
            if state.audio is not None:  # a stream cut before its finish chunk
                outputs.append({"index": index, "parts": [state.audio.part(state.parts["audio"])]})
                state.audio = None
            elif not state.parts and not state.finished:
                outputs.append({"index": index, "parts": [{"type": "text", "text": "", "part_index": 0}]})
        if not outputs:
            return []
        return [{"chunk_mode": "delta", "outputs": outputs}]


def import_stream(events: Iterable[Any], *, provider: str = PROVIDER) -> Any:
    """Import and merge a whole Chat Completions stream into one complete ``LMResponse``."""
    return merged(StreamImporter(provider=provider), events)
