"""From a provider's own finish reason to the contract's unified one, losing nothing.

The table is the one the docs page "Finish reasons" shows (a test keeps them equal). A value
a provider table does not list maps to ``other``, never to ``stop``: an unknown value may be a
safety block or a failure, and calling it a normal stop would hide it. The raw value is always
returned beside the unified one, for ``provider_finish_reason``.
"""

from __future__ import annotations

from typing import NamedTuple

OTHER = "other"

# provider -> {raw value: unified value}. Gemini's STOP depends on the candidate (see below).
PROVIDER_FINISH_REASONS: dict[str, dict[str, str]] = {
    "openai": {
        "stop": "stop",
        "length": "length",
        "tool_calls": "tool_call",
        "function_call": "tool_call",
        "content_filter": "content_filter",
    },
    "anthropic": {
        "end_turn": "stop",
        "stop_sequence": "stop",
        "max_tokens": "length",
        "model_context_window_exceeded": "length",
        "tool_use": "tool_call",
        "refusal": "content_filter",
        "pause_turn": "paused",
    },
    # The Responses API has no finish-reason field: the importer takes ``status``, or
    # ``incomplete_details.reason`` when the status is incomplete.
    "openai_responses": {
        "completed": "stop",
        "max_output_tokens": "length",
        "content_filter": "content_filter",
        "failed": "error",
        "cancelled": "aborted",
    },
    "gemini": {
        "STOP": "stop",
        "MAX_TOKENS": "length",
        "SAFETY": "content_filter",
        "RECITATION": "content_filter",
        "BLOCKLIST": "content_filter",
        "PROHIBITED_CONTENT": "content_filter",
        "SPII": "content_filter",
        "MALFORMED_FUNCTION_CALL": "error",
        "OTHER": OTHER,
        "LANGUAGE": OTHER,
        "FINISH_REASON_UNSPECIFIED": OTHER,
    },
    "vllm": {"stop": "stop", "length": "length", "tool_calls": "tool_call", "abort": "aborted"},
    "lmdeploy": {"stop": "stop", "length": "length", "error": "error", "abort": "aborted"},
    "opentelemetry": {
        "stop": "stop",
        "length": "length",
        "tool_call": "tool_call",
        "content_filter": "content_filter",
        "error": "error",
    },
}

# The unified values that mean the output was cut short rather than ended by the model.
TRUNCATING = frozenset({"length", "aborted", "paused"})


class FinishReasons(NamedTuple):
    """What goes into an output: ``finish_reason``, ``provider_finish_reason``, ``truncated``."""

    finish_reason: str | None
    provider_finish_reason: str | None
    truncated: bool


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
    if unified == "stop" and has_tool_call and provider.lower() == "gemini":
        unified = "tool_call"
    return FinishReasons(unified, raw, unified in TRUNCATING)
