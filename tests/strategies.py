"""Hypothesis strategies for the merge tests: random complete responses, and the two ways a
provider streams one (delta chunks, cumulative snapshots), built independently of the merge
code so that merging them back is a real check.

Conventions the chunkers follow, as real streams do:
- every part has ``part_index`` equal to its position; the first fragment of a part carries it,
  later fragments may leave it out when parts arrive one after another;
- a tool call's first fragment carries its name, later fragments none (None or "");
- finish reasons and errors come after the last part fragment of their output.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from typing import Any

import torch
from hypothesis import strategies as st

from lmcontract import (
    AudioPart,
    Citation,
    CitationPart,
    DocumentPart,
    ImagePart,
    LMError,
    LMOutput,
    LMResponse,
    LMUsage,
    RefusalPart,
    TextPart,
    ThinkingPart,
    TokenAlternative,
    TokenLogprob,
    ToolCallPart,
    ToolResult,
    ToolResultPart,
)

FINISH = ("stop", "length", "tool_call", "content_filter", "aborted", "paused", "other")
USAGE_FIELDS = ("input_tokens", "output_tokens", "total_tokens", "reasoning_tokens", "cache_read_tokens")
MODE = "_mode"  # an event key: the chunk that carries the event is cumulative
# Every kind of part; those without a field that is appended always arrive whole.
KINDS = ("text", "thinking", "tool_call", "refusal", "image", "audio", "document", "citation", "tool_result")
WHOLE = ("image", "audio", "document", "citation", "tool_result")
# The dtypes the schema admits for logits and last_hidden_state (their dtypes annotation).
DTYPES = (torch.float32, torch.float16, torch.bfloat16, torch.float64)
# Finish reasons that cut an output short: they make truncated true (schema annotation truncates).
TRUNCATING = ("length", "aborted", "paused")

small_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
words = st.text("abcxyz é😀", min_size=1, max_size=6)
finite = st.floats(allow_nan=False, allow_infinity=False)
json_scalar = st.none() | st.booleans() | st.integers(-1000, 1000) | finite | small_text
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=6,
)
json_object = st.dictionaries(words, json_value, max_size=3)
# Argument text that must stay raw: not JSON, or JSON that is not an object. Never blank.
unparseable = st.sampled_from(['{"city": "Par', "[1, 2]", "not json", '{"a": NaN}', '"text"', "{'a': 1}"])


# --- complete responses -------------------------------------------------------------------


@st.composite
def tensor_rows(draw: Any, rows: int, width: int | None = None, dtype: Any = None) -> torch.Tensor:
    """A (rows, width) tensor of random values, from a seed hypothesis draws."""
    width = draw(st.integers(1, 5)) if width is None else width
    dtype = draw(st.sampled_from(DTYPES)) if dtype is None else dtype
    gen = torch.Generator().manual_seed(draw(st.integers(0, 2**31)))
    if dtype.is_floating_point:
        return (torch.randn(rows, width, generator=gen) * 100).to(dtype)
    return torch.randint(-(2**40), 2**40, (rows, width), generator=gen, dtype=dtype)


@st.composite
def parts(draw: Any) -> list:
    kind_names = st.sampled_from(KINDS)
    kinds = draw(st.lists(kind_names, min_size=1, max_size=5))
    made = []
    for position, kind in enumerate(kinds):
        extra = {"part_index": position}
        if draw(st.booleans()):
            extra["provider_data"] = draw(json_object)
        if kind == "text":
            citation = st.builds(Citation, url=words, start_index=st.integers(0, 9))
            citations = draw(st.none() | st.lists(citation, max_size=2))
            made.append(TextPart(text=draw(small_text), citations=citations, **extra))
        elif kind == "thinking":
            made.append(
                ThinkingPart(
                    text=draw(st.none() | small_text),
                    signature=draw(st.none() | words),
                    redacted=draw(st.sampled_from([None, False, True])),
                    **extra,
                )
            )
        elif kind == "tool_call":
            call_id = draw(st.none() | st.just(f"call_{position}"))
            if draw(st.integers(0, 3)):
                made.append(ToolCallPart(id=call_id, name=draw(words), arguments=draw(json_object), **extra))
            else:
                made.append(ToolCallPart(id=call_id, name=draw(words), arguments_raw=draw(unparseable), **extra))
        elif kind == "refusal":
            made.append(RefusalPart(text=draw(small_text), **extra))
        elif kind == "citation":
            made.append(CitationPart(citation=Citation(url=draw(words), cited_text=draw(small_text)), **extra))
        elif kind == "tool_result":
            result = ToolResult(tool_call_id=f"call_{position}", content=draw(json_value))
            made.append(ToolResultPart(result=result, **extra))
        elif kind == "audio":
            made.append(AudioPart(data="AAAA", media_type="audio/wav", transcript=draw(small_text), **extra))
        elif kind == "document":
            made.append(DocumentPart(file_id=draw(words), title=draw(st.none() | words), **extra))
        else:
            made.append(ImagePart(url=f"https://example.com/{position}.png", media_type="image/png", **extra))
    return made


@st.composite
def logprob(draw: Any, token_id: int) -> TokenLogprob:
    top = draw(
        st.none()
        | st.lists(
            st.builds(
                TokenAlternative,
                token=words,
                token_id=st.integers(0, 50),
                logprob=st.floats(-20, 0),
                rank=st.integers(1, 5),
                bytes=st.none() | st.lists(st.integers(0, 255), max_size=3),
            ),
            max_size=3,
        )
    )
    return TokenLogprob(
        token=draw(words),
        token_id=draw(st.sampled_from([token_id, None])),
        logprob=draw(st.floats(-20, 0)),
        bytes=draw(st.none() | st.lists(st.integers(0, 255), max_size=3)),
        top=top,
    )


@st.composite
def usage(draw: Any) -> LMUsage:
    chosen = draw(st.lists(st.sampled_from(USAGE_FIELDS), min_size=1, unique=True))
    return LMUsage(**{name: draw(st.integers(0, 10_000)) for name in chosen})


@st.composite
def output(draw: Any, index: int, errored: bool) -> LMOutput:
    n_tokens = draw(st.integers(0, 5))
    token_ids = draw(st.lists(st.integers(0, 50), min_size=n_tokens, max_size=n_tokens))
    made = draw(parts())
    if errored and draw(st.integers(0, 3)) == 0:
        made = None  # failed before its first part: the error says why it has none
    fields: dict[str, Any] = {"index": index, "parts": made}
    if n_tokens or draw(st.booleans()):
        fields["token_ids"] = token_ids
        if draw(st.booleans()):
            fields["logprobs"] = [draw(logprob(tid)) for tid in token_ids]
    # With token ids, a tensor has one row per token id; without, any number of rows.
    rows = st.just(n_tokens) if "token_ids" in fields else st.integers(0, 5)
    if draw(st.booleans()):
        fields["logits"] = draw(tensor_rows(draw(rows)))
    if draw(st.booleans()):
        fields["last_hidden_state"] = draw(tensor_rows(draw(rows)))
    if draw(st.booleans()):
        fields["usage"] = draw(usage())
    if draw(st.booleans()):
        fields["provider_data"] = draw(json_object)
    fields["truncated"] = draw(st.booleans())
    fields["provider_finish_reason"] = draw(st.none() | words)
    fields["stop_sequence"] = draw(st.none() | words)
    if errored or draw(st.integers(0, 5)) == 0:
        fields["finish_reason"] = "error"
        if not errored:
            fields["error"] = LMError(message=draw(words), code=draw(st.none() | words))
    else:
        fields["finish_reason"] = draw(st.none() | st.sampled_from(FINISH))
        if fields["finish_reason"] in TRUNCATING:
            fields["truncated"] = True
    return LMOutput(**fields)


@st.composite
def responses(draw: Any) -> LMResponse:
    """A random complete response: several outputs with every kind of content."""
    indices = sorted(draw(st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True)))
    errored = draw(st.integers(0, 6)) == 0
    outputs = [draw(output(i, errored)) for i in indices]
    if errored and draw(st.integers(0, 3)) == 0:
        outputs = None  # the call failed before any output
    fields: dict[str, Any] = {
        "outputs": outputs,
        "id": draw(st.none() | words),
        "model": draw(st.none() | words),
        "provider": draw(st.none() | words),
        "created": draw(st.none() | st.just(datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc))),
        "cost": draw(st.none() | st.floats(0, 10)),
        "cache_hit": draw(st.none() | st.booleans()),
        "usage": draw(st.none() | usage()),
        "provider_data": draw(st.none() | json_object),
        "metadata": draw(st.none() | json_object),
    }
    if errored:
        fields["error"] = LMError(message="stream broke")
    return LMResponse(**fields)


# --- cutting into delta chunks ----------------------------------------------------------------


def _cuts(draw: Any, length: int, most: int = 3) -> list[int]:
    """Sorted cut points splitting range(length) into 1..most+1 pieces (empty pieces allowed)."""
    points = draw(st.lists(st.integers(0, length), max_size=most))
    return [0, *sorted(points), length]


def _pieces(draw: Any, seq: Any, most: int = 3) -> list:
    cuts = _cuts(draw, len(seq), most)
    return [seq[a:b] for a, b in itertools.pairwise(cuts)]


def _argument_text(draw: Any, part: ToolCallPart) -> str:
    if part.arguments is None:
        return part.arguments_raw
    if part.arguments == {} and draw(st.booleans()):
        return ""  # an empty buffer means {}
    return json.dumps(part.arguments, ensure_ascii=draw(st.booleans()))


def _spread_object(draw: Any, value: Any, slots: int) -> list:
    """A provider_data/metadata value as ``slots`` pieces merged key by key: each key's final
    value in one piece, decoys before it, later pieces naming it not again. A value that is not
    an object (or an empty one) goes whole into one piece."""
    pieces: list = [None] * slots
    if not isinstance(value, dict) or not value:
        pieces[draw(st.integers(0, slots - 1))] = value
        return pieces
    for key, item in value.items():
        final = draw(st.integers(0, slots - 1))
        pieces[final] = {**(pieces[final] or {}), key: item}
        for earlier in range(final):
            if draw(st.integers(0, 3)) == 0:
                pieces[earlier] = {**(pieces[earlier] or {}), key: "superseded"}
    return pieces


def _fragments(draw: Any, part: Any, keyless_ok: bool) -> list:
    """A part as the fragments a delta stream would send, first to last."""
    kind = part.type
    whole = kind in WHOLE or (kind == "tool_call" and part.arguments is not None and draw(st.integers(0, 3)) == 0)
    if whole:
        # A part that arrives complete (Gemini's function calls, media): new unless a key pairs it.
        return [part.model_copy(deep=True)]
    if kind == "tool_call":
        texts = _pieces(draw, _argument_text(draw, part))
    elif kind == "thinking" and part.text is None:
        texts = [None]
    else:
        texts = _pieces(draw, part.text)
    citations = _pieces(draw, part.citations) if kind == "text" and part.citations is not None else []
    made = []
    id_at = draw(st.integers(0, len(texts) - 1))  # the fragment that surely carries a call's id
    provider_data = _spread_object(draw, part.provider_data, len(texts)) if part.provider_data is not None else []
    for n, text in enumerate(texts):
        first, last = n == 0, n == len(texts) - 1
        keyed = first or not keyless_ok or draw(st.booleans())
        fields: dict[str, Any] = {"part_index": part.part_index if keyed else None}
        if provider_data and provider_data[n] is not None:
            fields["provider_data"] = provider_data[n]
        if kind == "tool_call":
            fields["name"] = part.name if first else draw(st.sampled_from([None, ""]))
            fields["arguments_raw"] = text
            if first and draw(st.booleans()):
                fields["arguments"] = {}  # Anthropic's input: {} before the text arrives
            if part.id is not None and (n == id_at or draw(st.booleans())):
                fields["id"] = part.id
        elif kind == "thinking":
            fields["text"] = text
            if last:
                fields["signature"] = part.signature
                fields["redacted"] = part.redacted
            elif part.signature is not None and draw(st.booleans()):
                fields["signature"] = "superseded"  # the last fragment's signature replaces it
        else:
            fields["text"] = text
            if kind == "text" and n < len(citations) and (first or citations[n]):
                fields["citations"] = list(citations[n])
        made.append(type(part)(**fields))
    if kind == "text":
        # Citations left over (more citation pieces than text pieces) ride on empty fragments.
        for extra in citations[len(texts) :]:
            made.append(TextPart(text="", part_index=part.part_index, citations=list(extra) or None))
    return made


def _interleave(draw: Any, streams: list[list]) -> list:
    """The items of several sequences in one random order that keeps each sequence's order."""
    streams = [list(s) for s in streams if s]
    merged = []
    while streams:
        pick = draw(st.integers(0, len(streams) - 1))
        merged.append(streams[pick].pop(0))
        if not streams[pick]:
            streams.pop(pick)
    return merged


