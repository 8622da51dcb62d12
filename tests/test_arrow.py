"""lmcontract.arrow: every record through Arrow and Parquet and back, exactly; the flat outputs
table against the models it came from; datasets written in bounded memory and read by DuckDB.

Real pyarrow, real Parquet files, real DuckDB; no stubs.
"""

from __future__ import annotations

import gc
import json
import weakref
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from strategies import responses as response_strategy

import lmcontract
from lmcontract import arrow
from lmcontract.cli import adapter_for, part_kinds
from lmcontract.generated import arrow_schema
from lmcontract.lib.reader import read as read_records
from lmcontract.lib.tensors import WITH_TENSORS, to_raw, values_equal

DATA = Path(__file__).resolve().parent / "data" / "valid"
VALID = sorted(DATA.iterdir())


def _load(path: Path) -> tuple[type[BaseModel], list[Any]]:
    name = path.name.split("-", 1)[0]
    adapter = adapter_for(name)
    return getattr(lmcontract, name), [adapter.validate_python(rec.value) for rec in read_records(str(path))]


def _same(a: BaseModel, b: BaseModel) -> None:
    """Equal as models (tensors compared as tensors) and identical as JSON, tensors included."""
    assert type(a) is type(b)
    for name in type(a).model_fields:
        assert values_equal(getattr(a, name), getattr(b, name)), name
    assert a.model_dump_json(context=WITH_TENSORS) == b.model_dump_json(context=WITH_TENSORS)


def _through_parquet(table: pa.Table, tmp_path: Path) -> pa.Table:
    file = tmp_path / "t.parquet"
    pq.write_table(table, file, compression="zstd")
    return pq.read_table(file)


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_every_valid_example_round_trips_through_parquet(path: Path, tmp_path: Path) -> None:
    cls, records = _load(path)
    table = arrow.to_arrow(records, cls)
    assert table.num_rows == len(records)
    assert table.schema.equals(arrow.schema(cls))
    back = arrow.from_arrow(_through_parquet(table, tmp_path))
    assert len(back) == len(records)
    for a, b in zip(records, back, strict=True):
        _same(a, b)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(response_strategy())
def test_random_responses_round_trip_with_tensors(response: lmcontract.LMResponse) -> None:
    (back,) = arrow.from_arrow(arrow.to_arrow([response]))
    _same(response, back)


def _reference(value: Any, layout: str) -> dict[str, Any]:
    """One ``model_dump`` value as the row ``to_arrow`` should make of it, by a plain recursive walk
    over the layout: independent of the generated shredder and its column-wise conversion."""
    if layout in arrow_schema.KINDS:
        designator, kinds = arrow_schema.KINDS[layout]
        wide = {name: None for name in getattr(arrow_schema, layout).names}
        return wide | _reference(value, kinds[value[designator]])
    row: dict[str, Any] = {}
    for name, kind, target, multi in arrow_schema.LAYOUT[layout]:
        if kind == "offset":
            continue
        v = value[name]
        if v is None:
            row[name] = None
            if kind == "datetime":
                row[name + arrow_schema.OFFSET_SUFFIX] = None
        elif multi and kind in ("class", "kinds"):
            row[name] = [_reference(item, target) for item in v]
        elif kind in ("class", "kinds"):
            row[name] = _reference(v, target)
        elif kind == "json":
            row[name] = json.dumps(v, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        elif kind == "tensor":
            dtype, shape, data = to_raw(v)
            row[name] = {"dtype": dtype, "shape": shape, "data": data}
        elif kind == "datetime":
            row[name] = v.astimezone(timezone.utc) if v.tzinfo else v.replace(tzinfo=timezone.utc)
            offset = v.utcoffset()
            row[name + arrow_schema.OFFSET_SUFFIX] = None if offset is None else int(offset.total_seconds())
        else:
            row[name] = v
    return row


def _same_rows(got: Any, want: Any, path: str = "") -> None:
    """Equal, NaN equal to NaN (to_pylist and model_dump both keep it as a float)."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), path
        for k in want:
            _same_rows(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _same_rows(g, w, f"{path}[{i}]")
    elif isinstance(want, float) and want != want:
        assert isinstance(got, float) and got != got, path
    else:
        assert got == want and type(got) is type(want), (path, got, want)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(response_strategy(), min_size=1, max_size=6))
def test_shredded_rows_agree_with_a_plain_walk_of_model_dump(responses: list[lmcontract.LMResponse]) -> None:
    """The generated shredder (rows numbered across records, parts matched on their kind, values
    converted struct by struct) gives what a plain walk over each record's ``model_dump`` gives."""
    table = arrow.to_arrow(responses)
    for got, response in zip(table.to_pylist(), responses, strict=True):
        _same_rows(got, _reference(response.model_dump(), "LMResponse"))


def test_a_part_of_no_known_kind_is_read_field_by_field() -> None:
    """The shredder's branch for a designator no kind has (a model built without validation)."""
    odd = lmcontract.TextPart.model_construct(type="margin_note", text="see above", signature="s")
    response = lmcontract.LMResponse(
        chunk_mode="delta", outputs=[{"index": 0, "parts": [{"type": "text", "text": "a"}]}]
    )
    response.outputs[0].parts.append(odd)
    (row,) = arrow.to_arrow([response]).to_pylist()
    second = row["outputs"][0]["parts"][1]
    assert (second["type"], second["text"], second["signature"], second["name"]) == (
        "margin_note",
        "see above",
        "s",
        None,
    )


def test_a_value_without_a_json_form_is_named() -> None:
    """Models validate JSON fields; one built without validation can still hold a set."""
    bad = lmcontract.LMResponse.model_construct(chunk_mode="delta", outputs=None, provider_data={"tags": {1, 2}})
    good = lmcontract.LMResponse(chunk_mode="delta")
    with pytest.raises(arrow.ConversionError, match=r"record 1: provider_data: not a JSON value"):
        arrow.to_arrow([good, bad])


def _fields(cls: type[BaseModel]) -> set[str]:
    return set(cls.model_fields)


def test_every_model_field_has_an_arrow_field() -> None:
    """The generated Arrow schema follows the models: no field of any class is left out."""
    for name in lmcontract.__all__:
        cls = getattr(lmcontract, name)
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)) or name not in arrow_schema.LAYOUT:
            continue
        if name in arrow_schema.KINDS:
            continue  # a polymorphic root: checked below
        arrow_fields = {f.name for f in getattr(arrow_schema, name)}
        offsets = {f for f in arrow_fields if f.endswith(arrow_schema.OFFSET_SUFFIX)}
        assert arrow_fields - offsets == _fields(cls), name
    # The abstract part is one wide struct holding every field of every kind.
    wide = {f.name for f in arrow_schema.LMPart}
    assert wide == set().union(*(_fields(k) for k in part_kinds()))
    designator, kinds = arrow_schema.KINDS["LMPart"]
    assert {k.model_fields[designator].default for k in part_kinds()} == set(kinds)


