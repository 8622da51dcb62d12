"""Merging stream chunks into a response: plain functions, kept apart from the data classes.

``LMResponse.extend``, ``LMOutput.extend``, ``LMResponse.from_chunks`` and the ``finalize``
methods only call into this module. It never imports the generated models (they import it,
through ``lmcontract.lib.behaviour``) and never imports torch: a tensor reaching it means torch
is already loaded.

How a chunk merges (the rules of "Merging a stream" in the design notes):

- ``chunk_mode`` on the chunk decides: ``delta`` appends, ``cumulative`` replaces. A chunk with
  no chunk_mode is a complete response and merges like a delta (as LMDeploy's
  ``Response.extend`` appends one complete response to another). The receiver's own
  chunk_mode is never changed by ``extend``; ``from_chunks`` clears it on the finished result.
- Outputs pair up by ``index``; an output the receiver lacks is added, in index order.
- Delta parts pair up by key: a tool call's ``id``, else ``part_index``, else the open part
  (the receiver's last part) when it is of the same kind; anything else starts a new part.
  A new part with a ``part_index`` lands before the first part with a greater one, so parts
  arriving out of order end up in order. Appended: text of text, thinking and refusal parts,
  a tool call's ``arguments_raw``, a text part's citations. Every other field of a part is
  replaced by the chunk's value when the chunk has one. A cumulative output's parts replace
  the receiver's parts as a whole (a snapshot has every part so far).
- Tool calls: argument fragments are appended to ``arguments_raw`` and parsed once, when the
  call completes: when its output gets a finish reason (or an error), or at ``finalize()``
  (which ``from_chunks`` calls). A parse that gives a JSON object moves it to ``arguments``
  and clears the raw text; otherwise the raw text stays and ``arguments`` stays None. An
  empty (or all-blank) buffer means ``{}``. Only calls whose name has arrived are completed:
  the first fragment of a call carries its name, later ones may leave it out (or empty), so a run of
  chunks holding only the tail of a call never parses that tail as if it were the whole.
  A chunk that carries parsed ``arguments`` and no raw text replaces both.
- ``token_ids`` and ``logprobs`` are appended (replaced when cumulative) and must stay aligned;
  tensors are appended along the sequence dimension, or replaced when cumulative; their dtype,
  device and trailing dimensions must match. A merge copies no rows: they are copied once,
  when the field is read or finalized (``lmcontract.lib.tensors.append_rows``).
- ``finish_reason``, ``provider_finish_reason``, ``stop_sequence``, ``cost``, ``cache_hit``,
  ``error`` and part fields such as a thinking ``signature``: the last non-null value wins and
  a null never erases. One exception: ``error`` as a finish reason is final, a later
  ``stop`` does not hide a failure. ``truncated`` once true stays true.
- Usage is replaced field by field with each reported value, never summed; a field a chunk
  does not report is kept.
- Identity (``id``, ``model``, ``created``, ``provider``) comes from the first chunk that has it.
- ``provider_data`` and ``metadata``: two JSON objects are merged key by key (the chunk's keys
  win); any other value replaces.
- An ``error`` on a response chunk ends the whole call: every output of the receiver gets
  finish reason ``error`` (and its tool calls are completed). An ``error`` on an output chunk
  does the same for that output only.

The chunk is never changed, and the receiver never shares a mutable list, dict, model or
tensor storage with it: whatever is adopted is copied.

Failure is all-or-nothing: every change to the receiver is recorded in a journal as it is
made, and undone in reverse order if anything raises, so a failed merge leaves the receiver
exactly as it was. The journal costs one tuple per change; a snapshot would cost a copy of the
whole receiver per chunk.

Speed: values written here are valid by construction, so they go straight into the model's
``__dict__`` (``write``), skipping ``validate_assignment``. Strings grow in place: CPython
resizes a string it holds the only reference to, so ``s += delta`` on a string taken out of
the ``__dict__`` is amortised constant time, where rebuilding it would be quadratic. A chunk's
``__pydantic_fields_set__`` tells which fields it carries (a field it does not name holds its
default), so a typical delta skips every rule but the one for its parts. Field paths for
error messages are built only when an error is raised.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lmcontract.lib import jsontext, rules, tensors

CUMULATIVE = "cumulative"
DELTA = "delta"
MODES = (DELTA, CUMULATIVE)
ERROR = "error"

_IDENTITY = ("id", "model", "created", "provider")
_RESPONSE_LAST_WINS = ("cost", "cache_hit")
_OUTPUT_LAST_WINS = ("provider_finish_reason", "stop_sequence")
_OBJECT_MERGED = ("provider_data", "metadata")
_TENSORS = ("logits", "last_hidden_state")
# A chunk naming no field beyond these needs only its outputs (parts) merged.
_RESPONSE_ONLY_OUTPUTS = frozenset({"chunk_mode", "outputs"})
_OUTPUT_ONLY_PARTS = frozenset({"index", "parts"})

# Per part kind, the string field that a delta appends to rather than replaces.
_APPENDED_TEXT = {"text": "text", "thinking": "text", "refusal": "text", "tool_call": "arguments_raw"}
# Part fields merged by their own rule rather than "last non-null wins".
_PART_SPECIAL = frozenset({"type", "part_index", "id", "name", "citations", *_OBJECT_MERGED})

_MISSING = object()


class MergeError(ValueError):
    """A chunk that cannot be merged into the receiver; the receiver is left as it was.

    ``path`` names the field (``outputs[0].parts[2].type``); ``ours`` and ``theirs`` are the
    receiver's and the chunk's values where two values clash.
    """

    def __init__(self, path: str, reason: str, ours: Any = _MISSING, theirs: Any = _MISSING) -> None:
        self.path, self.reason = path, reason
        self.ours = None if ours is _MISSING else ours
        self.theirs = None if theirs is _MISSING else theirs
        message = f"{path}: {reason}" if path else reason
        if ours is not _MISSING or theirs is not _MISSING:
            message += f" (receiver has {_show(ours)}, chunk has {_show(theirs)})"
        super().__init__(message)


def _show(value: Any) -> str:
    if tensors.is_tensor(value):
        return f"tensor(shape={tuple(value.shape)}, dtype={value.dtype}, device={value.device})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _path(*segments: Any) -> str:
    """A field path from segments: names, and ints for list positions (None: no segment)."""
    out = ""
    for segment in segments:
        if segment is None:
            continue
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out


# --- writing without re-validation, with an undo journal ---------------------------------


class Journal(list):
    """The undo entries ``(function, *args)`` of one merge, applied in reverse on failure."""


def _journal() -> Journal:
    return Journal()


def write(obj: BaseModel, name: str, value: Any, journal: Journal) -> None:
    """Set a field to a value that is valid by construction, skipping validate_assignment."""
    fields_set = obj.__pydantic_fields_set__
    journal.append((_unwrite, obj, name, obj.__dict__[name], name in fields_set))
    obj.__dict__[name] = value
    fields_set.add(name)


def _unwrite(obj: BaseModel, name: str, old: Any, was_set: bool) -> None:
    obj.__dict__[name] = old
    if not was_set:
        obj.__pydantic_fields_set__.discard(name)


def _append_text(obj: BaseModel, name: str, delta: str, journal: Journal) -> None:
    d = obj.__dict__
    s = d[name]
    if s is None:
        write(obj, name, delta, journal)
        return
    journal.append((_cut_text, d, name, len(s)))
    # Drop the dict's reference so `s` is the only one: CPython then grows it in place.
    d[name] = None
    s += delta
    d[name] = s


def _cut_text(d: dict, name: str, length: int) -> None:
    d[name] = d[name][:length]


def _extend_list(obj: BaseModel, name: str, items: list, journal: Journal) -> None:
    mine = obj.__dict__[name]
    if mine is None:
        write(obj, name, items, journal)
    else:
        journal.append((_truncate, mine, len(mine)))
        mine.extend(items)


def _truncate(items: list, length: int) -> None:
    del items[length:]


def _insert(items: list, position: int, item: Any, journal: Journal) -> None:
    items.insert(position, item)
    journal.append((_delete_at, items, position))


def _delete_at(items: list, position: int) -> None:
    del items[position]


def _rollback(journal: Journal) -> None:
    for entry in reversed(journal):
        entry[0](*entry[1:])


# --- copying what is adopted from a chunk --------------------------------------------------

_ATOMIC = (str, int, float, bool, type(None), datetime, bytes)


def clone(value: Any) -> Any:
    """A deep copy sharing no mutable list, dict, model or tensor storage with ``value``.

    Models are copied field by field without re-validation; a tensor keeps its dtype and
    device but gets storage of its own, holding only its own elements.
    """
    if isinstance(value, _ATOMIC):
        return value
    if isinstance(value, list):
        return [clone(item) for item in value]
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, BaseModel):
        return _clone_model(value)
    if tensors.is_tensor(value):
        return tensors.copy_tensor(value)
    return copy.deepcopy(value)


def _clone_model(model: BaseModel) -> BaseModel:
    cls = type(model)
    new = cls.__new__(cls)
    object.__setattr__(new, "__dict__", {name: clone(v) for name, v in model.__dict__.items()})
    object.__setattr__(new, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    object.__setattr__(new, "__pydantic_extra__", copy.deepcopy(model.__pydantic_extra__))
    object.__setattr__(new, "__pydantic_private__", copy.deepcopy(getattr(model, "__pydantic_private__", None)))
    return new


# --- responses ------------------------------------------------------------------------------


def merge_response(target: BaseModel, chunk: BaseModel) -> BaseModel:
    """Merge an LMResponse chunk into ``target`` in place and return ``target``.

    The chunk's ``chunk_mode`` says how: ``cumulative`` replaces, ``delta`` appends, and none
    (a complete response) appends like a delta. Raises MergeError, leaving ``target`` as it
    was, when the chunk clashes with it.
    """
    if type(chunk) is not type(target):
        _wrong_type(target, chunk)
    if chunk is target:
        chunk = clone(chunk)  # merging a response into itself appends a copy of it
    journal = _journal()
    try:
        _merge_response(target, chunk, journal)
    except BaseException:
        _rollback(journal)
        raise
    return target


def _wrong_type(target: Any, chunk: Any) -> None:
    raise TypeError(f"cannot merge a {type(chunk).__name__} into a {type(target).__name__}")


def _merge_response(target: BaseModel, chunk: BaseModel, journal: Journal) -> None:
    cd = chunk.__dict__
    if not chunk.__pydantic_fields_set__ <= _RESPONSE_ONLY_OUTPUTS:
        _merge_response_fields(target, cd, journal)
    if cd["outputs"]:
        _merge_outputs(target, cd["outputs"], cd["chunk_mode"] == CUMULATIVE, journal)
    if cd["error"] is not None:
        write(target, "error", clone(cd["error"]), journal)
        for output in target.__dict__["outputs"] or ():
            _finish(output, ERROR, journal)


def _merge_response_fields(target: BaseModel, cd: dict, journal: Journal) -> None:
    td = target.__dict__
    for name in _IDENTITY:
        if td[name] is None and cd[name] is not None:
            write(target, name, cd[name], journal)  # str or datetime: immutable, safe to share
    for name in _RESPONSE_LAST_WINS:
        if cd[name] is not None:
            write(target, name, cd[name], journal)
    if cd["usage"] is not None:
        _merge_usage(target, cd["usage"], journal)
    for name in _OBJECT_MERGED:
        if cd[name] is not None:
            _merge_object(target, name, cd[name], journal)


def _merge_outputs(target: BaseModel, outputs: list, cumulative: bool, journal: Journal) -> None:
    mine = target.__dict__["outputs"]
    if mine is None:
        mine = []
        write(target, "outputs", mine, journal)
    for chunk_output in outputs:
        index = chunk_output.__dict__["index"]
        if index < len(mine) and mine[index].__dict__["index"] == index:
            position = index  # the usual layout: outputs[i].index == i
        else:
            position = _find_output(mine, index)
        if position < 0:
            position = ~position
            # An empty output to merge into: the same rules then hold for a first chunk.
            _insert(mine, position, type(chunk_output).model_construct(index=index), journal)
        _merge_output(mine[position], chunk_output, cumulative, journal, position)


def _find_output(outputs: list, index: int) -> int:
    """Position of the output with this index, or ``~insertion_point`` when there is none."""
    position = len(outputs)
    for i in range(len(outputs) - 1, -1, -1):
        have = outputs[i].__dict__["index"]
        if have == index:
            return i
        if have > index:
            position = i
    return ~position


# --- outputs ----------------------------------------------------------------------------------


def merge_output(target: BaseModel, chunk: BaseModel, mode: str | None = DELTA) -> BaseModel:
    """Merge an LMOutput chunk into ``target`` in place and return ``target``.

    ``mode`` is ``"delta"`` (the default; None means the same) to append, or ``"cumulative"``
    to replace. The two outputs must have the same ``index``. Raises MergeError, leaving
    ``target`` as it was, when the chunk clashes with it.
    """
    if type(chunk) is not type(target):
        _wrong_type(target, chunk)
    mode = DELTA if mode is None else getattr(mode, "value", mode)
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {', '.join(MODES)}, got {mode!r}")
    if chunk.__dict__["index"] != target.__dict__["index"]:
        raise MergeError("index", "outputs pair up by index", target.__dict__["index"], chunk.__dict__["index"])
    if chunk is target:
        chunk = clone(chunk)
    journal = _journal()
    try:
        _merge_output(target, chunk, mode == CUMULATIVE, journal, None)
    except BaseException:
        _rollback(journal)
        raise
    return target


def _merge_output(target: BaseModel, chunk: BaseModel, cumulative: bool, journal: Journal, at: int | None) -> None:
    """Merge one output chunk; ``at`` is its position in the response, for error paths."""
    cd = chunk.__dict__
    if cd["parts"] is not None:
        if cumulative:
            write(target, "parts", clone(cd["parts"]), journal)
        else:
            _merge_parts(target, cd["parts"], journal, at)
    if chunk.__pydantic_fields_set__ <= _OUTPUT_ONLY_PARTS:
        return
    td = target.__dict__
    for name in _OUTPUT_LAST_WINS:
        if cd[name] is not None:
            write(target, name, cd[name], journal)
    if cd["truncated"] and not td["truncated"]:
        write(target, "truncated", True, journal)
    if cd["token_ids"] is not None or cd["logprobs"] is not None:
        _merge_tokens(target, cd, cumulative, journal, at)
    for name in _TENSORS:
        if cd[name] is not None:
            _merge_tensor(target, name, cd[name], cumulative, journal, at)
    if cd["usage"] is not None:
        _merge_usage(target, cd["usage"], journal)
    for name in _OBJECT_MERGED:
        if cd[name] is not None:
            _merge_object(target, name, cd[name], journal)
    finish = cd["finish_reason"]
    if cd["error"] is not None:
        write(target, "error", clone(cd["error"]), journal)
        finish = ERROR
    if finish is not None:
        _finish(target, finish, journal)


def _output_path(at: int | None, *rest: Any) -> str:
    return _path(*(("outputs", at) if at is not None else ()), *rest)


def _finish(output: BaseModel, reason: str, journal: Journal) -> None:
    """Record a finish reason (an earlier ``error`` is final) and complete the tool calls."""
    if output.__dict__["finish_reason"] != ERROR:
        write(output, "finish_reason", reason, journal)
    _complete_tool_calls(output, journal)


def _merge_tokens(target: BaseModel, cd: dict, cumulative: bool, journal: Journal, at: int | None) -> None:
    td = target.__dict__
    ids, logprobs = cd["token_ids"], cd["logprobs"]
    start = 0
    if cumulative:
        if ids is not None:
            write(target, "token_ids", list(ids), journal)
        if logprobs is not None:
            write(target, "logprobs", clone(logprobs), journal)
    else:
        start = min(len(td["token_ids"] or ()), len(td["logprobs"] or ()))
        if ids is not None:
            _extend_list(target, "token_ids", list(ids), journal)
        if logprobs is not None:
            _extend_list(target, "logprobs", clone(logprobs), journal)
    _check_aligned(td["token_ids"], td["logprobs"], start, at)


def _check_aligned(ids: list | None, logprobs: list | None, start: int, at: int | None) -> None:
    """token_ids and logprobs, when both are present, stay one to one; checks from ``start``."""
    if ids is None or logprobs is None:
        return
    if len(ids) != len(logprobs):
        raise MergeError(
            _output_path(at, "logprobs"),
            "merged token_ids and logprobs would not align",
            f"{len(ids)} token ids",
            f"{len(logprobs)} logprobs",
        )
    for position in range(start, len(ids)):
        token_id = logprobs[position].__dict__["token_id"]
        if token_id is not None and token_id != ids[position]:
            raise MergeError(
                _output_path(at, "logprobs", position, "token_id"),
                f"disagrees with token_ids[{position}]",
                ids[position],
                token_id,
            )


def _merge_tensor(target: BaseModel, name: str, value: Any, cumulative: bool, journal: Journal, at: int | None) -> None:
    current = target.__dict__[name]
    if current is not None:
        _check_tensor(current, value, (at, name))
    # No rows are copied here (so a failed merge has nothing to undo but the field itself):
    # they are copied into storage of the receiver's own when the field is read or finalized.
    write(target, name, tensors.append_rows(None if cumulative else current, value, name), journal)


def _check_tensor(current: Any, value: Any, where: tuple) -> None:
    """The chunk's tensor must continue the receiver's: same dtype, device, trailing shape."""
    if value.dtype != current.dtype:
        raise MergeError(_output_path(*where, "dtype"), "tensor dtypes differ", current.dtype, value.dtype)
    if value.device != current.device:
        raise MergeError(_output_path(*where, "device"), "tensor devices differ", current.device, value.device)
    if value.shape[1:] != current.shape[1:]:
        raise MergeError(
            _output_path(*where, "shape"),
            "tensor shapes differ past the sequence dimension",
            tuple(current.shape),
            tuple(value.shape),
        )


# --- parts ------------------------------------------------------------------------------------


def _merge_parts(target: BaseModel, parts: list, journal: Journal, at: int | None) -> None:
    mine = target.__dict__["parts"]
    if mine is None:
        mine = []
        write(target, "parts", mine, journal)
    for part in parts:
        pd = part.__dict__
        if pd["part_index"] is None and pd.get("id") is None and mine and mine[-1].__dict__["type"] == pd["type"]:
            position = len(mine) - 1  # the usual delta: it continues the open part
        else:
            position = _find_part(mine, part, at)
        if position < 0:
            _insert(mine, ~position, clone(part), journal)
        else:
            _merge_part(mine[position], part, journal, at, position)


def _find_part(parts: list, part: BaseModel, at: int | None) -> int:
    """Position of the part ``part`` continues, or ``~insertion_point`` for a new part."""
    pd = part.__dict__
    call_id = pd.get("id")
    index = pd["part_index"]
    if call_id is None and index is None:
        # The open part: the last one, when of the same kind.
        if parts and parts[-1].__dict__["type"] == pd["type"]:
            return len(parts) - 1
        return ~len(parts)
    if call_id is not None:
        for i in range(len(parts) - 1, -1, -1):
            if parts[i].__dict__.get("id") == call_id:
                return i
    if index is not None:
        position = _find_indexed(parts, index)
        if position >= 0:
            _check_kind(parts[position], part, (at, position))
        return position
    # An id seen for the first time, with no part_index: it continues an open call that has
    # no id yet, else it starts a new one.
    if parts and parts[-1].__dict__["type"] == pd["type"] and parts[-1].__dict__.get("id") is None:
        return len(parts) - 1
    return ~len(parts)


def _find_indexed(parts: list, index: int) -> int:
    if index < len(parts) and parts[index].__dict__["part_index"] == index:
        return index  # the usual layout: parts[i].part_index == i
    position = len(parts)
    for i in range(len(parts) - 1, -1, -1):
        have = parts[i].__dict__["part_index"]
        if have == index:
            return i
        if have is not None and have > index:
            position = i
    return ~position


def _check_kind(mine: BaseModel, part: BaseModel, where: tuple) -> None:
    if mine.__dict__["type"] != part.__dict__["type"]:
        raise MergeError(
            _output_path(where[0], "parts", where[1], "type"),
            f"two kinds of part at part_index {part.__dict__['part_index']}",
            mine.__dict__["type"],
            part.__dict__["type"],
        )


def _merge_part(mine: BaseModel, part: BaseModel, journal: Journal, at: int | None, position: int) -> None:
    """Merge a delta part into the part it continues (same kind, found by _find_part).

    ``at`` and ``position`` are the output's and the part's positions, for error paths.
    """
    pd = part.__dict__
    appended, replaced, merged = _PLANS.get(type(part)) or _part_plan(type(part))
    index = pd["part_index"]
    if index is not None and mine.__dict__["part_index"] != index:
        _adopt_key(mine, "part_index", index, journal, (at, position))
    if pd["type"] == "tool_call":
        _merge_call_keys(mine, pd, journal, (at, position))
    if appended is not None and pd[appended] is not None:
        _append_text(mine, appended, pd[appended], journal)
    for field in replaced:
        if pd[field] is not None:
            write(mine, field, clone(pd[field]), journal)
    for field in merged:
        if pd[field] is not None:
            _merge_object(mine, field, pd[field], journal)
    if pd.get("citations") is not None:
        _extend_list(mine, "citations", clone(pd["citations"]), journal)


_PLANS: dict[type, tuple[str | None, tuple[str, ...], tuple[str, ...]]] = {}


def _part_plan(cls: type) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """Per part class: the appended text field, the fields replaced, the objects merged."""
    kind = cls.model_fields["type"].default
    appended = _APPENDED_TEXT.get(kind)
    fields = [name for name in cls.model_fields if name != appended]
    replaced = tuple(name for name in fields if name not in _PART_SPECIAL)
    merged = tuple(name for name in fields if name in _OBJECT_MERGED)
    plan = _PLANS[cls] = (appended, replaced, merged)
    return plan


def _merge_call_keys(mine: BaseModel, pd: dict, journal: Journal, where: tuple) -> None:
    if pd["id"] is not None:
        _adopt_key(mine, "id", pd["id"], journal, where)
    if pd["name"]:  # a call's later fragments may leave the name out (None or "")
        _adopt_key(mine, "name", pd["name"], journal, where)
    if pd["arguments"] is not None and pd["arguments_raw"] is None and mine.__dict__["arguments_raw"] is not None:
        # Parsed arguments are the whole call: raw text buffered so far is superseded.
        write(mine, "arguments_raw", None, journal)


def _adopt_key(mine: BaseModel, field: str, value: Any, journal: Journal, where: tuple) -> None:
    """Take a key field the receiver's part lacks (None or empty); a different value is a clash."""
    have = mine.__dict__[field]
    if have is None or have == "":
        write(mine, field, value, journal)
    elif have != value:
        raise MergeError(
            _output_path(where[0], "parts", where[1], field),
            "the chunk continues this part but names it differently",
            have,
            value,
        )


