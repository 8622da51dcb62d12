"""The ``lmcontract`` command: validate records against the contract, print the JSON Schema.

    lmcontract validate [--class NAME] [--format FORMAT] [--quiet | --json] FILE...
    lmcontract schema
    lmcontract convert --from FORMAT FILE...   (lmcontract.commands.convert)

``validate`` reads each FILE (``-`` is standard input) with ``lmcontract.lib.reader``: JSON,
JSON Lines (streamed line by line, in constant memory) or YAML, by ``--format`` or else by the
extension. That reader is the one behind ``model_validate_json``, so a record is readable here
exactly when the library can read it.

Each record is validated with the Pydantic models, so the rules that relate two fields (logprobs
aligned with token ids, unique output indexes, ...) are checked too, not only what the JSON
Schema can state; every problem of a record is reported, field errors and such rules alike.
Output, on stdout:

    FILE:RECORD: FIELD.PATH: MESSAGE       one line per problem
    ok: N records valid as CLASS in M files                          (last line, exit 0)
    failed: N records read from M files: K invalid as CLASS, U unreadable  (last line)

RECORD is the line number in a JSON Lines file, the 1-based position in a top-level list, and 1
for a file that holds a single record; FIELD.PATH is like ``outputs[0].parts[1].name``
(``<record>`` when the record as a whole is wrong); FILE is ``<stdin>`` for standard input.
Input that cannot be read (a missing file, a directory, malformed JSON or YAML, a duplicate
key, nesting deeper than the reader's limit, ...) is one line on stderr::

    lmcontract: error: FILE[:LINE]: MESSAGE

and the other files, and the other lines of a JSON Lines file, are still read. ``--quiet``
prints nothing on stdout (unreadable input still gets its line on stderr); ``--json`` prints
JSON Lines on stdout instead: ``{"file", "record", "path", "message"}`` per problem,
``{"file", "record", "error"}`` per unreadable input, and a last ``{"summary": {...}}``.

Exit status: 0 when every record is valid, 1 when some record is invalid, 2 when some input
cannot be read or the command line is wrong (the worst wins). Writing to a closed or full
output is one line on stderr and exit status 2. Never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import warnings
from collections.abc import Callable
from importlib import import_module
from typing import IO, Annotated, Any, Union, get_args

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

import lmcontract
from lmcontract.lib import reader
from lmcontract.lib.reader import InputProblem

PROG = "lmcontract"


def _resolve(kind: Any) -> type[BaseModel]:
    return getattr(lmcontract, getattr(kind, "__forward_arg__", None) or kind.__name__)


@functools.cache
def part_kinds() -> tuple[type[BaseModel], ...]:
    """Every concrete part kind, from the discriminated union the generator writes (by name there).

    A function, not a module constant: reading the union builds the models, and importing the
    CLI module must not (``lmcontract --help`` needs none of them)."""
    return tuple(_resolve(k) for k in get_args(get_args(lmcontract.AnyLMPart)[0]))


@functools.cache
def part_tags() -> frozenset[str]:
    """The ``type`` value of every concrete part kind."""
    return frozenset(kind.model_fields["type"].default for kind in part_kinds())

# A rule in lmcontract.lib.rules starts its message with the field path it is about.
_RULE_PATH = re.compile(r"^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*): (.+)$", re.S)


# -- the classes records can be validated as ----------------------------------------------------
def model_classes() -> dict[str, type[BaseModel]]:
    """Every contract class exported by lmcontract, by name."""
    return {
        name: obj
        for name in lmcontract.__all__
        if isinstance(obj := getattr(lmcontract, name), type) and issubclass(obj, BaseModel)
    }


def is_part_base(name: str) -> bool:
    """True for the abstract part classes (LMPart, MediaPart): a record of one is one of its kinds."""
    cls = model_classes()[name]
    return issubclass(cls, lmcontract.LMPart) and cls not in part_kinds()


def adapter_for(name: str) -> TypeAdapter:
    """How to validate a record of class ``name``.

    A part base (LMPart, MediaPart) is abstract: a record of it is one of its concrete kinds,
    chosen by ``type``, exactly as inside ``parts``.
    """
    cls = model_classes()[name]
    if is_part_base(name):
        kinds = tuple(k for k in part_kinds() if issubclass(k, cls))
        if len(kinds) == 1:
            return TypeAdapter(kinds[0])
        return TypeAdapter(Annotated[Union[kinds], Field(discriminator="type")])  # noqa: UP007
    return TypeAdapter(cls)


# -- reporting ------------------------------------------------------------------------------------
def field_path(loc: tuple[str | int, ...], tagged_root: bool = False) -> str:
    """A pydantic error location as ``outputs[0].parts[1].name``.

    The discriminated union of parts adds the part's tag to the location (``parts.0.text.text``);
    the tag is dropped, the index already says which part. ``tagged_root``: the record itself
    was validated as a union of part kinds, so the location starts with a tag too.
    """
    out = ""
    for i, item in enumerate(loc):
        if isinstance(item, int):
            out += f"[{item}]"
        elif item in part_tags() and (
            (i == 0 and tagged_root) or (i >= 2 and isinstance(loc[i - 1], int) and loc[i - 2] == "parts")
        ):
            continue
        else:
            out += f".{item}" if out else str(item)
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems(exc: ValidationError, tagged_root: bool = False) -> list[tuple[str, str]]:
    """(field path, message) for each error pydantic found; ``tagged_root`` as in field_path."""
    found = []
    for err in exc.errors(include_url=False):
        path = field_path(err["loc"], tagged_root)
        message = err["msg"]
        if err["type"] == "value_error":
            message = message.removeprefix("Value error, ")
            match = _RULE_PATH.match(message)
            if match:
                rel, message = match.groups()
                path = f"{path}.{rel}" if path and not rel.startswith("[") else path + rel
        elif (
            err["type"] not in ("missing", "extra_forbidden")
            and not isinstance(err.get("input"), (dict, list))
            and "got " not in message
        ):
            message += f", got {_short(err.get('input'))}"
        found.append((path or "<record>", message))
    return found


class Report:
    """Where ``validate`` writes: problem lines and the summary (text, JSON Lines, or nothing)."""

    def __init__(self, mode: str, out: IO[str], err: IO[str]) -> None:
        self.mode, self.out, self.err = mode, out, err

    def problem(self, name: str, number: int, path: str, message: str) -> None:
        if self.mode == "text":
            self.out.write(f"{name}:{number}: {path}: {message}\n")
        elif self.mode == "json":
            self._json({"file": name, "record": number, "path": path, "message": message})

    def unreadable(self, name: str, problem: InputProblem) -> None:
        if self.mode == "json":
            self._json({"file": name, "record": problem.record, "error": str(problem)})
            return
        where = name if problem.record is None else f"{name}:{problem.record}"
        self.err.write(f"{PROG}: error: {where}: {problem}\n")

    def summary(self, counts: dict[str, Any]) -> None:
        if self.mode == "json":
            self._json({"summary": counts})
            return
        if self.mode == "quiet":
            return
        files = f"{counts['files']} file{'s' * (counts['files'] != 1)}"
        if counts["ok"]:
            noun = "record" if counts["records"] == 1 else "records"
            self.out.write(f"ok: {counts['records']} {noun} valid as {counts['class']} in {files}\n")
        else:
            self.out.write(
                f"failed: {counts['records']} record{'s' * (counts['records'] != 1)} read from {files}: "
                f"{counts['invalid']} invalid as {counts['class']}, {counts['unreadable']} unreadable\n"
            )

    def _json(self, item: dict[str, Any]) -> None:
        self.out.write(json.dumps(item, ensure_ascii=False) + "\n")


def validate_files(
    files: list[str],
    class_name: str,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    *,
    fmt: str | None = None,
    mode: str = "text",
    stdin: Any = None,
) -> int:
    """Validate every record of every file; report as ``mode`` (text, json, quiet); return the exit status."""
    report = Report(mode, out or sys.stdout, err or sys.stderr or open(os.devnull, "w"))
    validate: Callable[[Any], Any] = adapter_for(class_name).validate_python
    tagged_root = is_part_base(class_name)
    records = invalid = unreadable = 0
    for name in files:
        shown = reader.display_name(name)
        try:
            for item in reader.read(name, fmt, stdin=stdin):
                if isinstance(item, InputProblem):
                    report.unreadable(shown, item)
                    unreadable += 1
                    continue
                records += 1
                try:
                    validate(item.value)
                except ValidationError as exc:
                    invalid += 1
                    for path, message in problems(exc, tagged_root):
                        report.problem(shown, item.number, path, message)
        except InputProblem as exc:
            report.unreadable(shown, exc)
            unreadable += 1
    counts = {
        "ok": not (invalid or unreadable),
        "records": records,
        "invalid": invalid,
        "unreadable": unreadable,
        "files": len(files),
        "class": class_name,
    }
    report.summary(counts)
    return 2 if unreadable else 1 if invalid else 0


def schema_text() -> str:
    """The published JSON Schema, as shipped in the package."""
    from importlib.resources import files

    return files("lmcontract.generated").joinpath("lmcontract.schema.json").read_text(encoding="utf-8")


# -- entry point ----------------------------------------------------------------------------------
# Further commands, one module each: ``register(commands)`` adds its subparser and sets
# ``run=callable(args) -> exit status`` as a default, so a command's code loads only when it runs.
COMMAND_MODULES: tuple[str, ...] = (
    "lmcontract.commands.convert",
    "lmcontract.commands.export",
    "lmcontract.commands.query",
)

VALIDATE_HELP = """\
Check each record of each FILE against the contract. FILE is .json (one record, or a list of
records), .jsonl/.ndjson (one record per line, streamed) or .yaml/.yml; '-' reads standard
input, which needs --format.

