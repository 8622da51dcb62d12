"""Each rule of "Merging a stream" (design notes), by number, on hand-made chunks; then every
way a merge can fail, with the receiver checked unchanged afterwards."""

from __future__ import annotations

import copy
import json
import sys
import threading
from pathlib import Path

import pytest
import torch
from strategies import complete, mutable_ids

from lmcontract import (
    ChunkMode,
    Citation,
    CitationPart,
    ImagePart,
    LMError,
    LMOutput,
    LMResponse,
    LMUsage,
    MergeError,
    RefusalPart,
    TextPart,
    ThinkingPart,
    TokenAlternative,
    TokenLogprob,
    ToolCallPart,
    ToolResult,
    ToolResultPart,
    UnknownPart,
)

ROOT = Path(__file__).resolve().parent.parent


def chunk(*outputs: LMOutput, mode: str | None = "delta", **fields) -> LMResponse:
    return LMResponse(chunk_mode=mode, outputs=list(outputs) if outputs else None, **fields)


def out(*parts, index: int = 0, **fields) -> LMOutput:
    return LMOutput(index=index, parts=list(parts) if parts else None, **fields)


def merged(*chunks: LMResponse) -> LMResponse:
    receiver = LMResponse(chunk_mode="delta")
    for c in chunks:
        assert receiver.extend(c) is receiver
    return receiver


def state(model) -> tuple:
    """Everything observable about a model: its exact JSON (tensors too) and what is set."""
    return (
        model.model_dump_json(context={"tensors": True}),
        model.model_dump_json(exclude_unset=True, context={"tensors": True}),
    )


def lp(token_id: int | None, logprob: float = -0.5, top: int = 0) -> TokenLogprob:
    alternatives = [TokenAlternative(token=f"t{k}", token_id=k, logprob=-1.0 - k, rank=k + 1) for k in range(top)]
    return TokenLogprob(token=f"tok{token_id}", token_id=token_id, logprob=logprob, top=alternatives or None)


# --- rule 1: delta or cumulative is explicit ---------------------------------------------------


def test_rule_01_delta_chunks_append():
    r = merged(chunk(out(TextPart(text="Hel"))), chunk(out(TextPart(text="lo"))))
    assert r.outputs[0].text == "Hello"
    assert r.chunk_mode == "delta"  # extend never changes the receiver's own mode


def test_rule_01_cumulative_chunks_replace_and_never_double():
    first = chunk(out(TextPart(text="Hel"), token_ids=[1], logits=torch.ones(1, 3)), mode="cumulative")
    second = chunk(out(TextPart(text="Hello"), token_ids=[1, 2], logits=torch.ones(2, 3)), mode="cumulative")
    r = merged(first, second)
    assert r.outputs[0].text == "Hello"
    assert r.outputs[0].token_ids == [1, 2]
    assert r.outputs[0].logits.shape == (2, 3)


def test_rule_01_complete_response_merges_like_a_delta():
    complete = LMResponse(outputs=[out(TextPart(text="one "), token_ids=[1])])
    complete.extend(LMResponse(outputs=[out(TextPart(text="two"), token_ids=[2])]))
    assert complete.outputs[0].text == "one two"
    assert complete.outputs[0].token_ids == [1, 2]
    assert complete.chunk_mode is None


def test_rule_01_output_extend_says_the_mode_by_keyword():
    o = out(TextPart(text="Hel"), token_ids=[1])
    assert o.extend(out(TextPart(text="lo"), token_ids=[2])) is o
    assert (o.text, o.token_ids) == ("Hello", [1, 2])
    o.extend(out(TextPart(text="Hello!"), token_ids=[1, 2, 3]), mode="cumulative")
    assert (o.text, o.token_ids) == ("Hello!", [1, 2, 3])
    o.extend(out(TextPart(text="?")), mode=ChunkMode.delta)
    assert o.text == "Hello!?"
    with pytest.raises(ValueError, match="mode"):
        o.extend(out(), mode="append")


# --- rule 2: outputs by index -----------------------------------------------------------------


def test_rule_02_outputs_merge_by_index_not_position():
    r = merged(
        chunk(out(TextPart(text="a"), index=0), out(TextPart(text="x"), index=1)),
        chunk(out(TextPart(text="y"), index=1), out(TextPart(text="b"), index=0)),  # reversed order
        chunk(out(TextPart(text="late"), index=3)),
        chunk(out(TextPart(text="between"), index=2)),
    )
    assert [(o.index, o.text) for o in r.outputs] == [(0, "ab"), (1, "xy"), (2, "between"), (3, "late")]


# --- rule 3: parts by key ----------------------------------------------------------------------


def test_rule_03_parts_merge_by_key_text_then_tool_call_keeps_both():
    r = merged(
        chunk(out(TextPart(text="Let me check", part_index=0))),
        chunk(out(ToolCallPart(id="c1", name="weather", arguments_raw='{"city":', part_index=1))),
        chunk(out(ToolCallPart(arguments_raw=' "Paris"}', part_index=1))),
        chunk(out(finish_reason="tool_call")),
    )
    text, call = r.outputs[0].parts
    assert text.text == "Let me check"
    assert (call.id, call.name, call.arguments) == ("c1", "weather", {"city": "Paris"})


def test_rule_03_out_of_order_parts_land_by_part_index():
    r = merged(
        chunk(out(TextPart(text="C", part_index=2))),
        chunk(out(TextPart(text="A", part_index=0))),
        chunk(out(ThinkingPart(text="B", part_index=1))),
        chunk(out(TextPart(text="c", part_index=2), TextPart(text="a", part_index=0))),
    )
    assert [(p.part_index, p.type, p.text) for p in r.outputs[0].parts] == [
        (0, "text", "Aa"),
        (1, "thinking", "B"),
        (2, "text", "Cc"),
    ]


def test_rule_03_a_keyless_fragment_continues_the_open_part_of_its_kind():
    r = merged(
        chunk(out(ThinkingPart(text="hm"))),
        chunk(out(ThinkingPart(text="m"))),  # same kind as the open part: continues it
        chunk(out(TextPart(text="Hi"))),  # another kind: a new part
        chunk(out(TextPart(text="!"))),
        chunk(out(ThinkingPart(text="again"))),  # the open part is text now: a new part
    )
    assert [(p.type, p.text) for p in r.outputs[0].parts] == [
        ("thinking", "hmm"),
        ("text", "Hi!"),
        ("thinking", "again"),
    ]


