"""Importers: what a provider, engine or framework returns, turned into ``LMResponse``.

One module per wire format. Each offers the same three things:

- ``from_payload(payload) -> LMResponse``: a complete (non-streamed) result;
- ``StreamImporter``: ``feed(event)`` takes the provider's stream events one at a time and returns
  the ``LMResponse`` delta chunks they make (keeping whatever state the stream needs), and
  ``close()`` returns any chunks still held back when the stream ends;
- ``import_stream(events) -> LMResponse``: import and merge a whole stream in one call.

Inputs are parsed JSON dicts or the SDK's own objects; an importer never imports a provider's SDK.
``lmcontract.importers.streaming.BaseStreamImporter`` gives ``feed``/``close`` and a fast
``import_stream`` to an importer that builds each chunk as a plain dict (``feed_dicts``).
``FORMATS`` maps the names ``lmcontract convert --from`` takes to their modules.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

FORMATS: dict[str, str] = {
    "openai-chat": "lmcontract.importers.openai_chat",
    "openai-completions": "lmcontract.importers.openai_completions",
    "openai-responses": "lmcontract.importers.openai_responses",
    "anthropic": "lmcontract.importers.anthropic",
    "gemini": "lmcontract.importers.gemini",
    # Engines and frameworks (transformers' generate() output is tensors, not JSON: hf has no
    # --from form; use lmcontract.importers.hf in Python).
    "vllm": "lmcontract.importers.vllm",
    "lmdeploy": "lmcontract.importers.lmdeploy",
    "dspy": "lmcontract.importers.dspy",
    "otel": "lmcontract.importers.otel",
}


def importer(format_name: str) -> ModuleType:
    """The importer module for a ``--from`` format name; ``KeyError`` names the known ones."""
    try:
        module = FORMATS[format_name]
    except KeyError:
        raise KeyError(f"unknown format {format_name!r}; one of: {', '.join(sorted(FORMATS))}") from None
    return import_module(module)
