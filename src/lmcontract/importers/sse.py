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


# One ``data:`` line per event (what every provider sends): the data lines can be found with
# one regular expression and parsed as one JSON array, in C, instead of event by event.
_DATA_LINE = re.compile(r"^data: ?(.*)$", re.M)
_IRREGULAR = re.compile(r"^data:.*\n(?:data:|data$)|^data$", re.M)
_DECODER = json.JSONDecoder(parse_constant=lambda name: _reject(name))


def _reject(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_events(text: str, batch: int = 256) -> Iterator[Any]:
    """The parsed JSON data of every event of a stream's text, in order, ``[DONE]`` left out.

    The same as ``json.loads(e.data) for e in iter_events(text)`` (NaN and Infinity refused),
    only faster: the data lines are found with one regular expression and decoded ``batch`` at a
    time as one JSON array, so a long stream's events are not all alive at once. A stream whose
    events have several data lines takes the general path. Raises ``ValueError`` when some
    event's data is not JSON (``iter_events`` then says which).
    """
    text = _normalise(text)
    if _IRREGULAR.search(text):
        for event in iter_events(text):
            yield _DECODER.decode(event.data)
        return
    datas = [d for d in _DATA_LINE.findall(text) if d != DONE]
    for start in range(0, len(datas), batch):
        group = datas[start : start + batch]
        values = _DECODER.decode("[" + ",".join(group) + "]")
        if len(values) != len(group):
            # Some event's data held more than one value ("1, 2"): not JSON on its own.
            values = [_DECODER.decode(d) for d in group]
        yield from values
