"""Google Gemini (``generateContent`` / ``streamGenerateContent``), Gemini API and Vertex AI.

Traps handled here:

- ``finishReason`` is ``STOP`` even when the turn ends in a function call: the importer
  remembers, per candidate, whether a function call was seen, and such a STOP is ``tool_call``.
- ``usageMetadata`` is cumulative in a stream (each chunk repeats the totals so far) and
  ``candidatesTokenCount`` leaves out ``thoughtsTokenCount``: the contract's ``output_tokens``
  is their sum, replaced (never summed) chunk by chunk.
- A stream's text arrives as a new ``{"text": ...}`` part per chunk that continues the open text
  (or thought) part; a function call is always a part of its own, and function calls may have
  no ``id`` and share a name, so every part gets an explicit ``part_index``.
- ``thoughtSignature`` can sit on text and functionCall parts (and on an empty text part at the
  end of a stream): it is the part's ``signature``, replaced, never appended.
- A blocked candidate has a ``finishReason`` (SAFETY, ...) and no ``content``: an output with no
  parts and finish reason ``content_filter``. A blocked prompt (``promptFeedback.blockReason``,
  no candidates) is the same, for output 0.
- A complete payload is imported exactly as a one-chunk stream, so both agree by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lmcontract.generated.importer_usage import USAGE as IMPORTER_USAGE
from lmcontract.importers.streaming import BaseStreamImporter, merged
from lmcontract.importers.usage import UsageMapping, usage_record
from lmcontract.importers.wire import ImportProblem, as_dict, from_iso
from lmcontract.lib.finish_reasons import unify_finish_reason

FORMAT = "gemini"
PROVIDER = "gemini"
# streamGenerateContent without alt=sse answers with one JSON array of chunks: for
# ``lmcontract convert``, a .json file holding a list is one stream, not several payloads.
JSON_ARRAY_IS_STREAM = True

# Contract usage field -> the wire counts that add up to it: data in schema/importers.yaml.
USAGE: UsageMapping = IMPORTER_USAGE[FORMAT]

# google-genai adds its own bookkeeping to the response object (the HTTP headers, the
# automatic function-calling history, a parsed copy): not what the provider sent, left out.
_RESPONSE_MAPPED = frozenset(
    {"candidates", "usageMetadata", "modelVersion", "responseId", "createTime",
     "sdkHttpResponse", "automaticFunctionCallingHistory", "parsed"}
)
_CANDIDATE_MAPPED = frozenset({"content", "finishReason", "index", "logprobsResult"})
_PART_MAPPED = frozenset({"text", "thought", "thoughtSignature", "functionCall", "inlineData", "fileData"})
_MEDIA_KINDS = {"image": "image", "audio": "audio", "video": "video", "application/pdf": "document"}


def _standard_base64(data: str) -> str:
    # pydantic (and so google-genai's model_dump) writes bytes as URL-safe base64; the wire
    # sends standard base64, which has neither - nor _, so this maps both to the wire's form.
    return data.replace("-", "+").replace("_", "/")


def _media(blob: dict, *, inline: bool) -> dict:
    mime = blob.get("mimeType") or "application/octet-stream"
    kind = _MEDIA_KINDS.get(mime) or _MEDIA_KINDS.get(mime.split("/", 1)[0]) or "binary"
    part: dict[str, Any] = {"type": kind, "media_type": mime}
    if inline:
        part["data"] = _standard_base64(blob.get("data") or "")
    else:
        part["url"] = blob.get("fileUri")
    rest = {k: v for k, v in blob.items() if k not in ("mimeType", "data", "fileUri")}
    if rest:
        part["provider_data"] = rest
    return part


def _finish(raw: str | None, saw_call: bool) -> dict:
    if raw is None:
        return {}
    return unify_finish_reason(PROVIDER, raw, has_tool_call=saw_call).fields()


def _token(entry: dict) -> dict:
    out: dict[str, Any] = {"logprob": entry.get("logProbability", 0.0)}
    if entry.get("token") is not None:
        out["token"] = entry["token"]
    if entry.get("tokenId") is not None:
        out["token_id"] = entry["tokenId"]
    return out


def _logprobs(result: dict) -> list[dict]:
    chosen = result.get("chosenCandidates") or []
    tops = result.get("topCandidates") or []
    out = []
    for position, entry in enumerate(chosen):
        token = _token(entry)
        if position < len(tops) and tops[position].get("candidates"):
            token["top"] = [
                {**_token(alt), "rank": rank} for rank, alt in enumerate(tops[position]["candidates"], start=1)
            ]
        out.append(token)
    return out


class _Candidate:
    """Per candidate: the open part (its kind and index), the next index, a function call seen."""

    __slots__ = ("next_index", "open_index", "open_kind", "saw_call")

    def __init__(self) -> None:
        self.open_kind: str | None = None
        self.open_index = -1
        self.next_index = 0
        self.saw_call = False

    def index_for(self, kind: str, continues: bool) -> int:
        if continues and self.open_kind == kind:
            return self.open_index
        self.open_kind = kind if continues else None
        self.open_index = self.next_index
        self.next_index += 1
        return self.open_index


class StreamImporter(BaseStreamImporter):
    """``GenerateContentResponse`` chunks (dicts or google-genai objects) to delta chunks."""

    def __init__(self, *, provider: str = PROVIDER) -> None:
        super().__init__()
        self.provider = provider
        self._candidates: dict[int, _Candidate] = {}
        self._identified = False

    def feed_dicts(self, event: Any) -> list[dict]:
        chunk = event if type(event) is dict else as_dict(event)
        if "error" in chunk and not chunk.get("candidates"):
            error = chunk["error"] if isinstance(chunk["error"], dict) else {"message": str(chunk["error"])}
            message = str(error.get("message") or error.get("status") or "error")
            status = error.get("status") if error.get("status") is not None else error.get("code")
            err: dict[str, Any] = {"message": message, "provider_data": error}
            if status is not None:
                err["code"] = str(status)
            return [{"chunk_mode": "delta", "error": err}]
        out: dict[str, Any] = {"chunk_mode": "delta"}
        if not self._identified:
            self._identified = True
            out["provider"] = self.provider
            if chunk.get("responseId") is not None:
                out["id"] = chunk["responseId"]
            if chunk.get("modelVersion") is not None:
                out["model"] = chunk["modelVersion"]
            if chunk.get("createTime") is not None:
                out["created"] = from_iso(chunk["createTime"])
        extra = {k: v for k, v in chunk.items() if k not in _RESPONSE_MAPPED and v is not None}
        if extra:
            out["provider_data"] = extra
        candidates = chunk.get("candidates")
        if candidates:
            out["outputs"] = [self._candidate(c) for c in candidates]
        else:
            block = (chunk.get("promptFeedback") or {}).get("blockReason")
            if block is not None:
                out["outputs"] = [{"index": 0, "finish_reason": "content_filter", "provider_finish_reason": block}]
        usage = usage_record(USAGE, chunk.get("usageMetadata"))
        if usage:
            out["usage"] = usage
        return [out]

    def _candidate(self, candidate: dict) -> dict:
        index = candidate.get("index", 0)
        state = self._candidates.get(index)
        if state is None:
            state = self._candidates[index] = _Candidate()
        output: dict[str, Any] = {"index": index}
        parts = [self._part(state, p) for p in (candidate.get("content") or {}).get("parts") or ()]
        if parts:
            output["parts"] = parts
        output.update(_finish(candidate.get("finishReason"), state.saw_call))
        if candidate.get("logprobsResult"):
            output["logprobs"] = _logprobs(candidate["logprobsResult"])
        extra = {k: v for k, v in candidate.items() if k not in _CANDIDATE_MAPPED and v is not None}
        content_extra = {k: v for k, v in (candidate.get("content") or {}).items() if k not in ("parts", "role")}
        if content_extra:
            extra["content"] = content_extra
        if extra:
            output["provider_data"] = extra
        return output

    def _part(self, state: _Candidate, raw: Any) -> dict:
        raw = raw if type(raw) is dict else as_dict(raw, "part")
        part: dict[str, Any]
        if "functionCall" in raw:
            call = raw["functionCall"]
            state.saw_call = True
            part = {"type": "tool_call", "name": call.get("name"), "arguments": call.get("args") or {}}
            if call.get("id") is not None:
                part["id"] = call["id"]
            rest = {k: v for k, v in call.items() if k not in ("id", "name", "args")}
            if rest:
                part["provider_data"] = rest
            part["part_index"] = state.index_for("tool_call", continues=False)
        elif "text" in raw:
            kind = "thinking" if raw.get("thought") else "text"
            part = {"type": kind, "text": raw["text"], "part_index": state.index_for(kind, continues=True)}
        elif "inlineData" in raw or "fileData" in raw:
            inline = "inlineData" in raw
            part = _media(raw["inlineData" if inline else "fileData"], inline=inline)
            part["part_index"] = state.index_for(part["type"], continues=False)
        elif set(raw) <= {"thoughtSignature", "thought"}:
            # A signature alone (the end of a stream): it belongs to the open part.
            kind = state.open_kind or ("thinking" if raw.get("thought") else "text")
            part = {"type": kind, "part_index": state.index_for(kind, continues=True)}
            if kind in ("text", "thinking"):
                part["text"] = ""
        else:
            kind = next((k for k in raw if k not in _PART_MAPPED), "unknown")
            part = {"type": "unknown", "provider_type": kind, "value": raw,
                    "part_index": state.index_for("unknown", continues=False)}
            return part
        if raw.get("thoughtSignature"):
            part["signature"] = _standard_base64(raw["thoughtSignature"])
        rest = {k: v for k, v in raw.items() if k not in _PART_MAPPED and v is not None}
        if rest:
            part["provider_data"] = rest
        return part


def from_payload(payload: Any, *, provider: str = PROVIDER) -> Any:
    """A complete ``GenerateContentResponse`` as an ``LMResponse`` (imported as a one-chunk stream)."""
    payload = as_dict(payload, "payload")
    if "candidates" not in payload and "promptFeedback" not in payload:
        if "error" in payload:
            raise ImportProblem(f"error: the provider returned an error: {payload['error']}")
        raise ImportProblem("candidates: missing; not a GenerateContentResponse")
    return import_stream([payload], provider=provider)


def import_stream(events: Iterable[Any], *, provider: str = PROVIDER) -> Any:
    """Import and merge a whole ``streamGenerateContent`` stream into one complete ``LMResponse``."""
    return merged(StreamImporter(provider=provider), events)