# --- tool calls -----------------------------------------------------------------------------


def _complete_tool_calls(output: BaseModel, journal: Journal) -> None:
    for part in output.__dict__["parts"] or ():
        pd = part.__dict__
        if pd["type"] == "tool_call" and pd["arguments"] is None and pd["name"]:
            _parse_arguments(part, journal)


def _parse_arguments(part: BaseModel, journal: Journal) -> None:
    """Parse a complete call's buffered argument text, once."""
    raw = part.__dict__["arguments_raw"]
    if raw is None or not raw.strip():
        write(part, "arguments", {}, journal)
    else:
        try:
            parsed = jsontext.loads(raw)
        except ValueError:
            return  # not JSON: the raw text stays, arguments stays None
        if not isinstance(parsed, dict):
            return
        write(part, "arguments", parsed, journal)
    if raw is not None:
        write(part, "arguments_raw", None, journal)


# --- usage and free-form objects -----------------------------------------------------------


def _merge_usage(target: BaseModel, usage: BaseModel, journal: Journal) -> None:
    """Replace usage field by field with each value the chunk reports; never sum, never erase."""
    mine = target.__dict__["usage"]
    if mine is None:
        write(target, "usage", clone(usage), journal)
        return
    for name, value in usage.__dict__.items():
        if value is not None:
            write(mine, name, clone(value), journal)


