"""Reading JSON text as JSON means it: Python's json module also takes NaN and Infinity."""

from __future__ import annotations

import json
from typing import Any


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes) -> Any:
    """``json.loads``, refusing NaN, Infinity and -Infinity, which JSON (and the JSON Schema) do not have."""
    return json.loads(text, parse_constant=_reject_constant)