def test_rule_03_tool_call_fragments_pair_up_by_id():
    r = merged(
        chunk(out(ToolCallPart(id="a", name="f", arguments_raw='{"x"'))),
        chunk(out(ToolCallPart(id="b", name="g", arguments_raw='{"y"'))),
        chunk(out(ToolCallPart(id="a", arguments_raw=": 1}"))),
        chunk(out(ToolCallPart(id="b", name="", arguments_raw=": 2}"))),
        chunk(out(finish_reason="tool_call")),
    )
    assert [(c.id, c.arguments) for c in r.outputs[0].tool_calls] == [("a", {"x": 1}), ("b", {"y": 2})]


# --- rule 4: tool-call arguments ---------------------------------------------------------------


def test_rule_04_arguments_buffered_then_parsed_once_when_the_call_completes():
    r = merged(
        chunk(out(ToolCallPart(id="c", name="f", arguments_raw='{"q": ', part_index=0))),
        chunk(out(ToolCallPart(name="", arguments_raw='"a b"', part_index=0))),
        chunk(out(ToolCallPart(name="", arguments_raw="}"))),
    )
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == (None, '{"q": "a b"}')  # still streaming
    r.extend(chunk(out(finish_reason="tool_call")))
    # Parsed when the call completes; the text it came from stays until the stream is finalized.
    assert (call.arguments, call.arguments_raw) == ({"q": "a b"}, '{"q": "a b"}')
    parsed = call.arguments
    r.extend(chunk(out(finish_reason="tool_call")))
    assert call.arguments is parsed  # not parsed again
    r.finalize()
    assert (call.arguments, call.arguments_raw) == ({"q": "a b"}, None)


@pytest.mark.parametrize("raw", ['{"city": "Par', "[1, 2]", '{"a": NaN}', "'single'", "null"])
def test_rule_04_argument_text_that_does_not_parse_stays_raw(raw):
    r = merged(chunk(out(ToolCallPart(name="f", arguments_raw=raw), finish_reason="tool_call")))
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == (None, raw)


@pytest.mark.parametrize("fragments", [[], [""], ["", " \n"]])
def test_rule_04_an_empty_argument_buffer_means_an_empty_object(fragments):
    chunks = [chunk(out(ToolCallPart(name="ping", part_index=0)))]
    chunks += [chunk(out(ToolCallPart(name="", arguments_raw=f, part_index=0))) for f in fragments]
    r = LMResponse.from_chunks(chunks)
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == ({}, None)


def test_rule_04_from_chunks_and_finalize_complete_calls_without_a_finish_reason():
    chunks = [chunk(out(ToolCallPart(name="f", arguments_raw='{"n": 1}')))]
    assert LMResponse.from_chunks(chunks).outputs[0].parts[0].arguments == {"n": 1}
    r = merged(*chunks)
    assert r.outputs[0].parts[0].arguments is None
    assert r.finalize() is r
    assert r.outputs[0].parts[0].arguments == {"n": 1}
    o = out(ToolCallPart(name="f", arguments_raw="{}"))
    assert o.finalize().parts[0].arguments == {}


def test_rule_04_the_tail_of_a_call_is_not_parsed_on_its_own():
    # A run of chunks holding only later fragments (no name) is not a whole call.
    tail = merged(chunk(out(ToolCallPart(arguments_raw='{"b": 2}', part_index=0), finish_reason="stop")))
    assert tail.outputs[0].parts[0].arguments is None
    head = merged(chunk(out(ToolCallPart(name="f", arguments_raw='{"a": 1, "n": ', part_index=0))))
    head.extend(chunk(out(ToolCallPart(arguments_raw="3}", part_index=0), finish_reason="stop")))
    assert head.outputs[0].parts[0].arguments == {"a": 1, "n": 3}


def test_rule_04_parsed_arguments_in_a_chunk_supersede_buffered_text():
    r = merged(chunk(out(ToolCallPart(name="f", arguments_raw=" ", part_index=0))))
    r.extend(chunk(out(ToolCallPart(name="f", arguments={"k": [1]}, part_index=0))))
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == ({"k": [1]}, None)


# --- rules 5 and 6: thinking, citations --------------------------------------------------------


def test_rule_05_thinking_text_concatenates_while_signature_and_redacted_replace():
    r = merged(
        chunk(out(ThinkingPart(text="Let me ", signature="old", part_index=0))),
        chunk(out(ThinkingPart(text="think.", part_index=0))),
        chunk(out(ThinkingPart(signature="sig-final", redacted=False, part_index=0))),
        chunk(out(ThinkingPart(text="opaque", redacted=True, part_index=1))),
    )
    thinking, redacted = r.outputs[0].parts
    assert (thinking.text, thinking.signature, thinking.redacted) == ("Let me think.", "sig-final", False)
    assert redacted.redacted is True
    assert r.outputs[0].reasoning == "Let me think."  # the redacted payload is not reasoning


def test_rule_06_citations_append_to_the_part_they_belong_to():
    r = merged(
        chunk(out(TextPart(text="Paris", citations=[Citation(url="a")], part_index=0))),
        chunk(out(TextPart(text="Rome", citations=[Citation(url="c")], part_index=1))),
        chunk(out(TextPart(text=" is big", citations=[Citation(url="b")], part_index=0))),
    )
    first, second = r.outputs[0].parts
    assert [c.url for c in first.citations] == ["a", "b"]
    assert [c.url for c in second.citations] == ["c"]


# --- rule 7: token ids and logprobs --------------------------------------------------------------


def test_rule_07_token_ids_and_logprobs_concatenate_and_stay_aligned():
    a = chunk(out(token_ids=[5, 6], logprobs=[lp(5, top=2), lp(None, top=0)]))
    b = chunk(out(token_ids=[7], logprobs=[lp(7, top=3)]))
    r = merged(a, b)
    o = r.outputs[0]
    assert o.token_ids == [5, 6, 7]
    assert o.logprobs == [*a.outputs[0].logprobs, *b.outputs[0].logprobs]
    assert [len(x.top or []) for x in o.logprobs] == [2, 0, 3]  # alternatives stay whole per position
    assert o.logprobs[0] is not a.outputs[0].logprobs[0]


# --- rule 8: finish reason and stop sequence ---------------------------------------------------


