"""Merging an importer's chunk dicts into one response, validating once at the end.

``LMResponse.from_chunks`` builds and validates a model per chunk and merges models; for a
stream of thousands of small events that per-chunk work is most of the cost. The chunks an
importer makes are plain dicts of a narrow kind: always ``delta``, every part with an explicit
``part_index``, values the importer put there itself. This merges those dicts by the same rules
as ``lmcontract.lib.merge`` (text appended through buffers joined once, other part fields last
non-null, ids adopted or a clash, usage replaced field by field, finish reason ``error`` final,
``truncated`` sticky, identity first-wins, ``provider_data`` merged key by key), then validates
the one complete response. ``tests/test_import_properties.py`` holds the result equal to
``from_chunks`` over the validated chunks, for every format and any split of a stream.
"""

from __future__ import annotations

from typing import Any

from lmcontract.importers.wire import parse_arguments
from lmcontract.lib.merge import MergeError

# Per part kind, the string field a delta appends to (as in lmcontract.lib.merge).
_APPENDED = {"text": "text", "thinking": "text", "refusal": "text", "tool_call": "arguments_raw"}
_KEYS = ("id", "name")
_OBJECTS = ("provider_data", "metadata")
_SPECIAL = frozenset({"type", "part_index", "id", "name", "citations", "provider_data", "metadata"})
_IDENTITY = ("id", "model", "created", "provider")
ERROR = "error"


def _merge_object(target: dict, name: str, value: Any) -> None:
    mine = target.get(name)
    if isinstance(mine, dict) and isinstance(value, dict):
        target[name] = {**mine, **value}
    else:
        target[name] = value


def _merge_usage(target: dict, usage: dict) -> None:
    mine = target.get("usage")
    if mine is None:
        target["usage"] = dict(usage)
        return
    for key, value in usage.items():
        if value is not None:
            mine[key] = value


class _Part:
    __slots__ = ("appended", "buffer", "citations", "fields", "kind")

    def __init__(self, part: dict) -> None:
        self.kind = part["type"]
        self.appended = _APPENDED.get(self.kind)
        self.fields: dict[str, Any] = {}
        self.buffer: list[str] | None = None
        self.citations: list | None = None
        self.add(part, None, None)

    def add(self, part: dict, at: int | None, position: int | None) -> None:
        appended = self.appended
        if len(part) == 3 and self.buffer is not None and part["type"] == self.kind:
            value = part.get(appended)
            if value is not None:  # type, part_index and a fragment: the usual delta
                self.buffer.append(value)
                return
        fields = self.fields
        for key, value in part.items():
            if value is None:
                continue
            if key == appended:
                if self.buffer is None:
                    self.buffer = [value]
                else:
                    self.buffer.append(value)
            elif key == "citations":
                if self.citations is None:
                    self.citations = list(value)
                else:
                    self.citations.extend(value)
            elif key in _OBJECTS:
                _merge_object(fields, key, value)
            elif key in _KEYS and self.kind == "tool_call":
                if key == "name" and not value:
                    continue
                have = fields.get(key)
                if have is None or have == "":
                    fields[key] = value
                elif have != value:
                    raise MergeError(
                        f"outputs[{at}].parts[{position}].{key}",
                        "the chunk continues this part but names it differently", have, value,
                    )
            elif key == "type" and value != self.kind:
                raise MergeError(
                    f"outputs[{at}].parts[{position}].type",
                    f"two kinds of part at part_index {part.get('part_index')}", self.kind, value,
                )
            else:
                fields[key] = value
        if self.kind == "tool_call" and part.get("arguments") is not None and part.get("arguments_raw") is None:
            self.buffer = None  # parsed arguments are the whole call: raw text so far is superseded

    def result(self) -> dict:
        out = dict(self.fields)
        appended = _APPENDED.get(self.kind)
        if appended is not None and self.buffer is not None:
            out[appended] = "".join(self.buffer)
        if self.citations is not None:
            out["citations"] = self.citations
        if self.kind == "tool_call" and out.get("arguments") is None and out.get("name"):
            # Complete the call as finalize() does: parse once; raw text kept when it does not parse.
            out["arguments"], out["arguments_raw"] = parse_arguments(out.get("arguments_raw"))
        return out


