"""torch.Tensor fields that stay tensors, their exact JSON encoding, and their growth buffers.

torch is imported only when a tensor is actually decoded; checking whether a value is a tensor
looks at ``sys.modules``, so ``import lmcontract`` never loads torch (nor does anything here run
torch code unless a tensor is already at hand).

JSON: a tensor field is left out of ``model_dump_json()`` and ``model_dump(mode="json")``
unless the caller passes ``context={"tensors": True}`` (``WITH_TENSORS``); then it is written
as an EncodedTensor, which ``model_validate_json`` turns back into the identical tensor.
"""

from __future__ import annotations

import base64
import ctypes
import importlib.util
import sys
import weakref
from functools import partial
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, SerializationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

TORCH_EXTRA = "pip install 'lmcontract[torch]'"

# Pass as ``context=`` to model_dump_json / model_dump(mode="json") to write tensors too.
WITH_TENSORS = {"tensors": True}


def dtype_bytes() -> dict[str, int]:
    """Bytes per element of each dtype the contract can encode (schema enum TensorDtype)."""
    from lmcontract.generated.models import TENSOR_DTYPE_BYTES  # generated from the schema

    return TENSOR_DTYPE_BYTES


def _encoded_class() -> Any:
    from lmcontract.generated.models import EncodedTensor

    return EncodedTensor


def is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def is_encoded(value: Any) -> bool:
    """True for an EncodedTensor model (what a tensor field holds when torch is not installed)."""
    return isinstance(value, _encoded_class())


def _torch_missing() -> PydanticCustomError:
    return PydanticCustomError(
        "torch_missing",
        "decoding a tensor needs torch, which is not installed: {hint}",
        {"hint": TORCH_EXTRA},
    )


def _torch():
    try:
        import torch
    except ImportError:
        raise _torch_missing() from None
    return torch


def _torch_installed() -> bool:
    if sys.modules.get("torch") is not None:
        return True
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):  # a blocked or half-imported torch
        return False


def dtype_name(value: Any) -> str:
    """The dtype of a tensor or an EncodedTensor, by its torch name (``float32``)."""
    return value.dtype if is_encoded(value) else str(value.dtype).removeprefix("torch.")


def shape_of(value: Any) -> tuple[int, ...]:
    """The shape of a tensor or an EncodedTensor."""
    return tuple(value.shape)


def to_raw(value: Any) -> tuple[str, list[int], bytes]:
    """A tensor as (dtype name, shape, its elements' bytes in little-endian C order)."""
    name = dtype_name(value)
    if name not in dtype_bytes():
        known = ", ".join(dtype_bytes())
        raise ValueError(f"tensor dtype {name} has no JSON encoding; encodable: {known}")
    flat = value.detach().to("cpu").contiguous()
    raw = ctypes.string_at(flat.data_ptr(), flat.numel() * flat.element_size()) if flat.numel() else b""
    if sys.byteorder == "big" and flat.element_size() > 1:
        raw = _byteswap(raw, flat.element_size())
    return name, list(value.shape), raw


def encode(value: Any) -> dict[str, Any]:
    """A tensor as an EncodedTensor dict: dtype, shape, little-endian C-order bytes in base64."""
    if is_encoded(value):
        return {"dtype": value.dtype, "shape": list(value.shape), "data": value.data}
    name, shape, raw = to_raw(value)
    return {"dtype": name, "shape": shape, "data": base64.b64encode(raw).decode("ascii")}


def decode(encoded: Any) -> Any:
    """The tensor an EncodedTensor (model or dict) describes, exactly (dtype, shape, every bit).

    Needs torch; raises a PydanticCustomError ``torch_missing`` without it.
    """
    if isinstance(encoded, dict):
        encoded = _encoded_class().model_validate(encoded)
    raw = base64.b64decode(encoded.data, validate=True)  # checked by the EncodedTensor rules
    return from_raw(encoded.dtype, list(encoded.shape), raw)


