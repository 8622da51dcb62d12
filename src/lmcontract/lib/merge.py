"""Merging stream chunks into a response: plain functions, kept apart from the data classes.

``LMResponse.extend``, ``LMOutput.extend``, ``LMResponse.from_chunks`` and the ``finalize``
methods only call into this module. It never imports the generated models (they import it,
through ``lmcontract.lib.behaviour``) and never imports torch: a tensor reaching it means torch
is already loaded.

**What is data.** How each field merges is declared in the schema, as each slot's ``merge``
annotation (``append``, ``replace``, ``first_wins``, ``last_non_null``, ``stays_true``,
``merge_keys``, ``merge_fields``, ``key``, ``pair``, ``kept``: the schema enum MergePolicy), and
read here from the generated table ``lmcontract.generated.merge_policy``. A field added to the
schema with its annotation merges without a change here, on every class and every kind of part.

**What is code** (no annotation can say it):

- ``chunk_mode`` on the chunk decides: ``delta`` appends, ``cumulative`` replaces what it
  carries. A chunk with no chunk_mode is a complete response: merged into another it is a later
  turn appended after it, as LMDeploy's ``Response.extend`` appends one response to another.
  The receiver's own chunk_mode is never changed by ``extend``; ``from_chunks`` clears it.
- Outputs pair up by ``index``; an output the receiver lacks is added, in index order.
- **Parts pair up by evidence only.** A delta part continues an earlier part only when
  something says so: the same ``id`` (same kind), the same ``part_index``, or, for a part that
  carries neither, being a fragment that continues the *open* part of its kind (the part the
  last merged fragment went to). A part that arrives whole starts a new part unless a key pairs
  it: every part of a complete response (its ``part_index``, if any, is shifted past the
  receiver's parts, so ``a.extend(b)`` gives a's parts then b's); a kind that has nothing to
  append (image, citation, tool result, ...); a tool call that carries a ``name`` (the first
  fragment of a call) or parsed ``arguments``. A nameless fragment whose ``id`` is new continues
  the open call when that call has no id yet (OpenAI and Anthropic send the id once). A new part
  with a ``part_index`` lands before the first part with a greater one. The open part is kept
  with the output (outside its fields), so a merged receiver used as a chunk still knows it,
  which keeps every grouping of a stream giving the same result.
- **Tool-call arguments.** Text fragments are appended to ``arguments_raw``; a call is
  completed (its text parsed into ``arguments``) when its output has a finish reason (or an
  error) and again if more text arrives after it, and at ``finalize()``. While not finalized the
  text stays beside the parsed object it gave; ``finalize()`` clears it. Text that does not
  parse as a JSON object stays raw with ``arguments`` None; an empty buffer means ``{}``. Only
  calls whose name has arrived are completed. Parsed ``arguments`` in a chunk are the whole call
  and replace buffered text, except ``{}`` which says nothing (Anthropic's ``input: {}`` at the
  start of a call, before its text). Text for a call whose arguments were given parsed (and
  non-empty) cannot be reconciled: MergeError.
- ``token_ids`` and ``logprobs`` stay aligned; tensors are appended along the sequence
  dimension, or replaced when cumulative; their dtype, device and trailing dimensions must
  match. A merge copies no rows: they are copied once, when the field is read or finalized
  (``lmcontract.lib.tensors.append_rows``).
- ``error`` as a finish reason is final: a later ``stop`` does not hide a failure. An ``error``
  on a response chunk ends every output of the receiver; on an output chunk, that output.
- **After a finish reason**, usage, ``provider_data``, ``metadata``, a repeated finish reason and
  an error merge as usual. Content (parts, token ids, logprobs, tensors) that arrives after it is
  merged too, by default, and the output's tool calls are completed again, so no part is left
  half-parsed; with ``strict=True`` it is refused with a MergeError naming the output and field.

**Concurrency.** Merges are serialised by one process-wide re-entrant lock: two threads that
extend one response at once run one after the other and nothing is lost.

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
default), so a merge visits only those. Field paths for error messages are built only when an
error is raised.
"""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lmcontract.generated.merge_policy import POLICIES, TENSOR_SLOTS
from lmcontract.lib import jsontext, rules, tensors

CUMULATIVE = "cumulative"
DELTA = "delta"
MODES = (DELTA, CUMULATIVE)
ERROR = "error"

# Merge policies (schema enum MergePolicy).
APPEND, REPLACE, FIRST_WINS, LAST_NON_NULL = "append", "replace", "first_wins", "last_non_null"
STAYS_TRUE, MERGE_KEYS, MERGE_FIELDS, KEY, PAIR, KEPT = (
    "stays_true", "merge_keys", "merge_fields", "key", "pair", "kept",
)

