"""The configuration every generated class inherits, and the few field types it names."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler, Strict
from pydantic_core import PydanticCustomError, core_schema

from lmcontract.lib import tensors

# RFC 3339 date-time, which is what the JSON Schema's "format": "date-time" means.
_RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def _iso_datetime(value: Any) -> Any:
    # Lax pydantic would also take unix numbers and date-only strings; the JSON Schema takes
    # neither, so only real datetimes and RFC 3339 strings get through.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _RFC3339.match(value):
        return datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    raise PydanticCustomError(
        "datetime_format",
        "expected an RFC 3339 date-time string with a time zone (2024-05-01T12:00:00Z), got {value}",
        {"value": repr(value)},
    )


IsoDateTime = Annotated[datetime, Strict(False), BeforeValidator(_iso_datetime)]


def _integral(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise PydanticCustomError("int_from_float", "Input should be a valid integer, got a number with a fractional part")


class JsonInt:
    """Field metadata for an integer slot: ``Annotated[int, JsonInt(ge=0)]``.

    JSON's data model, and so the JSON Schema's ``"type": "integer"``, counts 1.0 as the integer
    1; strict pydantic would reject it, lax pydantic would also take "1" and true. This takes
    exactly what the JSON Schema takes: an int, or a float with no fractional part (made an int),
    then checks the bounds on the int, so a bad value gets one error with the real reason.
    """

    __slots__ = ("ge", "le")

    def __init__(self, ge: int | None = None, le: int | None = None) -> None:
        self.ge, self.le = ge, le

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        whole = core_schema.union_schema(
            [
                core_schema.int_schema(strict=True),
                core_schema.no_info_after_validator_function(_integral, core_schema.float_schema(strict=True)),
            ],
            custom_error_type="int_type",
        )
        if self.ge is None and self.le is None:
            return whole
        return core_schema.chain_schema([whole, core_schema.int_schema(strict=True, ge=self.ge, le=self.le)])

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        bounds = {"minimum": self.ge, "maximum": self.le}
        return {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}


class ContractModel(BaseModel):
    """Root of every generated class; hand-written behaviour classes derive from it too."""

    model_config = ConfigDict(
        # Pydantic and the published JSON Schema must agree on what is valid: lax mode would
        # take "5" for 5 and "yes" for True, which the JSON Schema rejects.
        strict=True,
        # additionalProperties is false in the JSON Schema. Provider fields with no home in
        # the contract belong in provider_data, where they are kept, not silently dropped.
        extra="forbid",
        # Setting a field is checked like building it (a tensor of the wrong rank, a negative
        # count). The merge code writes values that are valid by construction through its own
        # fast path, so streaming does not pay this per chunk.
        validate_assignment=True,
        # Defaults come from the schema and are valid by construction; re-checking them on
        # every instance only costs time.
        validate_default=False,
        # Enum fields hold their string values: they compare equal to "stop" and dump as JSON.
        use_enum_values=True,
        # torch.Tensor fields are validated by lmcontract.lib.tensors, not by pydantic.
        arbitrary_types_allowed=True,
        serialize_by_alias=True,
        validate_by_name=True,
        # Build each class's validator and serializer on its first use, not at import: most
        # programs use a few of the classes, and `import` should not pay for all of them.
        defer_build=True,
    )

    # JSON dumps leave tensors out unless asked for (lmcontract.lib.tensors): the flag set here
    # has pydantic-core drop those keys itself. Everything else is pydantic's own method.
    def model_dump_json(self, *, context: Any = None, **kwargs: Any) -> str:
        if tensors.asks_for_tensors(context):
            return super().model_dump_json(context=context, **kwargs)
        token = tensors.LEAVING_OUT.set(True)
        try:
            return super().model_dump_json(context=context, **kwargs)
        finally:
            tensors.LEAVING_OUT.reset(token)

    def model_dump(self, *, mode: str = "python", context: Any = None, **kwargs: Any) -> dict[str, Any]:
        if mode != "json" or tensors.asks_for_tensors(context):
            return super().model_dump(mode=mode, context=context, **kwargs)
        token = tensors.LEAVING_OUT.set(True)
        try:
            return super().model_dump(mode=mode, context=context, **kwargs)
        finally:
            tensors.LEAVING_OUT.reset(token)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # Merged tensor rows wait in the field until read (lmcontract.lib.tensors): reading a
        # tensor field goes through a class attribute that copies them into place first.
        cls._tensor_fields = tensors.tensor_fields(cls)
        for name in cls._tensor_fields:
            setattr(cls, name, tensors.TensorAttribute(name))
