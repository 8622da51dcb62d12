"""vLLM in: ``RequestOutput`` / ``CompletionOutput`` objects and their dicts, in every output kind.

vLLM cannot run on this CPU-only machine, so the objects are built here from vLLM's documented
fields: the dataclasses below carry exactly the names of ``vllm.outputs.CompletionOutput``,
``vllm.outputs.RequestOutput`` and ``vllm.logprobs.Logprob``.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pytest

from lmcontract import LMResponse
from lmcontract.importers import vllm


@dataclass
class Logprob:
    logprob: float
    rank: int | None = None
    decoded_token: str | None = None


@dataclass
class CompletionOutput:
    index: int
    text: str
    token_ids: list[int]
    cumulative_logprob: float | None
    logprobs: list[dict[int, Logprob]] | None
    routed_experts: Any = None
    finish_reason: str | None = None
    stop_reason: int | str | None = None
    lora_request: Any = None
    kv_transfer_params: dict[str, Any] | None = None


@dataclass
class RequestOutput:
    request_id: str
    prompt: str | None
    prompt_token_ids: list[int] | None
    prompt_logprobs: list[dict[int, Logprob] | None] | None
    outputs: list[CompletionOutput]
    finished: bool
    metrics: Any = None
    lora_request: Any = None
    encoder_prompt: str | None = None
    encoder_prompt_token_ids: list[int] | None = None
    num_cached_tokens: int | None = None
    kv_transfer_params_list: list = field(default_factory=list)


PROMPT_IDS = [128000, 791, 6864, 315]
PROMPT_LOGPROBS = [
    None,
    {791: Logprob(-3.5, 2, "The"), 40: Logprob(-1.2, 1, "I")},
    {6864: Logprob(-0.7, 1, " capital")},
    {315: Logprob(-0.01, 1, " of")},
]

# Two candidates of n=3 (candidate 1 was filtered out): their tokens, text pieces, positions.
# Candidate 2's second token was sampled at rank 3; candidate 0 stops on a stop string,
# candidate 2 on a stop token id.
STEPS = {
    0: [
        (12366, " Paris", {12366: Logprob(-0.02, 1, " Paris"), 279: Logprob(-4.25, 2, " the")}),
        (13, ".", {13: Logprob(-0.12, 1, "."), 11: Logprob(-2.3, 2, ",")}),
    ],
    2: [
        (279, " the", {12366: Logprob(-0.5, 1, " Paris"), 279: Logprob(-1.5, 2, " the")}),
        (
            3363,
            " city",
            {1176: Logprob(-0.9, 1, " French"), 6864: Logprob(-1.1, 2, " capital"), 3363: Logprob(-2.6, 3, " city")},
        ),
        (128009, "", {128009: Logprob(-0.3, 1, ""), 13: Logprob(-1.4, 2, ".")}),
    ],
}
FINISH = {0: ("stop", "."), 2: ("stop", 128009)}


def _completion(index: int, upto: int, start: int = 0) -> CompletionOutput:
    steps = STEPS[index][start:upto]
    done = upto >= len(STEPS[index])
    total = sum(p[t].logprob for t, _, p in STEPS[index][:upto])
    return CompletionOutput(
        index=index,
        text="".join(text for _, text, _ in steps),
        token_ids=[t for t, _, _ in steps],
        cumulative_logprob=total,
        logprobs=[{k: dataclasses.replace(v) for k, v in p.items()} for _, _, p in steps],
        finish_reason=FINISH[index][0] if done else None,
        stop_reason=FINISH[index][1] if done else None,
    )


def _request(outputs: list[CompletionOutput], finished: bool) -> RequestOutput:
    return RequestOutput(
        request_id="cmpl-42",
        prompt="The capital of",
        prompt_token_ids=list(PROMPT_IDS),
        prompt_logprobs=list(PROMPT_LOGPROBS),
        outputs=outputs,
        finished=finished,
        num_cached_tokens=2,
    )


def final() -> RequestOutput:
    return _request([_completion(0, 2), _completion(2, 3)], finished=True)


def stream(kind: str) -> list[RequestOutput]:
    """The same run as vLLM streams it in an output kind: three engine steps."""
    events = []
    for step in range(1, 4):
        outputs = []
        for index, steps in STEPS.items():
            if step > len(steps):
                continue  # this candidate finished: vLLM sends it no more
            start = step - 1 if kind == "delta" else 0
            outputs.append(_completion(index, step, start))
        events.append(_request(outputs, finished=step == 3))
    return events


def test_final_output_candidates_keep_their_own_index():
    response = vllm.from_payload(final())
    assert [o.index for o in response.outputs] == [0, 2]
    assert response.id == "cmpl-42" and response.provider == "vllm"
    first, third = response.outputs
    assert first.text == " Paris." and third.text == " the city"
    assert third.token_ids == [279, 3363, 128009]


def test_stop_reason_is_a_stop_string_or_a_stop_token_id():
    first, third = vllm.from_payload(final()).outputs
    assert (first.finish_reason, first.stop_sequence, first.stop_token_id) == ("stop", ".", None)
    assert (third.finish_reason, third.stop_sequence, third.stop_token_id) == ("stop", None, 128009)
    assert first.provider_finish_reason == "stop"


def test_chosen_token_rank_is_kept_when_it_is_not_the_best():
    third = vllm.from_payload(final()).outputs[1]
    lp = third.logprobs[1]
    assert (lp.token_id, lp.token, lp.logprob) == (3363, " city", -2.6)
    assert [(a.token_id, a.rank) for a in lp.top] == [(1176, 1), (6864, 2), (3363, 3)]
    assert third.cumulative_logprob == pytest.approx(-1.5 - 2.6 - 0.3)


def test_prompt_token_ids_and_prompt_logprobs_from_the_second_token():
    response = vllm.from_payload(final())
    assert response.prompt_token_ids == PROMPT_IDS
    assert [lp.token_id for lp in response.prompt_logprobs] == PROMPT_IDS[1:]
    assert response.prompt_logprobs[0].logprob == -3.5
    assert [a.rank for a in response.prompt_logprobs[0].top] == [1, 2]


def test_usage_counts_the_prompt_and_every_candidates_tokens():
    usage = vllm.from_payload(final()).usage
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (4, 5, 9)
    assert usage.cache_read_tokens == 2


def test_fields_without_a_slot_are_kept_in_provider_data():
    response = vllm.from_payload(final())
    assert response.provider_data == {"prompt": "The capital of", "finished": True}
    request = final()
    request.outputs[0].kv_transfer_params = {"remote_block_ids": [1, 2]}
    assert vllm.from_payload(request).outputs[0].provider_data == {"kv_transfer_params": {"remote_block_ids": [1, 2]}}


def test_dicts_through_json_import_like_the_objects():
    # json.dumps turns the {token_id: ...} keys into strings; they are token ids still.
    as_json = json.loads(json.dumps(dataclasses.asdict(final())))
    assert vllm.from_payload(as_json) == vllm.from_payload(final())


@pytest.mark.parametrize("kind", ["cumulative", "delta"])
def test_streams_in_either_output_kind_merge_to_the_final_output(kind):
    merged = vllm.import_stream(stream(kind), output_kind=kind)
    assert merged == vllm.from_payload(final())


def test_a_cumulative_stream_read_as_deltas_would_double_and_is_not_the_default():
    chunks = vllm.StreamImporter().feed(stream("cumulative")[1])
    assert chunks[0].chunk_mode == "cumulative"  # vLLM's default output kind
    wrong = vllm.import_stream(stream("cumulative"), output_kind="delta")
    assert wrong.outputs[1].text != " the city"


def test_final_only_is_one_chunk():
    assert vllm.import_stream([final()], output_kind="FINAL_ONLY") == vllm.from_payload(final())


def test_output_kind_accepts_vllms_enum_values_and_refuses_others():
    assert vllm.StreamImporter(1).kind == "delta"  # RequestOutputKind.DELTA == 1
    with pytest.raises(ValueError, match="output_kind"):
        vllm.StreamImporter("sometimes")


def test_several_prompts_give_several_responses():
    second = final()
    second.request_id = "cmpl-43"
    responses = vllm.from_payloads([final(), second])
    assert [r.id for r in responses] == ["cmpl-42", "cmpl-43"]


def test_abort_is_aborted_and_truncated():
    request = _request([_completion(0, 1)], finished=True)
    request.outputs[0].finish_reason = "abort"
    out = vllm.from_payload(request).outputs[0]
    assert (out.finish_reason, out.provider_finish_reason, out.truncated) == ("aborted", "abort", True)


def test_a_minus_infinity_logprob_is_real_and_kept():
    request = final()
    request.outputs[0].logprobs[0][999] = Logprob(-math.inf, 3, "x")
    top = vllm.from_payload(request).outputs[0].logprobs[0].top
    assert top[-1].logprob == -math.inf and top[-1].rank == 3


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda r: r.outputs[0].logprobs.pop(), "outputs[0].logprobs: 1 positions but 2 token ids"),
        (lambda r: setattr(r.outputs[1], "stop_reason", 1.5), "outputs[1].stop_reason"),
        (lambda r: r.prompt_logprobs.__setitem__(0, {1: Logprob(-1.0)}), "prompt_logprobs[0]"),
        (
            lambda r: r.outputs[0].logprobs[0].pop(12366),
            "outputs[0].logprobs[0]: no logprob for the chosen token 12366",
        ),
        (lambda r: setattr(r.outputs[0].logprobs[0][12366], "logprob", 0.5), "must be zero or less"),
    ],
)
def test_bad_input_names_the_field(change, needle):
    request = final()
    change(request)
    with pytest.raises(ValueError) as err:
        vllm.from_payload(request)
    assert needle in str(err.value)


def test_merged_stream_round_trips_through_json():
    merged = vllm.import_stream(stream("delta"), output_kind="delta")
    assert LMResponse.model_validate_json(merged.model_dump_json()) == merged