def _usage_events(draw: Any, usage: LMUsage | None, slots: int) -> list[dict]:
    """Per event slot, the usage fields to report there: each final value last, decoys before."""
    events: list[dict] = [{} for _ in range(slots)]
    if usage is None:
        return events
    for name, value in usage.model_dump(exclude_none=True).items():
        final = draw(st.integers(0, slots - 1))
        events[final][name] = value
        for earlier in range(final):
            if draw(st.booleans()):
                events[earlier][name] = draw(st.integers(0, 10_000))  # replaced later, never summed
    return events


def _tensor_events(draw: Any, name: str, value: torch.Tensor, start: int) -> list[dict]:
    """Rows ``start:`` of a tensor as delta pieces, sometimes with a cumulative snapshot of the
    rows so far (which replaces the deltas before it) part-way through."""
    rows = value.shape[0]
    if start < rows and draw(st.integers(0, 3)) == 0:
        cut = draw(st.integers(start, rows))
        before = _pieces(draw, value[start:cut]) if cut > start and draw(st.booleans()) else []
        events = [{name: piece} for piece in before]
        events.append({name: value[:cut], MODE: "cumulative"})
        return events + [{name: piece} for piece in _pieces(draw, value[cut:])]
    return [{name: piece} for piece in _pieces(draw, value[start:])]