# Policies merged by the pairing code (or not at all), not field by field.
_NO_OP = frozenset({KEY, PAIR, KEPT})
_TENSORS = tuple(TENSOR_SLOTS.get("LMOutput", ()))
# A chunk naming no field beyond these needs only its outputs (parts) merged.
_RESPONSE_ONLY_OUTPUTS = frozenset({"chunk_mode", "outputs"})
_OUTPUT_ONLY_PARTS = frozenset({"index", "parts"})
_OUTPUT_DELTA_TENSORS = frozenset({"index", "parts", *_TENSORS})
# Output fields merged by code after the policy-driven ones (order matters: finish last).
_OUTPUT_BY_CODE = frozenset({"index", "parts", "finish_reason", "error", "token_ids", "logprobs", *_TENSORS})
# Part fields with a rule of their own (pairing keys, tool-call arguments).
_PART_BY_CODE = frozenset({"type", "part_index", "id", "name", "arguments", "arguments_raw"})
_OPEN = "open_part"
_REPLACED = "replaced"
_CONTENT = ("parts", "token_ids", "logprobs", *_TENSORS)

_MISSING = object()
# Serialises every merge (see "Concurrency" above); re-entrant because finalizing and merging
# call each other.
_LOCK = threading.RLock()
_acquire, _release = _LOCK.acquire, _LOCK.release


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
            message += f" (receiver has {_show(self.ours)}, chunk has {_show(self.theirs)})"
        super().__init__(message)


def _show(value: Any) -> str:
    if tensors.is_tensor(value):
        return f"tensor(shape={tuple(value.shape)}, dtype={value.dtype}, device={value.device})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _path(*segments: Any) -> str:
    """A field path from segments: names, and ints for list positions."""
    out = ""
    for segment in segments:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out


def _output_path(at: int | None, *rest: Any) -> str:
    return _path(*(("outputs", at) if at is not None else ()), *rest)


def _part_path(where: tuple, field: str) -> str:
    return _output_path(where[0], "parts", where[1], field)


# --- the policy table -------------------------------------------------------------------------

_PLANS: dict[type, dict[str, str]] = {}


def _plan(cls: type) -> dict[str, str]:
    """Field name -> merge policy for a generated class, from the schema's table."""
    plan = _PLANS.get(cls)
    if plan is None:
        table = POLICIES.get(cls.__name__)
        if table is None:
            raise TypeError(f"{cls.__name__} has no merge policies (schema/lmcontract.yaml merge annotations)")
        plan = _PLANS[cls] = {name: table[name] for name in cls.model_fields}
    return plan


_FRAGMENTS: dict[type, bool] = {}


def _is_fragment_kind(cls: type) -> bool:
    """True when a part of this kind arrives in fragments (it has a field that is appended)."""
    found = _FRAGMENTS.get(cls)
    if found is None:
        found = _FRAGMENTS[cls] = APPEND in _plan(cls).values()
    return found


# --- writing without re-validation, with an undo journal ---------------------------------


class Journal(list):
    """The undo entries ``(function, *args)`` of one merge, applied in reverse on failure.

    It also carries ``strict``: whether content after a finish reason is refused.
    """

    # A class default rather than an __init__: a Python-level __init__ would cost more than
    # the rest of a small merge, and the instance dict is only made when it is set.
    strict: bool = False


def _journal(strict: bool = False) -> Journal:
    if not strict:
        return Journal()
    journal = Journal()
    if strict:
        journal.strict = True
    return journal


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


# The open part of an output lives in its __pydantic_private__ (not a field: never dumped, never
# compared), so that it travels with the output through copies and pickles.


def _open_part(output: BaseModel) -> Any:
    private = output.__pydantic_private__
    found = None if private is None else private.get(_OPEN)
    parts = output.__dict__["parts"]
    if not parts:
        return None
    if found is None or parts[-1] is found:
        return parts[-1]
    for part in parts:
        if part is found:
            return part
    return parts[-1]  # the open part was removed by hand: the last one is the best evidence


def _set_open(output: BaseModel, part: Any, journal: Journal) -> None:
    _set_private(output, _OPEN, part, journal)


def _set_private(output: BaseModel, key: str, value: Any, journal: Journal) -> None:
    private = output.__pydantic_private__
    if private is None:
        object.__setattr__(output, "__pydantic_private__", {key: value})
        journal.append((object.__setattr__, output, "__pydantic_private__", None))
    elif private.get(key) is not value:
        if key in private:
            journal.append((private.__setitem__, key, private[key]))
        else:
            journal.append((private.pop, key))
        private[key] = value


def _replaced(output: BaseModel) -> frozenset:
    """The content fields a cumulative chunk replaced in this output (kept outside its fields):
    merged into another response as a chunk, the output replaces them there too, so a stream
    that mixes delta and cumulative chunks gives one result however it is grouped."""
    private = output.__pydantic_private__
    return private.get(_REPLACED, frozenset()) if private else frozenset()


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
    private = getattr(model, "__pydantic_private__", None)
    if private is not None and _SETTLED in private:
        private = {key: value for key, value in private.items() if key != _SETTLED}  # a note on the old dict
    if private is not None and _OPEN in private:
        # The open part is one of the parts: point at the copy of it.
        parts, private = model.__dict__["parts"] or [], dict(private)
        positions = [i for i, part in enumerate(parts) if part is private[_OPEN]]
        private[_OPEN] = new.__dict__["parts"][positions[0]] if positions else None
    object.__setattr__(new, "__pydantic_private__", copy.deepcopy(private))
    return new


