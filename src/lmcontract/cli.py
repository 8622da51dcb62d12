"""The ``lmcontract`` command: validate files against the contract, print the JSON Schema.

    lmcontract validate [--class NAME] FILE...
    lmcontract schema

Files are read by their extension:

- ``.json``: one JSON value;
- ``.yaml`` / ``.yml``: one YAML document, read as JSON-compatible YAML (close to YAML 1.2's
  JSON schema): ``yes``, ``no``, ``on``, ``off`` and unquoted dates stay strings, as they would
  in JSON. Needs pyyaml (``pip install 'lmcontract[yaml]'``), imported only when a YAML file is read;
- ``.jsonl`` / ``.ndjson``: JSON Lines, one record per non-blank line.

In a ``.json`` or YAML file, a top-level list is a list of records and anything else is one
record (every contract class is a JSON object, so the two cannot be confused). In a JSON Lines
file every line is one record, whatever it holds.

Each record is validated with the Pydantic models, so the rules that relate two fields (logprobs
aligned with token ids, unique output indexes, ...) are checked too, not only what the JSON
Schema can state. Each problem is one line on stdout::

    FILE:RECORD: FIELD.PATH: MESSAGE

where RECORD is the line number in a JSON Lines file, the 1-based position in a top-level list,
and 1 for a file that holds a single record; FIELD.PATH is like ``outputs[0].parts[1].name``
(``<record>`` when the record as a whole is wrong). When every record is valid, one line says so:
``ok: N records valid as CLASS in M files``.

Exit status: 0 when every record is valid, 1 when some record is invalid, 2 when a file cannot be
used (missing, unreadable, empty, holds no records, malformed JSON or YAML, unknown extension)
or the command line is wrong. Such errors are one line on stderr, never a traceback; the other
files (and the other lines of a JSON Lines file with a malformed line) are still checked.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import warnings
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Annotated, Any, Union, get_args

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

import lmcontract
from lmcontract.lib import jsontext

PROG = "lmcontract"
YAML_EXTRA = "pip install 'lmcontract[yaml]'"
JSON_SUFFIXES = (".json",)
YAML_SUFFIXES = (".yaml", ".yml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


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


class FileProblem(Exception):
    """A file that cannot be read as records; reported as one line, exit status 2."""


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


# -- reading files -------------------------------------------------------------------------------
def _json(text: str) -> Any:
    return jsontext.loads(text)


def _json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    return f"not valid JSON: {exc}"


_YAML_LOADER = None


def yaml_loader() -> Any:
    """A PyYAML loader for JSON-compatible YAML, close to YAML 1.2's JSON schema.

    Booleans are true/false only, numbers are decimal, and anything else unquoted (yes, on,
    2024-05-01, 1:30, 0x1F, .inf) is a string, as it would be in JSON. PyYAML's own SafeLoader
    follows YAML 1.1, which reads ``yes`` as True and an unquoted date as a datetime.
    """
    global _YAML_LOADER
    if _YAML_LOADER is not None:
        return _YAML_LOADER
    try:
        import yaml
    except ImportError:
        raise FileProblem(f"reading YAML needs pyyaml, which is not installed: {YAML_EXTRA}") from None

    tag = "tag:yaml.org,2002:"
    drop = {tag + "bool", tag + "int", tag + "float", tag + "timestamp"}

    class JsonCompatibleLoader(yaml.SafeLoader):
        """SafeLoader without YAML 1.1's yes/no booleans, sexagesimal and octal ints, and dates."""

    JsonCompatibleLoader.yaml_implicit_resolvers = {
        first: [(t, rx) for t, rx in resolvers if t not in drop]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    add = JsonCompatibleLoader.add_implicit_resolver
    add(tag + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    add(tag + "int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    add(
        tag + "float",
        re.compile(r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$"),
        list("-+.0123456789"),
    )
    JsonCompatibleLoader.add_constructor(tag + "int", lambda loader, node: int(loader.construct_scalar(node)))
    JsonCompatibleLoader.add_constructor(tag + "float", lambda loader, node: float(loader.construct_scalar(node)))
    _YAML_LOADER = JsonCompatibleLoader
    return _YAML_LOADER


def _yaml(text: str) -> Any:
    loader = yaml_loader()
    import yaml

    try:
        return yaml.load(text, Loader=loader)  # a SafeLoader subclass: builds plain data only
    except yaml.MarkedYAMLError as exc:
        where = f" (line {exc.problem_mark.line + 1}, column {exc.problem_mark.column + 1})" if exc.problem_mark else ""
        problem = exc.problem or exc.context or "malformed"
        raise FileProblem(f"not valid YAML: {problem}{where}") from None
    except yaml.YAMLError as exc:
        raise FileProblem("not valid YAML: " + " ".join(str(exc).split())) from None


def read_records(path: Path) -> Iterator[tuple[int, Any] | FileProblem]:
    """The records of one file as (record number, value); a FileProblem for what cannot be read.

    A problem with the whole file is raised; a malformed line of a JSON Lines file is yielded,
    so the other lines are still checked.
    """
    suffix = path.suffix.lower()
    if suffix not in JSON_SUFFIXES + YAML_SUFFIXES + JSONL_SUFFIXES:
        known = ", ".join(JSON_SUFFIXES + YAML_SUFFIXES + JSONL_SUFFIXES)
        raise FileProblem(f"unknown file type {suffix or '(no extension)'!r}; use one of {known}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileProblem("no such file") from None
    except IsADirectoryError:
        raise FileProblem("is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise FileProblem(f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FileProblem("empty file: no records to validate")

    if suffix in JSONL_SUFFIXES:
        count = 0
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            count += 1
            try:
                yield lineno, _json(line)
            except ValueError as exc:
                yield FileProblem(f"line {lineno}: {_json_error(exc)}")
        if not count:
            raise FileProblem("empty file: no records to validate")
        return

    if suffix in JSON_SUFFIXES:
        try:
            value = _json(text)
        except ValueError as exc:
            raise FileProblem(_json_error(exc)) from None
    else:
        value = _yaml(text)
        if value is None:
            raise FileProblem("empty YAML document: no records to validate")
    if isinstance(value, list):
        if not value:
            raise FileProblem("an empty list: no records to validate")
        yield from enumerate(value, start=1)
    else:
        yield 1, value


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


def validate_files(files: list[str], class_name: str, out=None, err=None) -> int:
    """Validate every record of every file; print the problems; return the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    adapter = adapter_for(class_name)
    tagged_root = is_part_base(class_name)
    status = 0
    records = 0
    for name in files:
        try:
            for item in read_records(Path(name)):
                if isinstance(item, FileProblem):
                    print(f"{PROG}: error: {name}: {item}", file=err)
                    status = 2
                    continue
                number, value = item
                records += 1
                try:
                    adapter.validate_python(value)
                except ValidationError as exc:
                    for path, message in problems(exc, tagged_root):
                        print(f"{name}:{number}: {path}: {message}", file=out)
                    status = max(status, 1)
        except FileProblem as exc:
            print(f"{PROG}: error: {name}: {exc}", file=err)
            status = 2
    if status == 0:
        noun = "record" if records == 1 else "records"
        print(f"ok: {records} {noun} valid as {class_name} in {len(files)} file{'s' * (len(files) != 1)}", file=out)
    return status


def schema_text() -> str:
    """The published JSON Schema, as shipped in the package."""
    from importlib.resources import files

    return files("lmcontract.generated").joinpath("lmcontract.schema.json").read_text(encoding="utf-8")


# -- entry point ----------------------------------------------------------------------------------
# Further commands, one module each: ``register(commands)`` adds its subparser and sets
# ``run=callable(args) -> exit status`` as a default, so a command's code loads only when it runs.
COMMAND_MODULES: tuple[str, ...] = ()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Validate language-model results against the lmcontract schema, or print its JSON Schema.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {lmcontract.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate = commands.add_parser(
        "validate",
        help="check JSON, YAML or JSON Lines files; one line per problem",
        description=(
            "Check each record of each FILE (.json, .yaml/.yml, .jsonl). A top-level list holds several "
            "records; a JSON Lines file holds one per line. Prints FILE:RECORD: FIELD.PATH: MESSAGE per "
            "problem. Exit status 0 if all valid, 1 if any record is invalid, 2 if a file cannot be read."
        ),
    )
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.add_argument(
        "--class",
        dest="class_name",
        default="LMResponse",
        metavar="NAME",
        help="the class every record must be (default LMResponse); LMPart accepts any part kind",
    )
    commands.add_parser(
        "schema", help="print the published JSON Schema", description="Print the published JSON Schema."
    )
    for name in COMMAND_MODULES:
        import_module(name).register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    # torch, loaded only to decode a tensor, warns on stderr when numpy is absent; not our news.
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            if args.class_name not in model_classes():
                known = ", ".join(sorted(model_classes()))
                print(f"{PROG}: error: unknown class {args.class_name!r}; one of: {known}", file=sys.stderr)
                return 2
            if hasattr(sys.stdout, "reconfigure"):
                sys.stdout.reconfigure(errors="backslashreplace")
            return validate_files(args.files, args.class_name)
        if args.command == "schema":
            sys.stdout.flush()
            sys.stdout.buffer.write(schema_text().encode("utf-8"))  # JSON is UTF-8 whatever the locale
            sys.stdout.flush()
            return 0
        if hasattr(args, "run"):
            return args.run(args)
        parser.print_help(sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (lmcontract schema | head): not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
