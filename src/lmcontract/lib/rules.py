"""Validation rules that relate two fields, which neither LinkML nor JSON Schema can state.

Each raises ``ValueError`` whose message starts with the field path it is about; pydantic turns
it into a ValidationError located at the model that broke it.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

# Bytes per element of each TensorDtype, without importing torch.
DTYPE_SIZES = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2, "int64": 8,
    "int32": 4, "int16": 2, "int8": 1, "uint8": 1, "bool": 1,
}


def check_response(response: Any) -> None:
    check_prompt(response)
    outputs = response.outputs or []
    seen: set[int] = set()
    for i, output in enumerate(outputs):
        if output.index in seen:
            raise ValueError(f"outputs[{i}].index: index {output.index} appears twice; each output needs its own")
        seen.add(output.index)
    if response.chunk_mode is not None:
        return  # a stream chunk may carry no outputs and outputs with no parts
    # The completeness rule (the schema's LMResponse rules, in the JSON Schema too): a complete
    # response has outputs, each with parts (or token ids alone), unless an error says why not.
    failed = response.error is not None
    if not outputs and not failed:
        raise ValueError("outputs: a complete response (no chunk_mode) needs at least one output, or an error")
    for i, output in enumerate(outputs):
        # A model run without a tokenizer has token ids and nothing to show as text.
        if not output.parts and not output.token_ids and not failed and output.error is None:
            raise ValueError(
                f"outputs[{i}].parts: a complete output needs at least one part (or token_ids), or an error"
            )
        check_named_tool_calls(output.parts, f"outputs[{i}].parts")


def check_prompt(response: Any) -> None:
    """prompt_logprobs, when present with prompt_token_ids, covers the prompt from its second token."""
    ids, logprobs = response.prompt_token_ids, response.prompt_logprobs
    if ids is None or logprobs is None:
        return
    if len(logprobs) != max(len(ids) - 1, 0):
        raise ValueError(
            f"prompt_logprobs: {len(logprobs)} entries but prompt_token_ids has {len(ids)}; "
            "there is one entry per prompt token from the second on"
        )
    for pos, lp in enumerate(logprobs):
        if lp.token_id is not None and lp.token_id != ids[pos + 1]:
            raise ValueError(
                f"prompt_logprobs[{pos}].token_id: {lp.token_id} but prompt_token_ids[{pos + 1}] is {ids[pos + 1]}"
            )


def check_named_tool_calls(parts: Any, where: str) -> None:
    """A tool call in a complete response or a message names its tool (a chunk may not)."""
    for i, part in enumerate(parts or ()):
        if part.type == "tool_call" and part.name is None:
            raise ValueError(f"{where}[{i}].name: a tool call in a complete response or message needs a name")


def check_output(output: Any) -> None:
    token_ids, logprobs = output.token_ids, output.logprobs
    if token_ids is not None and logprobs is not None and len(token_ids) != len(logprobs):
        raise ValueError(
            f"logprobs: {len(logprobs)} entries but token_ids has {len(token_ids)}; they must align one to one"
        )
    if token_ids is not None and logprobs is not None:
        for pos, (tid, lp) in enumerate(zip(token_ids, logprobs, strict=True)):
            if lp.token_id is not None and lp.token_id != tid:
                raise ValueError(f"logprobs[{pos}].token_id: {lp.token_id} but token_ids[{pos}] is {tid}")


def check_media(part: Any) -> None:
    if part.data is None and part.url is None and part.file_id is None:
        raise ValueError(f"{part.type} part: needs one of data, url or file_id")


def check_encoded_tensor(encoded: Any) -> None:
    try:
        raw = base64.b64decode(encoded.data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"data: not valid base64 ({exc})") from None
    count = 1
    for n in encoded.shape:
        count *= n
    want = count * DTYPE_SIZES[encoded.dtype]
    if len(raw) != want:
        raise ValueError(f"data: {len(raw)} bytes, but shape {list(encoded.shape)} of {encoded.dtype} needs {want}")