# --- merging one model's fields by the policy table -----------------------------------------


def _merge_field(obj: BaseModel, name: str, policy: str, value: Any, cumulative: bool, journal: Journal) -> None:
    """Merge one non-null field of a chunk into ``obj`` by the field's merge policy."""
    if policy == LAST_NON_NULL or policy == REPLACE:
        write(obj, name, clone(value), journal)
    elif policy == FIRST_WINS:
        if obj.__dict__[name] is None:
            write(obj, name, clone(value), journal)
    elif policy == STAYS_TRUE:
        if value and not obj.__dict__[name]:
            write(obj, name, True, journal)
    elif policy == MERGE_KEYS:
        _merge_object(obj, name, value, journal)
    elif policy == MERGE_FIELDS:
        _merge_fields(obj, name, value, journal)
    elif policy == APPEND:
        if cumulative:
            write(obj, name, clone(value), journal)
        elif isinstance(value, str):
            _append_text(obj, name, value, journal)
        else:
            _extend_list(obj, name, clone(value), journal)
    # KEY, PAIR and KEPT fields are merged by the code that pairs (or not at all).


def _merge_fields(target: BaseModel, name: str, value: BaseModel, journal: Journal) -> None:
    """Merge a nested object field by field, each by its own policy (usage: never summed)."""
    mine = target.__dict__[name]
    if mine is None:
        write(target, name, clone(value), journal)
        return
    plan = _plan(type(value))
    vd = value.__dict__
    for field in value.__pydantic_fields_set__:
        if vd[field] is not None:
            _merge_field(mine, field, plan[field], vd[field], False, journal)


def _merge_object(target: BaseModel, name: str, value: Any, journal: Journal) -> None:
    mine = target.__dict__[name]
    if isinstance(mine, dict) and isinstance(value, dict):
        write(target, name, {**mine, **clone(value)}, journal)
    else:
        write(target, name, clone(value), journal)


# --- the fast path: one fragment for the open part -------------------------------------------
#
# Most chunks of a stream are one fragment (a text token, a piece of a call's arguments) for the
# part already open, with the response's identity repeated. Such a chunk changes one string, and
# all that could refuse it is checked before that, so it needs no journal. Whatever these checks
# do not recognise goes the general way, which gives the same result for these chunks.
#
# The identity a chunk repeats is first-wins: a no-op once the receiver has it. Which of those
# fields the receiver has is noted in its private state with the ``__dict__`` it was read from:
# pydantic replaces the ``__dict__`` on every assignment and copy, so a note whose dict is not
# the receiver's own is stale and is read again. The merge code itself only ever sets these
# fields (a rollback restores the state the note was taken from, before the merge wrote).

_SETTLED = "settled"
_SPECS: dict[type, Any] = {}
_STRINGS = (str, str | None)


def _settle(target: BaseModel) -> tuple:
    """Note (and return) which fields a fast chunk may carry into ``target`` as it is now:
    chunk_mode, and each first-wins field (identity, outputs' list) the receiver already has."""
    td = target.__dict__
    plan = _PLANS.get(type(target)) or _plan(type(target))
    names = {name for name, policy in plan.items() if policy == FIRST_WINS and td[name] is not None}
    names.add("chunk_mode")
    if td["outputs"] is not None:
        names.add("outputs")
    settled = (td, frozenset(names))
    private = target.__pydantic_private__
    if private is None:
        object.__setattr__(target, "__pydantic_private__", {_SETTLED: settled})
    else:
        private[_SETTLED] = settled
    return settled


def _spec(cls: type) -> Any:
    """For a part kind: (the fields a fast fragment may carry, the string field it appends to,
    whether the kind has parsed arguments), or None when it has no single appended string."""
    fields = cls.model_fields
    strings = [
        name for name, policy in _plan(cls).items() if policy == APPEND and fields[name].annotation in _STRINGS
    ]
    spec = None
    if len(strings) == 1:
        allowed = frozenset({"type", "part_index", "id", strings[0]} & fields.keys())
        spec = (allowed, strings[0], "arguments" in fields)
    _SPECS[cls] = spec
    return spec