class _Output:
    __slots__ = ("fields", "parts")

    def __init__(self, index: int) -> None:
        self.fields: dict[str, Any] = {"index": index}
        self.parts: dict[int, _Part] | None = None

    def finish(self, reason: str) -> None:
        if self.fields.get("finish_reason") != ERROR:
            self.fields["finish_reason"] = reason

    def _add_parts(self, parts: list, at: int) -> None:
        mine = self.parts
        if mine is None:
            mine = self.parts = {}
        for part in parts:
            index = part["part_index"]
            have = mine.get(index)
            if have is None:
                mine[index] = _Part(part)
            else:
                have.add(part, at, index)

    def add(self, output: dict, at: int) -> None:
        if len(output) == 2 and self.parts is not None:
            parts = output.get("parts")
            if parts is not None:  # index and parts: the usual delta
                self._add_parts(parts, at)
                return
        fields = self.fields
        finish = None
        for key, value in output.items():
            if value is None or key == "index":
                continue
            if key == "parts":
                self._add_parts(value, at)
            elif key == "finish_reason":
                finish = value
            elif key == "truncated":
                if value:
                    fields["truncated"] = True
            elif key in ("logprobs", "refusal_logprobs", "token_ids"):
                mine = fields.get(key)
                if mine is None:
                    fields[key] = list(value)
                else:
                    mine.extend(value)
            elif key == "usage":
                _merge_usage(fields, value)
            elif key in _OBJECTS:
                _merge_object(fields, key, value)
            elif key == "error":
                fields["error"] = value
                finish = ERROR
            else:
                fields[key] = value
        if finish is not None:
            self.finish(finish)

    def result(self) -> dict:
        out = dict(self.fields)
        if self.parts is not None:
            out["parts"] = [self.parts[i].result() for i in sorted(self.parts)]
        return out


class Accumulator:
    """Chunk dicts in (``add``), one complete ``LMResponse`` out (``result``)."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.outputs: dict[int, _Output] = {}
        self.count = 0

    def add(self, chunk: dict) -> None:
        self.count += 1
        if len(chunk) == 2:
            # The usual delta, one fragment of one open part (chunk_mode, outputs=[{index,
            # parts=[{type, part_index, text}]}]), appended here without a call per level.
            outputs = chunk.get("outputs")
            if outputs is not None and len(outputs) == 1:
                output = outputs[0]
                if len(output) == 2:
                    parts = output.get("parts")
                    if parts is not None and len(parts) == 1 and len(parts[0]) == 3:
                        part = parts[0]
                        mine = self.outputs.get(output["index"])
                        if mine is not None and mine.parts is not None:
                            have = mine.parts.get(part["part_index"])
                            if have is not None and have.buffer is not None and part["type"] == have.kind:
                                value = part.get(have.appended)
                                if value is not None:
                                    have.buffer.append(value)
                                    return
        fields = self.fields
        outputs = chunk.get("outputs")
        if outputs:
            for output in outputs:
                index = output.get("index", 0)
                mine = self.outputs.get(index)
                if mine is None:
                    mine = self.outputs[index] = _Output(index)
                mine.add(output, index)
        if len(chunk) <= 2 and outputs is not None:
            return  # the usual delta: chunk_mode and outputs only
        for key, value in chunk.items():
            if value is None or key in ("outputs", "chunk_mode"):
                continue
            if key in _IDENTITY:
                fields.setdefault(key, value)
            elif key == "usage":
                _merge_usage(fields, value)
            elif key in _OBJECTS:
                _merge_object(fields, key, value)
            elif key == "error":
                fields["error"] = value
                for output in self.outputs.values():
                    output.finish(ERROR)
            else:
                fields[key] = value

    def append(self, index: int, part_index: int, kind: str, fragment: str) -> bool:
        """Append a text fragment to an open part, as ``add`` would merge the chunk
        ``{outputs: [{index, parts: [{type: kind, part_index, <its text field>: fragment}]}]}``;
        False (nothing done) when that part is not open yet, so the caller adds the chunk."""
        output = self.outputs.get(index)
        if output is None or output.parts is None:
            return False
        part = output.parts.get(part_index)
        if part is None or part.kind != kind or part.buffer is None:
            return False
        part.buffer.append(fragment)
        self.count += 1
        return True

    def result(self) -> Any:
        """The merged stream as a validated, complete ``LMResponse``."""
        from lmcontract import LMResponse

        if not self.count:
            raise MergeError("", "a stream needs at least one chunk")
        out = dict(self.fields)
        if self.outputs:
            out["outputs"] = [self.outputs[i].result() for i in sorted(self.outputs)]
        return LMResponse.model_validate(out)