Output on stdout: one line per problem, FILE:RECORD: FIELD.PATH: MESSAGE (RECORD is the line of
a JSON Lines file, else the position in a top-level list, else 1), then a summary line:
'ok: N records valid as CLASS in M files', or 'failed: N records read from M files: K invalid
as CLASS, U unreadable'. Input that cannot be read is one line on stderr:
'lmcontract: error: FILE[:LINE]: MESSAGE'; the rest is still read.

Exit status: 0 every record valid; 1 some record invalid; 2 some input unreadable (or a bad
command line, or output that cannot be written). The worst wins.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Validate language-model results against the lmcontract schema, or print its JSON Schema.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {lmcontract.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check JSON, JSON Lines or YAML records; one line per problem",
        description=VALIDATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("files", nargs="+", metavar="FILE", help="a file to check; '-' for standard input")
    validate.add_argument(
        "--class",
        dest="class_name",
        default="LMResponse",
        metavar="NAME",
        help="the class every record must be (default LMResponse); LMPart accepts any part kind",
    )
    validate.add_argument(
        "--format",
        choices=reader.FORMATS,
        help="read every FILE in this format, whatever its extension (needed for '-')",
    )
    output = validate.add_mutually_exclusive_group()
    output.add_argument("--quiet", "-q", action="store_true", help="print nothing on stdout; the exit status tells")
    output.add_argument(
        "--json",
        action="store_true",
        help='print JSON Lines instead: {"file", "record", "path", "message"} per problem, '
        '{"file", "record", "error"} per unreadable input, then {"summary": {...}}',
    )
    commands.add_parser(
        "schema", help="print the published JSON Schema", description="Print the published JSON Schema."
    )
    for name in COMMAND_MODULES:
        import_module(name).register(commands)
    return parser


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "validate":
        if args.class_name not in model_classes():
            known = ", ".join(sorted(model_classes()))
            _say(f"{PROG}: error: unknown class {args.class_name!r}; one of: {known}")
            return 2
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="backslashreplace")
        mode = "json" if args.json else "quiet" if args.quiet else "text"
        return validate_files(args.files, args.class_name, fmt=args.format, mode=mode)
    if args.command == "schema":
        sys.stdout.flush()
        sys.stdout.buffer.write(schema_text().encode("utf-8"))  # JSON is UTF-8 whatever the locale
        return 0
    if hasattr(args, "run"):
        return args.run(args)
    parser.print_help(sys.stderr)
    return 2


def _say(line: str) -> None:
    """One line on stderr, if there is a stderr at all."""
    if sys.stderr is not None:
        try:
            print(line, file=sys.stderr, flush=True)
        except OSError:
            pass


def main(argv: list[str] | None = None) -> int:
    # torch, loaded only to decode a tensor, warns on stderr when numpy is absent; not our news.
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    parser = build_parser()
    args = parser.parse_args(argv)
    if sys.stdout is None:  # started with its standard output closed (lmcontract schema >&-)
        if not getattr(args, "quiet", False):
            _say(f"{PROG}: error: cannot write the output: standard output is closed")
            return 2
        sys.stdout = open(os.devnull, "w")  # --quiet writes nothing to it
    try:
        status = _run(args, parser)
        sys.stdout.flush()
        return status
    except OSError as exc:
        if exc.errno is None or exc.filename is not None:
            raise
        # The reader went away (lmcontract schema | head) or the disk is full: one line, and
        # stdout pointed at /dev/null so that the interpreter's last flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = "the reader closed it" if isinstance(exc, BrokenPipeError) else exc.strerror or str(exc)
        _say(f"{PROG}: error: cannot write the output: {reason}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