def _fast_fragment(output: BaseModel, parts: list | None) -> bool:
    """Append ``parts`` (one fragment) to ``output``'s open part if nothing else can happen."""
    if parts is None or len(parts) != 1:
        return False
    mine = output.__dict__["parts"]
    if not mine:
        return False
    part, last = parts[0], mine[-1]
    cls = type(part)
    private = output.__pydantic_private__
    if type(last) is not cls or private is None or private.get(_OPEN) is not last:
        return False
    try:
        spec = _SPECS[cls]
    except KeyError:
        spec = _spec(cls)
    if spec is None or not part.__pydantic_fields_set__ <= spec[0]:
        return False
    name = spec[1]
    pd, ld = part.__dict__, last.__dict__
    delta, text = pd[name], ld[name]
    if type(delta) is not str or type(text) is not str:
        return False
    index = pd["part_index"]
    if index is not None and index != ld["part_index"]:
        return False
    if spec[2] and ((pd["id"] is not None and pd["id"] != ld["id"]) or ld["arguments"] is not None):
        return False  # another call, or parsed arguments to drop (the general way journals that)
    # Drop the dict's reference so `text` is the only one: CPython then grows it in place.
    ld[name] = None
    text += delta
    ld[name] = text
    return True


def append_fragment(
    target: BaseModel,
    fragment: str,
    *,
    output: int = 0,
    kind: str = "text",
    part_index: int | None = None,
    id: str | None = None,  # the part's field is called id
) -> BaseModel:
    """Merge one streamed fragment without building a chunk for it, and return the response.

    ``r.append_fragment(" tok")`` is exactly ``r.extend(LMResponse(chunk_mode="delta",
    outputs=[LMOutput(index=0, parts=[TextPart(text=" tok")])]))``, at about the cost of
    appending the string to a list. ``kind`` is the part's kind: ``text``, ``thinking`` or
    ``refusal`` (the fragment extends its text) or ``tool_call`` (its ``arguments_raw``);
    ``output``, ``part_index`` and ``id`` are the chunk's keys. For importers and engines that
    read the wire themselves. Identity fields (``id``, ``model``, ...) are not repeated here:
    set them on the receiver, or merge a chunk that carries them; a call's ``name`` arrives in
    a chunk too. Raises what ``extend`` raises (or, for a bad value, the ValidationError of
    that chunk), leaving the response as it was.

    The chunk is built only when the fragment does more than continue the open part; the
    general merge then takes it.
    """
    # The checks are _fast_fragment's, written out here: a shared helper costs one more call,
    # a tenth of this path's 1 us budget (bench_merge's light input).
    _acquire()
    try:
        mine = target.__dict__["outputs"]
        if mine is not None and type(output) is int and 0 <= output < len(mine) and type(fragment) is str:
            chosen = mine[output]
            od = chosen.__dict__
            parts = od["parts"]
            private = chosen.__pydantic_private__
            if od["index"] == output and od["finish_reason"] is None and parts and private is not None:
                last = parts[-1]
                ld = last.__dict__
                if private.get(_OPEN) is last and ld["type"] == kind:
                    try:
                        spec = _SPECS[type(last)]
                    except KeyError:
                        spec = _spec(type(last))
                    if (
                        spec is not None
                        and (part_index is None or part_index == ld["part_index"])
                        and type(ld[spec[1]]) is str
                        and ((id is None or id == ld["id"]) and ld["arguments"] is None if spec[2] else id is None)
                    ):
                        name = spec[1]
                        text = ld[name]
                        ld[name] = None  # `text` the only reference: CPython grows it in place
                        text += fragment
                        ld[name] = text
                        return target
        return merge_response(target, _fragment_chunk(type(target), fragment, output, kind, part_index, id))
    finally:
        _release()


_FRAGMENT_FIELDS: dict[tuple[type, str], str] = {}


def _fragment_chunk(
    cls: type, fragment: Any, output: Any, kind: str, part_index: Any, call_id: Any
) -> BaseModel:
    """The delta chunk of class ``cls`` that carries one fragment (see ``append_fragment``)."""
    field = _FRAGMENT_FIELDS.get((cls, kind))
    if field is None:
        kinds = {}
        for candidate in vars(sys.modules[cls.__module__]).values():
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and "type" in candidate.model_fields:
                spec = _SPECS[candidate] if candidate in _SPECS else _spec(candidate)
                if spec is not None:
                    kinds[candidate.model_fields["type"].default] = spec[1]
        if kind not in kinds:
            known = ", ".join(sorted(kinds))
            raise ValueError(f"kind: {kind!r} is not a kind of part that arrives in fragments ({known})")
        field = _FRAGMENT_FIELDS[(cls, kind)] = kinds[kind]
    part: dict[str, Any] = {"type": kind, field: fragment}
    if part_index is not None:
        part["part_index"] = part_index
    if call_id is not None:
        part["id"] = call_id
    return cls.model_validate({"chunk_mode": DELTA, "outputs": [{"index": output, "parts": [part]}]})


# --- responses ------------------------------------------------------------------------------


