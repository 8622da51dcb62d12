"""What every stream importer shares: the ``feed``/``close`` shape and merging a whole stream."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class BaseStreamImporter:
    """``feed(event)`` returns the ``LMResponse`` delta chunks one provider event makes;
    ``close()`` returns whatever the stream's end still owes. One importer per stream."""

    def feed(self, event: Any) -> list:  # pragma: no cover - every importer defines it
        raise NotImplementedError

    def close(self) -> list:
        return []

    def chunks(self, events: Iterable[Any]) -> list:
        """Every chunk of a whole stream, ``close()`` included."""
        out: list = []
        for event in events:
            out.extend(self.feed(event))
        out.extend(self.close())
        return out


def merged(importer: BaseStreamImporter, events: Iterable[Any]) -> Any:
    """One complete ``LMResponse`` from a whole stream: imported, merged, finalized."""
    from lmcontract import LMResponse

    return LMResponse.from_chunks(importer.chunks(events))
