"""torch.Tensor fields that stay tensors, their exact JSON encoding, and their growth buffers.

torch is imported only when a tensor is actually decoded; checking whether a value is a tensor
looks at ``sys.modules``, so ``import lmcontract`` never loads torch (nor does anything here run
torch code unless a tensor is already at hand).

JSON: a tensor field is left out of ``model_dump_json()`` and ``model_dump(mode="json")``
unless the caller passes ``context={"tensors": True}`` (``WITH_TENSORS``); then it is written
as an EncodedTensor, which ``model_validate_json`` turns back into the identical tensor. (A
JSON dump made by something other than the models' own methods, such as a model of another
package that holds an LMResponse, writes an unrequested tensor as null.)
"""

from __future__ import annotations

import base64
import importlib.util
import sys
import weakref
from contextvars import ContextVar
from functools import partial
from typing import Annotated, Any

from pydantic import Field, PlainSerializer, PlainValidator, SerializationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

TORCH_EXTRA = "pip install 'lmcontract[torch]'"

# Pass as ``context=`` to model_dump_json / model_dump(mode="json") to write tensors too.
WITH_TENSORS = {"tensors": True}


def dtype_bytes() -> dict[str, int]:
    """Bytes per element of each dtype the contract can encode (schema enum TensorDtype)."""
    from lmcontract.generated.models import TENSOR_DTYPE_BYTES  # generated from the schema

    return TENSOR_DTYPE_BYTES


_ENCODED: list = []  # the EncodedTensor class, once looked up: an import statement per call costs 1 us


def _encoded_class() -> Any:
    if not _ENCODED:
        from lmcontract.generated.models import EncodedTensor  # not at the top: it imports this module

        _ENCODED.append(EncodedTensor)
    return _ENCODED[0]


def is_tensor(value: Any) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def is_encoded(value: Any) -> bool:
    """True for an EncodedTensor model (what a tensor field holds when torch is not installed)."""
    cls = _ENCODED[0] if _ENCODED else _encoded_class()
    return type(value) is cls or isinstance(value, cls)


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
    import ctypes  # here, not at the top: only encoding a tensor needs it, and importing costs

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


def asks_for_tensors(context: Any) -> bool:
    """True when a dump's ``context`` asks for tensors (``{"tensors": True}``)."""
    return isinstance(context, dict) and bool(context.get("tensors"))


def wants_tensors(info: SerializationInfo) -> bool:
    """True when a JSON dump asked for tensors (``context={"tensors": True}``)."""
    return asks_for_tensors(info.context)


# True while one of the models' own JSON dumps runs that did not ask for tensors
# (lmcontract.lib.base sets it): the tensor fields' exclude_if then has pydantic-core drop
# their keys itself, so no Python serializer has to wrap, and re-walk, a whole output.
LEAVING_OUT: ContextVar[bool] = ContextVar("lmcontract_leaving_out_tensors", default=False)


def _left_out(value: Any) -> bool:
    return LEAVING_OUT.get()


def _serialize(value: Any, info: SerializationInfo) -> Any:
    # Python dumps keep the tensor itself. A JSON dump that did not ask for tensors has left
    # the field out already, unless it was not made by the models' own methods: then None.
    if value is None:
        return None
    if not info.mode_is_json():
        return read(value)
    return encode(read(value)) if wants_tensors(info) else None


class _TensorSlot:
    """Marks a field type made by ``tensor()``, so models can find their tensor fields."""

    __slots__ = ()


TENSOR_SLOT = _TensorSlot()


