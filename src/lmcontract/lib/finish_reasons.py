"""From a provider's own finish reason to the contract's unified one, losing nothing.

The tables are generated from the schema (each FinishReason value lists the provider values
that map to it), like the table the docs show. A value
a provider table does not list maps to ``other``, never to ``stop``: an unknown value may be a
safety block or a failure, and calling it a normal stop would hide it. The raw value is always
returned beside the unified one, for ``provider_finish_reason``.
"""

from __future__ import annotations

from typing import NamedTuple

from lmcontract.generated import finish_reasons as _table

OTHER = "other"

# provider -> {raw value: unified value}, generated from the schema's FinishReason annotations.
PROVIDER_FINISH_REASONS: dict[str, dict[str, str]] = _table.PROVIDER_FINISH_REASONS
# provider -> {raw value: unified value} when the output holds a tool call (Gemini's STOP).
WITH_TOOL_CALL: dict[str, dict[str, str]] = _table.WITH_TOOL_CALL
# The unified values that mean the output was cut short rather than ended by the model.
TRUNCATING = frozenset(_table.TRUNCATING)


class FinishReasons(NamedTuple):
    """What goes into an output: ``finish_reason``, ``provider_finish_reason``, ``truncated``."""

    finish_reason: str | None
    provider_finish_reason: str | None
    truncated: bool

    def fields(self) -> dict:
        """The output fields these set: none before a finish, ``truncated`` only when true."""
        if self.finish_reason is None:
            return {}
        out: dict = {"finish_reason": self.finish_reason, "provider_finish_reason": self.provider_finish_reason}
        if self.truncated:
            out["truncated"] = True
        return out


def unify_finish_reason(provider: str, raw: str | None, *, has_tool_call: bool = False) -> FinishReasons:
    """The unified finish reason for ``raw`` as ``provider`` sent it, with the raw value kept.

    ``provider`` is one of ``PROVIDER_FINISH_REASONS`` (case-insensitive); an unknown provider
    raises ``ValueError`` rather than guess. ``has_tool_call`` says whether the output holds a
    tool call, which is how Gemini tells a tool call from a plain stop (both are ``STOP``).
    ``raw=None`` (still generating) gives no finish reason.
    """
    try:
        table = PROVIDER_FINISH_REASONS[provider.lower()]
    except KeyError:
        known = ", ".join(PROVIDER_FINISH_REASONS)
        raise ValueError(f"provider: no finish-reason table for {provider!r}; known: {known}") from None
    if raw is None:
        return FinishReasons(None, None, False)
    unified = table.get(raw, OTHER)
    if has_tool_call:
        unified = WITH_TOOL_CALL.get(provider.lower(), {}).get(raw, unified)
    return FinishReasons(unified, raw, unified in TRUNCATING)