def test_rule_08_the_last_non_null_finish_reason_and_stop_sequence_win():
    r = merged(
        chunk(out(finish_reason="length", stop_sequence="\n", provider_finish_reason="max_tokens")),
        chunk(out(finish_reason="stop", stop_sequence="END", provider_finish_reason="end_turn")),
        chunk(out(TextPart(text="x"))),  # nulls: erase nothing
    )
    o = r.outputs[0]
    assert (o.finish_reason, o.stop_sequence, o.provider_finish_reason) == ("stop", "END", "end_turn")


# --- rule 9: usage ------------------------------------------------------------------------------


def test_rule_09_usage_is_replaced_field_by_field_never_summed_never_erased():
    r = merged(
        chunk(usage=LMUsage(input_tokens=10, output_tokens=1)),
        chunk(usage=LMUsage(output_tokens=5, provider_details={"x": 1})),
        chunk(usage=LMUsage(cache_read_tokens=4)),
        chunk(out(TextPart(text="t"), usage=LMUsage(output_tokens=2))),
        chunk(out(usage=LMUsage(output_tokens=3, input_tokens=9))),
    )
    assert r.usage == LMUsage(input_tokens=10, output_tokens=5, cache_read_tokens=4, provider_details={"x": 1})
    assert r.outputs[0].usage == LMUsage(input_tokens=9, output_tokens=3)


# --- rule 10: tensors -----------------------------------------------------------------------------


def test_rule_10_tensors_concatenate_along_the_sequence_keeping_dtype_and_device():
    rows = [torch.randn(k, 4, dtype=torch.float64) for k in (1, 3, 0, 2)]
    hidden = [torch.arange(k * 2, dtype=torch.float16).reshape(k, 2) for k in (2, 1, 1, 3)]
    r = merged(*(chunk(out(logits=x, last_hidden_state=h)) for x, h in zip(rows, hidden, strict=True)))
    o = r.outputs[0]
    assert torch.equal(o.logits, torch.cat(rows)) and o.logits.dtype == torch.float64
    assert torch.equal(o.last_hidden_state, torch.cat(hidden)) and o.last_hidden_state.dtype == torch.float16
    assert o.logits.device == rows[0].device


# --- rule 11: the chunk is never changed nor shared ------------------------------------------------


def _rich_chunk() -> LMResponse:
    return chunk(
        out(
            TextPart(text="t", citations=[Citation(url="u")], provider_data={"k": [1]}),
            ToolCallPart(name="f", arguments={"a": {"b": [1]}}, part_index=1),
            token_ids=[1, 2],
            logprobs=[lp(1, top=2), lp(2)],
            logits=torch.randn(2, 3),
            usage=LMUsage(output_tokens=2, provider_details={"d": [1]}),
            provider_data={"p": {"q": 1}},
            metadata={"m": [1]},
        ),
        usage=LMUsage(input_tokens=3),
        provider_data={"r": [1]},
        metadata={"tags": ["a"]},
        error=LMError(message="m", provider_data={"e": [1]}),
    )


@pytest.mark.parametrize("mode", ["delta", "cumulative"])
def test_rule_11_the_chunk_is_never_mutated_and_never_aliased(mode):
    first, second = _rich_chunk(), _rich_chunk()
    second.chunk_mode = mode
    before = [state(first), state(second)]
    r = merged(first, second)
    assert [state(first), state(second)] == before
    assert not mutable_ids(r) & (mutable_ids(first) | mutable_ids(second))
    kept = state(r)
    second.outputs[0].token_ids.append(9)
    second.outputs[0].parts[0].citations.clear()
    second.outputs[0].parts[1].arguments["a"]["b"].append(2)
    second.outputs[0].logits.zero_()
    second.metadata["tags"].append("b")
    assert state(r) == kept


# --- rule 12: strings accumulate in buffers --------------------------------------------------------


def test_rule_12_text_grows_in_place_yet_reads_right_after_every_extend():
    r = LMResponse(chunk_mode="delta")
    expected, seen = "", []
    for n in range(200):
        piece = f"w{n} "
        r.extend(chunk(out(TextPart(text=piece), ThinkingPart(text=piece, part_index=1), index=n % 2)))
        expected += piece if n % 2 == 0 else ""
        seen.append(r.outputs[0].text)  # the caller keeps a reference: it must never change
        assert r.outputs[0].text == expected
    assert all(s == expected[: len(s)] for s in seen)
    assert [len(s) for s in seen] == sorted(len(s) for s in seen)


# --- rule 13: identity and errors -----------------------------------------------------------------


def test_rule_13_identity_fields_come_from_the_first_chunk_that_has_them():
    r = merged(
        chunk(model="m-1"),
        chunk(id="first", model="m-2", created="2025-01-01T00:00:00Z", provider="openai"),
        chunk(id="second", created="2026-01-01T00:00:00Z", provider="other"),
    )
    assert (r.id, r.model, r.provider, r.created.year) == ("first", "m-1", "openai", 2025)


def test_rule_13_an_error_chunk_makes_every_output_finish_with_error():
    r = merged(
        chunk(out(ToolCallPart(name="f", arguments_raw='{"a": 1}'), index=0), out(TextPart(text="x"), index=1)),
        chunk(out(finish_reason="stop", index=1)),
        chunk(error=LMError(message="upstream reset", code="502")),
        chunk(out(finish_reason="stop", index=0)),  # a later reason does not hide the failure
    )
    assert [o.finish_reason for o in r.outputs] == ["error", "error"]
    assert r.error.message == "upstream reset"
    assert r.outputs[0].parts[0].arguments == {"a": 1}  # the stream is over: calls completed


def test_rule_13_an_error_on_one_output_fails_that_output_only():
    r = merged(
        chunk(out(TextPart(text="a"), index=0), out(TextPart(text="b"), index=1)),
        chunk(out(error=LMError(message="bad"), index=1), out(finish_reason="stop", index=0)),
    )
    assert [o.finish_reason for o in r.outputs] == ["stop", "error"]
    assert r.outputs[1].error.message == "bad"


# --- read-outs --------------------------------------------------------------------------------


def test_output_read_outs_match_the_parts():
    o = out(
        ThinkingPart(text="plan "),
        TextPart(text="Hello "),
        ToolCallPart(name="f", arguments={}),
        ThinkingPart(text="secret", redacted=True),
        TextPart(text="world"),
        RefusalPart(text="no"),
        ImagePart(url="https://x/y.png"),
    )
    assert o.text == "Hello world"
    assert o.reasoning == "plan "
    assert o.refusal == "no"
    assert [c.name for c in o.tool_calls] == ["f"] and o.tool_calls[0] is o.parts[2]
    bare = out(ImagePart(url="https://x/y.png"))
    assert (bare.text, bare.reasoning, bare.refusal, bare.tool_calls) == (None, None, None, [])