def test_time_zone_offsets_come_back(tmp_path: Path) -> None:
    paris = datetime(2025, 3, 30, 1, 30, tzinfo=ZoneInfo("Europe/Paris"))  # +01:00 at that instant
    cases = {
        "plus-two": datetime(2025, 8, 27, 14, 3, 12, 481000, tzinfo=timezone(timedelta(hours=2))),
        "minus-half": datetime(2025, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-3, minutes=-30))),
        "utc": datetime(2025, 1, 1, tzinfo=timezone.utc),
        "paris": paris,
    }
    made = [lmcontract.LMResponse(id=k, created=v, chunk_mode="delta") for k, v in cases.items()]
    table = _through_parquet(arrow.to_arrow(made), tmp_path)
    # Stored as the instant in UTC, with the offset beside it.
    assert table.column("created")[0].as_py() == cases["plus-two"]
    assert table.column("created_utc_offset").to_pylist() == [7200, -12600, 0, 3600]
    back = {r.id: r.created for r in arrow.from_arrow(table)}
    for key in ("plus-two", "minus-half", "utc"):
        assert back[key] == cases[key]
        assert back[key].isoformat() == cases[key].isoformat(), key
    assert back["paris"] == paris and back["paris"].utcoffset() == timedelta(hours=1)
    assert back["paris"].tzinfo == timezone(timedelta(hours=1))  # the zone's name is not kept


def test_a_value_without_an_arrow_form_is_named() -> None:
    good = lmcontract.LMResponse(id="a", chunk_mode="delta")
    with pytest.raises(arrow.ConversionError, match=r"record 1: outputs\[\]\.token_ids\[\]: cannot be stored as int64"):
        arrow.to_arrow([good, lmcontract.LMResponse(chunk_mode="delta", outputs=[{"index": 0, "token_ids": [2**70]}])])


def test_the_flat_table_is_not_read_back_as_records() -> None:
    flat = arrow.outputs_table(arrow.to_arrow([lmcontract.LMResponse(chunk_mode="delta")]))
    with pytest.raises(TypeError, match="'outputs' holds no records"):
        arrow.from_arrow(flat)


def test_dicts_are_validated_first() -> None:
    table = arrow.to_arrow(
        [{"chunk_mode": "delta", "outputs": [{"index": 0, "parts": [{"type": "text", "text": "hi"}]}]}]
    )
    (back,) = arrow.from_arrow(table)
    assert back.outputs[0].parts[0] == lmcontract.TextPart(text="hi")
    with pytest.raises(ValueError, match="index"):
        arrow.to_arrow([{"chunk_mode": "delta", "outputs": [{"parts": []}]}])


# -- the flat outputs table ----------------------------------------------------------------------
def _walk(obj: Any, path: str) -> Any:
    for name in path.split("."):
        obj = None if obj is None else getattr(obj, name)
    return obj


