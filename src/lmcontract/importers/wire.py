"""What every importer needs to read a provider's values: SDK objects as dicts, times, usage.

An importer takes the parsed JSON dicts or the provider SDK's own objects, never importing the
SDK: an SDK object is turned into the dict it was parsed from through its own ``model_dump``
(openai, anthropic and google-genai objects are pydantic models) or ``to_dict``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from lmcontract.lib import jsontext


class ImportProblem(ValueError):
    """An event or payload that is not what the wire format sends; the message names the field."""


def as_dict(value: Any, what: str = "event") -> dict:
    """A provider value as a plain dict: a dict as is, an SDK object through its own dump."""
    if isinstance(value, dict):
        return value
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        # exclude_none: the SDKs fill every field they know with None; the wire leaves them out.
        # by_alias: google-genai's fields are snake_case in Python and camelCase on the wire.
        return dump(mode="json", by_alias=True, exclude_none=True)
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, Mapping):
        return dict(value)
    raise ImportProblem(f"{what}: expected a JSON object or an SDK object, got {type(value).__name__}")


def error_fields(error: Any, *code_keys: str) -> dict:
    """A provider's error object as LMError fields: the first of ``code_keys`` it has is the code,
    the message falls back to the code, and the whole object is kept in provider_data."""
    if not isinstance(error, dict):
        return {"message": str(error)}
    code = next((error[key] for key in code_keys if error.get(key) is not None), None)
    out: dict[str, Any] = {"message": str(error.get("message") or code or "error"), "provider_data": error}
    if code is not None:
        out["code"] = str(code)
    return out


def from_unix(seconds: Any, field: str = "created") -> datetime | None:
    """A Unix time in seconds (as OpenAI and Anthropic send ``created``) as an aware UTC datetime."""
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ImportProblem(f"{field}: expected a Unix time in seconds, got {seconds!r}")
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def from_iso(text: Any, field: str = "createTime") -> datetime | None:
    """An RFC 3339 time (Gemini's ``createTime``) as an aware datetime; nanoseconds cut to micro."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ImportProblem(f"{field}: expected an RFC 3339 time string, got {text!r}")
    head, dot, frac = text.partition(".")
    if dot:
        digits = len(frac) - len(frac.lstrip("0123456789"))
        text = f"{head}.{frac[:min(digits, 6)]}{frac[digits:]}"
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ImportProblem(f"{field}: not an RFC 3339 time: {text!r}") from None


def parse_arguments(text: str | None) -> tuple[dict | None, str | None]:
    """Tool-call argument text as (arguments, arguments_raw), as a merged stream would finish it.

    A JSON object goes to ``arguments``; anything else is kept raw; empty text means ``{}``.
    """
    if text is None or not text.strip():
        return {}, None
    try:
        parsed = jsontext.loads(text)
    except ValueError:
        return None, text
    if isinstance(parsed, dict):
        return parsed, None
    return None, text


def dig(obj: Mapping | None, *path: str) -> Any:
    """``obj[a][b]...``, or None where a step is missing or null."""
    for key in path:
        if not obj:
            return None
        obj = obj.get(key)
    return obj


def without(obj: Mapping, keys: Iterable[str]) -> dict:
    """The members of ``obj`` an importer did not map, kept for ``provider_data``."""
    skip = set(keys)
    return {k: v for k, v in obj.items() if k not in skip}
