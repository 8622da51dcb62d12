"""``lmcontract export --parquet DIR FILE...``: files of responses as a Parquet dataset.

Reads the files ``lmcontract validate`` reads (``.json``, ``.yaml``/``.yml``, ``.jsonl``/``.ndjson``),
each record an LMResponse, or with ``--from FORMAT`` a provider's own payload turned into one by
the importer ``lmcontract convert --from`` uses. JSON Lines files are read line by line, so a
file of any size is exported in bounded memory. Every record is validated; problems are
reported like ``validate`` does (``FILE:RECORD: FIELD.PATH: MESSAGE``), and then nothing is
written: the dataset appears only when every record made it (exit status 1 otherwise, 2 when a
file or the command line cannot be used). A progress bar (on stderr, by bytes read) appears when
the export runs for more than a second on a terminal; ``--progress always`` forces it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lmcontract.lib.reader import InputProblem

ARROW_EXTRA = "pip install 'lmcontract[arrow]'"


class _Abort(Exception):
    """Some record was invalid: stop the writer so that it removes what it wrote."""


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "export",
        help="write JSON, YAML or JSON Lines files of responses as a Parquet dataset",
        description=__doc__.split("\n\n", 1)[1].replace("``", ""),
    )
    parser.add_argument("--parquet", required=True, metavar="DIR", help="the dataset folder to create")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--from",
        dest="from_format",
        metavar="FORMAT",
        help="records are this provider format's payloads, as `lmcontract convert --from` reads them",
    )
    parser.add_argument("--batch-size", type=int, default=10_000, metavar="N", help="responses per row group")
    parser.add_argument(
        "--progress", choices=("auto", "always", "never"), default="auto", help="the progress bar (default auto)"
    )
    parser.set_defaults(run=run)


def _records(name: str, advance: Any) -> Iterator[tuple[int, Any] | InputProblem]:
    """The records of one file, read by the shared reader (as ``lmcontract validate`` reads them)."""
    from lmcontract.lib import reader

    for item in reader.read(name, progress=advance):
        yield (item.number, item.value) if isinstance(item, reader.Record) else item


def _converter(from_format: str | None) -> Any:
    """Record -> LMResponse: validation, or the importer of a provider format."""
    import lmcontract
    from lmcontract.cli import adapter_for

    if from_format is None:
        return adapter_for("LMResponse").validate_python
    from lmcontract.importers import importer

    module = importer(from_format)  # KeyError names the known formats

    def convert(record: Any) -> lmcontract.LMResponse:
        return module.from_payload(record)

    return convert


def run(args: argparse.Namespace) -> int:
    from lmcontract.cli import PROG, problems

    try:
        from tqdm import tqdm

        from lmcontract.arrow import ConversionError, write_dataset
    except ImportError:
        print(f"{PROG}: error: export needs pyarrow and tqdm: {ARROW_EXTRA}", file=sys.stderr)
        return 2
    try:
        convert = _converter(args.from_format)
    except KeyError as exc:
        print(f"{PROG}: error: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.batch_size < 1:
        print(f"{PROG}: error: --batch-size must be at least 1", file=sys.stderr)
        return 2
    paths = [Path(f) for f in args.files]
    total = sum(p.stat().st_size for p in paths if p.is_file())
    bar = tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc="export",
        file=sys.stderr,
        disable={"auto": None, "always": False, "never": True}[args.progress],
        delay=0 if args.progress == "always" else 1.0,
    )
    status = 0
    counted = {"records": 0}

    def responses() -> Iterator[Any]:
        nonlocal status
        for name in args.files:
            try:
                for item in _records(name, bar.update):
                    if isinstance(item, InputProblem):
                        where = f"{name}:{item.record}" if item.record is not None else name
                        print(f"{PROG}: error: {where}: {item}", file=sys.stderr)
                        status = 2
                        continue
                    number, value = item
                    try:
                        response = convert(value)
                    except ValidationError as exc:
                        for where, message in problems(exc):
                            print(f"{name}:{number}: {where}: {message}")
                        status = max(status, 1)
                        continue
                    except (ValueError, TypeError, KeyError) as exc:  # an importer's refusal
                        print(f"{name}:{number}: <record>: {exc}")
                        status = max(status, 1)
                        continue
                    counted["records"] += 1
                    if status == 0:
                        yield response
            except InputProblem as exc:
                print(f"{PROG}: error: {name}: {exc}", file=sys.stderr)
                status = 2
        if status:
            raise _Abort

    try:
        counts = write_dataset(responses(), args.parquet, batch_size=args.batch_size)
    except _Abort:
        print(f"{PROG}: nothing written to {args.parquet}: fix the records above", file=sys.stderr)
        return status
    except (FileExistsError, ConversionError, OSError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(f"ok: {counts['responses']} responses ({counts['outputs']} outputs) written to {args.parquet}")
    return 0
