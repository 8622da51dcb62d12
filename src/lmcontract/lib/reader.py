"""Records from files and standard input, for every command that reads them.

Formats, chosen by ``--format`` or else by the file's extension:

- ``json`` (``.json``): one JSON text. A top-level list is a list of records, anything else one
  record (every contract class is a JSON object, so the two cannot be confused);
- ``jsonl`` (``.jsonl``, ``.ndjson``): JSON Lines, one record per line. Lines end at ``\\n``
  only: U+2028, U+0085 and the other characters ``str.splitlines`` also splits on are text
  inside a JSON string (``model_dump_json`` writes them unescaped). Blank lines are skipped.
  The file is read line by line, so memory does not grow with its size;
- ``yaml`` (``.yaml``, ``.yml``): one YAML document, read as JSON-compatible YAML (close to
  YAML 1.2's JSON schema: ``yes``, ``on`` and unquoted dates stay strings, as in JSON). Needs
  pyyaml (``pip install 'lmcontract[yaml]'``), imported only when a YAML file is read.

JSON is read by ``lmcontract.lib.jsontext``, the reader behind ``model_validate_json``, so a
record is readable here exactly when the library can read it: no byte order mark, no lone
surrogate escape, no duplicate key, no NaN or Infinity, at most ``MAX_DEPTH`` nested arrays
and objects. YAML is held to the same: duplicate keys, an alias that contains itself, tags
with no JSON form (``!!binary``, ``!!set``, ``!!python/...``), keys that are not strings,
non-finite numbers, lone surrogates and nesting deeper than ``MAX_DEPTH`` are refused. (A byte
order mark, which YAML allows, is skipped.)

What cannot be read is an ``InputProblem``: raised when the whole input is unusable, yielded
for a bad line of a JSON Lines file so that the other lines are still read.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from lmcontract.lib import jsontext
from lmcontract.lib.jsontext import MAX_DEPTH

STDIN = "-"
YAML_EXTRA = "pip install 'lmcontract[yaml]'"
SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".yaml": "yaml", ".yml": "yaml"}
FORMATS = ("json", "jsonl", "yaml")
_JSON_WHITESPACE = b" \t\r\n"


class InputProblem(Exception):
    """Input that cannot be read as records. ``record`` is the line of a JSON Lines file it is
    about (None for the whole input); ``str()`` is the one-line message."""

    def __init__(self, message: str, record: int | None = None) -> None:
        super().__init__(message)
        self.record = record


@dataclass(frozen=True)
class Record:
    """One record: its number (its line in JSON Lines, its 1-based position in a top-level
    list, 1 for an input that holds one record) and its value as plain JSON data."""

    number: int
    value: Any


def display_name(name: str) -> str:
    return "<stdin>" if name == STDIN else name


def format_of(name: str, given: str | None = None) -> str:
    """The format to read ``name`` in: ``given`` (from --format), else by its extension."""
    if given is not None:
        return given
    if name == STDIN:
        raise InputProblem(f"standard input has no file extension: give --format ({', '.join(FORMATS)})")
    dot = name.rfind(".")
    suffix = name[dot:].lower() if dot > name.replace("\\", "/").rfind("/") else ""
    if suffix not in SUFFIXES:
        known = ", ".join(SUFFIXES)
        raise InputProblem(f"unknown file type {suffix or '(no extension)'!r}; use one of {known}, or give --format")
    return SUFFIXES[suffix]


def _open(name: str, stdin: BinaryIO | None) -> BinaryIO:
    if name == STDIN:
        return stdin if stdin is not None else sys.stdin.buffer
    try:
        return open(name, "rb")  # closed by read()
    except FileNotFoundError:
        raise InputProblem("no such file") from None
    except IsADirectoryError:
        raise InputProblem("is a directory, not a file") from None
    except OSError as exc:
        raise InputProblem(f"cannot read: {exc.strerror or exc}") from None


class _Counted:
    """A binary stream that reports the bytes read from it (for a progress bar)."""

    def __init__(self, stream: BinaryIO, progress: Callable[[int], Any]) -> None:
        self._stream, self._progress = stream, progress

    def __iter__(self) -> Iterator[bytes]:
        for line in self._stream:
            self._progress(len(line))
            yield line

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._progress(len(data))
        return data


def read(
    name: str,
    fmt: str | None = None,
    *,
    stdin: BinaryIO | None = None,
    progress: Callable[[int], Any] | None = None,
) -> Iterator[Record | InputProblem]:
    """The records of the file ``name`` (``-``: standard input) in order.

    Raises InputProblem when the input as a whole cannot be used; yields one for a JSON Lines
    line that cannot, and goes on with the next line. ``progress``, when given, is called with
    the number of bytes each read takes.
    """
    if name != STDIN and os.path.isdir(name):
        raise InputProblem("is a directory, not a file")
    fmt = format_of(name, fmt)
    stream = _open(name, stdin)
    source = stream if progress is None else _Counted(stream, progress)
    try:
        if fmt == "jsonl":
            yield from _json_lines(source)
            return
        try:
            raw = source.read()
        except OSError as exc:
            raise InputProblem(f"cannot read: {exc.strerror or exc}") from None
        value = _json(raw) if fmt == "json" else _yaml(raw)
        if isinstance(value, list):
            if not value:
                raise InputProblem("an empty list: no records to validate")
            for number, item in enumerate(value, start=1):
                yield Record(number, item)
        else:
            yield Record(1, value)
    finally:
        if stream is not stdin and name != STDIN:
            stream.close()


def _json_lines(stream: BinaryIO) -> Iterator[Record | InputProblem]:
    count = 0
    lineno = 0
    try:
        for lineno, line in enumerate(stream, start=1):  # a binary file splits on b"\n" only
            if not line.strip(_JSON_WHITESPACE):
                continue
            count += 1
            try:
                yield Record(lineno, jsontext.loads(line))
            except jsontext.JsonTextError as exc:
                where = f" (column {exc.column})" if exc.column is not None else ""
                yield InputProblem(f"not valid JSON: {exc.message}{where}", lineno)
    except OSError as exc:
        raise InputProblem(f"cannot read after line {lineno}: {exc.strerror or exc}") from None
    if not count:
        raise InputProblem("empty file: no records to validate")


def _json(raw: bytes) -> Any:
    if not raw.strip(_JSON_WHITESPACE):
        raise InputProblem("empty file: no records to validate")
    try:
        return jsontext.loads(raw)
    except jsontext.JsonTextError as exc:
        raise InputProblem(f"not valid JSON: {exc}") from None


# -- YAML ------------------------------------------------------------------------------------------
_LOADER = None
_TAG = "tag:yaml.org,2002:"
_JSON_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map"))
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def yaml_loader() -> Any:
    """A PyYAML loader for JSON-compatible YAML, close to YAML 1.2's JSON schema.

    Booleans are true/false only, numbers are decimal, and anything else unquoted (yes, on,
    2024-05-01, 1:30, 0x1F, .inf, <<) is a string, as it would be in JSON. PyYAML's own
    SafeLoader follows YAML 1.1, which reads ``yes`` as True and an unquoted date as a
    datetime. Whatever JSON cannot hold is refused with a YAML error: duplicate keys, an alias
    inside its own anchor, tags other than str/int/float/bool/null/seq/map, NaN and infinite
    numbers, lone surrogates, and more than MAX_DEPTH nested collections.
    """
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    try:
        import yaml
    except ImportError:
        raise InputProblem(f"reading YAML needs pyyaml, which is not installed: {YAML_EXTRA}") from None
    from yaml.composer import ComposerError
    from yaml.constructor import ConstructorError

    drop = {_TAG + "bool", _TAG + "int", _TAG + "float", _TAG + "timestamp", _TAG + "merge", _TAG + "value"}

    class JsonCompatibleLoader(yaml.SafeLoader):
        """SafeLoader held to what JSON can carry (see yaml_loader)."""

        def __init__(self, stream: Any) -> None:
            super().__init__(stream)
            self._open_anchors: set[str] = set()
            self._depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in self._open_anchors:
                    raise ComposerError(
                        None,
                        None,
                        f"alias *{event.anchor} inside its own anchor: a loop, which JSON cannot hold",
                        event.start_mark,
                    )
                return super().compose_node(parent, index)
            nested = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
            if nested:
                self._depth += 1
                if self._depth > MAX_DEPTH:
                    raise ComposerError(
                        None, None, f"nested deeper than {MAX_DEPTH} levels of lists and mappings", event.start_mark
                    )
            anchor = event.anchor
            if anchor is not None:
                self._open_anchors.add(anchor)
            try:
                return super().compose_node(parent, index)
            finally:
                if anchor is not None:
                    self._open_anchors.discard(anchor)
                if nested:
                    self._depth -= 1

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            if node.tag not in _JSON_TAGS:
                raise ConstructorError(None, None, f"the tag {node.tag} has no JSON form", node.start_mark)
            return super().construct_object(node, deep=deep)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:
                    raise ConstructorError(None, None, "a key that is a list or mapping", key_node.start_mark) from None
                if not isinstance(key, str):
                    raise ConstructorError(
                        None, None, f"key {key!r} is not a string, as every JSON key is", key_node.start_mark
                    )
                if duplicate:
                    raise ConstructorError(None, None, f"duplicate key {key!r} in one mapping", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    def construct_str(loader: Any, node: Any) -> str:
        value = loader.construct_scalar(node)
        found = _SURROGATE.search(value)
        if found:
            code = f"U+{ord(found.group()):04X}"
            raise ConstructorError(None, None, f"a lone UTF-16 surrogate ({code}) is not a character", node.start_mark)
        return value

    def construct_int(loader: Any, node: Any) -> int:
        text = loader.construct_scalar(node)
        if not _INT.match(text):
            raise ConstructorError(None, None, f"{text!r} is not a decimal integer", node.start_mark)
        return int(text)

    def construct_float(loader: Any, node: Any) -> float:
        text = loader.construct_scalar(node)
        if not (_FLOAT.match(text) or _INT.match(text)):
            raise ConstructorError(
                None, None, f"{text!r} is not a JSON number (JSON has no NaN or infinity)", node.start_mark
            )
        return float(text)

    def construct_bool(loader: Any, node: Any) -> bool:
        text = loader.construct_scalar(node)
        if text.lower() not in ("true", "false"):
            raise ConstructorError(None, None, f"{text!r} is not true or false", node.start_mark)
        return text.lower() == "true"

    JsonCompatibleLoader.yaml_implicit_resolvers = {
        first: [(t, rx) for t, rx in resolvers if t not in drop]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    add = JsonCompatibleLoader.add_implicit_resolver
    add(_TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    add(_TAG + "int", _INT, list("-+0123456789"))
    add(_TAG + "float", _FLOAT, list("-+.0123456789"))
    for tag, constructor in (
        ("str", construct_str),
        ("int", construct_int),
        ("float", construct_float),
        ("bool", construct_bool),
    ):
        JsonCompatibleLoader.add_constructor(_TAG + tag, constructor)
    _LOADER = JsonCompatibleLoader
    return _LOADER


def load_yaml(text: str | bytes) -> Any:
    """One JSON-compatible YAML document as plain data; InputProblem when it cannot be read."""
    loader = yaml_loader()
    import yaml

    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputProblem(f"not UTF-8 text (byte {exc.start})") from None
    text = text.removeprefix("\ufeff")  # YAML allows a byte order mark
    if not text.strip():
        raise InputProblem("empty file: no records to validate")
    try:
        value = yaml.load(text, Loader=loader)  # a SafeLoader subclass: builds plain data only
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "malformed"
        raise InputProblem(f"not valid YAML: {problem}{where}") from None
    except yaml.YAMLError as exc:
        raise InputProblem("not valid YAML: " + " ".join(str(exc).split())) from None
    except RecursionError:
        raise InputProblem(f"not valid YAML: nested deeper than {MAX_DEPTH} levels of lists and mappings") from None
    if value is None:
        raise InputProblem("empty YAML document: no records to validate")
    return value


def _yaml(raw: bytes) -> Any:
    return load_yaml(raw)
