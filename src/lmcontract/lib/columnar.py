"""Contract objects to Arrow columns and back, driven by the generated ``arrow_schema.LAYOUT``.

Writing shreds objects straight into columns: each struct reads its object's ``__dict__`` and
hands every value that is not None to the column of that field, with the row it belongs to.
Absent values cost nothing, which matters for the wide part struct (each part fills a few of
its many fields). Columns become Arrow arrays once, at the end, from plain Python lists.
Reading turns the table into Python values (``to_pylist``), drops the nulls, decodes JSON,
time zone offsets and tensors, and validates the result with the models.

Needs pyarrow; imported only by ``lmcontract.arrow``.
"""

from __future__ import annotations

import gc
import json
import sys
from datetime import timedelta, timezone
from itertools import accumulate
from operator import itemgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from lmcontract.generated import arrow_schema as generated
from lmcontract.lib import tensors

LAYOUT = generated.LAYOUT
KINDS = generated.KINDS


class ConversionError(ValueError):
    """A value that has no Arrow form, named by its field path."""


# -- columns --------------------------------------------------------------------------------------
#
# A struct gathers its plain fields (strings, numbers, enums, JSON, datetimes, tensors) of each
# object with one ``itemgetter`` call into a tuple, and transposes the tuples into columns at the
# end; only lists and nested structs are walked per object. Values are converted (JSON text,
# tensor bytes, dictionary indices) once per column, at the end, not per object.