def _merge_object(target: BaseModel, name: str, value: Any, journal: Journal) -> None:
    mine = target.__dict__[name]
    if isinstance(mine, dict) and isinstance(value, dict):
        write(target, name, {**mine, **clone(value)}, journal)
    else:
        write(target, name, clone(value), journal)


# --- finishing a stream -------------------------------------------------------------------


def finalize_output(output: BaseModel) -> BaseModel:
    """Complete a merged output: parse every tool call's buffered arguments (raw text kept
    when it does not parse, ``{}`` when empty) and copy tensor rows into tensors of exactly
    their size (one concatenation each). Safe to call more than once."""
    journal = _journal()
    _complete_tool_calls(output, journal)
    for name in _TENSORS:
        value = output.__dict__[name]
        if value is not None:
            compacted = tensors.compact(value)
            if compacted is not value:
                write(output, name, compacted, journal)
    return output


def finalize_response(response: BaseModel) -> BaseModel:
    """``finalize_output`` on every output of ``response``."""
    for output in response.__dict__["outputs"] or ():
        finalize_output(output)
    return response


def from_chunks(cls: type, chunks: Iterable[BaseModel]) -> BaseModel:
    """Merge a whole stream into one complete response of class ``cls``.

    Chunks are merged in order into an empty receiver, then finalized; the result has no
    chunk_mode. Tensor rows are concatenated once, by the finalize: one ``torch.cat`` of the
    chunks' tensors, which are referenced until then (a stream must not overwrite a tensor it
    has already yielded) and never shared with the result. Raises MergeError for an empty
    stream, a chunk that clashes, or a stream that did not add up to a complete response (no
    outputs, or an output with no parts).
    """
    result = cls(chunk_mode=DELTA)
    empty = True
    for chunk in chunks:
        merge_response(result, chunk)
        empty = False
    if empty:
        raise MergeError("", "from_chunks needs at least one chunk")
    finalize_response(result)
    write(result, "chunk_mode", None, _journal())
    try:
        rules.check_response(result)
    except ValueError as exc:
        raise MergeError("", f"the stream did not add up to a complete response: {exc}") from None
    return result


# --- read-outs ------------------------------------------------------------------------------


def joined_text(output: BaseModel, kind: str, skip_redacted: bool = False) -> str | None:
    """The text of an output's parts of one kind, joined in order; None when it has none."""
    texts = [
        part.__dict__["text"] or ""
        for part in output.__dict__["parts"] or ()
        if part.__dict__["type"] == kind and not (skip_redacted and part.__dict__.get("redacted"))
    ]
    return "".join(texts) if texts else None


def tool_calls(output: BaseModel) -> list:
    """An output's tool-call parts, in order (the parts themselves, not copies)."""
    return [part for part in output.__dict__["parts"] or () if part.__dict__["type"] == "tool_call"]