def _output_events(draw: Any, out: LMOutput, shuffled: bool) -> list[dict]:
    """One output as a sequence of LMOutput field dicts (without index), in stream order."""
    parts = out.parts or []
    # Sometimes the stream starts with a cumulative snapshot of the first parts, tokens and
    # tensor rows, and goes on in deltas (delta and cumulative chunks mixed in one stream).
    whole = draw(st.integers(0, len(parts))) if draw(st.integers(0, 3)) == 0 else None
    tokens = 0 if whole is None or out.token_ids is None else draw(st.integers(0, len(out.token_ids)))
    rows = {}
    opening: list[dict] = []
    if whole is not None:
        snap: dict[str, Any] = {MODE: "cumulative"}
        if out.parts is not None:
            snap["parts"] = [p.model_copy(deep=True) for p in parts[:whole]]
        if out.token_ids is not None:
            snap["token_ids"] = out.token_ids[:tokens]
            if out.logprobs is not None:
                snap["logprobs"] = [lp.model_copy(deep=True) for lp in out.logprobs[:tokens]]
        for name in ("logits", "last_hidden_state"):
            value = getattr(out, name)
            if value is not None:
                # With token ids, a chunk's tensors have one row per token id it carries.
                rows[name] = tokens if out.token_ids is not None else draw(st.integers(0, value.shape[0]))
                snap[name] = value[: rows[name]]
        opening.append(snap)
    part_streams = [_fragments(draw, p, keyless_ok=not shuffled) for p in parts[whole or 0 :]]
    part_events = _interleave(draw, part_streams) if shuffled else [f for s in part_streams for f in s]
    events: list[dict] = [{"parts": [fragment]} for fragment in part_events]
    # Token ids, logprobs and tensor rows, in pieces, anywhere among the part fragments.
    token_events = []
    if out.token_ids is not None:
        cuts = _cuts(draw, len(out.token_ids) - tokens)
        for a, b in itertools.pairwise(cuts):
            event = {"token_ids": out.token_ids[tokens + a : tokens + b]}
            if out.logprobs is not None:
                event["logprobs"] = [lp.model_copy(deep=True) for lp in out.logprobs[tokens + a : tokens + b]]
            for name in ("logits", "last_hidden_state"):
                value = getattr(out, name)
                if value is not None:
                    event[name] = value[tokens + a : tokens + b]
            token_events.append(event)
    tensor_streams = []
    for name in ("logits", "last_hidden_state"):
        value = getattr(out, name)
        if value is not None and out.token_ids is None:
            tensor_streams.append(_tensor_events(draw, name, value, rows.get(name, 0)))
    events = opening + _interleave(draw, [events, token_events, *tensor_streams])
    # Scalars, usage and the finish come after the parts: a finish completes the tool calls.
    tail = [{} for _ in range(draw(st.integers(1, 3)))]
    for name in ("provider_finish_reason", "stop_sequence"):
        value = getattr(out, name)
        if value is not None:
            tail[-1][name] = value
            if len(tail) > 1 and draw(st.booleans()):
                tail[0][name] = "superseded"
    if out.truncated:
        at = draw(st.integers(0, len(tail) - 1))
        tail[at]["truncated"] = True
        if at + 1 < len(tail) and draw(st.booleans()):
            tail[at + 1]["truncated"] = False  # a later False does not reset it
    elif draw(st.booleans()):
        tail[0]["truncated"] = False
    if out.error is not None:
        tail[draw(st.integers(0, len(tail) - 1))]["error"] = out.error
    if out.finish_reason is not None and out.error is None:
        tail[-1]["finish_reason"] = out.finish_reason
        if len(tail) > 1 and out.finish_reason != "error" and draw(st.booleans()):
            tail[0]["finish_reason"] = "other"  # an earlier value the last one replaces
    for event in tail:
        if event.get("finish_reason") in TRUNCATING and event.get("truncated") is False:
            del event["truncated"]  # one chunk cannot say both (the truncation rule refuses it)
    # After the finish: more usage and provider_data, as OpenAI's usage chunk comes after it.
    events += tail + [{} for _ in range(draw(st.integers(0, 2)))]
    if out.provider_data is not None:
        for event, piece in zip(events, _spread_object(draw, out.provider_data, len(events)), strict=True):
            if piece is not None:
                event["provider_data"] = piece
    for event, reported in zip(events, _usage_events(draw, out.usage, len(events)), strict=True):
        if reported:
            event["usage"] = LMUsage(**reported)
    return events


