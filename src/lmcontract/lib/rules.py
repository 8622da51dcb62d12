"""Validation rules that relate two fields, which neither LinkML nor JSON Schema can state
(or which JSON Schema states with an if/then the generator adds).

Each ``*_problems`` function yields one message per problem, starting with the field path it is
about. They read a validated model, or, when the model's own fields failed to validate, the raw
input (a dict): then they skip whatever does not have the expected shape, so a record reports
its field errors and its cross-field problems together. ``lmcontract.lib.behaviour`` turns the
messages into pydantic errors located at the model that broke them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Any


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _generated() -> Any:
    from lmcontract.generated import models  # the schema's data: dtype sizes, truncating reasons

    return models


def response_problems(response: Any) -> Iterator[str]:
    yield from prompt_problems(response)
    outputs = _get(response, "outputs")
    seen: set[int] = set()
    for i, output in enumerate(_list(outputs)):
        index = _int(_get(output, "index"))
        if index is None:
            continue
        if index in seen:
            yield f"outputs[{i}].index: index {index} appears twice; each output needs its own"
        seen.add(index)
    if _get(response, "chunk_mode") is not None:
        return  # a stream chunk may carry no outputs and outputs with no parts
    # The completeness rule (the schema's LMResponse rules, in the JSON Schema too): a complete
    # response has outputs, each with parts, unless an error says why it has none.
    failed = _get(response, "error") is not None
    if (outputs is None or outputs == []) and not failed:
        yield "outputs: a complete response (no chunk_mode) needs at least one output, or an error"
        return
    for i, output in enumerate(_list(outputs)):
        parts = _get(output, "parts")
        # A filter may withhold a candidate entirely (a blocked Gemini candidate): that output
        # says so with finish reason content_filter and has nothing else to hold.
        withheld = _get(output, "finish_reason") == "content_filter"
        # A model run without a tokenizer has token ids and nothing to show as text.
        token_ids = _get(output, "token_ids")
        tokens_only = isinstance(token_ids, list) and len(token_ids) > 0
        empty = parts is None or parts == []
        if empty and not failed and not withheld and not tokens_only and _get(output, "error") is None:
            yield (
                f"outputs[{i}].parts: a complete output needs at least one part, or an error"
                " (only one withheld by a filter, finish reason content_filter, may have none)"
            )
        yield from named_tool_call_problems(parts, f"outputs[{i}].parts")


def prompt_problems(response: Any) -> Iterator[str]:
    """prompt_logprobs, when present with prompt_token_ids, covers the prompt from its second token."""
    ids, logprobs = _get(response, "prompt_token_ids"), _get(response, "prompt_logprobs")
    if not isinstance(ids, list) or not isinstance(logprobs, list):
        return
    if len(logprobs) != max(len(ids) - 1, 0):
        yield (
            f"prompt_logprobs: {len(logprobs)} entries but prompt_token_ids has {len(ids)}; "
            "there is one entry per prompt token from the second on"
        )
        return
    for pos, lp in enumerate(logprobs):
        lp_id = _int(_get(lp, "token_id"))
        if lp_id is not None and lp_id != ids[pos + 1]:
            yield f"prompt_logprobs[{pos}].token_id: {lp_id} but prompt_token_ids[{pos + 1}] is {ids[pos + 1]}"


def named_tool_call_problems(parts: Any, where: str) -> Iterator[str]:
    """A tool call in a complete response or a message names its tool (a chunk may not)."""
    for i, part in enumerate(_list(parts)):
        if _get(part, "type") != "tool_call":
            continue
        name = _get(part, "name")
        if name is None:
            yield f"{where}[{i}].name: a tool call in a complete response or message needs a name"
        elif name == "":
            yield f"{where}[{i}].name: a tool call in a complete response or message needs a non-empty name"


def output_problems(output: Any) -> Iterator[str]:
    token_ids, logprobs = _get(output, "token_ids"), _get(output, "logprobs")
    if isinstance(token_ids, list) and isinstance(logprobs, list):
        if len(token_ids) != len(logprobs):
            yield (
                f"logprobs: {len(logprobs)} entries but token_ids has {len(token_ids)}; they must align one to one"
            )
        elif isinstance(output, dict):  # raw input: anything may be anything
            for pos, (tid, lp) in enumerate(zip(token_ids, logprobs, strict=True)):
                lp_id = _int(_get(lp, "token_id"))
                if lp_id is not None and _int(tid) is not None and lp_id != tid:
                    yield f"logprobs[{pos}].token_id: {lp_id} but token_ids[{pos}] is {tid}"
        else:  # a validated output, one entry per token: the direct way
            for pos, (tid, lp) in enumerate(zip(token_ids, logprobs, strict=True)):
                lp_id = lp.token_id
                if lp_id is not None and lp_id != tid:
                    yield f"logprobs[{pos}].token_id: {lp_id} but token_ids[{pos}] is {tid}"
    if isinstance(token_ids, list):
        for name in _tensor_slots():
            rows = _rows(_get(output, name))
            if rows is not None and rows != len(token_ids):
                yield f"{name}: {rows} rows but token_ids has {len(token_ids)}; one row per token id"
    finish = _get(output, "finish_reason")
    if finish in truncating_reasons() and _get(output, "truncated") is False:
        if isinstance(output, dict) or "truncated" in output.__pydantic_fields_set__:
            yield f"truncated: false, but finish_reason {finish} means the output was cut short"


def _rows(value: Any) -> int | None:
    shape = value.get("shape") if isinstance(value, dict) else getattr(value, "shape", None)
    return _int(shape[0]) if isinstance(shape, (list, tuple)) and shape else None


def mark_truncated(output: Any) -> None:
    """An output whose finish reason truncates it is truncated, even when that was not stated."""
    if output.finish_reason in truncating_reasons() and not output.truncated:
        output.__dict__["truncated"] = True
        output.__pydantic_fields_set__.add("truncated")


def media_problems(part: Any) -> Iterator[str]:
    if _get(part, "data") is None and _get(part, "url") is None and _get(part, "file_id") is None:
        yield f"{_get(part, 'type')} part: needs one of data, url or file_id"


def citation_problems(citation: Any) -> Iterator[str]:
    start, end = _int(_get(citation, "start_index")), _int(_get(citation, "end_index"))
    if start is not None and end is not None and end < start:
        yield f"end_index: {end} is before start_index {start}"


def encoded_tensor_problems(encoded: Any) -> Iterator[str]:
    data, shape, dtype = _get(encoded, "data"), _get(encoded, "shape"), _get(encoded, "dtype")
    if not isinstance(data, str) or not isinstance(shape, list) or dtype not in _generated().TENSOR_DTYPE_BYTES:
        return
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        yield f"data: not valid base64 ({exc})"
        return
    count = 1
    for n in shape:
        if _int(n) is None:
            return
        count *= n
    want = count * _generated().TENSOR_DTYPE_BYTES[dtype]
    if len(raw) != want:
        yield f"data: {len(raw)} bytes, but shape {list(shape)} of {dtype} needs {want}"


def _tensor_slots() -> tuple[str, ...]:
    from lmcontract.generated.merge_policy import TENSOR_SLOTS  # schema array slots

    return tuple(TENSOR_SLOTS.get("LMOutput", ()))


def truncating_reasons() -> tuple[str, ...]:
    """The finish reasons that cut an output short (schema: FinishReason annotation truncates)."""
    return _generated().TRUNCATING_FINISH_REASONS
