"""Server-Sent Events, as the providers send their streams: text to ``(event name, data)`` pairs.

The format (WHATWG HTML, "Server-sent events"): lines end with CRLF, LF or CR; a blank line
ends an event; ``data:`` lines of one event are joined with newlines; ``event:`` names it;
lines starting with ``:`` are comments (keep-alives); one space after the colon is dropped.
OpenAI ends its streams with ``data: [DONE]``, which is not JSON and carries nothing: the
reader drops it. Anthropic sends ``event: ping`` keep-alives; those reach the importer, which
ignores them, so a stream read here and one received through an SDK look the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

DONE = "[DONE]"


class ServerSentEvent(NamedTuple):
    """One event: its ``event:`` name (None when the stream names none) and its data text."""

    event: str | None
    data: str


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def iter_events(text: str) -> Iterator[ServerSentEvent]:
    """The events of a whole stream's text, in order; ``[DONE]`` and data-less events left out."""
    for block in _normalise(text).split("\n\n"):
        if not block:
            continue
        event = None
        data: list[str] = []
        for line in block.split("\n"):
            if not line or line[0] == ":":
                continue
            field, _, value = line.partition(":")
            if value[:1] == " ":
                value = value[1:]
            if field == "data":
                data.append(value)
            elif field == "event":
                event = value
            # id: and retry: steer reconnection; they carry nothing for the response.
        if not data:
            continue
        joined = data[0] if len(data) == 1 else "\n".join(data)
        if joined == DONE:
            continue
        yield ServerSentEvent(event, joined)