def merge_response(target: BaseModel, chunk: BaseModel, *, strict: bool = False) -> BaseModel:
    """Merge an LMResponse chunk into ``target`` in place and return ``target``.

    The chunk's ``chunk_mode`` says how: ``cumulative`` replaces, ``delta`` appends, and none
    (a complete response) is appended after the receiver's content. Raises MergeError, leaving
    ``target`` as it was, when the chunk clashes with it (or, with ``strict``, when it carries
    content for an output that has finished).
    """
    if type(chunk) is not type(target):
        _wrong_type(target, chunk)
    _acquire()
    try:
        # The fast path (see above), inline: a call costs as much as a few of its checks.
        private = target.__pydantic_private__
        settled = private.get(_SETTLED) if private else None
        if settled is None or settled[0] is not target.__dict__:
            settled = _settle(target)
        cd = chunk.__dict__
        if chunk.__pydantic_fields_set__ <= settled[1] and cd["chunk_mode"] == DELTA and chunk is not target:
            outputs = cd["outputs"]
            if outputs is not None and len(outputs) == 1:
                chunk_output = outputs[0]
                ocd = chunk_output.__dict__
                index = ocd["index"]
                mine = target.__dict__["outputs"]
                if mine is not None and index < len(mine):
                    output = mine[index]
                    od = output.__dict__
                    if (
                        od["index"] == index
                        and od["finish_reason"] is None
                        and chunk_output.__pydantic_private__ is None
                        and chunk_output.__pydantic_fields_set__ <= _OUTPUT_ONLY_PARTS
                        and _fast_fragment(output, ocd["parts"])
                    ):
                        return target
        if chunk is target:
            chunk = clone(chunk)  # merging a response into itself appends a copy of it
        journal = _journal(strict)
        try:
            _merge_response(target, chunk, journal)
        except BaseException:
            _rollback(journal)
            raise
        private = target.__pydantic_private__
        if private:
            private.pop(_SETTLED, None)  # it may have taken identity fields
    finally:
        _release()
    return target


def _wrong_type(target: Any, chunk: Any) -> None:
    raise TypeError(f"cannot merge a {type(chunk).__name__} into a {type(target).__name__}")


def _merge_response(target: BaseModel, chunk: BaseModel, journal: Journal) -> None:
    cd = chunk.__dict__
    fields_set = chunk.__pydantic_fields_set__
    mode = cd["chunk_mode"]
    if not fields_set <= _RESPONSE_ONLY_OUTPUTS:
        plan = _PLANS.get(type(target)) or _plan(type(target))
        for name in fields_set:
            value = cd[name]
            if value is None or name == "error":
                continue
            policy = plan[name]
            if policy not in _NO_OP:
                _merge_field(target, name, policy, value, mode == CUMULATIVE, journal)
    if cd["outputs"]:
        _merge_outputs(target, cd["outputs"], mode, journal)
    if cd["error"] is not None:
        write(target, "error", clone(cd["error"]), journal)
        for output in target.__dict__["outputs"] or ():
            _finish(output, ERROR, journal)


def _merge_outputs(target: BaseModel, outputs: list, mode: str | None, journal: Journal) -> None:
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
        _merge_output(mine[position], chunk_output, mode, journal, position)


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


def merge_output(target: BaseModel, chunk: BaseModel, mode: str | None = DELTA, *, strict: bool = False) -> BaseModel:
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
    with _LOCK:
        if chunk is target:
            chunk = clone(chunk)
        elif (
            mode == DELTA
            and chunk.__pydantic_private__ is None
            and chunk.__pydantic_fields_set__ <= _OUTPUT_ONLY_PARTS
            and target.__dict__["finish_reason"] is None
            and _fast_fragment(target, chunk.__dict__["parts"])
        ):
            return target
        journal = _journal(strict=strict)
        try:
            _merge_output(target, chunk, mode, journal, None)
        except BaseException:
            _rollback(journal)
            raise
    return target


def _merge_output(target: BaseModel, chunk: BaseModel, mode: str | None, journal: Journal, at: int | None) -> None:
    """Merge one output chunk; ``at`` is its position in the response, for error paths."""
    cd = chunk.__dict__
    td = target.__dict__
    if (
        mode == DELTA
        and chunk.__pydantic_private__ is None
        and chunk.__pydantic_fields_set__ <= _OUTPUT_DELTA_TENSORS
        and td["finish_reason"] is None
    ):
        # The usual delta into an output still streaming: parts and, as an engine yields per
        # step, tensor rows; nothing else to visit.
        if cd["parts"]:
            _merge_parts(target, chunk, False, journal, at)
        for name in _TENSORS:
            value = cd[name]
            if value is not None:
                _merge_tensor(target, name, value, False, journal, at)
        return
    cumulative = mode == CUMULATIVE
    # A complete response is a later turn: whatever its outputs once replaced, it is appended.
    replaced = _replaced(chunk) if chunk.__pydantic_private__ and mode is not None else frozenset()
    if cumulative:
        replaced = frozenset(name for name in _CONTENT if cd[name] is not None)
    if replaced:
        _set_private(target, _REPLACED, _replaced(target) | replaced, journal)
    finished = td["finish_reason"] is not None
    if finished and journal.strict and not cumulative:
        _refuse_content_after_finish(td, cd, at)
    parts = cd["parts"]
    if parts is not None:
        if "parts" in replaced:
            write(target, "parts", clone(parts), journal)
            if parts:
                _set_open(target, _map_open(chunk, parts, target.__dict__["parts"]), journal)
        elif parts:
            _merge_parts(target, chunk, mode is None, journal, at)
    fields_set = chunk.__pydantic_fields_set__
    if fields_set <= _OUTPUT_ONLY_PARTS:
        if finished and parts:
            _complete_tool_calls(target, journal)  # content after the finish: complete it again
        return
    plan = _plan(type(target))
    for name in fields_set:
        if name not in _OUTPUT_BY_CODE:
            value = cd[name]
            if value is not None:
                _merge_field(target, name, plan[name], value, cumulative, journal)
    if cd["token_ids"] is not None or cd["logprobs"] is not None:
        _merge_tokens(target, cd, replaced, journal, at)
    for name in _TENSORS:
        if cd[name] is not None:
            _merge_tensor(target, name, cd[name], name in replaced, journal, at)
    finish = cd["finish_reason"]
    if cd["error"] is not None:
        write(target, "error", clone(cd["error"]), journal)
        finish = ERROR
    if finish is not None:
        _finish(target, finish, journal)
    elif finished and parts:
        _complete_tool_calls(target, journal)


