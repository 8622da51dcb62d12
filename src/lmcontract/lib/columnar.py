"""Contract objects to Arrow columns and back, driven by the generated ``arrow_schema.LAYOUT``.

Writing shreds objects with a function written from the layout for each root class (nested
loops over the lists, every field read by name from the object's ``__dict__``) into one tuple of
plain values per object and struct; a struct's tuples become Arrow arrays in one ``pa.array``
call at the end. Absent nested values cost one test each, which matters for the wide part struct
(each part fills a few of its many fields).
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
from operator import attrgetter, itemgetter
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
# The shredder puts each object's plain fields (strings, numbers, enums, JSON, datetimes, tensors)
# into one tuple per object; a struct's tuples become Arrow arrays in one ``pa.array`` call, typed
# by each column's ``storage`` type, whose children each column then ``finish``es into its Arrow
# type. A column with an ``inline`` function (JSON to text, a tensor to dtype, shape and bytes) has
# it applied by the shredder to each value that is not None, so that the tuple holds only values
# Arrow converts by itself.

_ARROW_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError)


class Column:
    """A plain field: its values, one per row of its struct (None where absent)."""

    __slots__ = ("path", "type")
    inline: Any = None

    def __init__(self, path: str, type_: pa.DataType) -> None:
        self.path, self.type = path, type_

    @property
    def storage(self) -> pa.DataType:
        """The Arrow type of the values the shredder leaves in a tuple (after ``inline``)."""
        return self.type

    def finish(self, stored: pa.Array) -> pa.Array:
        """The column's array from the array of its stored values."""
        return stored

    def stored(self, values: Any) -> pa.Array:
        """The array of stored values (already ``inline``d), refusing what Arrow cannot hold."""
        try:
            return pa.array(values, self.storage)
        except _ARROW_ERRORS as exc:
            raise ConversionError(f"{self.path}: cannot be stored as {self.type}: {exc}") from None

    def array(self, values: list[Any]) -> pa.Array:
        """The array of raw values (the items of a list field)."""
        inline = self.inline
        if inline is not None:
            values = [None if v is None else inline(v) for v in values]
        return self.finish(self.stored(values))


class ValueListColumn(Column):
    """A list of plain values (token ids, bytes, a shape): one Python list per row, kept in the tuple."""

    __slots__ = ("item",)

    def __init__(self, path: str, type_: pa.ListType) -> None:
        super().__init__(path, type_)
        self.item = Column(path + "[]", type_.value_type)

    def stored(self, values: Any) -> pa.Array:
        try:
            return pa.array(values, self.type)
        except _ARROW_ERRORS:
            self.item.stored([x for v in values if v is not None for x in v])  # names the item it refuses
            raise


class EnumColumn(Column):
    __slots__ = ("dictionary",)

    def __init__(self, path: str, type_: pa.DataType, values: tuple[str, ...]) -> None:
        super().__init__(path, type_)
        self.dictionary = pa.array(values, pa.string())

    @property
    def storage(self) -> pa.DataType:
        return pa.string()

    def finish(self, stored: pa.Array) -> pa.Array:
        indices = pc.index_in(stored, value_set=self.dictionary)
        if indices.null_count != stored.null_count:
            bad = pc.filter(stored, pc.and_(pc.is_null(indices), pc.is_valid(stored)))[0]
            raise ConversionError(f"{self.path}: {bad.as_py()!r} is not one of {self.dictionary.to_pylist()}")
        return pa.DictionaryArray.from_arrays(indices, self.dictionary)


