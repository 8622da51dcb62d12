"""Properties of merging, over random complete responses cut into random streams: the stream
merges back into the response, whichever way it was cut, merged or grouped."""

from __future__ import annotations

import copy
import os

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import complete, cumulative_chunks, delta_chunks, mutable_ids, receiver, responses

from lmcontract import LMResponse

# The number of examples and their randomness come from the profile (tests/conftest.py):
# derandomized in CI, many random examples under `make fuzz`.
SETTINGS = settings()
# The grouping property gets more: its failures hide in rare interleavings (except under
# `make mutate`, which runs the suite once per mutant and keeps every test to its few examples).
MORE = (
    settings()
    if os.environ.get("HYPOTHESIS_PROFILE") == "mutate"
    else settings(max_examples=max(300, settings.default.max_examples))
)


def merged(chunks: list[LMResponse], mode: str) -> LMResponse:
    r = receiver(mode)
    for c in chunks:
        r.extend(c)
    return r


@SETTINGS
@given(st.data())
def test_delta_chunks_merge_back_into_the_response(data):
    response = data.draw(responses())
    chunks = data.draw(delta_chunks(response))
    assert LMResponse.from_chunks(chunks) == response
    # One extend at a time (growth buffers rather than one deferred concatenation).
    assert complete(merged(chunks, "delta")) == response


@SETTINGS
@given(st.data())
def test_cumulative_snapshots_merge_back_into_the_response(data):
    response = data.draw(responses())
    chunks = data.draw(cumulative_chunks(response))
    assert LMResponse.from_chunks(chunks) == response
    assert complete(merged(chunks, "cumulative")) == response


def _parts_only(response: LMResponse) -> LMResponse:
    per_token = dict.fromkeys(("token_ids", "logprobs", "logits", "last_hidden_state"))
    outputs = [o.model_copy(update=per_token) for o in response.outputs or []]
    return response.model_copy(update={"outputs": outputs or None})


@SETTINGS
@given(responses())
def test_a_complete_response_merges_back_into_itself(response):
    assert LMResponse.from_chunks([response]) == response


@SETTINGS
@given(responses(), responses())
def test_a_complete_response_extended_by_another_has_its_parts_then_the_others(a, b):
    # Only the parts are under test: token ids and tensors of two unrelated responses may clash.
    a, b = _parts_only(a), _parts_only(b)
    merged_ab = copy.deepcopy(a).extend(b)
    for output in merged_ab.outputs or []:
        mine = next((o.parts or [] for o in a.outputs or [] if o.index == output.index), [])
        theirs = next((o.parts or [] for o in b.outputs or [] if o.index == output.index), [])
        shifted = [p.model_copy(update={"part_index": p.part_index + len(mine)}) for p in theirs]
        assert (output.parts or []) == mine + shifted
        texts = [o.text for o in (a.outputs or []) + (b.outputs or []) if o.index == output.index and o.text]
        assert (output.text or "") == "".join(texts)


@MORE
@given(st.data())
def test_merging_is_associative_over_a_chunk_sequence(data):
    response = data.draw(responses())
    mode = data.draw(st.sampled_from(["delta", "cumulative"]))
    chunks = data.draw(delta_chunks(response) if mode == "delta" else cumulative_chunks(response))
    i = data.draw(st.integers(0, len(chunks)))
    j = data.draw(st.integers(i, len(chunks)))
    x, y, z = merged(chunks[:i], mode), merged(chunks[i:j], mode), merged(chunks[j:], mode)
    left = copy.deepcopy(x).extend(copy.deepcopy(y)).extend(copy.deepcopy(z))
    right = copy.deepcopy(x).extend(copy.deepcopy(y).extend(copy.deepcopy(z)))
    assert left == right == merged(chunks, mode)
    assert complete(left) == response


@SETTINGS
@given(st.data())
def test_chunks_are_never_changed_nor_shared_with_the_result(data):
    response = data.draw(responses())
    mode = data.draw(st.sampled_from(["delta", "cumulative"]))
    chunks = data.draw(delta_chunks(response) if mode == "delta" else cumulative_chunks(response))
    before = [c.model_dump_json(context={"tensors": True}) for c in chunks]
    results = [LMResponse.from_chunks(chunks), merged(chunks, mode)]
    assert [c.model_dump_json(context={"tensors": True}) for c in chunks] == before
    theirs: set = set()
    for c in chunks:
        mutable_ids(c, theirs)
    for result in results:
        assert not mutable_ids(result) & theirs