def _refuse_content_after_finish(td: dict, cd: dict, at: int | None) -> None:
    for name in ("parts", "token_ids", "logprobs", *_TENSORS):
        value = cd[name]
        if value is not None and len(value):  # a list, or a tensor: its rows
            raise MergeError(
                _output_path(at, name),
                "content after the output's finish reason (strict mode refuses it)",
                td["finish_reason"],
                value,
            )


def _finish(output: BaseModel, reason: str, journal: Journal) -> None:
    """Record a finish reason (an earlier ``error`` is final) and complete the tool calls."""
    if output.__dict__["finish_reason"] != ERROR:
        write(output, "finish_reason", reason, journal)
    if reason in rules.truncating_reasons() and not output.__dict__["truncated"]:
        write(output, "truncated", True, journal)  # length, aborted, paused cut the output short
    _complete_tool_calls(output, journal)


def _merge_tokens(target: BaseModel, cd: dict, replaced: frozenset, journal: Journal, at: int | None) -> None:
    td = target.__dict__
    ids, logprobs = cd["token_ids"], cd["logprobs"]
    start = min(len(td["token_ids"] or ()), len(td["logprobs"] or ()))
    for name, value in (("token_ids", ids), ("logprobs", logprobs)):
        if value is None:
            continue
        if name in replaced:
            write(target, name, clone(value), journal)
            start = 0
        else:
            _extend_list(target, name, clone(value), journal)
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
    if type(current) is tensors.PendingRows and not cumulative:
        # A stream's usual chunk: rows after rows still pending, checked against the dtype,
        # device and trailing shape the chain holds; anything else takes the path below.
        link = current.then(value)
        if link is not None:
            write(target, name, link, journal)
            return
    if tensors.is_encoded(value) or tensors.is_encoded(current):
        # Held encoded because torch was not installed when they were read: merging needs torch.
        try:
            value, current = tensors.as_tensor(value), current if current is None else tensors.as_tensor(current)
        except ValueError as exc:
            raise MergeError(_output_path(at, name), str(exc)) from None
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


def _merge_parts(target: BaseModel, chunk: BaseModel, complete: bool, journal: Journal, at: int | None) -> None:
    """Merge a chunk output's parts into ``target``'s; ``complete`` when the chunk is a complete
    response, whose parts are all new."""
    mine = target.__dict__["parts"]
    if mine is None:
        mine = []
        write(target, "parts", mine, journal)
    parts = chunk.__dict__["parts"]
    if not complete and len(parts) == 1 and mine:
        # The usual delta: one fragment continuing the open part, which is the last part.
        part, last = parts[0], mine[-1]
        pd, ld = part.__dict__, last.__dict__
        private = target.__pydantic_private__
        if ld["type"] == pd["type"] and (private is None or private.get(_OPEN, last) is last):
            index, call_id = pd["part_index"], pd.get("id")
            if index is None and call_id is None:
                continues = _FRAGMENTS.get(type(part)) and not pd.get("name") and pd.get("arguments") is None
            else:
                continues = (index is None or ld["part_index"] == index) and (call_id is None or ld["id"] == call_id)
            if continues:
                _merge_part(last, part, journal, (at, len(mine) - 1))
                if private is None or _OPEN not in private:
                    _set_open(target, last, journal)
                return
    chunk_open = _open_part(chunk)
    shift = len(mine)
    now_open = None
    for part in parts:
        if complete:
            new = _new_part(part)
            index = new.__dict__["part_index"]
            if index is not None and shift:
                new.__dict__["part_index"] = index + shift
            _insert(mine, len(mine), new, journal)
            landed = new
        else:
            position = _find_part(target, mine, part, at)
            if position < 0:
                landed = _new_part(part)
                _insert(mine, ~position, landed, journal)
            else:
                landed = mine[position]
                _merge_part(landed, part, journal, (at, position))
        if part is chunk_open:
            now_open = landed
    _set_open(target, now_open, journal)