def _json_text() -> Any:
    """A function giving the compact JSON text of a value (no NaN or infinity)."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython has the C encoder
        return encoder.encode
    # JSONEncoder.encode builds this C encoder again for every value: half its time on small objects.
    # Without the markers of circular references, a cycle ends in RecursionError, refused below.
    one_shot = make(None, encoder.default, json.encoder.encode_basestring, None, ":", ",", False, False, False)
    join = "".join

    def text(value: Any) -> str:
        return join(one_shot(value, 0))

    return text


_JSON_TEXT = _json_text()


class JsonColumn(Column):
    __slots__ = ()

    @property
    def storage(self) -> pa.DataType:
        return pa.string()

    @property
    def inline(self) -> Any:
        path, text = self.path, _JSON_TEXT

        def inline(value: Any) -> str:
            try:
                return text(value)
            except (TypeError, ValueError, RecursionError) as exc:
                raise ConversionError(f"{path}: not a JSON value: {exc}") from None

        return inline

    def finish(self, stored: pa.Array) -> pa.Array:
        return pa.ExtensionArray.from_storage(self.type, stored)


class DatetimeColumn(Column):
    """A datetime as a UTC timestamp; ``offsets`` gives the sibling column of their offsets."""

    __slots__ = ()

    def offsets(self, values: Any) -> pa.Array:
        zones = {v.tzinfo for v in values if v is not None}
        if len(zones) == 1 and None not in values:
            (zone,) = zones
            if isinstance(zone, timezone):  # a fixed offset, the same for every value: the usual case
                offset = self._seconds(zone.utcoffset(None))
                return pa.repeat(pa.scalar(offset, pa.int32()), len(values))
        return pa.array([None if v is None else self._seconds(v.utcoffset()) for v in values], pa.int32())

    def _seconds(self, offset: timedelta | None) -> int | None:
        if offset is None:
            return None
        if offset % _SECOND:
            raise ConversionError(f"{self.path}: a time zone offset of {offset} is not whole seconds")
        return offset // _SECOND


_SECOND = timedelta(seconds=1)


class TensorColumn(Column):
    __slots__ = ("dtype",)

    def __init__(self, path: str, type_: pa.StructType) -> None:
        super().__init__(path, type_)
        self.dtype = EnumColumn(path + ".dtype", type_.field("dtype").type, tuple(tensors.dtype_bytes()))

    @property
    def storage(self) -> pa.DataType:
        t = self.type
        return pa.struct([pa.field("dtype", pa.string()), t.field("shape"), t.field("data")])

    @property
    def inline(self) -> Any:
        path = self.path

        def inline(value: Any) -> tuple[str, list[int], bytes]:
            try:
                return tensors.to_raw(value)
            except (AttributeError, ValueError) as exc:
                raise ConversionError(f"{path}: {exc}") from None

        return inline

    def finish(self, stored: pa.Array) -> pa.Array:
        if stored.null_count == len(stored):
            return pa.nulls(len(stored), self.type)
        dtype, shape, data = stored.flatten()  # null where the tensor is: a null tensor's children hold ''
        children = [self.dtype.finish(dtype), shape, data]
        mask = stored.is_null() if stored.null_count else None
        return pa.StructArray.from_arrays(children, fields=list(self.type), mask=mask)


class Nested:
    """A list or struct field; the shredder fills its Python lists, ``finish(n)`` makes the array."""

    __slots__ = ()


class StructColumn(Nested):
    """A class, or a polymorphic range's wide struct (its kinds' fields side by side), as one struct array.

    ``tuples`` holds each object's plain values in the order of ``plain``; its rows are the
    struct's own rows. ``parent_rows`` (a struct field, not a list item) says which row of the
    parent each object belongs to.
    """

    __slots__ = ("fields", "layout", "nested", "parent_rows", "path", "plain", "tuples", "type")

    def __init__(self, path: str, type_: pa.StructType, layout: str) -> None:
        self.path, self.type, self.layout = path, type_, layout
        self.parent_rows: list[int] = []
        self.tuples: list[tuple] = []
        self.plain: dict[str, Column] = {}
        self.nested: dict[str, Nested] = {}
        for fname, kind, target, multi in LAYOUT[layout]:
            ftype = type_.field(fname).type
            fpath = f"{path}.{fname}" if path else fname
            if multi and kind == "value":
                self.plain[fname] = ValueListColumn(fpath, ftype)
            elif multi:
                self.nested[fname] = ListColumn(fpath, ftype, kind, target)
            elif kind in ("class", "kinds"):
                self.nested[fname] = StructColumn(fpath, ftype, target)
            elif kind != "offset":
                self.plain[fname] = plain_column(fpath, kind, target, ftype)
        self.fields = [f for f, *_ in LAYOUT[layout]]

    def arrays(self) -> list[pa.Array]:
        """One array per field, each of this struct's own rows."""
        n = len(self.tuples)
        out: dict[str, pa.Array] = {}
        if self.plain:
            packed = self._stored()
            for i, (fname, col) in enumerate(self.plain.items()):
                out[fname] = col.finish(packed.field(i))
                if isinstance(col, DatetimeColumn):
                    out[fname + generated.OFFSET_SUFFIX] = col.offsets([t[i] for t in self.tuples])
        for name, child in self.nested.items():
            out[name] = child.finish(n)
        return [out[f] for f in self.fields]

    def _stored(self) -> pa.StructArray:
        columns = self.plain.values()
        try:
            return pa.array(self.tuples, pa.struct([pa.field(c.path, c.storage) for c in columns]))
        except _ARROW_ERRORS as exc:
            for i, col in enumerate(columns):  # which field refused: its column names it
                col.stored([t[i] for t in self.tuples])
            raise ConversionError(f"{self.path or 'record'}: {exc}") from None

    def finish(self, n: int) -> pa.Array:
        packed = pa.StructArray.from_arrays(self.arrays(), fields=list(self.type))
        if len(self.tuples) == n:
            return packed  # present in every row of the parent, in order
        where: list[int | None] = [None] * n
        for i, r in enumerate(self.parent_rows):
            where[r] = i
        return packed.take(pa.array(where, pa.int64()))


