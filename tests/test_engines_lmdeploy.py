"""LMDeploy in: the pipeline's ``Response``, complete, batched, streamed, with error and abort.

LMDeploy cannot run here (it needs another torch build and a GPU), so ``Response`` objects are
built from its documented fields: the dataclass below has the names and the ``extend`` of
``lmdeploy.messages.Response`` (text appended, token ids and logprobs appended, the scalars
replaced, the tensors left as they were: only the first chunk's logits are kept).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

torch = pytest.importorskip("torch")

from lmcontract import LMResponse  # noqa: E402
from lmcontract.importers import lmdeploy  # noqa: E402


@dataclass
class Response:
    text: str
    generate_token_len: int
    input_token_len: int
    finish_reason: str | None = None
    token_ids: list[int] = field(default_factory=list)
    logprobs: list[dict[int, float]] | None = None
    logits: Any = None
    last_hidden_state: Any = None
    index: int = 0

    def extend(self, other: Response) -> Response:
        self.text += other.text
        self.generate_token_len = other.generate_token_len
        self.input_token_len = other.input_token_len
        self.finish_reason = other.finish_reason
        self.index = other.index
        if other.token_ids:
            self.token_ids += other.token_ids
        if other.logprobs:
            self.logprobs = self.logprobs or []
            self.logprobs += other.logprobs
        return self


VOCAB, HIDDEN = 6, 4
PIECES = [(" Shang", [101], -0.1), ("hai is", [102, 103], -0.4), (" big", [104], -0.9)]


def chunks(index: int = 0, input_len: int = 9, finish: str = "stop") -> list[Response]:
    """A stream_infer stream: new text, ids, logprobs and tensor rows; running generate_token_len."""
    generator = torch.Generator().manual_seed(index)
    out, total = [], 0
    for k, (text, ids, lp) in enumerate(PIECES):
        total += len(ids)
        out.append(
            Response(
                text=text,
                generate_token_len=total,
                input_token_len=input_len,
                finish_reason=finish if k == len(PIECES) - 1 else None,
                token_ids=list(ids),
                logprobs=[{t: lp, t + 50: lp - 1.0} for t in ids],
                logits=torch.randn(len(ids), VOCAB, generator=generator),
                last_hidden_state=torch.randn(len(ids), HIDDEN, generator=generator),
                index=index,
            )
        )
    return out


def whole(index: int = 0, finish: str = "stop") -> Response:
    parts = chunks(index, finish=finish)
    return Response(
        text="".join(c.text for c in parts),
        generate_token_len=parts[-1].generate_token_len,
        input_token_len=parts[-1].input_token_len,
        finish_reason=finish,
        token_ids=[t for c in parts for t in c.token_ids],
        logprobs=[p for c in parts for p in c.logprobs],
        logits=torch.cat([c.logits for c in parts]),
        last_hidden_state=torch.cat([c.last_hidden_state for c in parts]),
        index=index,
    )


def test_a_complete_response_maps_field_by_field():
    response = lmdeploy.from_payload(whole(), model="internlm2")
    assert (response.provider, response.model) == ("lmdeploy", "internlm2")
    o = response.outputs[0]
    assert o.text == " Shanghai is big" and o.token_ids == [101, 102, 103, 104]
    assert (o.usage.input_tokens, o.usage.output_tokens) == (9, 4)
    assert (o.finish_reason, o.provider_finish_reason, o.truncated) == ("stop", "stop", False)
    lp = o.logprobs[1]
    assert (lp.token_id, lp.logprob) == (102, -0.4)
    assert [(a.token_id, a.logprob, a.rank) for a in lp.top] == [(102, -0.4, 1), (152, -1.4, 2)]
    assert torch.equal(o.logits, whole().logits) and torch.equal(o.last_hidden_state, whole().last_hidden_state)


def test_streamed_chunks_merge_to_the_complete_response_with_every_logits_row():
    merged = lmdeploy.import_stream(chunks())
    assert merged == lmdeploy.from_payload(whole())
    # generate_token_len is a running total: usage ends at the total, never a sum of totals.
    assert merged.outputs[0].usage.output_tokens == 4


def test_lmdeploys_own_extend_keeps_only_the_first_chunks_logits():
    stream = chunks()
    theirs = dataclasses.replace(stream[0], token_ids=list(stream[0].token_ids), logprobs=list(stream[0].logprobs))
    for chunk in stream[1:]:
        theirs.extend(chunk)
    ours = lmdeploy.import_stream(stream).outputs[0]
    assert theirs.text == ours.text and theirs.token_ids == ours.token_ids
    assert theirs.logits.shape[0] == 1  # rows 2 to 4 are lost
    assert ours.logits.shape[0] == len(ours.token_ids) == 4
    assert torch.equal(ours.logits, torch.cat([c.logits for c in stream]))


def test_a_batch_is_one_response_with_an_output_per_prompt():
    response = lmdeploy.from_payload([whole(0), whole(1, finish="length")])
    assert [o.index for o in response.outputs] == [0, 1]
    assert response.outputs[1].finish_reason == "length" and response.outputs[1].truncated


def test_a_streamed_batch_interleaves_by_index():
    a, b = chunks(0), chunks(1, input_len=5)
    interleaved = [x for pair in zip(b, a, strict=True) for x in pair]
    merged = lmdeploy.import_stream(interleaved)
    assert [o.index for o in merged.outputs] == [0, 1]
    assert merged.outputs[1].usage.input_tokens == 5
    assert merged.outputs[0] == lmdeploy.from_payload(whole(0)).outputs[0]


def test_error_and_abort():
    failed = chunks(finish="error")
    failed[-1].error = "out of KV cache blocks"  # the seed's Response carries the error text
    o = lmdeploy.import_stream(failed).outputs[0]
    assert o.finish_reason == "error" and o.error.message == "out of KV cache blocks"
    aborted = lmdeploy.from_payload(whole(finish="abort")).outputs[0]
    assert (aborted.finish_reason, aborted.provider_finish_reason, aborted.truncated) == ("aborted", "abort", True)


def test_fields_without_a_slot_go_to_provider_data():
    response = whole()
    response.session_id = 7
    response.routed_experts = torch.tensor([[1, 2]])
    assert lmdeploy.from_payload(response).outputs[0].provider_data == {"session_id": 7, "routed_experts": [[1, 2]]}


def test_json_form_without_tensors_imports():
    data = dataclasses.asdict(whole())
    data.pop("logits"), data.pop("last_hidden_state")
    as_json = json.loads(json.dumps(data))  # {token_id: logprob} keys become strings
    o = lmdeploy.from_payload(as_json).outputs[0]
    assert o.logprobs[0].token_id == 101 and o.logits is None


def test_logprobs_that_do_not_align_name_the_field():
    bad = whole()
    bad.logprobs.pop()
    with pytest.raises(ValueError, match=r"outputs\[0\].logprobs: 3 positions but 4 token ids"):
        lmdeploy.from_payload(bad)


def test_merge_result_round_trips_with_tensors():
    from lmcontract.lib.tensors import WITH_TENSORS

    merged = lmdeploy.import_stream(chunks())
    assert LMResponse.model_validate_json(merged.model_dump_json(context=WITH_TENSORS)) == merged
