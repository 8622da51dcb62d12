"""The one JSON reader of lmcontract: ``model_validate_json``, ``lmcontract validate`` and the
parsing of tool-call arguments all read JSON text here, so they accept exactly the same input.

It is pydantic's own parser (jiter, the Rust crate inside pydantic-core, through its Python
package), with two things pydantic's ``model_validate_json`` lets through turned off:

- duplicate keys (pydantic keeps the last one silently: ``{"n": -5, "n": 1}`` passes);
- the literals ``NaN``, ``Infinity`` and ``-Infinity``, which are not JSON.

It rejects, as pydantic already does: a byte order mark, a lone UTF-16 surrogate escape
(``"\\ud800"``, which is no character), bytes that are not UTF-8, and nesting deeper than
``MAX_DEPTH`` arrays and objects. Every refusal is a ``JsonTextError`` whose message says what
is wrong and where, on one line.
"""

from __future__ import annotations

import re
from typing import Any

# jiter's nesting limit (and so pydantic's): 201 nested arrays or objects parse, 202 do not.
MAX_DEPTH = 201

_WHERE = re.compile(r" at line (\d+) column (\d+)$")
_NON_FINITE = re.compile(rb"-?(?:NaN|Infinity)")
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class JsonTextError(ValueError):
    """Text that is not strict JSON; ``message`` says why, ``line`` and ``column`` where (1-based)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message, self.line, self.column = message, line, column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(message + where)


def _explain(raw: bytes, message: str, line: int, column: int) -> str:
    """jiter's message, made to name the real problem where jiter's own words do not."""
    lines = raw.split(b"\n")
    text = lines[line - 1] if 0 < line <= len(lines) else b""
    at = max(column - 1, 0)
    if message.startswith("recursion limit exceeded"):
        return f"nested deeper than {MAX_DEPTH} levels of arrays and objects"
    if message.startswith("duplicate key") or message.startswith("Detected duplicate key"):
        name = message.split('"')[1] if '"' in message else "?"
        return f'duplicate key "{name}" in one object'
    if message in ("expected value", "invalid number"):
        literal = _NON_FINITE.match(text, max(at - 1, 0)) or _NON_FINITE.match(text, at)
        if literal:
            return f"{literal.group().decode()} is not valid JSON (JSON has no NaN or infinite numbers)"
    if "hex escape" in message or "lone leading surrogate" in message or "surrogate" in message:
        near = _SURROGATE.search(text, max(at - 12, 0))
        if near:
            return f"a lone UTF-16 surrogate escape {near.group().decode()} is not a character"
    if message == "invalid unicode code point":
        return "not UTF-8 text"
    return message


def loads(data: str | bytes | bytearray) -> Any:
    """The value of one strict JSON text; raises JsonTextError (a ValueError) for anything else."""
    import jiter  # pydantic's parser; imported on first use so `import lmcontract` stays light

    if isinstance(data, str):
        try:
            raw = data.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise JsonTextError(f"a lone UTF-16 surrogate (U+{ord(data[exc.start]):04X}) is not a character") from None
    else:
        raw = bytes(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise JsonTextError("starts with a byte order mark (U+FEFF), which JSON does not allow", 1, 1)
    try:
        return jiter.from_json(raw, allow_inf_nan=False, catch_duplicate_keys=True)
    except ValueError as exc:
        text = str(exc)
        found = _WHERE.search(text)
        if not found:
            raise JsonTextError(text) from None
        line, column = int(found[1]), int(found[2])
        raise JsonTextError(_explain(raw, text[: found.start()], line, column), line, column) from None