class ListColumn(Nested):
    """A list per row; its items are rows of the element, numbered across all lists."""

    __slots__ = ("element", "lengths", "path", "rows", "type", "values")

    def __init__(self, path: str, type_: pa.DataType, kind: str, target: str | None) -> None:
        self.path, self.type = path, type_
        self.rows: list[int] = []
        self.lengths: list[int] = []
        item = type_.value_type
        self.values: list[Any] | None
        if kind in ("class", "kinds"):
            self.element: Any = StructColumn(path + "[]", item, target)
            self.values = None
        else:
            self.element = plain_column(path + "[]", kind, target, item)
            self.values = []  # plain items, all lists' in one list

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
        if self.values is not None:
            items = self.element.array(self.values)
        else:
            items = self.element.finish(len(self.element.tuples))
        return pa.ListArray.from_arrays(offsets, items, mask=mask)


# -- the shredder ----------------------------------------------------------------------------------
#
# One function per root class, written from the layout at first use: a loop over the records
# with the loops over their lists nested inside it, every field read by name from the object's
# ``__dict__``. Per object it costs one tuple and one append per struct, and no Python call
# beyond those: the generic walk (a method call per struct and list, a ``zip`` over its nested
# fields, ``d.get`` for each of the wide part struct's fields) took most of ``to_arrow``'s time.
# A part is matched on its designator (``type``) to its kind's fields; the wide struct's other
# fields are None in its tuple. A designator no kind has is read field by field with ``d.get``.


def _nodes(root: StructColumn) -> list[Nested]:
    """Every struct and list column under ``root`` (itself first), in a fixed order."""
    out: list[Nested] = [root]
    for child in root.nested.values():
        if isinstance(child, StructColumn):
            out.extend(_nodes(child))
        else:
            out.append(child)
            if isinstance(child.element, StructColumn):
                out.extend(_nodes(child.element))
    return out


