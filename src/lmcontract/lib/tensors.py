"""torch.Tensor fields that stay tensors, and their exact JSON encoding.

torch is imported only when a tensor is actually decoded; checking whether a value is a tensor
looks at ``sys.modules``, so ``import lmcontract`` never loads torch.
"""

from __future__ import annotations

import base64
import ctypes
import sys
from functools import partial
from typing import Annotated, Any

from pydantic import PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

TORCH_EXTRA = "pip install 'lmcontract[torch]'"

# The dtypes the contract can encode (schema enum TensorDtype), by their torch names.
DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8", "uint8", "bool")


def is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _torch():
    try:
        import torch
    except ImportError:
        raise PydanticCustomError(
            "torch_missing",
            "tensor fields need torch, which is not installed: {hint}",
            {"hint": TORCH_EXTRA},
        ) from None
    return torch


def encode(value: Any) -> dict[str, Any]:
    """A tensor as an EncodedTensor dict: dtype, shape, little-endian C-order bytes in base64."""
    name = str(value.dtype).removeprefix("torch.")
    if name not in DTYPES:
        raise ValueError(f"tensor dtype {name} has no JSON encoding; encodable: {', '.join(DTYPES)}")
    flat = value.detach().to("cpu").contiguous()
    raw = ctypes.string_at(flat.data_ptr(), flat.numel() * flat.element_size()) if flat.numel() else b""
    if sys.byteorder == "big" and flat.element_size() > 1:
        raw = _byteswap(raw, flat.element_size())
    return {"dtype": name, "shape": list(value.shape), "data": base64.b64encode(raw).decode("ascii")}


def decode(encoded: dict[str, Any]) -> Any:
    """The tensor an EncodedTensor dict describes, exactly (dtype, shape, every bit)."""
    torch = _torch()
    dtype = getattr(torch, encoded["dtype"])
    shape = list(encoded["shape"])
    try:
        raw = base64.b64decode(encoded["data"], validate=True)
    except ValueError as exc:
        raise PydanticCustomError("tensor_data", "data is not valid base64: {error}", {"error": str(exc)}) from None
    size = torch.empty((), dtype=dtype).element_size()
    count = 1
    for n in shape:
        count *= n
    if len(raw) != count * size:
        raise PydanticCustomError(
            "tensor_data",
            "data holds {got} bytes but shape {shape} of {dtype} needs {want}",
            {"got": len(raw), "shape": shape, "dtype": encoded["dtype"], "want": count * size},
        )
    if count == 0:
        return torch.empty(shape, dtype=dtype)
    if sys.byteorder == "big" and size > 1:
        raw = _byteswap(raw, size)
    return torch.frombuffer(bytearray(raw), dtype=dtype).reshape(shape)


def _byteswap(raw: bytes, size: int) -> bytes:
    return b"".join(raw[i : i + size][::-1] for i in range(0, len(raw), size))


def _validate(value: Any, dims: tuple[str, ...]) -> Any:
    if value is None:
        return None
    if not is_tensor(value):
        encoded = _as_encoded(value)
        if encoded is None:
            hint = "" if "torch" in sys.modules else f" (torch is not loaded; {TORCH_EXTRA})"
            raise PydanticCustomError(
                "tensor_type",
                "expected a torch.Tensor or an EncodedTensor, got {kind}{hint}",
                {"kind": type(value).__name__, "hint": hint},
            )
        value = decode(encoded)
    if value.dim() != len(dims):
        raise PydanticCustomError(
            "tensor_rank",
            "expected a tensor of rank {rank} ({dims}), got shape {shape}",
            {"rank": len(dims), "dims": ", ".join(dims), "shape": tuple(value.shape)},
        )
    return value


def _as_encoded(value: Any) -> dict[str, Any] | None:
    if hasattr(value, "dtype") and hasattr(value, "shape") and hasattr(value, "data") and not isinstance(value, dict):
        value = {"dtype": value.dtype, "shape": value.shape, "data": value.data}  # an EncodedTensor model
    if not isinstance(value, dict) or set(value) != {"dtype", "shape", "data"}:
        return None
    if value["dtype"] not in DTYPES:
        raise PydanticCustomError(
            "tensor_dtype", "dtype {dtype!r} is not one of {known}", {"dtype": value["dtype"], "known": ", ".join(DTYPES)}
        )
    shape = value["shape"]
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise PydanticCustomError("tensor_shape", "shape must be a list of non-negative integers, got {shape!r}", {"shape": shape})
    if not isinstance(value["data"], str):
        raise PydanticCustomError("tensor_data", "data must be a base64 string", {})
    return value


def tensor(*dims: str) -> Any:
    """The field type of a tensor slot with these named dimensions (schema array dimensions)."""
    return Annotated[
        Any,
        PlainValidator(partial(_validate, dims=dims)),
        WithJsonSchema(
            {
                "type": "object",
                "description": f"A tensor of shape ({', '.join(dims)}), encoded as an EncodedTensor.",
                "properties": {
                    "dtype": {"enum": list(DTYPES)},
                    "shape": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": len(dims), "maxItems": len(dims)},
                    "data": {"type": "string", "contentEncoding": "base64"},
                },
                "required": ["dtype", "shape", "data"],
                "additionalProperties": False,
            }
        ),
    ]