def _new_part(part: BaseModel) -> BaseModel:
    """A copy of a chunk's part to add as a part of its own.

    A call that carries text beside parsed arguments takes the text: the arguments were parsed
    from it (or were a ``{}`` placeholder before it) and are parsed again when the call
    completes.
    """
    new = clone(part)
    nd = new.__dict__
    if nd.get("arguments_raw") is not None and nd["arguments"] is not None:
        nd["arguments"] = None
    return new


def _map_open(chunk: BaseModel, parts: list, copies: list) -> Any:
    """The copy (in ``copies``) of the chunk's open part."""
    found = _open_part(chunk)
    for position, part in enumerate(parts):
        if part is found:
            return copies[position]
    return copies[-1]


def _find_part(target: BaseModel, parts: list, part: BaseModel, at: int | None) -> int:
    """Position of the part ``part`` continues, or ``~insertion_point`` for a new part."""
    pd = part.__dict__
    kind = pd["type"]
    call_id = pd.get("id")
    index = pd["part_index"]
    open_part = _open_part(target)
    if open_part is not None and (call_id is not None or index is not None):
        od = open_part.__dict__
        if (
            od["type"] == kind
            and (call_id is None or od.get("id") == call_id)
            and (index is None or od["part_index"] == index)
        ):
            return _position(parts, open_part)  # the usual keyed delta: it continues the open part
    position = -1
    if call_id is not None:
        for i in range(len(parts) - 1, -1, -1):
            have = parts[i].__dict__
            if have.get("id") == call_id and have["type"] == kind:
                position = i
                break
    if position < 0 and index is not None:
        position = _find_indexed(parts, index)
        if position < 0:
            return position
        _check_kind(parts[position], part, (at, position))
    if position >= 0:
        if _may_alias(parts, parts[position], pd):
            return ~len(parts)
        return position
    # No key pairs it: only a fragment continues the open part of its kind.
    if not _is_fragment_kind(type(part)) or pd.get("name") or pd.get("arguments") is not None:
        return ~len(parts)
    if open_part is None or open_part.__dict__["type"] != kind:
        return ~len(parts)
    if call_id is not None and open_part.__dict__.get("id") is not None:
        return ~len(parts)  # a new id, and the open call has its own
    return _position(parts, open_part)


def _position(parts: list, part: Any) -> int:
    """Position of ``part``, one of ``parts`` (``_open_part`` guarantees it), from the end."""
    position = len(parts) - 1
    while parts[position] is not part:
        position -= 1
    return position


def _keys_agree(a: dict, b: dict) -> bool:
    """True when nothing tells the two parts apart: same kind, no two different ids or indexes."""
    if a["type"] != b["type"]:
        return False
    id_a, id_b = a.get("id"), b.get("id")
    if id_a is not None and id_b is not None and id_a != id_b:
        return False
    index_a, index_b = a["part_index"], b["part_index"]
    return index_a is None or index_b is None or index_a == index_b


def _may_alias(parts: list, found: BaseModel, pd: dict) -> bool:
    """True when another part could, in a stream merged before this one, turn out to be the
    same part as ``found`` and the fragment: its text may then lie between theirs, so joining
    the fragment to ``found`` here could put text out of order. The fragment then stays a part
    of its own, and joins them when merged into that stream (every grouping, one result)."""
    fd = found.__dict__
    for other in parts:
        if other is not found:
            od = other.__dict__
            if _keys_agree(od, pd) and _keys_agree(od, fd):
                return True
    return False


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
            _part_path(where, "type"),
            f"two kinds of part at part_index {part.__dict__['part_index']}",
            mine.__dict__["type"],
            part.__dict__["type"],
        )


def _merge_part(mine: BaseModel, part: BaseModel, journal: Journal, where: tuple) -> None:
    """Merge a delta part into the part it continues (same kind, found by _find_part).

    ``where`` is (the output's position, the part's position), for error paths.
    """
    pd = part.__dict__
    index = pd["part_index"]
    if index is not None and mine.__dict__["part_index"] != index:
        _adopt_key(mine, "part_index", index, journal, where)
    plan = _PLANS.get(type(part)) or _plan(type(part))
    if "id" in plan:  # kinds with keys of their own (tool calls)
        if pd["id"] is not None:
            _adopt_key(mine, "id", pd["id"], journal, where)
        if pd.get("name"):  # a call's later fragments may leave the name out (None or "")
            _adopt_key(mine, "name", pd["name"], journal, where)
        if "arguments_raw" in pd:
            _merge_arguments(mine, pd, journal, where)
    for name in part.__pydantic_fields_set__:
        if name not in _PART_BY_CODE:
            value = pd[name]
            if value is not None:
                _merge_field(mine, name, plan[name], value, False, journal)