def _shredder_source(root: StructColumn) -> str:
    number = {id(node): k for k, node in enumerate(_nodes(root))}
    prelude: dict[str, None] = {}  # the sinks, bound once: a child read in several kinds' branches shares its own
    body: list[str] = []

    def bind(line: str) -> None:
        prelude[line] = None

    def emit(depth: int, line: str) -> None:
        body.append("    " * depth + line)

    def counted(s: StructColumn) -> bool:
        return bool(s.nested)  # its children need its row numbers

    def obj(s: StructColumn, d: str, row: str, depth: int) -> None:
        """The tuple of struct ``s`` from the dict ``d`` (its object's row is ``row``), then its children."""
        k = number[id(s)]

        def plain(name: str, read: str) -> str:
            col = s.plain[name]
            if col.inline is None:
                return f"{read}, "
            bind(f"f{k}_{name} = nodes[{k}].plain[{name!r}].inline")
            return f"None if (w := {read}) is None else f{k}_{name}(w), "

        if s.layout not in KINDS:
            values = "".join(plain(name, f"{d}[{name!r}]") for name in s.plain)
            emit(depth, f"t{k}(({values}))")
            for name, child in s.nested.items():
                field(child, f"{d}[{name!r}]", row, depth)
            return
        designator, kinds = KINDS[s.layout]
        emit(depth, f"kind = {d}.get({designator!r})")
        for i, (value, cls_name) in enumerate(kinds.items()):
            own = {f for f, *_ in LAYOUT[cls_name]}
            if not own <= set(s.plain) | set(s.nested):
                raise AssertionError(f"{cls_name} has fields its wide struct {s.layout} lacks")
            emit(depth, f"{'if' if i == 0 else 'elif'} kind == {value!r}:")
            values = "".join(plain(name, f"{d}[{name!r}]") if name in own else "None, " for name in s.plain)
            emit(depth + 1, f"t{k}(({values}))")
            for name, child in s.nested.items():
                if name in own:
                    field(child, f"{d}[{name!r}]", row, depth + 1)
        emit(depth, "else:")
        values = "".join(plain(name, f"{d}.get({name!r})") for name in s.plain)
        emit(depth + 1, f"t{k}(({values}))")
        for name, child in s.nested.items():
            field(child, f"{d}.get({name!r})", row, depth + 1)

    def field(child: Nested, expr: str, row: str, depth: int) -> None:
        """A struct or list field of the object at ``row``, its value read by ``expr``."""
        c = number[id(child)]
        emit(depth, f"x{c} = {expr}")
        emit(depth, f"if x{c} is not None:")
        depth += 1
        bind(f"r{c} = nodes[{c}].{'parent_rows' if isinstance(child, StructColumn) else 'rows'}.append")
        emit(depth, f"r{c}({row})")
        if isinstance(child, StructColumn):
            own = start(child, depth)
            emit(depth, f"d{c} = x{c}.__dict__")
            obj(child, f"d{c}", own, depth)
            return
        bind(f"l{c} = nodes[{c}].lengths.append")
        emit(depth, f"l{c}(len(x{c}))")
        element = child.element
        if not isinstance(element, StructColumn):
            bind(f"v{c} = nodes[{c}].values.extend")
            emit(depth, f"v{c}(x{c})")
            return
        e = number[id(element)]
        if not element.nested and element.layout not in KINDS and len(element.plain) > 1:
            if all(col.inline is None for col in element.plain.values()):
                # Leaf structs (logprob alternatives): their tuples made by C code, no Python loop.
                bind(f"t{e}_all = nodes[{e}].tuples.extend")
                bind(f"g{e} = itemgetter(*nodes[{e}].plain)")
                emit(depth, f"t{e}_all(map(g{e}, map(DICT, x{c})))")
                return
        emit(depth, f"for o{e} in x{c}:")
        own = start(element, depth + 1)
        emit(depth + 1, f"d{e} = o{e}.__dict__")
        obj(element, f"d{e}", own, depth + 1)

    def start(s: StructColumn, depth: int) -> str:
        """Declare the tuple sink of ``s`` and, if its children need it, its row counter."""
        k = number[id(s)]
        bind(f"t{k} = nodes[{k}].tuples.append")
        if not counted(s):
            return ""
        bind(f"n{k} = 0")
        emit(depth, f"i{k} = n{k}")
        emit(depth, f"n{k} = i{k} + 1")
        return f"i{k}"

    emit(1, "for o0 in objects:")
    own = start(root, 2)
    emit(2, "d0 = o0.__dict__")
    obj(root, "d0", own, 2)
    head = f"def shred(objects, nodes):  # {root.layout}, generated from arrow_schema.LAYOUT\n"
    return head + "".join(f"    {line}\n" for line in prelude) + "\n".join(body) + "\n"


_SHREDDERS: dict[str, Any] = {}


def shredder_source(cls_name: str) -> str:
    """The Python source of the shredder of ``cls_name`` (for reading and debugging)."""
    return _shredder_source(StructColumn("", struct_type(cls_name), cls_name))


def _shredder(cls_name: str) -> Any:
    shred = _SHREDDERS.get(cls_name)
    if shred is None:
        source = shredder_source(cls_name)
        namespace: dict[str, Any] = {"itemgetter": itemgetter, "DICT": attrgetter("__dict__")}
        # The source is ours, written from the layout: no outside text reaches it.
        exec(compile(source, f"<lmcontract shredder of {cls_name}>", "exec"), namespace)
        shred = _SHREDDERS[cls_name] = namespace["shred"]
    return shred


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
        _shredder(cls_name)(objects, _nodes(column))
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
