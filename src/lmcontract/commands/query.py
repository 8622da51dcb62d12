"""``lmcontract query DIR "SQL"``: SQL over a dataset written by ``export``, run by DuckDB.

The dataset's two tables are views: ``responses`` (one row per response, nested, nothing lost)
and ``outputs`` (one row per output, flat: model, finish reason, usage, counts). Results print
as an aligned table, or as CSV or JSON Lines with ``--format``. Needs duckdb
(``pip install 'lmcontract[duckdb]'``). Exit status 0, or 2 with one line on stderr when the
folder is not a dataset or DuckDB refuses the SQL.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

DUCKDB_EXTRA = "pip install 'lmcontract[duckdb]'"
TABLES = ("responses", "outputs")


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "query",
        help="run SQL (DuckDB) over a dataset's responses and outputs tables",
        description=__doc__.split("\n\n", 1)[1].replace("``", ""),
    )
    parser.add_argument("dataset", metavar="DIR")
    parser.add_argument("sql", metavar="SQL")
    parser.add_argument("--format", choices=("table", "csv", "jsonl"), default="table")
    parser.set_defaults(run=run)


def connect(folder: Path) -> Any:
    """A DuckDB connection with the dataset's tables as views."""
    import duckdb

    con = duckdb.connect()
    for table in TABLES:
        files = folder / table
        if not any(files.glob("*.parquet")):
            raise FileNotFoundError(f"{folder}: no {table}/*.parquet; is it a dataset written by lmcontract export?")
        pattern = str(files / "*.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{pattern}')")
    return con


def _text(value: Any) -> str:
    return "NULL" if value is None else str(value)


def print_table(columns: list[str], rows: list[tuple], out: Any) -> None:
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) for i in range(len(columns))]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True))

    print(line(columns).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in cells:
        print(line(row).rstrip(), file=out)
    print(f"({len(rows)} row{'s' * (len(rows) != 1)})", file=out)


def run(args: argparse.Namespace) -> int:
    from lmcontract.cli import PROG

    try:
        import duckdb
    except ImportError:
        print(f"{PROG}: error: query needs duckdb: {DUCKDB_EXTRA}", file=sys.stderr)
        return 2
    try:
        con = connect(Path(args.dataset))
        result = con.execute(args.sql)
        columns = [d[0] for d in result.description or []]
        rows = result.fetchall()
    except (FileNotFoundError, duckdb.Error) as exc:
        message = " ".join(str(exc).split())
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    out = sys.stdout
    if args.format == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
    elif args.format == "jsonl":
        for row in rows:
            print(json.dumps(dict(zip(columns, row, strict=True)), default=str, ensure_ascii=False), file=out)
    else:
        print_table(columns, rows, out)
    return 0
