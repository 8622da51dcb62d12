"""What every stream importer shares: the ``feed``/``close`` shape and merging a whole stream.

An importer builds each chunk as a plain dict in the contract's JSON shape (``feed_dicts``);
``feed`` validates it into an ``LMResponse``. ``import_stream`` skips the per-chunk models:
it merges the dicts (``lmcontract.importers.accumulate``) and validates once, at the end,
which is what makes importing a long stream several times cheaper than the SDKs' own paths.
A property test holds it equal to ``LMResponse.from_chunks`` over the ``feed`` chunks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class BaseStreamImporter:
    """``feed(event)`` returns the ``LMResponse`` delta chunks one provider event makes;
    ``close()`` returns whatever the stream's end still owes. One importer per stream."""

    def feed_dicts(self, event: Any) -> list[dict]:  # pragma: no cover - every importer defines it
        """The chunks one event makes, as dicts in the contract's JSON shape (not yet validated)."""
        raise NotImplementedError

    def close_dicts(self) -> list[dict]:
        """The chunks the end of the stream still owes, as dicts."""
        return []

    def feed_into(self, event: Any, accumulator: Any) -> None:
        """Merge one event's chunks into an ``Accumulator``; an importer may take a shortcut
        for its most common events (a text fragment of an open part) that gives the same result."""
        for chunk in self.feed_dicts(event):
            accumulator.add(chunk)

    def feed(self, event: Any) -> list:
        """The ``LMResponse`` delta chunks one provider event makes (often one, none for a ping)."""
        from lmcontract import LMResponse

        return [LMResponse.model_validate(chunk) for chunk in self.feed_dicts(event)]

    def close(self) -> list:
        """The ``LMResponse`` delta chunks the end of the stream still owes."""
        from lmcontract import LMResponse

        return [LMResponse.model_validate(chunk) for chunk in self.close_dicts()]

    def chunks(self, events: Iterable[Any]) -> list:
        """Every chunk of a whole stream, ``close()`` included."""
        out: list = []
        for event in events:
            out.extend(self.feed(event))
        out.extend(self.close())
        return out


def merged(importer: BaseStreamImporter, events: Iterable[Any]) -> Any:
    """One complete ``LMResponse`` from a whole stream: imported, merged, validated once."""
    from lmcontract.importers.accumulate import Accumulator

    if type(importer).feed_dicts is BaseStreamImporter.feed_dicts:
        # An importer that builds its chunks as models (it defines feed, not feed_dicts).
        from lmcontract import LMResponse

        return LMResponse.from_chunks(importer.chunks(events))
    accumulator = Accumulator()
    feed_into = importer.feed_into
    for event in events:
        feed_into(event, accumulator)
    for chunk in importer.close_dicts():
        accumulator.add(chunk)
    return accumulator.result()