# --- from_chunks -----------------------------------------------------------------------------


def test_from_chunks_returns_a_complete_response_and_rejects_what_is_not():
    r = LMResponse.from_chunks(iter([chunk(out(TextPart(text="a"))), chunk(out(finish_reason="stop"))]))
    assert r.chunk_mode is None and r.outputs[0].text == "a"
    assert LMResponse.model_validate(r.model_dump()) == r
    with pytest.raises(MergeError) as empty:
        LMResponse.from_chunks([])
    assert (empty.value.path, str(empty.value)) == ("", "from_chunks needs at least one chunk")
    with pytest.raises(MergeError) as incomplete:
        LMResponse.from_chunks([chunk(out(finish_reason="stop"))])
    assert incomplete.value.path == ""
    assert str(incomplete.value).startswith("the stream did not add up to a complete response: outputs[0].parts")


def test_merging_a_response_into_itself_appends_a_copy():
    r = merged(chunk(out(TextPart(text="ab", part_index=0), token_ids=[1])))
    r.extend(r)
    assert (r.outputs[0].text, r.outputs[0].token_ids) == ("abab", [1, 1])
    o = r.outputs[0]
    assert o.extend(o).text == "abababab"


def test_merging_another_class_is_a_type_error():
    with pytest.raises(TypeError, match="LMOutput into a LMResponse"):
        LMResponse(chunk_mode="delta").extend(out())
    with pytest.raises(TypeError):
        out().extend(chunk())


# --- failures leave the receiver exactly as it was ------------------------------------------


def _receiver() -> LMResponse:
    r = merged(
        chunk(
            out(
                TextPart(text="hello", part_index=0),
                ToolCallPart(id="a", name="f", arguments_raw='{"x"', part_index=1),
                token_ids=[1],
                logprobs=[lp(1)],
                logits=torch.randn(1, 4),
                index=0,
            ),
            out(TextPart(text="other", part_index=0), index=1),
            usage=LMUsage(input_tokens=1),
        ),
        chunk(out(logits=torch.randn(2, 4), index=0)),
        chunk(out(logits=torch.randn(1, 4), index=0)),  # 4 rows in a growth buffer of 6
    )
    return r


FAILURES = {
    "part kind clash at a part_index": (
        chunk(out(ThinkingPart(text="t", part_index=0))),
        "outputs[0].parts[0].type",
        ("'text'", "'thinking'"),
    ),
    "tool-call id clash at a part_index": (
        chunk(out(ToolCallPart(id="b", name="f", arguments_raw="1", part_index=1))),
        "outputs[0].parts[1].id",
        ("'a'", "'b'"),
    ),
    "tool-call name clash": (
        chunk(out(ToolCallPart(id="a", name="g", arguments_raw="1"))),
        "outputs[0].parts[1].name",
        ("'f'", "'g'"),
    ),
    "tool-call part_index clash": (
        chunk(out(ToolCallPart(id="a", name="", arguments_raw="1", part_index=5))),
        "outputs[0].parts[1].part_index",
        ("1", "5"),
    ),
    "tensor dtype clash": (
        chunk(out(logits=torch.randn(1, 4, dtype=torch.float16))),
        "outputs[0].logits.dtype",
        ("torch.float32", "torch.float16"),
    ),
    "tensor shape clash": (
        chunk(out(logits=torch.randn(1, 5))),
        "outputs[0].logits.shape",
        ("(4, 4)", "(1, 5)"),
    ),
    "tensor device clash": (
        chunk(out(logits=torch.empty(1, 4, device="meta"))),
        "outputs[0].logits.device",
        ("cpu", "meta"),
    ),
    "token ids and logprobs misaligned": (
        chunk(out(token_ids=[2])),
        "outputs[0].logprobs",
        ("2 token ids", "1 logprobs"),
    ),
    "a clash after other changes were made": (
        chunk(
            out(TextPart(text=" more", part_index=0), token_ids=[4], logprobs=[lp(4)], logits=torch.randn(1, 4)),
            out(ToolCallPart(name="f", part_index=0), index=1),
            id="late-id",
            usage=LMUsage(input_tokens=7, output_tokens=3),
            metadata={"k": 1},
        ),
        "outputs[1].parts[0].type",
        ("'text'", "'tool_call'"),
    ),
}


