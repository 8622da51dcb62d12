"""Provider usage records to ``LMUsage``: each contract count is the sum of named wire counts.

The contract counts cached tokens inside ``input_tokens`` and reasoning tokens inside
``output_tokens`` (as OpenTelemetry GenAI does). Providers differ: Anthropic's ``input_tokens``
leaves out cache reads and writes, Gemini's ``candidatesTokenCount`` leaves out thoughts. So a
mapping names, per contract field, the wire counts (dotted paths) that add up to it. Counts are
totals for the call: a stream's later usage replaces the earlier one, it is never summed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

UsageMapping = Mapping[str, tuple[str, ...]]


def _get(usage: Mapping, path: str) -> Any:
    value: Any = usage
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def usage_fields(mapping: UsageMapping, usage: Mapping | None) -> dict[str, int]:
    """The contract's usage fields for a wire usage record; a field none of whose counts were
    reported is left out (absent means "not reported", never zero)."""
    if not usage:
        return {}
    out: dict[str, int] = {}
    for field, paths in mapping.items():
        total = None
        for path in paths:
            value = _get(usage, path)
            if isinstance(value, int) and not isinstance(value, bool):
                total = value if total is None else total + value
        if total is not None:
            out[field] = total
    return out


def usage_record(mapping: UsageMapping, usage: Mapping | None) -> dict | None:
    """An ``LMUsage`` dict with the provider's own record kept verbatim in ``provider_details``."""
    if not usage:
        return None
    fields: dict[str, Any] = usage_fields(mapping, usage)
    fields["provider_details"] = dict(usage)
    return fields