def _expected(response: lmcontract.LMResponse, output: lmcontract.LMOutput, spec: tuple) -> Any:
    """The value of one outputs-table column, computed from the models in plain Python."""
    _, source, path, op, _ = spec
    if source == "response":
        value = _walk(response, path)
        return value.astimezone(timezone.utc) if isinstance(value, datetime) else value
    if op == "value":
        return _walk(output, path)
    head, _, leaf = path.partition(".")
    items = getattr(output, head)
    if items is None:
        return None
    if op == "count":
        return len(items)
    values = [getattr(i, leaf) for i in items]
    if op.startswith("count="):
        return sum(v == op.removeprefix("count=") for v in values)
    if not values:
        return 0 if op == "sum" else None
    return {"sum": sum, "min": min, "mean": lambda v: sum(v) / len(v)}[op](values)


def test_outputs_table_agrees_with_the_models() -> None:
    records = [r for p in VALID if p.name.startswith("LMResponse-") for r in _load(p)[1]]
    table = arrow.outputs_table(arrow.to_arrow(records))
    rows = table.to_pylist()
    pairs = [(r, o) for r in records for o in (r.outputs or [])]
    assert len(rows) == len(pairs) > 20
    assert table.schema.names == [c[0] for c in arrow_schema.OUTPUT_COLUMNS]
    for row, (response, output) in zip(rows, pairs, strict=True):
        for spec in arrow_schema.OUTPUT_COLUMNS:
            want = _expected(response, output, spec)
            if isinstance(want, float):
                assert row[spec[0]] == pytest.approx(want), spec[0]
            else:
                assert row[spec[0]] == want, (spec[0], response.id)
    assert any(r["n_tool_call"] for r in rows) and any(r["logprobs_sum"] for r in rows)


# -- datasets ------------------------------------------------------------------------------------
def _gone(alive: list[int]) -> None:
    alive[0] -= 1


def _synthetic(n: int, alive: list[int] | None = None):
    models = ("alpha-1", "beta-2", "gamma-3")
    reasons = ("stop", "length", "tool_call", "content_filter")
    for i in range(n):
        parts = [{"type": "text", "text": f"answer {i}"}]
        if i % 4 == 2:
            parts.append({"type": "tool_call", "id": f"c{i}", "name": "lookup", "arguments": {"q": i}})
        r = lmcontract.LMResponse(
            id=f"r{i}",
            model=models[i % 3],
            provider="test",
            created=datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=i),
            outputs=[{"index": 0, "finish_reason": reasons[i % 4], "parts": parts}],
            usage={"input_tokens": 10 + i % 7, "output_tokens": 3 + i % 5},
        )
        if alive is not None:  # alive[0]: how many of the responses made so far still exist
            alive[0] += 1
            weakref.finalize(r, _gone, alive).atexit = False
        yield r


def test_write_dataset_holds_one_batch_at_a_time(tmp_path: Path) -> None:
    alive = [0]
    most = 0

    def source():
        nonlocal most
        for r in _synthetic(1000, alive):
            gc.collect(0)
            most = max(most, alive[0])
            yield r

    counts = arrow.write_dataset(source(), tmp_path / "ds", batch_size=100, rows_per_file=300)
    assert counts == {"responses": 1000, "outputs": 1000, "files": 8}
    assert most <= 2 * 100 + 1  # the batch being written and the one being read, never all 1000
    back = list(arrow.read_dataset(tmp_path / "ds", batch_size=64))
    assert [r.id for r in back] == [f"r{i}" for i in range(1000)]
    assert back == list(_synthetic(1000))


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    def source():
        yield from _synthetic(25)
        yield lmcontract.LMResponse(id="bad", chunk_mode="delta", outputs=[{"index": 0, "token_ids": [2**70]}])

    target = tmp_path / "ds"
    too_big = r"record 25: outputs\[\]\.token_ids\[\]: cannot be stored as int64"
    with pytest.raises(arrow.ConversionError, match=too_big):
        arrow.write_dataset(source(), target, batch_size=10)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("keep")
    with pytest.raises(FileExistsError, match="not an empty folder"):
        arrow.write_dataset(_synthetic(1), tmp_path / "full")
    assert (tmp_path / "full" / "x").read_text() == "keep"


def test_duckdb_reads_both_tables(tmp_path: Path) -> None:
    arrow.write_dataset(_synthetic(200), tmp_path / "ds", batch_size=50)
    con = duckdb.connect()
    by_sql = dict(
        con.sql(f"SELECT finish_reason, count(*) FROM '{tmp_path}/ds/outputs/*.parquet' GROUP BY ALL").fetchall()
    )
    expected: dict[str, int] = {}
    for r in _synthetic(200):
        expected[r.outputs[0].finish_reason] = expected.get(r.outputs[0].finish_reason, 0) + 1
    assert by_sql == expected
    # JSON fields are Parquet JSON, which DuckDB reads as JSON.
    ((q,),) = con.sql(
        f"SELECT sum((p.arguments->>'$.q')::INT) FROM (SELECT unnest(o.parts) AS p FROM "
        f"(SELECT unnest(outputs) AS o FROM '{tmp_path}/ds/responses/*.parquet')) WHERE p.type = 'tool_call'"
    ).fetchall()
    assert q == sum(i for i in range(200) if i % 4 == 2)
