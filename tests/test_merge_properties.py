"""Properties of merging, over random complete responses cut into random streams: the stream
merges back into the response, whichever way it was cut, merged or grouped."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import complete, cumulative_chunks, delta_chunks, mutable_ids, receiver, responses

from lmcontract import LMResponse

# Drawing a response and its chunks is most of the cost; keep the suite quick on two cores.
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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


@SETTINGS
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