# Why each merge failed, as MergeError.reason says it.
REASONS = {
    "part kind clash at a part_index": "two kinds of part at part_index 0",
    "tool-call id clash at a part_index": "the chunk continues this part but names it differently",
    "tool-call name clash": "the chunk continues this part but names it differently",
    "tool-call part_index clash": "the chunk continues this part but names it differently",
    "tensor dtype clash": "tensor dtypes differ",
    "tensor shape clash": "tensor shapes differ past the sequence dimension",
    "tensor device clash": "tensor devices differ",
    "token ids and logprobs misaligned": "merged token_ids and logprobs would not align",
    "a clash after other changes were made": "two kinds of part at part_index 0",
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_a_failed_merge_names_the_field_and_both_values_and_changes_nothing(name):
    bad, path, (ours, theirs) = FAILURES[name]
    r = _receiver()
    before, logits = state(r), r.outputs[0].logits
    storage = logits.untyped_storage().data_ptr()
    with pytest.raises(MergeError) as caught:
        r.extend(bad)
    message = str(caught.value)
    assert caught.value.path == path and message.startswith(f"{path}: {REASONS[name]} (")
    assert ours in message and theirs in message
    assert isinstance(caught.value, ValueError)
    assert state(r) == before
    assert r.outputs[0].logits is logits
    # The receiver still works, its growth buffer included: the 2 spare rows are still free.
    extra = torch.randn(2, 4)
    r.extend(chunk(out(TextPart(text="!", part_index=0), logits=extra)))
    assert r.outputs[0].text == "hello!"
    assert torch.equal(r.outputs[0].logits, torch.cat([logits, extra]))
    assert r.outputs[0].logits.untyped_storage().data_ptr() == storage


def test_output_extend_with_another_index_fails_and_changes_nothing():
    o = out(TextPart(text="a"), index=0)
    before = state(o)
    with pytest.raises(MergeError, match=r"^index: outputs pair up by index \(receiver has 0, chunk has 1\)"):
        o.extend(out(TextPart(text="b"), index=1))
    assert state(o) == before


def test_a_failed_output_extend_changes_nothing():
    o = copy.deepcopy(_receiver().outputs[0])
    before = state(o)
    with pytest.raises(MergeError, match=r"^parts\[0\]\.type"):
        o.extend(out(TextPart(text="x", part_index=2), ThinkingPart(text="t", part_index=0)))
    assert state(o) == before


def test_logprobs_that_name_other_tokens_than_token_ids_fail_and_change_nothing():
    r = merged(chunk(out(TextPart(text="a"), token_ids=[1, 2])))
    before = state(r)
    with pytest.raises(MergeError, match=r"^outputs\[0\]\.logprobs\[1\]\.token_id: disagrees with token_ids\[1\] "
                       r"\(receiver has 2, chunk has 3\)$"):
        r.extend(chunk(out(logprobs=[lp(1), lp(3)])))
    assert state(r) == before
    r.extend(chunk(out(logprobs=[lp(1), lp(2)])))
    assert [x.token_id for x in r.outputs[0].logprobs] == [1, 2]


# --- merging that never guesses (issue 7): each case fails on the old pairing -------------------


def _many_kinds() -> LMResponse:
    """A complete response whose neighbouring parts share a kind, without any keys."""
    return LMResponse(
        outputs=[
            out(
                ThinkingPart(text="t1", signature="s1"),
                ThinkingPart(text="t2", signature="s2"),
                ImagePart(url="https://x/1.png"),
                ImagePart(url="https://x/2.png"),
                CitationPart(citation=Citation(url="a")),
                CitationPart(citation=Citation(url="b")),
                ToolResultPart(result=ToolResult(tool_call_id="c1", content="sunny")),
                ToolResultPart(result=ToolResult(tool_call_id="c2", content="rain")),
                RefusalPart(text="no."),
                RefusalPart(text="still no."),
                TextPart(text="one"),
                TextPart(text="two"),
                finish_reason="stop",
            )
        ]
    )


def test_complete_parts_of_one_kind_stay_apart_when_merged():
    r = _many_kinds()
    assert LMResponse.from_chunks([r]) == r
    assert len(LMResponse.from_chunks([r]).outputs[0].parts) == 12
    assert LMResponse.from_chunks([r]).outputs[0].parts[1].signature == "s2"


def test_a_complete_response_extended_by_another_gets_its_parts_after_its_own():
    a = LMResponse(outputs=[out(TextPart(text="Hello ", part_index=0), ThinkingPart(text="t", part_index=1))])
    b = LMResponse(outputs=[out(TextPart(text="world", part_index=0), ThinkingPart(text="u", part_index=1))])
    a.extend(b)
    assert [(p.type, p.part_index) for p in a.outputs[0].parts] == [
        ("text", 0), ("thinking", 1), ("text", 2), ("thinking", 3),
    ]
    assert (a.outputs[0].text, a.outputs[0].reasoning) == ("Hello world", "tu")
    assert b.outputs[0].parts[0].part_index == 0  # the chunk is not changed
    twice = _many_kinds()
    twice.extend(_many_kinds())
    assert twice.outputs[0].parts == _many_kinds().outputs[0].parts * 2


def test_tool_calls_without_ids_stay_apart():
    # Gemini sends parallel calls whole, without ids, in a delta stream.
    paris = ToolCallPart(name="weather", arguments={"city": "Paris"})
    london = ToolCallPart(name="weather", arguments={"city": "London"})
    clock = ToolCallPart(name="time", arguments={"zone": "CET"})
    r = LMResponse.from_chunks([chunk(out(paris)), chunk(out(london, clock)), chunk(out(finish_reason="tool_call"))])
    assert [(c.name, c.arguments) for c in r.outputs[0].tool_calls] == [
        ("weather", {"city": "Paris"}), ("weather", {"city": "London"}), ("time", {"zone": "CET"}),
    ]
    # A call that starts with a name starts a new part, even with raw text.
    r = merged(
        chunk(out(ToolCallPart(name="f", arguments_raw='{"a": 1}'))),
        chunk(out(ToolCallPart(name="g", arguments_raw='{"b": 2}'))),
        chunk(out(finish_reason="tool_call")),
    )
    assert [(c.name, c.arguments) for c in r.outputs[0].tool_calls] == [("f", {"a": 1}), ("g", {"b": 2})]


def test_arguments_given_empty_at_the_start_are_replaced_by_the_streamed_text():
    # Anthropic: content_block_start carries input {}, then input_json_delta fragments.
    r = LMResponse.from_chunks(
        [
            chunk(out(ToolCallPart(id="toolu_1", name="weather", arguments={}, part_index=0))),
            chunk(out(ToolCallPart(arguments_raw='{"city": ', part_index=0))),
            chunk(out(ToolCallPart(arguments_raw='"Paris"}', part_index=0))),
            chunk(out(finish_reason="tool_call")),
        ]
    )
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == ({"city": "Paris"}, None)
    # {} after text says nothing either; non-empty parsed arguments and more text cannot agree.
    r = merged(chunk(out(ToolCallPart(name="f", arguments_raw='{"a": 1}', part_index=0))))
    r.extend(chunk(out(ToolCallPart(arguments={}, part_index=0), finish_reason="stop")))
    assert r.outputs[0].parts[0].arguments == {"a": 1}
    given = merged(chunk(out(ToolCallPart(name="f", arguments={"a": 1}, part_index=0))))
    before = state(given)
    with pytest.raises(MergeError, match=r"^outputs\[0\]\.parts\[0\]\.arguments_raw: argument text"):
        given.extend(chunk(out(ToolCallPart(arguments_raw="2}", part_index=0))))
    assert state(given) == before


def _issue_stream() -> list[LMResponse]:
    return [
        chunk(out(ToolCallPart(name="f", part_index=0))),
        chunk(out(ToolCallPart(id="call_0"))),
        chunk(out(ToolCallPart(arguments_raw="{", part_index=0))),
        chunk(out(ToolCallPart(id="call_0", arguments_raw='"a": 1}'))),
    ]


def _groupings(items: list) -> list:
    """Every way to merge a sequence by a binary tree (each grouping of its chunks)."""
    if len(items) == 1:
        return [lambda: copy.deepcopy(items[0])]
    ways = []
    for cut in range(1, len(items)):
        for left in _groupings(items[:cut]):
            for right in _groupings(items[cut:]):
                ways.append(lambda left=left, right=right: left().extend(right()))
    return ways


def test_every_grouping_of_a_stream_gives_the_same_result():
    results = [complete(way()) for way in _groupings(_issue_stream())]
    assert len(results) == 5
    for r in results:
        call = r.outputs[0].parts[0]
        assert (call.id, call.name, call.arguments, call.arguments_raw) == ("call_0", "f", {"a": 1}, None)
        assert r == results[0]


def test_content_after_a_finish_reason_is_merged_consistently_or_refused_when_strict():
    start = chunk(out(ToolCallPart(name="f", arguments_raw='{"a": 1', part_index=0), finish_reason="tool_call"))
    late = chunk(out(ToolCallPart(arguments_raw="}", part_index=0)))
    r = merged(start, late)
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == ({"a": 1}, '{"a": 1}')  # completed again: agree
    assert LMResponse.from_chunks([start, late]).outputs[0].parts[0].arguments == {"a": 1}
    strict = merged(start)
    before = state(strict)
    with pytest.raises(MergeError, match=r"^outputs\[0\]\.parts: content after the output's finish reason") as refused:
        strict.extend(late, strict=True)
    assert state(strict) == before
    assert (refused.value.ours, refused.value.theirs) == ("tool_call", late.outputs[0].parts)
    with pytest.raises(MergeError, match=r"^outputs\[0\]\.token_ids: content after"):
        LMResponse.from_chunks([start, chunk(out(token_ids=[1]))], strict=True)
    # Usage, provider_data and metadata after the finish are normal, strict or not.
    usage = chunk(usage=LMUsage(output_tokens=3), metadata={"k": 1}, provider_data={"p": 2})
    done = LMResponse.from_chunks([start, chunk(out(provider_data={"x": 1}, finish_reason="tool_call")), usage],
                                  strict=True)
    assert (done.usage.output_tokens, done.metadata, done.outputs[0].provider_data) == (3, {"k": 1}, {"x": 1})
    o = out(TextPart(text="a"), finish_reason="stop")
    with pytest.raises(MergeError, match=r"^parts: content after"):
        o.extend(out(TextPart(text="b")), strict=True)


def test_a_call_that_fails_before_any_output_is_a_valid_response():
    from jsonschema import Draft201909Validator

    r = LMResponse.from_chunks([chunk(id="msg_1", model="m"), chunk(error=LMError(message="overloaded"))])
    assert (r.id, r.outputs, r.error.message) == ("msg_1", None, "overloaded")
    data = r.model_dump(mode="json", exclude_none=True)
    assert LMResponse.model_validate(data) == r
    published = json.loads((ROOT / "generated" / "jsonschema" / "lmcontract.schema.json").read_text())
    Draft201909Validator(published).validate(data)
    with pytest.raises(ValueError, match="outputs"):
        LMResponse.model_validate({"id": "x"})  # no error: still needs an output
    assert not Draft201909Validator(published).is_valid({"id": "x"})


def test_concurrent_extends_on_one_response_lose_nothing():
    r = LMResponse(chunk_mode="delta")
    n, threads = 1000, 4
    rows = torch.ones(1, 8)
    barrier = threading.Barrier(threads)

    def work(k: int) -> None:
        barrier.wait()
        for _ in range(n):
            r.extend(chunk(out(TextPart(text="x"), token_ids=[k], logits=rows)))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        pool = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    finally:
        sys.setswitchinterval(old)
    o = r.outputs[0]
    assert len(o.token_ids) == n * threads
    assert o.logits.shape == (n * threads, 8) and bool(o.logits.eq(1).all())
    assert o.text == "x" * (n * threads)


# --- the three rules that had no test failing when they broke -----------------------------------


def test_provider_data_and_metadata_merge_key_by_key_everywhere():
    r = merged(
        chunk(out(TextPart(text="a", part_index=0, provider_data={"p1": 1}), provider_data={"o1": 1}),
              provider_data={"r1": 1, "same": "old"}, metadata={"m1": 1}),
        chunk(out(TextPart(text="b", part_index=0, provider_data={"p2": 2}), provider_data={"o2": 2}),
              provider_data={"r2": 2, "same": "new"}, metadata={"m2": 2}),
    )
    assert r.provider_data == {"r1": 1, "same": "new", "r2": 2}
    assert r.metadata == {"m1": 1, "m2": 2}
    assert r.outputs[0].provider_data == {"o1": 1, "o2": 2}
    assert r.outputs[0].parts[0].provider_data == {"p1": 1, "p2": 2}
    r.extend(chunk(metadata=["not", "an", "object"]))
    assert r.metadata == ["not", "an", "object"]  # anything but two objects replaces


def test_truncated_stays_true_once_true():
    r = merged(chunk(out(TextPart(text="a"), truncated=True)), chunk(out(truncated=False)), chunk(out()))
    assert r.outputs[0].truncated is True
    o = out(TextPart(text="a"))
    o.extend(out(truncated=False))
    assert o.truncated is False


def test_a_cumulative_tensor_after_delta_tensors_replaces_them_in_from_chunks():
    first, second, snapshot = torch.randn(2, 3), torch.randn(1, 3), torch.randn(4, 3)
    r = LMResponse.from_chunks(
        [
            chunk(out(TextPart(text="a"), logits=first)),
            chunk(out(logits=second)),
            chunk(out(logits=snapshot), mode="cumulative"),
            chunk(out(logits=second)),
        ]
    )
    assert torch.equal(r.outputs[0].logits, torch.cat([snapshot, second]))


# --- error reports, read in full -----------------------------------------------------------------


def test_a_merge_error_carries_the_path_the_reason_and_both_values():
    error = MergeError("outputs[0].parts[1].id", "names it differently", "a", "b")
    assert (error.path, error.reason) == ("outputs[0].parts[1].id", "names it differently")
    assert (error.ours, error.theirs) == ("a", "b")
    assert str(error) == "outputs[0].parts[1].id: names it differently (receiver has 'a', chunk has 'b')"
    assert str(MergeError("", "needs a chunk")) == "needs a chunk"
    bare = MergeError("x", "why")
    assert (bare.ours, bare.theirs, str(bare)) == (None, None, "x: why")
    assert str(MergeError("x", "why", theirs=None)) == "x: why (receiver has None, chunk has None)"
    long = "y" * 100
    assert str(MergeError("x", "why", "z" * 78, long)).endswith(
        f"(receiver has '{'z' * 78}', chunk has '{long[:76]}...)"
    )
    shown = str(MergeError("x", "why", torch.zeros(2, 3, dtype=torch.float16)))
    assert "tensor(shape=(2, 3), dtype=torch.float16, device=cpu)" in shown


def test_a_clash_deep_in_a_stream_names_the_whole_path():
    r = merged(chunk(out(TextPart(text="a", part_index=0), index=0), out(TextPart(text="b", part_index=0), index=1)))
    with pytest.raises(MergeError) as caught:
        r.extend(chunk(out(ThinkingPart(text="t", part_index=0), index=1)))
    assert caught.value.path == "outputs[1].parts[0].type"
    o = copy.deepcopy(r.outputs[1])
    with pytest.raises(MergeError) as caught:
        o.extend(out(ThinkingPart(text="t", part_index=0), index=1))
    assert caught.value.path == "parts[0].type"  # an output on its own: no outputs[...] prefix


def test_output_extend_refuses_another_class_and_an_unknown_mode_by_name():
    with pytest.raises(TypeError, match=r"^cannot merge a LMResponse into a LMOutput$"):
        out().extend(chunk())
    with pytest.raises(ValueError, match=r"^mode: expected one of delta, cumulative, got 'append'$"):
        out().extend(out(), mode="append")


def test_strict_mode_takes_empty_content_and_names_the_finish_reason():
    r = merged(chunk(out(TextPart(text="a"), token_ids=[1], logits=torch.ones(1, 2), finish_reason="length")))
    r.extend(chunk(LMOutput(index=0, token_ids=[], parts=[], logits=torch.ones(0, 2))), strict=True)  # nothing new
    assert r.outputs[0].token_ids == [1]
    with pytest.raises(MergeError) as caught:
        r.extend(chunk(out(logits=torch.ones(1, 2))), strict=True)
    assert (caught.value.path, caught.value.ours) == ("outputs[0].logits", "length")


def test_text_read_outs_skip_parts_without_text():
    o = out(ThinkingPart(signature="s"), ThinkingPart(text="plan"), TextPart(text=""), TextPart(text="hi"))
    assert (o.reasoning, o.text) == ("plan", "hi")
    assert out(ThinkingPart(signature="s")).reasoning == ""


def test_text_after_a_completed_call_is_parsed_again_with_it():
    r = merged(chunk(out(ToolCallPart(name="f", arguments_raw='{"a": 1}', part_index=0), finish_reason="tool_call")))
    assert r.outputs[0].parts[0].arguments == {"a": 1}
    r.extend(chunk(out(ToolCallPart(arguments_raw=" x", part_index=0))))
    call = r.outputs[0].parts[0]
    assert (call.arguments, call.arguments_raw) == (None, '{"a": 1} x')  # no longer parses: raw only
    given = merged(chunk(out(ToolCallPart(name="f", arguments={"a": 1}, part_index=0))))
    with pytest.raises(MergeError) as caught:
        given.extend(chunk(out(ToolCallPart(arguments_raw="2", part_index=0))))
    assert (caught.value.ours, caught.value.theirs) == ({"a": 1}, "2")


def test_a_merge_error_shows_values_of_up_to_80_characters_whole_and_cuts_longer_ones():
    whole, long = "x" * 78, "y" * 79  # their reprs, quoted, are 80 and 81 characters
    message = str(MergeError("outputs[0].parts[1].id", "ids differ", whole, long))
    assert message == f"outputs[0].parts[1].id: ids differ (receiver has {whole!r}, chunk has '{'y' * 76}...)"


def test_a_merged_stream_that_replaced_content_replaces_it_where_it_is_merged():
    # A cumulative snapshot then a delta, merged on their own, then into a receiver that has
    # text already: the same as merging the two chunks there one by one.
    start = chunk(out(TextPart(text="abc")))
    snapshot, delta = chunk(out(TextPart(text="abcd")), mode="cumulative"), chunk(out(TextPart(text="e")))
    one_by_one = merged(start, snapshot, delta)
    grouped = merged(start, merged(snapshot, delta))
    assert one_by_one.outputs[0].text == grouped.outputs[0].text == "abcde"


def test_a_cumulative_chunk_keeps_its_open_part_and_otherwise_the_last_part_is_open():
    # Part 0 arrives after part 1, so the open part (the one the last fragment went to) is the
    # first: a snapshot of that stream keeps it open, and a keyless fragment continues it.
    stream = merged(chunk(out(TextPart(text="B", part_index=1))), chunk(out(TextPart(text="A", part_index=0))))
    stream.chunk_mode = "cumulative"
    r = merged(chunk(out(TextPart(text="x"))), stream, chunk(out(TextPart(text="a"))))
    assert [p.text for p in r.outputs[0].parts] == ["Aa", "B"]
    # A fresh snapshot says nothing of which part is open: the last one is.
    snapshot = chunk(out(TextPart(text="1", part_index=0), TextPart(text="2", part_index=1),
                         TextPart(text="3", part_index=2)), mode="cumulative")
    r = merged(snapshot, chunk(out(TextPart(text="+"))))
    assert [p.text for p in r.outputs[0].parts] == ["1", "2", "3+"]


def test_a_fragment_for_an_output_without_parts_starts_its_first_part():
    r = merged(chunk(out(token_ids=[7])), chunk(out(TextPart(text="a"))), chunk(out(TextPart(text="b"))))
    assert r.outputs[0].text == "ab" and r.outputs[0].token_ids == [7]


def test_encoded_tensor_data_must_be_strict_base64():
    from lmcontract.lib.rules import encoded_tensor_problems

    clean = {"dtype": "float32", "shape": [1], "data": "AAAAAA=="}
    assert list(encoded_tensor_problems(clean)) == []
    junk = {**clean, "data": "AAAA*AA=="}  # "*" would be skipped by a lenient decoder
    assert [p.split(" (")[0] for p in encoded_tensor_problems(junk)] == ["data: not valid base64"]


def test_a_fragment_with_a_call_id_joins_that_call_past_a_part_that_cannot_be_it():
    # The open call has no id and another part_index: it cannot be call_1, so it does not keep
    # the fragment from joining call_1.
    r = merged(
        chunk(out(ToolCallPart(id="call_1", name="f", arguments_raw='{"a', part_index=2))),
        chunk(out(ToolCallPart(name="g", arguments_raw='{"b', part_index=3))),
        chunk(out(ToolCallPart(id="call_1", arguments_raw='": 1}'))),
    )
    assert [p.arguments_raw for p in r.outputs[0].parts] == ['{"a": 1}', '{"b']


def test_an_empty_name_is_no_name_and_the_later_one_is_taken():
    r = merged(
        chunk(out(ToolCallPart(id="c", name="", arguments_raw="{"))),
        chunk(out(ToolCallPart(id="c", name="f", arguments_raw="}"))),
    )
    assert (r.outputs[0].parts[0].name, r.outputs[0].parts[0].arguments_raw) == ("f", "{}")


def test_argument_text_after_an_empty_object_says_what_the_object_did_not():
    r = merged(
        chunk(out(ToolCallPart(id="c", name="f", arguments={}))),
        chunk(out(ToolCallPart(id="c", arguments_raw='{"a": 1}'))),
        chunk(out(finish_reason="tool_call")),
    )
    assert r.outputs[0].parts[0].arguments == {"a": 1}


def test_an_empty_object_after_parsed_arguments_says_nothing():
    r = merged(
        chunk(out(ToolCallPart(id="c", name="f", arguments={"a": 1}))),
        chunk(out(ToolCallPart(id="c", arguments={}))),
    )
    assert r.outputs[0].parts[0].arguments == {"a": 1}


def test_an_unknown_part_paired_by_part_index_keeps_the_first_provider_type():
    r = merged(
        chunk(out(UnknownPart(provider_type="x_block", value={"a": 1}, part_index=0))),
        chunk(out(UnknownPart(provider_type="y_block", value={"b": 2}, part_index=0))),
    )
    (part,) = r.outputs[0].parts
    assert (part.provider_type, part.value) == ("x_block", {"b": 2})


def test_refusal_logprobs_append_in_deltas_and_are_replaced_by_a_snapshot():
    deltas = merged(chunk(out(refusal_logprobs=[lp(1)])), chunk(out(refusal_logprobs=[lp(2)])))
    assert [e.token_id for e in deltas.outputs[0].refusal_logprobs] == [1, 2]
    snapshots = merged(chunk(out(refusal_logprobs=[lp(1)]), mode="cumulative"),
                       chunk(out(refusal_logprobs=[lp(1), lp(2)]), mode="cumulative"))
    assert [e.token_id for e in snapshots.outputs[0].refusal_logprobs] == [1, 2]


def test_a_thinking_part_that_opens_without_text_takes_the_text_that_follows():
    opening = chunk(out(ThinkingPart(signature="sig", part_index=0)))
    r = merged(opening, *(chunk(out(ThinkingPart(text=t, part_index=0))) for t in ("hm", "m")))
    assert (r.outputs[0].parts[0].text, r.outputs[0].parts[0].signature) == ("hmm", "sig")


def test_a_finish_reason_that_cuts_the_output_short_marks_it_truncated_even_from_an_unvalidated_chunk():
    # A validated chunk is marked truncated already; one built without validation is not.
    unvalidated = LMOutput.model_construct(index=0, finish_reason="length")
    finish = LMResponse.model_construct(chunk_mode="delta", outputs=[unvalidated])
    r = merged(chunk(out(TextPart(text="a"))), finish)
    assert r.outputs[0].truncated is True and r.outputs[0].finish_reason == "length"
    assert not merged(chunk(out(TextPart(text="a"))), chunk(out(finish_reason="stop"))).outputs[0].truncated


def test_the_rules_of_citations_and_media():
    from lmcontract.lib.rules import citation_problems, media_problems

    assert list(citation_problems({"start_index": 3, "end_index": 3})) == []  # an empty span
    assert list(citation_problems({"start_index": 3, "end_index": 2})) == ["end_index: 2 is before start_index 3"]
    assert list(media_problems({"type": "image"})) == ["image part: needs one of data, url or file_id"]
    assert list(media_problems({"type": "image", "url": "https://x/y.png"})) == []


def test_a_keyed_fragment_continues_the_open_part_it_names_even_beside_a_keyless_part():
    # A keyless part of the same kind could be anything, yet the open part's own key decides.
    by_index = merged(
        chunk(out(TextPart(text="a"))),
        chunk(out(TextPart(text="b", part_index=1))),
        chunk(out(TextPart(text="c", part_index=1), ThinkingPart(text="t", part_index=5))),
    )
    assert [p.text for p in by_index.outputs[0].parts] == ["a", "bc", "t"]
    by_id = merged(
        chunk(out(ToolCallPart(name="f", arguments_raw="{"))),
        chunk(out(ToolCallPart(id="c1", name="g", arguments_raw="["))),
        chunk(out(ToolCallPart(id="c1", arguments_raw="]"), TextPart(text="z"))),
    )
    assert [getattr(p, "arguments_raw", None) for p in by_id.outputs[0].parts] == ["{", "[]", None]


def test_a_nameless_fragment_with_a_new_id_does_not_join_a_call_with_another_id():
    r = merged(
        chunk(out(ToolCallPart(id="c1", name="f", arguments_raw="{"))),
        chunk(out(ToolCallPart(id="c2", arguments_raw="["))),
    )
    assert [(p.id, p.arguments_raw) for p in r.outputs[0].parts] == [("c1", "{"), ("c2", "[")]


def test_a_keyless_call_given_parsed_is_a_call_of_its_own():
    r = merged(
        chunk(out(ToolCallPart(id="c1", name="f", arguments_raw="{"))),
        chunk(out(ToolCallPart(arguments={"x": 1}))),
    )
    assert [(p.id, p.arguments) for p in r.outputs[0].parts] == [("c1", None), (None, {"x": 1})]


def test_a_fragment_found_by_its_id_takes_the_part_index_the_call_lacked():
    r = merged(
        chunk(out(ToolCallPart(id="c1", name="f", arguments_raw="{"))),
        chunk(out(ToolCallPart(id="c1", arguments_raw="}", part_index=0))),
    )
    (call,) = r.outputs[0].parts
    assert (call.arguments_raw, call.part_index) == ("{}", 0)


def test_logprobs_that_replace_are_checked_from_the_first_token():
    r = merged(chunk(out(TextPart(text="a"), token_ids=[1, 2])))
    with pytest.raises(MergeError, match=r"^outputs\[0\]\.logprobs\[0\]\.token_id: disagrees with token_ids\[0\]"):
        r.extend(chunk(out(logprobs=[lp(9), lp(2)]), mode="cumulative"))