def tensor(*dims: str, dtypes: tuple[str, ...], optional: bool = False) -> Any:
    """The field type of a tensor slot with these named dimensions (schema array dimensions)
    and these admitted dtypes (the slot's ``dtypes`` annotation).

    It is the whole annotation of the field, so that its ``exclude_if`` applies to the field;
    ``optional`` says whether the JSON Schema allows null.
    """
    encoded = {
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
    return Annotated[
        Any,
        TENSOR_SLOT,
        Field(exclude_if=_left_out),
        PlainValidator(partial(_validate, dims=dims, dtypes=dtypes)),
        PlainSerializer(_serialize),
        WithJsonSchema({"anyOf": [encoded, {"type": "null"}]} if optional else encoded),
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
    a, b = read(a), read(b)
    if is_tensor(a) or is_tensor(b):
        return tensors_equal(a, b)
    return a == b


def copy_tensor(value: Any) -> Any:
    """A tensor with its own storage holding only the elements of ``value`` (same dtype, device).

    ``copy.deepcopy`` of a view copies the whole storage it views; this copies the view only.
    """
    return value.detach().clone()


# --- appending rows ------------------------------------------------------------------------
#
# A streamed tensor grows along its first (sequence) dimension, one chunk at a time. Copying
# rows as they arrive costs either a quadratic torch.cat per chunk or a growth buffer that is
# copied again to trim it, so peak memory reaches twice the result. Instead a merge copies
# nothing: the field holds a PendingRows, an immutable link (what the field held before, the
# chunk's tensor) that costs O(1) to make, shares nothing that a later append changes, and is
# undone by putting the earlier value back. The rows are copied once, when they are read:
#
# - ``compact`` (what ``finalize()`` and ``from_chunks`` use) concatenates the whole chain
#   with one torch.cat into a tensor of exactly the final size: no second copy, no trimming;
# - reading the field while the stream runs (attribute access, a dump, a comparison, a copy)
#   concatenates into a buffer with spare rows, so that a caller who reads after every chunk
#   still pays amortised constant time per row: the next read copies only the new rows, into
#   the spare ones, and the buffer never holds more than twice the rows in use.
#
# Until it is read, a chunk's tensor is referenced, not copied, as torch.cat's inputs are: a
# stream must not overwrite a tensor it has already yielded. One that does is caught (torch
# counts in-place writes per tensor) and reported when the rows are read, rather than read
# silently changed.
#
# Spare rows belong to a registry keyed by the identity of the view handed out, not to the
# model or the tensor: deep copies and unpickled tensors are new objects, so they are simply
# not registered and get a buffer of their own. Only the view at a buffer's frontier (its row
# count equals the rows written) may write into the spare rows; any other holder of an older
# or shared view copies instead, so two owners never write the same rows.


class PendingRows:
    """A tensor field's value while appended rows wait to be copied: ``base``'s rows, then
    ``piece``'s. ``base`` is None, a tensor, or an earlier PendingRows; neither is changed.

    ``dtype``, ``device``, ``shape`` and ``trailing`` (the dimensions past the first) answer
    without copying anything; ``read()`` gives the tensor. Models read it on attribute access
    (``TensorAttribute``), so users only ever see tensors; code that reads a model's
    ``__dict__`` may meet one.
    """

    # ``meta`` is what every link of a chain shares: (dtype, device, trailing, the class and
    # the shape of the first tensor, the field's name), one tuple that a link copies by
    # reference.
    __slots__ = ("_tensor", "base", "meta", "piece", "rows", "version")

    def __init__(self, base: Any, piece: Any, field: str) -> None:
        self.base, self.piece, self._tensor = base, piece, None
        self.version = piece._version  # torch's count of in-place writes to piece's storage
        shape = piece.shape
        if type(base) is PendingRows:
            self.meta = base.meta
            self.rows = base.rows + shape[0]
        else:
            self.meta = (piece.dtype, piece.device, tuple(shape[1:]), type(piece), shape, field)
            self.rows = shape[0] if base is None else base.shape[0] + shape[0]

    def then(self, piece: Any) -> PendingRows | None:
        """These rows then ``piece``'s, in a new link made in O(1), copying nothing; None when
        ``piece`` does not plainly continue them (not a tensor of the class of the first, or
        of another dtype, device or trailing shape), for the caller to take the general path.

        The usual step of a stream, once per chunk: it reads four attributes of ``piece`` and
        makes one object, a small cost beside torch.cat's for the row (about 7 us a 16 KiB row).
        """
        dtype, device, trailing, kind, first, _ = meta = self.meta
        # Ordered by cost (torch dtypes are singletons; a torch.Size slice costs as much as the
        # rest together, so it is taken only when the shape differs from the first piece's).
        if type(piece) is not kind or piece.dtype is not dtype:
            return None
        shape = piece.shape
        if (shape != first and shape[1:] != trailing) or piece.device != device:
            return None
        link = _new_link(PendingRows)
        link.base, link.piece, link.meta, link._tensor = self, piece, meta, None
        link.version, link.rows = piece._version, self.rows + shape[0]
        return link

    @property
    def dtype(self) -> Any:
        return self.meta[0]

    @property
    def device(self) -> Any:
        return self.meta[1]

    @property
    def trailing(self) -> tuple[int, ...]:
        return self.meta[2]

    @property
    def field(self) -> str:
        return self.meta[5]

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the tensor these rows make."""
        return (self.rows, *self.meta[2])

    def read(self) -> Any:
        """The tensor, rows copied into place (with spare rows for later appends)."""
        if self._tensor is None:
            self._settle(_concatenate(self, spare=True))
        return self._tensor

    def _settle(self, value: Any) -> None:
        # The chain is now summed up by one tensor; what it referenced can be freed.
        self._tensor, self.base, self.piece = value, None, None

    def __repr__(self) -> str:
        return repr(self.read())

    def __deepcopy__(self, memo: dict) -> Any:
        return compact(self, copy=True)

    def __reduce__(self) -> tuple:
        return _identity, (compact(self, copy=True),)


_new_link = object.__new__  # a link made by ``then`` skips __init__: one Python frame fewer


def _identity(value: Any) -> Any:
    return value


class PendingTensorError(RuntimeError):
    """A tensor merged into a field was written to in place before its rows were copied."""


class _Growth:
    """A buffer with spare rows, its capacity, and how many of its rows are in use."""

    __slots__ = ("buf", "capacity", "rows")

    def __init__(self, buf: Any, rows: int) -> None:
        self.buf, self.capacity, self.rows = buf, buf.shape[0], rows


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


def _concatenate(top: PendingRows, spare: bool) -> Any:
    """The rows ``top`` stands for, in one tensor of storage that no caller holds.

    With ``spare``, the tensor is a view of a buffer with room for as many rows again, or the
    next rows of the buffer its prefix already views; without, it has exactly its rows.
    """
    links = []
    node: Any = top
    while type(node) is PendingRows and node._tensor is None:
        links.append(node)
        node = node.base
    prefix = node._tensor if type(node) is PendingRows else node
    links.reverse()
    for link in links:
        if link.piece._version != link.version:
            raise PendingTensorError(
                f"{link.field}: a chunk's tensor was written to in place after it was merged, before its "
                "rows were copied; merged rows are copied when the field is first read (or at finalize), "
                "so clone a tensor before yielding it if the stream reuses its storage"
            )
    rows = [link.piece for link in links]
    torch = sys.modules["torch"]
    with torch.no_grad():
        if not spare:
            return torch.cat(rows if prefix is None else [prefix, *rows])
        total = top.rows
        have = 0 if prefix is None else prefix.shape[0]
        growth = None if prefix is None else _growth_of(prefix)
        if growth is None or growth.rows != have or growth.capacity < total:
            buf = torch.empty((2 * total, *top.trailing), dtype=top.dtype, device=top.device)
            growth = _Growth(buf, 0)
            if prefix is not None:
                rows.insert(0, prefix)
            have = 0
        into = growth.buf.narrow(0, have, total - have)
        if len(rows) == 1:  # a read after every chunk: one copy, cheaper than a cat
            into.copy_(rows[0])
        else:
            torch.cat(rows, out=into)
    growth.rows = total
    view = growth.buf.narrow(0, 0, total)
    _register(view, growth)
    return view


def append_rows(current: Any, extra: Any, field: str) -> PendingRows:
    """``current`` (None, a tensor or a PendingRows) with the rows of ``extra`` after it.

    Nothing is copied and neither argument is changed: the rows are copied when the result is
    read (``read``) or compacted (``compact``). The caller has checked that dtype, device and
    trailing dimensions agree. ``field`` names the field in errors.
    """
    if type(extra) is PendingRows:
        extra = compact(extra)
    return PendingRows(current, extra, field)


def read(value: Any) -> Any:
    """A field's value as its readers see it: a PendingRows turned into its tensor."""
    return value.read() if type(value) is PendingRows else value


def capacity_rows(value: Any) -> int:
    """Rows of storage behind ``value``: its buffer's capacity, or its own row count."""
    value = read(value)
    growth = _growth_of(value)
    return growth.capacity if growth is not None else value.shape[0]


def compact(value: Any, copy: bool = False) -> Any:
    """``value`` as a tensor with exactly its own rows: pending rows concatenated once, a view
    with spare rows copied without them; a tensor with neither is returned as it is (a copy
    of it with ``copy``). Only tensors this module grew are copied without ``copy``."""
    if type(value) is PendingRows:
        if value._tensor is None:
            if copy:  # a fresh concatenation is a copy already; the chain stays pending
                return _concatenate(value, spare=False)
            value._settle(_concatenate(value, spare=False))
            return value._tensor
        value = value._tensor
    if copy:
        return copy_tensor(value)
    growth = _growth_of(value)
    if growth is None or growth.capacity == value.shape[0]:
        return value
    return value.clone()


class TensorAttribute:
    """Class attribute for a tensor field: reading it copies pending rows into place first.

    Pydantic keeps field values in the instance ``__dict__``; a data descriptor on the class
    takes precedence over it, and assignment still goes through pydantic's validation.
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        value = d[self.name]
        if type(value) is PendingRows:
            value = d[self.name] = value.read()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__pydantic_validator__.validate_assignment(obj, self.name, value)


def tensor_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of model class ``cls`` whose type is made by ``tensor()``."""
    return tuple(name for name, field in cls.__pydantic_fields__.items() if TENSOR_SLOT in field.metadata)