def _adopt_key(mine: BaseModel, field: str, value: Any, journal: Journal, where: tuple) -> None:
    """Take a key field the receiver's part lacks (None or empty); a different value is a clash."""
    have = mine.__dict__[field]
    if have is None or have == "":
        write(mine, field, value, journal)
    elif have != value:
        raise MergeError(
            _part_path(where, field),
            "the chunk continues this part but names it differently",
            have,
            value,
        )


# --- tool calls -----------------------------------------------------------------------------


def _merge_arguments(mine: BaseModel, pd: dict, journal: Journal, where: tuple) -> None:
    """A call's arguments: text appended, parsed arguments replacing, ``{}`` saying nothing."""
    md = mine.__dict__
    raw, parsed = pd["arguments_raw"], pd["arguments"]
    if raw is not None:  # a chunk's parsed arguments beside its text were parsed from that text
        if md["arguments_raw"] is not None:
            if raw:
                _append_text(mine, "arguments_raw", raw, journal)
                if md["arguments"] is not None:
                    write(mine, "arguments", None, journal)  # to be parsed again, with the new text
        elif md["arguments"]:
            if raw:
                raise MergeError(
                    _part_path(where, "arguments_raw"),
                    "argument text for a call whose arguments were given parsed",
                    md["arguments"],
                    raw,
                )
        else:
            write(mine, "arguments_raw", raw, journal)
            if md["arguments"] is not None:
                write(mine, "arguments", None, journal)  # {} said nothing: the text says it all
    elif parsed is not None and (parsed or (md["arguments"] is None and md["arguments_raw"] is None)):
        write(mine, "arguments", clone(parsed), journal)
        if md["arguments_raw"] is not None:
            write(mine, "arguments_raw", None, journal)  # parsed arguments are the whole call


def _complete_tool_calls(output: BaseModel, journal: Journal) -> None:
    for part in output.__dict__["parts"] or ():
        pd = part.__dict__
        if pd.get("name") and "arguments_raw" in pd and pd["arguments"] is None:
            _parse_arguments(part, journal)


def _parse_arguments(part: BaseModel, journal: Journal) -> None:
    """Parse a complete call's buffered argument text, once; the text stays until finalize."""
    raw = part.__dict__["arguments_raw"]
    if raw is None or not raw.strip():
        write(part, "arguments", {}, journal)
        return
    try:
        parsed = jsontext.loads(raw)
    except ValueError:
        return  # not JSON: the raw text stays, arguments stays None
    if isinstance(parsed, dict):
        write(part, "arguments", parsed, journal)


def _clear_parsed_text(output: BaseModel, journal: Journal) -> None:
    for part in output.__dict__["parts"] or ():
        pd = part.__dict__
        if "arguments_raw" in pd and pd["arguments"] is not None and pd["arguments_raw"] is not None:
            write(part, "arguments_raw", None, journal)


# --- finishing a stream -------------------------------------------------------------------


def finalize_output(output: BaseModel) -> BaseModel:
    """Complete a merged output: parse every tool call's buffered arguments (raw text kept
    when it does not parse, cleared when it does, ``{}`` when empty) and copy tensor rows
    into tensors of exactly their size (one concatenation each). Safe to call more than once."""
    with _LOCK:
        journal = _journal()
        _complete_tool_calls(output, journal)
        _clear_parsed_text(output, journal)
        for name in _TENSORS:
            value = output.__dict__[name]
            if value is not None:
                compacted = tensors.compact(value)
                if compacted is not value:
                    write(output, name, compacted, journal)
    return output


def finalize_response(response: BaseModel) -> BaseModel:
    """``finalize_output`` on every output of ``response``."""
    with _LOCK:
        for output in response.__dict__["outputs"] or ():
            finalize_output(output)
    return response


def from_chunks(cls: type, chunks: Iterable[BaseModel], *, strict: bool) -> BaseModel:
    """Merge a whole stream into one complete response of class ``cls``.

    Chunks are merged in order into an empty receiver, then finalized; the result has no
    chunk_mode. Tensor rows are concatenated once, by the finalize: one ``torch.cat`` of the
    chunks' tensors, which are referenced until then (a stream must not overwrite a tensor it
    has already yielded) and never shared with the result. Raises MergeError for an empty
    stream, a chunk that clashes, or a stream that did not add up to a complete response (no
    outputs, or an output with no parts, and no error to say why).
    """
    result = cls(chunk_mode=DELTA)
    empty = True
    for chunk in chunks:
        merge_response(result, chunk, strict=strict)
        empty = False
    if empty:
        raise MergeError("", "from_chunks needs at least one chunk")
    finalize_response(result)
    write(result, "chunk_mode", None, _journal())
    problem = next(rules.response_problems(result), None)
    if problem is not None:
        raise MergeError("", f"the stream did not add up to a complete response: {problem}")
    return result


# --- read-outs ------------------------------------------------------------------------------


def joined_text(output: BaseModel, kind: str, skip_redacted: bool) -> str | None:
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