@st.composite
def delta_chunks(draw: Any, response: LMResponse) -> list[LMResponse]:
    """``response`` as a stream of delta chunks, outputs interleaved, parts in or out of order;
    now and then a cumulative chunk among them."""
    shuffled = draw(st.booleans())
    tagged = [[(out.index, e) for e in _output_events(draw, out, shuffled)] for out in response.outputs or []]
    order = _interleave(draw, tagged)
    groups: list[dict[int, dict]] = []
    modes: list[str] = []
    for index, event in order:
        mode = event.pop(MODE, "delta")
        if not groups or index in groups[-1] or mode != modes[-1] or mode == "cumulative" or draw(st.booleans()):
            groups.append({})
            modes.append(mode)
        groups[-1][index] = event
    chunks = [{"outputs": [LMOutput(index=i, **e) for i, e in group.items()]} for group in groups]
    trailing = draw(st.integers(0 if chunks else 1, 2))  # usage, error
    chunks += [{} for _ in range(trailing)]
    modes += ["delta"] * trailing
    _spread_response_fields(draw, response, chunks)
    return [LMResponse(chunk_mode=mode, **c) for mode, c in zip(modes, chunks, strict=True)]


def _spread_response_fields(draw: Any, response: LMResponse, chunks: list[dict]) -> None:
    """Put the response's own fields into chunks, each as its merge rule expects."""
    n = len(chunks)
    for name in ("id", "model", "created", "provider"):
        value = getattr(response, name)
        if value is not None:
            first = draw(st.integers(0, n - 1))
            for at in range(first, n):
                if at == first or draw(st.booleans()):
                    chunks[at][name] = value  # repeated later: the first one stays
    for name in ("cost", "cache_hit"):
        value = getattr(response, name)
        if value is not None:
            chunks[draw(st.integers(0, n - 1))][name] = value
    for name in ("provider_data", "metadata"):
        value = getattr(response, name)
        if value is not None:
            for chunk, piece in zip(chunks, _spread_object(draw, value, n), strict=True):
                if piece is not None:
                    chunk[name] = piece
    for chunk, reported in zip(chunks, _usage_events(draw, response.usage, n), strict=True):
        if reported:
            chunk["usage"] = LMUsage(**reported)
    if response.error is not None:
        chunks[-1]["error"] = response.error


