"""The merge's fast path and its light input (``append_fragment``) give exactly what the general
way gives: over random streams and random fragment sequences, with the fast path on and off; and
the chunks it is for do take it (a test of the speed rule: a lone fragment for the open part is
one string append, no journal, no walk through the general merge)."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import complete, delta_chunks, responses

from lmcontract import LMOutput, LMResponse, MergeError, TextPart, ThinkingPart, ToolCallPart
from lmcontract.lib import merge

SETTINGS = settings()
IDENTITY = {"id": "chatcmpl-1", "model": "gpt-x", "created": datetime(2026, 1, 1, tzinfo=timezone.utc)}
KINDS = {"text": (TextPart, "text"), "thinking": (ThinkingPart, "text"), "tool_call": (ToolCallPart, "arguments_raw")}


def _merged(chunks: list[LMResponse]) -> LMResponse:
    receiver = LMResponse(chunk_mode="delta")
    for chunk in chunks:
        receiver.extend(chunk)
    return receiver


def _open_positions(response: LMResponse) -> list:
    """Where each output's open part is: part of the result, since it decides later merges."""
    return [
        next((i for i, p in enumerate(o.parts or ()) if p is merge._open_part(o)), None)
        for o in response.outputs or ()
    ]


@SETTINGS
@given(st.data())
def test_the_fast_path_merges_every_stream_as_the_general_way_does(data):
    response = data.draw(responses())
    chunks = data.draw(delta_chunks(response))
    fast = _merged(chunks)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(merge, "_fast_fragment", lambda output, parts: False)
        patch.setattr(merge, "_settle", lambda target: (None, frozenset()))
        general = _merged(chunks)
    assert fast == general
    assert _open_positions(fast) == _open_positions(general)
    assert complete(fast) == response


# --- the light input ----------------------------------------------------------------------------

fragment_ops = st.lists(
    st.tuples(
        st.sampled_from(["text", "thinking", "tool_call", "image"]),  # image: not a fragment kind
        st.integers(0, 2),  # output
        st.none() | st.integers(0, 2),  # part_index
        st.none() | st.sampled_from(["call_1", "call_2"]),  # id
        st.text(max_size=3),
        st.sampled_from(["fragment", "fragment", "fragment", "finish", "named_call"]),
    ),
    max_size=25,
)


def _chunk(kind: str, output: int, part_index, call_id, fragment: str) -> LMResponse:
    cls, field = KINDS[kind]
    keys = {"part_index": part_index} if part_index is not None else {}
    if call_id is not None:
        keys["id"] = call_id
    part = cls(**{field: fragment}, **keys)
    return LMResponse(chunk_mode="delta", outputs=[LMOutput(index=output, parts=[part])])


def _apply(receiver: LMResponse, op: tuple, light: bool) -> None:
    kind, output, part_index, call_id, fragment, what = op
    if what == "finish":
        receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=output, finish_reason="stop")]))
    elif what == "named_call":
        part = ToolCallPart(id=call_id, name="f", arguments_raw=fragment, part_index=part_index)
        receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=output, parts=[part])]))
    elif light:
        receiver.append_fragment(fragment, output=output, kind=kind, part_index=part_index, id=call_id)
    else:
        receiver.extend(_chunk(kind, output, part_index, call_id, fragment))


def _outcome(receiver: LMResponse, op: tuple, light: bool) -> str:
    before = copy.deepcopy(receiver)
    try:
        _apply(receiver, op, light)
    except (MergeError, ValueError) as exc:
        assert receiver == before and _open_positions(receiver) == _open_positions(before)
        return type(exc).__name__
    return "merged"


@SETTINGS
@given(fragment_ops)
def test_append_fragment_is_extend_with_the_chunk_that_carries_the_fragment(ops):
    light, chunked = LMResponse(chunk_mode="delta", **IDENTITY), LMResponse(chunk_mode="delta", **IDENTITY)
    for op in ops:
        if op[0] == "image" and op[5] == "fragment":
            with pytest.raises(ValueError, match="kind: 'image' is not a kind of part that arrives in fragments"):
                light.append_fragment(op[4], kind="image")
            continue
        assert _outcome(light, op, True) == _outcome(chunked, op, False)
        assert light == chunked
        assert _open_positions(light) == _open_positions(chunked)
    assert light.finalize() == chunked.finalize()