def from_raw(dtype: str, shape: list[int], raw: bytes) -> Any:
    """The tensor of this dtype and shape whose little-endian C-order element bytes are ``raw``."""
    torch = _torch()
    size = dtype_bytes()[dtype]
    count = 1
    for n in shape:
        count *= n
    if len(raw) != count * size:
        raise PydanticCustomError(
            "tensor_data",
            "data holds {got} bytes but shape {shape} of {dtype} needs {want}",
            {"got": len(raw), "shape": shape, "dtype": dtype, "want": count * size},
        )
    torch_dtype = getattr(torch, dtype)
    if count == 0:
        return torch.empty(shape, dtype=torch_dtype)
    if sys.byteorder == "big" and size > 1:
        raw = _byteswap(raw, size)
    return torch.frombuffer(bytearray(raw), dtype=torch_dtype).reshape(shape)


def as_tensor(value: Any) -> Any:
    """``value`` as a torch.Tensor: an EncodedTensor is decoded (needs torch), a tensor kept."""
    return decode(value) if is_encoded(value) else value


def _byteswap(raw: bytes, size: int) -> bytes:
    return b"".join(raw[i : i + size][::-1] for i in range(0, len(raw), size))


def _validate(value: Any, dims: tuple[str, ...], dtypes: tuple[str, ...]) -> Any:
    """A tensor field's value: a tensor kept as given, or an EncodedTensor (model or dict),
    decoded when torch is installed and kept as an EncodedTensor model when it is not."""
    if value is None:
        return None
    if not is_tensor(value):
        encoded_class = _encoded_class()
        if isinstance(value, dict):
            value = encoded_class.model_validate(value)  # its own rules: base64, byte count
        elif not isinstance(value, encoded_class):
            hint = "" if sys.modules.get("torch") is not None else f" (torch is not loaded; {TORCH_EXTRA})"
            raise PydanticCustomError(
                "tensor_type",
                "expected a torch.Tensor or an EncodedTensor, got {kind}{hint}",
                {"kind": type(value).__name__, "hint": hint},
            )
    name = dtype_name(value)
    if name not in dtypes:
        raise PydanticCustomError(
            "tensor_dtype",
            "dtype {dtype} is not allowed here; one of {allowed}",
            {"dtype": name, "allowed": ", ".join(dtypes)},
        )
    shape = shape_of(value)
    if len(shape) != len(dims):
        raise PydanticCustomError(
            "tensor_rank",
            "expected a tensor of rank {rank} ({dims}), got shape {shape}",
            {"rank": len(dims), "dims": ", ".join(dims), "shape": str(shape)},
        )
    if not is_tensor(value) and _torch_installed():
        return decode(value)
    return value


def wants_tensors(info: SerializationInfo) -> bool:
    """True when a JSON dump asked for tensors (``context={"tensors": True}``)."""
    context = info.context
    return isinstance(context, dict) and bool(context.get("tensors"))


def _serialize(value: Any, info: SerializationInfo) -> Any:
    # Python dumps keep the tensor itself. A JSON dump that did not ask for tensors gets None
    # here; the owning model's serializer (OutputBehaviour) then drops the key altogether.
    if value is None or not info.mode_is_json():
        return value
    return encode(value) if wants_tensors(info) else None


def tensor(*dims: str, dtypes: tuple[str, ...]) -> Any:
    """The field type of a tensor slot with these named dimensions (schema array dimensions)
    and these admitted dtypes (the slot's ``dtypes`` annotation)."""
    return Annotated[
        Any,
        PlainValidator(partial(_validate, dims=dims, dtypes=dtypes)),
        PlainSerializer(_serialize),
        WithJsonSchema(
            {
                "type": "object",
                "description": f"A tensor of shape ({', '.join(dims)}), encoded as an EncodedTensor.",
                "properties": {
                    "dtype": {"enum": list(dtypes)},
                    "shape": {
                        "type": "array",
                        "items": {"type": "integer", "minimum": 0},
                        "minItems": len(dims),
                        "maxItems": len(dims),
                    },
                    "data": {"type": "string", "contentEncoding": "base64"},
                },
                "required": ["dtype", "shape", "data"],
                "additionalProperties": False,
            }
        ),
    ]


# --- comparing and copying ---------------------------------------------------------------


def tensors_equal(a: Any, b: Any) -> bool:
    """Equal as tensors: same dtype, shape and device, and every element equal (torch.equal)."""
    if is_encoded(a) and is_encoded(b):
        return a == b
    if not (is_tensor(a) and is_tensor(b)):
        return False
    if a.dtype != b.dtype or a.shape != b.shape or a.device != b.device:
        return False
    return bool(sys.modules["torch"].equal(a, b))