# --- cutting into cumulative snapshots ------------------------------------------------------


def _prefix_part(part: Any, fraction: float) -> Any:
    """The part as a snapshot shows it part-way through: text cut, not yet signed or parsed."""
    kind = part.type
    if kind in WHOLE:
        return part.model_copy(deep=True)
    if kind == "tool_call":
        raw = part.arguments_raw if part.arguments is None else json.dumps(part.arguments)
        return ToolCallPart(
            id=part.id, name=part.name, arguments_raw=raw[: int(len(raw) * fraction)], part_index=part.part_index
        )
    text = part.text
    cut = None if text is None else text[: int(len(text) * fraction)]
    if kind == "text":
        return TextPart(text=cut, part_index=part.part_index, provider_data=part.provider_data)
    if kind == "refusal":
        return RefusalPart(text=cut, part_index=part.part_index, provider_data=part.provider_data)
    return ThinkingPart(text=cut, part_index=part.part_index, provider_data=part.provider_data)


def _snapshot(out: LMOutput, progress: float, final: bool, draw: Any) -> LMOutput:
    if final:
        return out.model_copy(deep=True)
    fields: dict[str, Any] = {"index": out.index}
    if out.parts is not None:
        done = progress * len(out.parts)
        whole = int(done)
        shown = [p.model_copy(deep=True) for p in out.parts[:whole]]
        if whole < len(out.parts):
            shown.append(_prefix_part(out.parts[whole], done - whole))
        fields["parts"] = shown
    if out.token_ids is not None:
        k = int(len(out.token_ids) * progress)
        fields["token_ids"] = out.token_ids[:k]
        if out.logprobs is not None:
            fields["logprobs"] = [lp.model_copy(deep=True) for lp in out.logprobs[:k]]
    for name in ("logits", "last_hidden_state"):
        value = getattr(out, name)
        if value is not None:
            fields[name] = value[: int(value.shape[0] * progress)]
    if out.usage is not None and draw(st.booleans()):
        # Usage so far, every field of it replaced by the final snapshot's.
        fields["usage"] = LMUsage(**{k: draw(st.integers(0, 100)) for k in out.usage.model_dump(exclude_none=True)})
    return LMOutput(**fields)


