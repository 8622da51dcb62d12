"""Columnar figures, each against a baseline measured in the same run.

(a) ``lmcontract.arrow.to_arrow`` against the plain path (``model_dump()`` of each response,
    then ``pyarrow.Table.from_pylist``) on 100k realistic responses (``bench/corpus.py``).
    Rounds alternate the two; each is timed in CPU seconds of this process (``process_time``),
    which other work on a shared machine disturbs less than wall time; the best round of each
    is compared. Target: at least 3x as many responses per second.
(b) Bytes per response of the same 100k as a Parquet dataset (``write_dataset``: the responses
    table, and with the flat outputs table) against JSON Lines (``model_dump_json``, one a line).
    Target: the responses table smaller than the JSON Lines.
(c) 1M responses written with ``write_dataset`` from a generator (the corpus again with new ids),
    then DuckDB's finish reasons by model: on the flat ``outputs`` table, and on the nested
    ``responses`` table (``unnest``) as the baseline. Best of 3 wall times. Target: the flat
    query under 1 s.

Run: ``python -m bench.bench_arrow`` (or ``make bench``).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

import duckdb
import pyarrow as pa

from bench.corpus import responses
from lmcontract.arrow import to_arrow, write_dataset

N = 100_000
BIG = 1_000_000
SPEED_TARGET = 3.0
FLAT_QUERY_TARGET_S = 1.0
FLAT = "SELECT model, finish_reason, count(*) AS n FROM '{d}/outputs/*.parquet' GROUP BY ALL ORDER BY ALL"
NESTED = (
    "SELECT model, o.finish_reason, count(*) AS n FROM "
    "(SELECT model, unnest(outputs) AS o FROM '{d}/responses/*.parquet') GROUP BY ALL ORDER BY ALL"
)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def bench_to_arrow(corpus: list, rounds: int = 3) -> bool:
    ours, plain = [], []
    for _ in range(rounds):
        start = time.process_time()
        table = to_arrow(corpus)
        ours.append(time.process_time() - start)
        del table
        start = time.process_time()
        table = pa.Table.from_pylist([r.model_dump() for r in corpus])
        plain.append(time.process_time() - start)
        del table
    ratio = min(plain) / min(ours)
    ok = ratio >= SPEED_TARGET
    print(f"(a) {len(corpus):,} realistic responses to an Arrow table, best of {rounds} alternated rounds (CPU time)")
    print(f"    to_arrow                         {len(corpus) / min(ours):>9,.0f} responses/s")
    print(f"    model_dump + Table.from_pylist   {len(corpus) / min(plain):>9,.0f} responses/s")
    print(f"    ratio {ratio:.2f}x, target >= {SPEED_TARGET:g}x: {_verdict(ok)}")
    return ok


def bench_bytes(corpus: list, tmp: Path) -> bool:
    jsonl = tmp / "corpus.jsonl"
    with jsonl.open("w", encoding="utf-8") as f:
        for r in corpus:
            f.write(r.model_dump_json(exclude_none=True) + "\n")
    write_dataset(corpus, tmp / "ds100k")
    n = len(corpus)
    sizes = {
        "JSON Lines (model_dump_json, exclude_none)": jsonl.stat().st_size,
        "Parquet, responses table (zstd)": _size(tmp / "ds100k" / "responses"),
        "Parquet, responses + outputs tables": _size(tmp / "ds100k"),
    }
    base = sizes["JSON Lines (model_dump_json, exclude_none)"]
    print(f"(b) bytes per response, {n:,} responses")
    for label, size in sizes.items():
        print(f"    {label:43} {size / n:8.0f} B  ({size / base:.2f}x of JSON Lines)")
    ok = sizes["Parquet, responses table (zstd)"] < base
    print(f"    target: responses table smaller than JSON Lines: {_verdict(ok)}")
    return ok


def _best(con: duckdb.DuckDBPyConnection, sql: str, runs: int = 3) -> tuple[float, list]:
    times, rows = [], []
    for _ in range(runs):
        start = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    return min(times), rows


def bench_duckdb(corpus: list, tmp: Path) -> bool:
    def million():
        for i in range(BIG):
            yield corpus[i % len(corpus)].model_copy(update={"id": f"resp_{i:08d}"})

    start = time.perf_counter()
    counts = write_dataset(million(), tmp / "ds1m", batch_size=50_000)
    wrote = time.perf_counter() - start
    con = duckdb.connect()
    flat_s, flat = _best(con, FLAT.format(d=tmp / "ds1m"))
    nested_s, nested = _best(con, NESTED.format(d=tmp / "ds1m"))
    assert flat == nested, "the flat and nested tables disagree"
    assert sum(n for *_, n in flat) == counts["outputs"]
    ok = flat_s < FLAT_QUERY_TARGET_S
    rate, megabytes = counts["responses"] / wrote, _size(tmp / "ds1m") / 1e6
    print(f"(c) {counts['responses']:,} responses ({counts['outputs']:,} outputs) written by write_dataset")
    print(f"    in {wrote:.1f} s ({rate:,.0f} responses/s, {megabytes:.0f} MB); DuckDB finish reasons by model:")
    print(f"    flat outputs table          {flat_s * 1e3:8.1f} ms  ({len(flat)} groups)")
    print(f"    nested responses (unnest)   {nested_s * 1e3:8.1f} ms  ({nested_s / flat_s:.0f}x the flat query)")
    print(f"    target flat < {FLAT_QUERY_TARGET_S:g} s: {_verdict(ok)}")
    return ok


def main() -> int:
    corpus = list(islice(responses(N), N))
    tmp = Path(tempfile.mkdtemp(prefix="lmcontract-bench-arrow-"))
    try:
        results = [bench_to_arrow(corpus), bench_bytes(corpus, tmp), bench_duckdb(corpus, tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