def values_equal(a: Any, b: Any) -> bool:
    """``a == b`` for field values, comparing tensors with ``tensors_equal``."""
    if a is b:
        return True
    if is_tensor(a) or is_tensor(b):
        return tensors_equal(a, b)
    return a == b


def copy_tensor(value: Any) -> Any:
    """A tensor with its own storage holding only the elements of ``value`` (same dtype, device).

    ``copy.deepcopy`` of a view copies the whole storage it views; this copies the view only.
    """
    return value.detach().clone()


# --- growth buffers ---------------------------------------------------------------------
#
# A streamed tensor grows along its first (sequence) dimension. Appending with torch.cat
# copies everything received so far on every chunk: quadratic. Instead the field holds a view
# ``buf[:n]`` of a buffer whose capacity doubles when full, so a chunk costs a copy of its own
# rows (amortised constant per row) and the buffer never holds more than twice the rows in use.
#
# Ownership lives in a registry keyed by the identity of the view handed out, not on the model
# or the tensor: deep copies and unpickled tensors are new objects, so they are simply not
# registered and get a fresh buffer on their next append. Only the view at the buffer's
# frontier (its row count equals the rows written) may write into the spare rows; any other
# holder of an older or shared view copies instead, so two owners never write the same rows.


class _Growth:
    """A growth buffer and how many of its rows are in use."""

    __slots__ = ("buf", "rows")

    def __init__(self, buf: Any, rows: int) -> None:
        self.buf = buf
        self.rows = rows


_GROWTH: dict[int, tuple[weakref.ref, _Growth]] = {}


def _register(view: Any, growth: _Growth) -> None:
    key = id(view)

    def forget(ref: weakref.ref, key: int = key) -> None:
        entry = _GROWTH.get(key)
        if entry is not None and entry[0] is ref:
            del _GROWTH[key]

    _GROWTH[key] = (weakref.ref(view, forget), growth)


def _growth_of(view: Any) -> _Growth | None:
    entry = _GROWTH.get(id(view))
    if entry is None or entry[0]() is not view:
        return None
    return entry[1]


def _restore_rows(growth: _Growth, rows: int) -> None:
    growth.rows = rows


def append_rows(current: Any, extra: Any) -> tuple[Any, tuple]:
    """``current`` with the rows of ``extra`` appended, as a tensor independent of ``extra``.

    ``current`` itself is left untouched (its rows are never written), so a caller that keeps
    it, or puts it back, still sees what it saw. Returns the new tensor and an undo entry
    ``(function, *args)`` that restores the buffer bookkeeping if the caller rolls back.
    The caller has checked that dtype, device and the trailing dimensions agree.
    """
    n, k = current.shape[0], extra.shape[0]
    if extra.requires_grad:
        extra = extra.detach()
    growth = _growth_of(current)
    if growth is not None and growth.rows == n and growth.buf.shape[0] >= n + k:
        growth.buf.narrow(0, n, k).copy_(extra)
    else:
        torch = sys.modules["torch"]
        capacity = max(n + k, 2 * n)
        buf = torch.empty((capacity, *current.shape[1:]), dtype=current.dtype, device=current.device)
        buf.narrow(0, 0, n).copy_(current.detach())
        buf.narrow(0, n, k).copy_(extra)
        growth = _Growth(buf, n)
    undo = (_restore_rows, growth, growth.rows)
    growth.rows = n + k
    view = growth.buf.narrow(0, 0, n + k)
    _register(view, growth)
    return view, undo


def capacity_rows(value: Any) -> int:
    """Rows of storage behind ``value``: its growth buffer's capacity, or its own row count."""
    growth = _growth_of(value)
    return growth.buf.shape[0] if growth is not None else value.shape[0]


def compact(value: Any) -> Any:
    """``value`` without the spare rows of its growth buffer (itself when it has none).

    Only tensors this module grew are copied; a tensor the caller gave is kept as given.
    """
    growth = _growth_of(value)
    if growth is None or growth.buf.shape[0] == value.shape[0]:
        return value
    return value.clone()