def test_append_fragment_takes_a_bad_value_as_the_chunk_would_and_changes_nothing():
    receiver = LMResponse(chunk_mode="delta")
    receiver.append_fragment("Hel")
    before = copy.deepcopy(receiver)
    with pytest.raises(ValueError, match=r"outputs\.0\.parts\.0\.text\.text"):
        receiver.append_fragment(3)
    with pytest.raises(ValueError, match=r"outputs\.0\.index"):
        receiver.append_fragment("lo", output=-1)
    with pytest.raises(ValueError, match="id"):
        receiver.append_fragment("lo", id="call_1")  # a text part has no id
    assert receiver == before
    receiver.append_fragment("lo")
    assert receiver.outputs[0].text == "Hello"


# --- the chunks the fast path is for take it ------------------------------------------------


def _streaming(*parts) -> LMResponse:
    receiver = LMResponse(chunk_mode="delta")
    receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=list(parts))], **IDENTITY))
    return receiver


FAST = [
    pytest.param(TextPart(text=" tok"), id="text"),
    pytest.param(TextPart(text=" tok", part_index=0), id="text with its part_index"),
    pytest.param(TextPart(type="text", text=" tok", part_index=0), id="text naming every key, as from JSON"),
    pytest.param(ToolCallPart(arguments_raw="ab"), id="call text"),
    pytest.param(ToolCallPart(arguments_raw="ab", id="call_1", part_index=0), id="call text with its keys"),
]


@pytest.mark.parametrize("fragment", FAST)
def test_a_lone_fragment_for_the_open_part_takes_the_fast_path(fragment, monkeypatch):
    opening = TextPart(text="a", part_index=0) if fragment.type == "text" else ToolCallPart(
        id="call_1", name="f", arguments_raw="{", part_index=0
    )
    receiver = _streaming(opening)
    field = "text" if fragment.type == "text" else "arguments_raw"
    want = getattr(opening, field) + getattr(fragment, field) * 2

    def refuse(*args, **kwargs):
        raise AssertionError("went the general way")

    monkeypatch.setattr(merge, "_merge_response", refuse)
    monkeypatch.setattr(merge, "_merge_output", refuse)
    monkeypatch.setattr(merge, "_fragment_chunk", refuse)  # the light input builds no chunk
    receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[fragment])], **IDENTITY))
    receiver.outputs[0].extend(LMOutput(index=0, parts=[fragment]))
    assert getattr(receiver.outputs[0].parts[0], field) == want
    kind = fragment.type
    receiver.append_fragment("z", kind=kind, part_index=fragment.part_index, id=getattr(fragment, "id", None))
    assert getattr(receiver.outputs[0].parts[0], field) == want + "z"


SLOW = [
    pytest.param({"id": "another"}, TextPart(text="x"), id="identity the receiver lacks"),
    pytest.param({}, TextPart(text="x", part_index=1), id="another part_index"),
    pytest.param({}, ThinkingPart(text="x"), id="another kind"),
    pytest.param({}, TextPart(text="x", signature="s"), id="a field beyond the fragment"),
]


@pytest.mark.parametrize(("fields", "fragment"), SLOW)
def test_a_chunk_that_is_more_than_a_fragment_goes_the_general_way(fields, fragment, monkeypatch):
    receiver = LMResponse(chunk_mode="delta")
    opening = LMOutput(index=0, parts=[TextPart(text="a", part_index=0)])
    receiver.extend(LMResponse(chunk_mode="delta", outputs=[opening]))
    calls = []
    general = merge._merge_response
    monkeypatch.setattr(merge, "_merge_response", lambda *args: calls.append(1) or general(*args))
    receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[fragment])], **fields))
    assert calls == [1]


def test_the_identity_note_follows_assignment_and_copies():
    receiver = _streaming(TextPart(text="a"))
    receiver.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text="b")])], **IDENTITY))
    receiver.id = None  # the receiver loses the id it had: the next chunk's id must be taken
    receiver.extend(
        LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text="c")])], id="chatcmpl-2")
    )
    assert receiver.id == "chatcmpl-2" and receiver.outputs[0].text == "abc"
    copied = receiver.model_copy(update={"model": None}, deep=True)
    copied.extend(LMResponse(chunk_mode="delta", outputs=[LMOutput(index=0, parts=[TextPart(text="d")])], model="m2"))
    assert copied.model == "m2" and copied.outputs[0].text == "abcd"
    assert receiver.model == "gpt-x" and receiver.outputs[0].text == "abc"
    assert LMResponse.model_validate(receiver.model_dump()) == receiver  # the note is not a field
