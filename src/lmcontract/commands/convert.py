"""``lmcontract convert --from FORMAT FILE...``: provider payloads and streams to LMResponse JSON.

Each FILE is read by its extension:

- ``.json``: a complete (non-streamed) payload; a top-level list holds several payloads (for
  ``gemini``, whose ``streamGenerateContent`` without ``alt=sse`` answers with a JSON array of
  chunks, a list is one stream);
- ``.sse``: a stream as sent on the wire, Server-Sent Events text (``data:`` lines, with or
  without ``event:`` lines, ``[DONE]``, ``ping`` events, LF or CRLF line ends);
- ``.jsonl`` / ``.ndjson``: a stream, one event per non-blank line.

A stream's events are imported and merged into one response. Each response is written as one
JSON line on stdout, in file order. Exit status: 0 when every file converted; 1 when a file's
content does not import (the message names the event and field); 2 when a file cannot be read
or the command line is wrong. Errors are one line on stderr, never a traceback; the other files
are still converted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROG = "lmcontract"
PAYLOAD_SUFFIXES = (".json",)
SSE_SUFFIXES = (".sse",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")


class ReadProblem(Exception):
    """A file that cannot be read; one line on stderr, exit status 2."""


class ImportFailed(Exception):
    """A file whose content does not import; one line on stderr, exit status 1."""


def register(commands: Any) -> None:
    from lmcontract.importers import FORMATS

    parser = commands.add_parser(
        "convert",
        help="import provider payloads or streams; one LMResponse JSON line each",
        description=(
            "Import each FILE in the provider's wire FORMAT: a complete payload (.json, a list for "
            "several), a stream as Server-Sent Events (.sse) or one event per line (.jsonl). Streams are "
            "merged. Writes one LMResponse JSON line per response on stdout. Exit status 0 if all "
            "converted, 1 if some content does not import, 2 if a file cannot be read."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="formats: " + ", ".join(sorted(FORMATS)),
    )
    parser.add_argument("--from", dest="format", required=True, metavar="FORMAT", help="the wire format")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.set_defaults(run=run)


# -- reading files (kept small so a shared, hardened reader can take their place) -------------
def read_text(path: Path) -> str:
    """A file's text, UTF-8, without a byte order mark."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReadProblem("no such file") from None
    except IsADirectoryError:
        raise ReadProblem("is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise ReadProblem(f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ReadProblem(f"cannot read: {exc.strerror or exc}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ReadProblem("empty file: nothing to convert")
    return text


def parse_json(text: str, where: str = "") -> Any:
    """One JSON value; a ReadProblem naming where (``line 3``, ``event 2``) when malformed."""
    import json

    from lmcontract.lib import jsontext

    try:
        return jsontext.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadProblem(f"{where}not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:
        raise ReadProblem(f"{where}not valid JSON: {exc}") from None


def stream_events(path: Path, text: str) -> Iterator[Any]:
    """The parsed events of a stream file (.sse or .jsonl), in order."""
    if path.suffix.lower() in SSE_SUFFIXES:
        from lmcontract.importers.sse import iter_events

        count = 0
        for count, sse in enumerate(iter_events(text), start=1):
            value = parse_json(sse.data, f"event {count}: ")
            # A stream that names its events only in ``event:`` lines: keep the name in the data.
            if sse.event and sse.event != "message" and isinstance(value, dict) and "type" not in value:
                value["type"] = sse.event
            yield value
        if not count:
            raise ReadProblem("no data: events in the stream")
        return
    # JSON Lines end at "\n" only: U+2028 or U+0085 inside a string is part of the record.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if line.strip(" \t\r"):
            yield parse_json(line, f"line {lineno}: ")


# -- importing ---------------------------------------------------------------------------------
def _describe(exc: BaseException) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        from lmcontract.cli import problems

        found = problems(exc)
        path, message = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return f"{path}: {message}{more}"
    if isinstance(exc, KeyError):
        return f"missing field {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


# What malformed provider input raises inside an importer (MergeError is a ValueError).
_CONTENT_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)


def convert_file(module: Any, path: Path) -> list:
    """The responses one file holds: one per payload of a .json file, one per stream file."""
    suffix = path.suffix.lower()
    if suffix not in PAYLOAD_SUFFIXES + SSE_SUFFIXES + JSONL_SUFFIXES:
        known = ", ".join(PAYLOAD_SUFFIXES + SSE_SUFFIXES + JSONL_SUFFIXES)
        raise ReadProblem(f"unknown file type {suffix or '(no extension)'!r}; use one of {known}")
    text = read_text(path)
    if suffix in PAYLOAD_SUFFIXES:
        value = parse_json(text)
        if isinstance(value, list) and getattr(module, "JSON_ARRAY_IS_STREAM", False):
            # Gemini's streamGenerateContent without alt=sse answers with a JSON array of chunks.
            return [_merge_stream(module, iter(value), "chunk")]
        payloads = value if isinstance(value, list) else [value]
        if not payloads:
            raise ReadProblem("an empty list: nothing to convert")
        responses = []
        for number, payload in enumerate(payloads, start=1):
            where = f"payload {number}: " if isinstance(value, list) else ""
            try:
                responses.append(module.from_payload(payload))
            except _CONTENT_ERRORS as exc:
                raise ImportFailed(where + _describe(exc)) from None
        return responses

    unit = "event" if suffix in SSE_SUFFIXES else "line"
    return [_merge_stream(module, stream_events(path, text), unit)]


def _merge_stream(module: Any, events: Iterator[Any], unit: str) -> Any:
    """One response from a stream's events; errors name the event (or line) by number."""
    importer = module.StreamImporter()
    chunks: list = []
    number = 0
    for number, event in enumerate(events, start=1):
        try:
            chunks.extend(importer.feed(event))
        except _CONTENT_ERRORS as exc:
            raise ImportFailed(f"{unit} {number}: {_describe(exc)}") from None
    if not number:
        raise ReadProblem("no events in the stream")
    try:
        chunks.extend(importer.close())
        from lmcontract import LMResponse

        return LMResponse.from_chunks(chunks)
    except _CONTENT_ERRORS as exc:
        raise ImportFailed(f"merging the stream: {_describe(exc)}") from None


def run(args: argparse.Namespace) -> int:
    from lmcontract.importers import FORMATS, importer

    if args.format not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        print(f"{PROG}: error: unknown format {args.format!r}; one of: {known}", file=sys.stderr)
        return 2
    module = importer(args.format)
    status = 0
    out = sys.stdout
    for name in args.files:
        try:
            responses = convert_file(module, Path(name))
        except ReadProblem as exc:
            print(f"{PROG}: error: {name}: {exc}", file=sys.stderr)
            status = 2
            continue
        except ImportFailed as exc:
            print(f"{PROG}: error: {name}: cannot import as {args.format}: {exc}", file=sys.stderr)
            status = max(status, 1)
            continue
        lines = "".join(r.model_dump_json(exclude_none=True) + "\n" for r in responses)
        out.flush()
        out.buffer.write(lines.encode("utf-8"))  # JSON is UTF-8 whatever the locale
        out.flush()
    return status