class Column:
    """A plain field: its values, one per row of its struct (None where absent)."""

    __slots__ = ("path", "type")

    def __init__(self, path: str, type_: pa.DataType) -> None:
        self.path, self.type = path, type_

    def array(self, values: list[Any]) -> pa.Array:
        try:
            return pa.array(values, self.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            raise ConversionError(f"{self.path}: cannot be stored as {self.type}: {exc}") from None


class EnumColumn(Column):
    __slots__ = ("dictionary",)

    def __init__(self, path: str, type_: pa.DataType, values: tuple[str, ...]) -> None:
        super().__init__(path, type_)
        self.dictionary = pa.array(values, pa.string())

    def array(self, values: list[Any]) -> pa.Array:
        strings = pa.array(values, pa.string())
        indices = pc.index_in(strings, value_set=self.dictionary)
        if indices.null_count != strings.null_count:
            bad = pc.filter(strings, pc.and_(pc.is_null(indices), pc.is_valid(strings)))[0]
            raise ConversionError(f"{self.path}: {bad.as_py()!r} is not one of {self.dictionary.to_pylist()}")
        return pa.DictionaryArray.from_arrays(indices, self.dictionary)


class JsonColumn(Column):
    __slots__ = ()

    def array(self, values: list[Any]) -> pa.Array:
        if values.count(None) == len(values):
            return pa.nulls(len(values), self.type)
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
        try:
            texts = [None if v is None else dumps(v) for v in values]
        except (TypeError, ValueError) as exc:
            raise ConversionError(f"{self.path}: not a JSON value: {exc}") from None
        return pa.ExtensionArray.from_storage(self.type, pa.array(texts, pa.string()))


class DatetimeColumn(Column):
    """A datetime as a UTC timestamp; ``offsets`` gives the sibling column of their offsets."""

    __slots__ = ()

    def offsets(self, values: list[Any]) -> pa.Array:
        out: list[int | None] = []
        second = timedelta(seconds=1)
        for v in values:
            offset = None if v is None else v.utcoffset()
            if offset is None:
                out.append(None)
                continue
            if offset % second:
                raise ConversionError(f"{self.path}: a time zone offset of {offset} is not whole seconds")
            out.append(offset // second)
        return pa.array(out, pa.int32())


class TensorColumn(Column):
    __slots__ = ("dtype",)

    def __init__(self, path: str, type_: pa.StructType) -> None:
        super().__init__(path, type_)
        self.dtype = EnumColumn(path + ".dtype", type_.field("dtype").type, tuple(tensors.dtype_bytes()))

    def array(self, values: list[Any]) -> pa.Array:
        if values.count(None) == len(values):
            return pa.nulls(len(values), self.type)
        dtypes, shapes, raws = [], [], []
        for v in values:
            if v is None:
                dtypes.append(None), shapes.append(None), raws.append(None)
                continue
            try:
                dtype, shape, raw = tensors.to_raw(v)
            except (AttributeError, ValueError) as exc:
                raise ConversionError(f"{self.path}: {exc}") from None
            dtypes.append(dtype), shapes.append(shape), raws.append(raw)
        t = self.type
        children = [
            self.dtype.array(dtypes),
            pa.array(shapes, t.field("shape").type),
            pa.array(raws, t.field("data").type),
        ]
        mask = pa.array([v is None for v in values], pa.bool_())
        return pa.StructArray.from_arrays(children, fields=list(t), mask=mask)


def _getter(names: list[str], wide: bool) -> Any:
    """A function of an object's ``__dict__`` giving the values of ``names`` as one tuple.

    ``wide``: the objects are of several kinds, each with some of the names (None for the rest).
    """
    if wide:
        return lambda d: tuple(map(d.get, names))
    if not names:
        return lambda d: ()
    if len(names) == 1:
        name = names[0]
        return lambda d: (d[name],)
    return itemgetter(*names)


class Nested:
    """A list or struct field: ``add(row, value)`` per present value, ``finish(n)`` at the end."""

    __slots__ = ()


class StructColumn(Nested):
    """A class, or a polymorphic range's wide struct (its kinds' fields side by side), as one struct array."""

    __slots__ = (
        "count",
        "fields",
        "nested",
        "nested_get",
        "nested_names",
        "parent_rows",
        "path",
        "plain",
        "plain_get",
        "tuples",
        "type",
    )

    def __init__(self, path: str, type_: pa.StructType, layout: str) -> None:
        self.path, self.type = path, type_
        self.count = 0
        self.parent_rows: list[int] = []
        self.tuples: list[tuple] = []  # each object's plain values, in the order of self.plain
        self.plain: dict[str, Column] = {}
        nested: dict[str, Nested] = {}
        for fname, kind, target, multi in LAYOUT[layout]:
            ftype = type_.field(fname).type
            fpath = f"{path}.{fname}" if path else fname
            if multi:
                nested[fname] = ListColumn(fpath, ftype, kind, target)
            elif kind in ("class", "kinds"):
                nested[fname] = StructColumn(fpath, ftype, target)
            elif kind != "offset":
                self.plain[fname] = plain_column(fpath, kind, target, ftype)
        self.fields = [f for f, *_ in LAYOUT[layout]]
        self.nested = list(nested.values())
        self.nested_names = list(nested)
        wide = layout in KINDS
        self.plain_get = _getter(list(self.plain), wide)
        self.nested_get = _getter(list(nested), wide)

    def add(self, row: int, obj: Any) -> None:
        i = self.count
        self.count = i + 1
        self.parent_rows.append(row)
        d = obj.__dict__
        self.tuples.append(self.plain_get(d))
        for child, v in zip(self.nested, self.nested_get(d), strict=False):
            if v is not None:
                child.add(i, v)

    def extend(self, items: list[Any]) -> None:
        """Add list items: their rows are this struct's own next rows."""
        append, plain_get, nested_get, nested = self.tuples.append, self.plain_get, self.nested_get, self.nested
        i = self.count
        for obj in items:
            d = obj.__dict__
            append(plain_get(d))
            for child, v in zip(nested, nested_get(d), strict=False):
                if v is not None:
                    child.add(i, v)
            i += 1
        self.count = i

    def arrays(self) -> list[pa.Array]:
        """One array per field, each of ``count`` rows (this struct's own rows)."""
        n = self.count
        columns = list(zip(*self.tuples, strict=True)) if n else [()] * len(self.plain)
        out: dict[str, pa.Array] = {}
        for (fname, col), values in zip(self.plain.items(), columns, strict=True):
            values = list(values)
            out[fname] = col.array(values)
            if isinstance(col, DatetimeColumn):
                out[fname + generated.OFFSET_SUFFIX] = col.offsets(values)
        for name, child in zip(self.nested_names, self.nested, strict=True):
            out[name] = child.finish(n)
        return [out[f] for f in self.fields]

    def finish(self, n: int) -> pa.Array:
        packed = pa.StructArray.from_arrays(self.arrays(), fields=list(self.type))
        if self.count == n:
            return packed  # present in every row of the parent, in order
        where: list[int | None] = [None] * n
        for i, r in enumerate(self.parent_rows):
            where[r] = i
        return packed.take(pa.array(where, pa.int64()))


class ListColumn(Nested):
    """A list per row; its items are rows of the element, numbered across all lists."""

    __slots__ = ("count", "element", "lengths", "path", "rows", "type", "values")

    def __init__(self, path: str, type_: pa.DataType, kind: str, target: str | None) -> None:
        self.path, self.type = path, type_
        self.rows: list[int] = []
        self.lengths: list[int] = []
        self.count = 0
        item = type_.value_type
        self.values: list[Any] | None
        if kind in ("class", "kinds"):
            self.element: Any = StructColumn(path + "[]", item, target)
            self.values = None
        else:
            self.element = plain_column(path + "[]", kind, target, item)
            self.values = []  # plain items, all lists' in one list

    def add(self, row: int, value: list[Any]) -> None:
        self.rows.append(row)
        self.lengths.append(len(value))
        self.count += len(value)
        if self.values is not None:
            self.values.extend(value)
        else:
            self.element.extend(value)

    def finish(self, n: int) -> pa.Array:
        if len(self.rows) == n:
            lengths, mask = self.lengths, None
        else:
            lengths = [0] * n
            missing = [True] * n
            for r, k in zip(self.rows, self.lengths, strict=True):
                lengths[r] = k
                missing[r] = False
            mask = pa.array(missing, pa.bool_())
        offsets = pa.array([0, *accumulate(lengths)], pa.int32())
        items = self.element.array(self.values) if self.values is not None else self.element.finish(self.count)
        return pa.ListArray.from_arrays(offsets, items, mask=mask)


def plain_column(path: str, kind: str, target: str | None, type_: pa.DataType) -> Column:
    if kind == "enum":
        return EnumColumn(path, type_, generated.ENUMS[target])
    if kind == "json":
        return JsonColumn(path, type_)
    if kind == "tensor":
        return TensorColumn(path, type_)
    if kind == "datetime":
        return DatetimeColumn(path, type_)
    return Column(path, type_)


def struct_type(cls_name: str) -> pa.StructType:
    return getattr(generated, cls_name)


def _shred(objects: list[Any], cls_name: str) -> list[pa.Array]:
    column = StructColumn("", struct_type(cls_name), cls_name)
    try:
        column.extend(objects)
        return column.arrays()
    except ConversionError:
        if len(objects) == 1:
            raise ConversionError(f"record 0: {sys.exc_info()[1]}") from None
        # Values are converted column by column at the end: find the record the refused one came from.
        for row, obj in enumerate(objects):
            try:
                _shred([obj], cls_name)
            except ConversionError as exc:
                raise ConversionError(f"record {row}: {str(exc).removeprefix('record 0: ')}") from None
        raise


def build_table(objects: list[Any], cls_name: str, metadata: dict[str, str]) -> pa.Table:
    """One row per object, one column per field of the class."""
    # Shredding makes many small tuples and lists and no reference cycles; the cyclic collector,
    # run again and again over every live model, would take most of the time (measured: 2-3x).
    paused = gc.isenabled()
    gc.disable()
    try:
        arrays = _shred(objects, cls_name)
    finally:
        if paused:
            gc.enable()
    return pa.Table.from_arrays(arrays, schema=pa.schema(list(struct_type(cls_name)), metadata=metadata))


# -- reading ---------------------------------------------------------------------------------------
def _offset_zone(seconds: int) -> timezone:
    return timezone(timedelta(seconds=seconds))


def _cleaner(layout: str):
    """A function turning one ``to_pylist`` row of this layout into input for the models."""
    steps = []
    for name, kind, target, multi in LAYOUT[layout]:
        if kind == "offset":
            continue
        if kind in ("class", "kinds"):
            convert = _cleaner(target)
        elif kind == "json":
            convert = json.loads
        elif kind == "tensor":

            def convert(v: dict[str, Any]) -> Any:
                return tensors.from_raw(v["dtype"], v["shape"], v["data"])

        elif kind == "datetime":
            convert = None  # needs the offset beside it; handled below
        else:
            convert = None
        steps.append((name, kind, convert, multi))

    def clean(row: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for name, kind, convert, multi in steps:
            value = row[name]
            if value is None:
                continue
            if kind == "datetime":
                offset = row[name + generated.OFFSET_SUFFIX]
                value = value.replace(tzinfo=None) if offset is None else value.astimezone(_offset_zone(offset))
            elif convert is not None:
                value = [convert(v) for v in value] if multi else convert(value)
            out[name] = value
        return out

    return clean


def records(table: pa.Table, cls_name: str) -> list[dict[str, Any]]:
    """The table's rows as model input (nulls dropped, JSON, offsets and tensors decoded)."""
    clean = _cleaner(cls_name)
    return [clean(row) for row in table.to_pylist()]
