"""The configuration every generated class inherits, and the few field types it names."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    ValidationError,
)
from pydantic_core import PydanticCustomError, core_schema

from lmcontract.lib import jsontext, tensors

# RFC 3339 date-time, which is what the JSON Schema's "format": "date-time" means.
_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


def _datetime_error(value: Any, why: str = "") -> PydanticCustomError:
    return PydanticCustomError(
        "datetime_format",
        "expected an RFC 3339 date-time string with a time zone (2024-05-01T12:00:00Z){why}, got {value}",
        {"value": repr(value), "why": why},
    )


def parse_rfc3339(text: str) -> datetime:
    """An RFC 3339 date-time as an aware datetime, the same on every Python version.

    ``datetime.fromisoformat`` before 3.11 refuses ``Z`` and fractions of other than 3 or 6
    digits (``...00.1Z``), which the JSON Schema accepts. Digits past the microsecond are
    dropped: a datetime holds no more.
    """
    found = _RFC3339.match(text)
    if not found:
        raise _datetime_error(text)
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = found.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        offset = timedelta(0) if zulu else (1 if sign == "+" else -1) * timedelta(hours=int(off_h), minutes=int(off_m))
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=timezone(offset)
        )
    except ValueError as exc:
        raise _datetime_error(text, f" ({exc})") from None


def _iso_datetime(value: Any) -> Any:
    # Lax pydantic would also take unix numbers and date-only strings; the JSON Schema takes
    # neither, so only real datetimes and RFC 3339 strings get through. A naive datetime is
    # refused too: it would be written without an offset, which the JSON Schema rejects.
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise _datetime_error(value, " (a naive datetime has no time zone; give it tzinfo)")
        return value
    if isinstance(value, str):
        return parse_rfc3339(value)
    raise _datetime_error(value)


IsoDateTime = Annotated[datetime, Strict(False), BeforeValidator(_iso_datetime)]


# -- values JSON can carry -------------------------------------------------------------------------
# Values of the schema's Any and JsonObject slots nest at most this many levels themselves, so
# that a record holding one, at its deepest slot, stays within the JSON reader's MAX_DEPTH.
MAX_VALUE_DEPTH = 128


def _json_value_problem(value: Any, depth: int) -> str | None:
    """Why ``value`` has no exact JSON form (None when it has one)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return None
    if kind is float:
        return None if math.isfinite(value) else f"{value!r} is not a JSON number"
    if depth > MAX_VALUE_DEPTH:
        return f"nested deeper than {MAX_VALUE_DEPTH} levels"
    if kind is list:
        for item in value:
            problem = _json_value_problem(item, depth + 1)
            if problem:
                return problem
        return None
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return f"object key {key!r} is not a string"
            problem = _json_value_problem(item, depth + 1)
            if problem:
                return problem
        return None
    if isinstance(value, (str, int)):  # a str or int enum member is written as its value
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{value!r} is not a JSON number"
    return f"a {kind.__name__} has no JSON form"


def _json_value(value: Any) -> Any:
    problem = _json_value_problem(value, 1)
    if problem:
        raise PydanticCustomError("json_value", "expected a JSON value: {problem}", {"problem": problem})
    return value


# A value of the schema's Any: any JSON value (object, array, string, number, boolean, null).
JsonValue = Annotated[Any, AfterValidator(_json_value)]
# A value of the schema's JsonObject: a JSON object.
JsonObjectValue = Annotated[dict[str, Any], AfterValidator(_json_value)]


# -- log-probabilities -----------------------------------------------------------------------------
# A log-probability may be minus infinity (a masked token: vLLM and transformers give them).
# JSON has no such number, so it is written as the string "-Infinity" and read back from it.
NEG_INFINITY_TEXT = "-Infinity"


def _minus_infinity(_: str) -> float:
    return -math.inf


class _LogProbability:
    """Field metadata of a log-probability: a number <= 0, or -inf, which JSON carries as the
    string "-Infinity" (written so by ContractModel's ``ser_json_inf_nan``). NaN and +inf are
    refused. All checked in pydantic-core, not in Python, as there is one per token."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [
                core_schema.float_schema(le=0, allow_inf_nan=True, strict=True),
                core_schema.no_info_after_validator_function(
                    _minus_infinity, core_schema.literal_schema([NEG_INFINITY_TEXT])
                ),
            ],
            custom_error_type="log_probability",
            custom_error_message=f'Input should be a number less than or equal to 0, or "{NEG_INFINITY_TEXT}"',
        )

    def __get_pydantic_json_schema__(self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler) -> dict:
        return {"anyOf": [{"type": "number", "maximum": 0}, {"const": NEG_INFINITY_TEXT}]}


LogProbability = Annotated[float, _LogProbability()]


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
        # JSON has no NaN or infinite numbers: a float field that took one could not be written
        # and read back. (A log-probability takes -inf through its own type, LogProbability.)
        allow_inf_nan=False,
        # So the one non-finite number a model can hold, a log-probability of -inf, is written
        # as "-Infinity" (which LogProbability reads back), not as null.
        ser_json_inf_nan="strings",
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

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Any = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Any:
        """Validate JSON text, read by lmcontract's strict reader (``lmcontract.lib.jsontext``).

        Unlike pydantic's own, it refuses duplicate keys and NaN or Infinity literals, so this
        accepts exactly what ``lmcontract validate`` accepts. A text that is not strict JSON is a
        ValidationError of type ``json_invalid``, as in pydantic.
        """
        data = read_json(json_data, cls.__name__)
        kwargs = {"strict": strict, "context": context, "by_alias": by_alias, "by_name": by_name}
        if extra is not None:
            kwargs["extra"] = extra
        return cls.model_validate(data, **kwargs)


def read_json(json_data: str | bytes | bytearray, title: str) -> Any:
    """The value of strict JSON text, or a ValidationError ``json_invalid`` titled ``title``."""
    try:
        return jsontext.loads(json_data)
    except jsontext.JsonTextError as exc:
        raise ValidationError.from_exception_data(
            title, [{"type": "json_invalid", "loc": (), "input": json_data, "ctx": {"error": str(exc)}}]
        ) from None