@st.composite
def cumulative_chunks(draw: Any, response: LMResponse) -> list[LMResponse]:
    """``response`` as cumulative snapshots: each repeats everything so far of the outputs it
    carries; each output's last snapshot is complete."""
    steps = draw(st.integers(1, 4))
    chunks: list[dict] = [{} for _ in range(steps)]
    for out in response.outputs or []:
        shown_at = sorted(draw(st.lists(st.integers(0, steps - 1), min_size=1, max_size=steps, unique=True)))
        progress = sorted(draw(st.floats(0, 1)) for _ in shown_at)
        for n, (at, fraction) in enumerate(zip(shown_at, progress, strict=True)):
            snap = _snapshot(out, fraction, n == len(shown_at) - 1, draw)
            chunks[at].setdefault("outputs", []).append(snap)
    for chunk in chunks:
        chunk.get("outputs", []).sort(key=lambda o: o.index)
    for name in ("id", "model", "created", "provider"):
        value = getattr(response, name)
        if value is not None:
            for chunk in chunks:
                chunk[name] = value
    for name in ("cost", "cache_hit", "provider_data", "metadata", "usage", "error"):
        value = getattr(response, name)
        if value is not None:
            chunks[-1][name] = value
    return [LMResponse(chunk_mode="cumulative", **c) for c in chunks]


# --- helpers for the checks -------------------------------------------------------------------


def receiver(mode: str = "delta") -> LMResponse:
    """An empty response to merge chunks into."""
    return LMResponse(chunk_mode=mode)


def complete(merged: LMResponse) -> LMResponse:
    """A merged stream marked complete, as from_chunks leaves it."""
    merged.finalize()
    merged.chunk_mode = None
    return merged


def mutable_ids(obj: Any, seen: set | None = None) -> set:
    """Identities of every mutable object reachable from ``obj``: lists, dicts, models, and
    tensor storages (by address, so two views of one storage count as one)."""
    seen = set() if seen is None else seen
    if isinstance(obj, (list, dict)):
        seen.add(id(obj))
        for item in obj.values() if isinstance(obj, dict) else obj:
            mutable_ids(item, seen)
    elif isinstance(obj, torch.Tensor):
        if obj.numel():
            seen.add(("storage", obj.untyped_storage().data_ptr()))
    elif hasattr(obj, "__pydantic_fields_set__"):
        seen.add(id(obj))
        mutable_ids(obj.__dict__, seen)
        seen.discard(id(obj.__dict__))  # the model's own dict is the model
    return seen
