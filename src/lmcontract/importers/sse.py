"""Server-Sent Events, as the providers send their streams: text to ``(event name, data)`` pairs.

The format (WHATWG HTML, "Server-sent events"): lines end with CRLF, LF or CR; a blank line
ends an event; ``data:`` lines of one event are joined with newlines; ``event:`` names it;
lines starting with ``:`` are comments (keep-alives); one space after the colon is dropped.
OpenAI ends its streams with ``data: [DONE]``, which is not JSON and carries nothing: the
reader drops it. Anthropic sends ``event: ping`` keep-alives; those reach the importer, which
ignores them, so a stream read here and one received through an SDK look the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

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


# One ``data:`` line per event (what every provider sends): the data lines of a piece of the
# stream are found with one regular expression and decoded as one JSON array, in C, instead of
# event by event. Group 2 catches an event's further data lines (multi-line data is irregular).
_DATA_LINES = re.compile(r"\ndata: ?([^\n]*)((?:\ndata:[^\n]*)*)")
_DECODER = json.JSONDecoder(parse_constant=lambda name: _reject(name))
# Pieces of about this many characters, cut at event boundaries: the working set stays in cache
# and a piece's events die young (before the garbage collector would promote them), so the cost
# per event does not grow with the stream.
_WINDOW = 1 << 13


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _decode_all(datas: list[str]) -> list[Any]:
    values = _DECODER.decode("[" + ",".join(datas) + "]") if datas else []
    if len(values) != len(datas):
        # Some event's data held more than one value ("1, 2"): not JSON on its own.
        values = [_DECODER.decode(d) for d in datas]
    return values


def parse_events(text: str, window: int = _WINDOW) -> Iterator[Any]:
    """The parsed JSON data of every event of a stream's text, in order, ``[DONE]`` left out.

    The same as ``json.loads(e.data) for e in iter_events(text)`` (NaN and Infinity refused),
    only faster. A stream whose events have several data lines takes the general path. Raises
    ``ValueError`` when some event's data is not JSON (``iter_events`` then says which).
    """
    text = "\n" + _normalise(text)
    if "\ndata\n" in text or text.endswith("\ndata"):
        yield from (_DECODER.decode(e.data) for e in iter_events(text))
        return
    position, end = 0, len(text)
    while position < end:
        cut = text.find("\n\n", position + window)
        cut = end if cut < 0 else cut + 1
        found = _DATA_LINES.findall(text, position, cut)
        if any(more for _, more in found):
            yield from (_DECODER.decode(e.data) for e in iter_events(text[position:]))
            return
        yield from _decode_all([data for data, _ in found if data != DONE])
        position = cut
