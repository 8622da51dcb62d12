"""Contract records as Arrow tables and Parquet datasets (``pip install 'lmcontract[arrow]'``).

- ``to_arrow(records, cls=LMResponse)``: one row per record, one column per field, typed by the
  Arrow schema generated from the contract (``lmcontract.generated.arrow_schema``);
- ``from_arrow(table)``: the records back, equal to what went in;
- ``outputs_table(responses)``: the flat table, one row per output (model, finish reason,
  usage, counts of each part kind, logprob summaries), derived from the responses table;
- ``write_dataset(responses, path)``: a Parquet dataset from any iterable, in bounded memory;
- ``read_dataset(path)``: its responses back, batch by batch; ``dataset(path)`` opens it as a
  ``pyarrow.dataset.Dataset`` for DuckDB, Polars, Ray Data or Spark.

A dataset is a folder with two tables of Parquet files (zstd): ``responses/`` (nothing lost) and
``outputs/`` (flat, for fast queries).

Time zones: a datetime is stored as a UTC timestamp, so queries compare instants; the offset it
was written with (``+02:00``) is kept beside it in ``<field>_utc_offset`` (seconds east of UTC),
and ``from_arrow`` gives back the same wall-clock time with the same offset. A time zone given by
name (``ZoneInfo("Europe/Paris")``) comes back as its offset at that instant; a datetime without
a time zone (possible from Python only: the JSON Schema requires one) comes back without one.
The flat outputs table has the UTC timestamp only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

try:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as pads
    import pyarrow.parquet as pq
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("lmcontract.arrow needs pyarrow: pip install 'lmcontract[arrow]'") from exc

from pydantic import BaseModel

import lmcontract
from lmcontract.generated import arrow_schema as generated
from lmcontract.lib import columnar
from lmcontract.lib.columnar import ConversionError

__all__ = [
    "OUTPUTS",
    "RESPONSES",
    "ConversionError",
    "dataset",
    "from_arrow",
    "outputs_schema",
    "outputs_table",
    "read_dataset",
    "schema",
    "to_arrow",
    "write_dataset",
]

RESPONSES = "responses"
OUTPUTS = "outputs"
CLASS_KEY = "lmcontract.class"
VERSION_KEY = "lmcontract.schema_version"
COMPRESSION = "zstd"


def _layout_name(cls: type[BaseModel]) -> str:
    name = cls.__name__
    if name not in generated.LAYOUT or name == "TENSOR":
        known = ", ".join(n for n in generated.LAYOUT if n != "TENSOR")
        raise TypeError(f"{name} has no Arrow layout; one of: {known}")
    return name


def schema(cls: type[BaseModel] | None = None) -> pa.Schema:
    """The Arrow schema of a table of ``cls`` records (default LMResponse)."""
    name = _layout_name(cls or lmcontract.LMResponse)
    return pa.schema(list(columnar.struct_type(name)), metadata=_metadata(name))


def _metadata(name: str) -> dict[str, str]:
    return {CLASS_KEY: name, VERSION_KEY: generated.SCHEMA_VERSION}


def _models(records: Iterable[Any], cls: type[BaseModel]) -> list[Any]:
    out = []
    adapter = None
    for i, record in enumerate(records):
        if isinstance(record, cls):
            out.append(record)
        elif isinstance(record, dict):
            if adapter is None:
                from lmcontract.cli import adapter_for

                adapter = adapter_for(cls.__name__)
            out.append(adapter.validate_python(record))
        else:
            raise TypeError(f"record {i}: expected {cls.__name__} or a dict, got {type(record).__name__}")
    return out


def to_arrow(records: Iterable[Any], cls: type[BaseModel] | None = None) -> pa.Table:
    """A table with one row per record (models, or dicts validated as ``cls``; default LMResponse).

    A value with no Arrow form (a non-JSON value in ``provider_data``, an int beyond 64 bits)
    raises ``ConversionError`` naming the record and the field.
    """
    cls = cls or lmcontract.LMResponse
    name = _layout_name(cls)
    return columnar.build_table(_models(records, cls), name, _metadata(name))


def from_arrow(table: pa.Table | pa.RecordBatch, cls: type[BaseModel] | None = None) -> list[Any]:
    """The records of a table made by ``to_arrow`` (or read from a dataset), as models.

    ``cls`` defaults to the class named in the table's metadata, else LMResponse.
    """
    if cls is None:
        meta = table.schema.metadata or {}
        name = meta.get(CLASS_KEY.encode(), b"LMResponse").decode()
        cls = getattr(lmcontract, name, None)
        if not isinstance(cls, type):
            raise TypeError(f"a table of {name!r} holds no records to read back; from_arrow reads to_arrow's tables")
    name = _layout_name(cls)
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    from lmcontract.cli import adapter_for

    adapter = adapter_for(cls.__name__)
    return [adapter.validate_python(r) for r in columnar.records(table, name)]


# -- the flat outputs table ----------------------------------------------------------------------
def outputs_schema() -> pa.Schema:
    """The Arrow schema of the flat outputs table."""
    return outputs_table(to_arrow([])).schema


def _path(array: pa.Array, path: str) -> pa.Array:
    for name in path.split("."):
        array = pc.struct_field(array, name)
    return array


def _flatten(lists: pa.ListArray) -> pa.Array:
    """The items of all lists, in order. (``pc.list_flatten`` cannot build an empty struct that
    holds a JSON field.) Null lists are empty here, as write_dataset and Parquet make them."""
    first, last = lists.offsets[0].as_py(), lists.offsets[-1].as_py()
    return lists.values.slice(first, last - first)


def _per_list(lists: pa.Array, values: pa.Array, op: str) -> pa.Array:
    """One aggregate of ``values`` (aligned with the flattened ``lists``) per list."""
    n = len(lists)
    parents = pc.list_parent_indices(lists)
    grouped = pa.table({"p": parents, "v": values}).group_by("p").aggregate([("v", op)])
    where = pc.index_in(pa.array(range(n), pa.int64()), value_set=grouped["p"])
    result = pc.take(grouped[f"v_{op}"], where)
    if op == "sum":
        # No items, or none that counted: zero, where the list itself is there.
        result = pc.if_else(pc.is_valid(lists), pc.fill_null(result, 0), pa.scalar(None, result.type))
    return result


def outputs_table(responses: pa.Table) -> pa.Table:
    """One row per output of a responses table (``to_arrow`` of LMResponse records)."""
    outputs = responses.column("outputs").combine_chunks()
    parent = pc.list_parent_indices(outputs)
    flat = _flatten(outputs)
    whole = pa.StructArray.from_arrays(
        [responses.column(n).combine_chunks() for n in responses.column_names], names=responses.column_names
    )
    names, arrays = [], []
    for column, source, path, op, _ in generated.OUTPUT_COLUMNS:
        if source == "response":
            array = pc.take(_path(whole, path), parent)
        elif op == "value":
            array = _path(flat, path)
        else:
            head, _, leaf = path.partition(".")
            lists = pc.struct_field(flat, head)
            if op == "count":
                array = pc.cast(pc.list_value_length(lists), pa.int64())
            else:
                items = pc.struct_field(_flatten(lists), leaf)
                if op.startswith("count="):
                    flags = pc.cast(pc.equal(items, op.removeprefix("count=")), pa.int64())
                    array = _per_list(lists, flags, "sum")
                else:
                    array = _per_list(lists, items, op)
        names.append(column)
        arrays.append(array)
    fields = [
        pa.field(name, array.type, metadata={"description": c[4]})
        for name, array, c in zip(names, arrays, generated.OUTPUT_COLUMNS, strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata={**_metadata("outputs")}))


# -- datasets ------------------------------------------------------------------------------------
class _Rotating:
    """Parquet files of one table, a new file every ``rows_per_file`` rows."""

    def __init__(self, folder: Path, rows_per_file: int) -> None:
        self.folder, self.rows_per_file = folder, rows_per_file
        self.writer: pq.ParquetWriter | None = None
        self.files = self.rows = self.in_file = 0
        folder.mkdir(parents=True)

    def write(self, table: pa.Table) -> None:
        if self.writer is not None and self.in_file >= self.rows_per_file:
            self.close()
        if self.writer is None:
            name = self.folder / f"part-{self.files:05d}.parquet"
            self.writer = pq.ParquetWriter(name, table.schema, compression=COMPRESSION)
            self.files += 1
            self.in_file = 0
        self.writer.write_table(table)
        self.rows += len(table)
        self.in_file += len(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def write_dataset(
    responses: Iterable[Any],
    path: str | os.PathLike[str],
    *,
    batch_size: int = 10_000,
    rows_per_file: int = 1_000_000,
) -> dict[str, int]:
    """Write responses (models or dicts, from any iterable) as a Parquet dataset at ``path``.

    Memory is bounded by ``batch_size`` responses: each batch becomes one row group of
    ``responses/`` and of ``outputs/``. ``path`` must not exist or be an empty folder. The
    dataset is written beside it and moved into place at the end, so a failure (a bad record
    half-way) leaves nothing behind. Returns the counts of responses, outputs and files.
    """
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise FileExistsError(f"{target}: exists and is not an empty folder")
    staging = target.with_name(f".{target.name}.incomplete-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    tables = {
        RESPONSES: _Rotating(staging / RESPONSES, rows_per_file),
        OUTPUTS: _Rotating(staging / OUTPUTS, rows_per_file),
    }
    try:
        it = iter(responses)
        done = 0
        while batch := list(islice(it, batch_size)):
            try:
                table = to_arrow(batch)
            except ConversionError as exc:
                head, _, rest = str(exc).partition(": ")
                raise ConversionError(f"record {done + int(head.split()[-1])}: {rest}") from None
            tables[RESPONSES].write(table)
            tables[OUTPUTS].write(outputs_table(table))
            done += len(batch)
        if tables[RESPONSES].writer is None:  # no responses at all: still a readable, empty dataset
            tables[RESPONSES].write(to_arrow([]))
            tables[OUTPUTS].write(outputs_table(to_arrow([])))
        for t in tables.values():
            t.close()
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        for t in tables.values():
            t.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return {
        RESPONSES: tables[RESPONSES].rows,
        OUTPUTS: tables[OUTPUTS].rows,
        "files": tables[RESPONSES].files + tables[OUTPUTS].files,
    }


def _files(path: str | os.PathLike[str], table: str) -> list[Path]:
    folder = Path(path) / table
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder; is {path} a dataset written by write_dataset?")
    return sorted(folder.glob("*.parquet"))


def read_dataset(path: str | os.PathLike[str], *, batch_size: int = 10_000) -> Iterator[Any]:
    """The responses of a dataset, in the order they were written, ``batch_size`` at a time.

    Memory holds one row group (one batch of ``write_dataset``) at a time.
    """
    for file in _files(path, RESPONSES):
        parquet = pq.ParquetFile(file)
        # Row group by row group: pyarrow cannot cut nested columns into smaller record batches.
        for group in range(parquet.num_row_groups):
            table = parquet.read_row_group(group)
            for start in range(0, table.num_rows, batch_size):
                yield from from_arrow(table.slice(start, batch_size), lmcontract.LMResponse)


def dataset(path: str | os.PathLike[str], table: str = RESPONSES) -> pads.Dataset:
    """One table of a dataset (``responses`` or ``outputs``) as a ``pyarrow.dataset.Dataset``."""
    return pads.dataset([str(f) for f in _files(path, table)], format="parquet")
