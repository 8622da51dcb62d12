"""The cross-field rules (``lmcontract.lib.rules``) on raw input, message by message: what
validation reports beside the field errors when a record fails, and on validated models."""

from __future__ import annotations

from lmcontract import LMResponse
from lmcontract.lib.rules import output_problems, prompt_problems


def lp(token_id):
    return {"token": "t", "token_id": token_id, "logprob": -0.5}


def test_prompt_logprobs_cover_the_prompt_from_its_second_token():
    assert list(prompt_problems({"prompt_token_ids": [5], "prompt_logprobs": []})) == []
    assert list(prompt_problems({"prompt_token_ids": [], "prompt_logprobs": []})) == []
    assert list(prompt_problems({"prompt_token_ids": [5, 6, 7], "prompt_logprobs": [lp(6), lp(7)]})) == []
    assert list(prompt_problems({"prompt_token_ids": [5, 6], "prompt_logprobs": [lp(6), lp(7)]})) == [
        "prompt_logprobs: 2 entries but prompt_token_ids has 2; there is one entry per prompt token from the second on"
    ]
    assert list(prompt_problems({"prompt_token_ids": [5, 6, 7], "prompt_logprobs": [lp(6), lp(9)]})) == [
        "prompt_logprobs[1].token_id: 9 but prompt_token_ids[2] is 7"
    ]
    assert list(prompt_problems({"prompt_token_ids": [5, 6, 7], "prompt_logprobs": [lp(None), lp(7)]})) == []
    model = LMResponse.model_construct(prompt_token_ids=[5, 6, 7], prompt_logprobs=[None, None])
    assert list(prompt_problems(model)) == []


def test_logprobs_align_with_token_ids_in_raw_input():
    raw = {"index": 0, "token_ids": [1, 2], "logprobs": [lp(1), lp(3)]}
    assert list(output_problems(raw)) == ["logprobs[1].token_id: 3 but token_ids[1] is 2"]
    assert list(output_problems({**raw, "logprobs": [lp(1), lp(None)]})) == []
    assert list(output_problems({**raw, "logprobs": [lp(1)]})) == [
        "logprobs: 1 entries but token_ids has 2; they must align one to one"
    ]
    assert list(output_problems({**raw, "logprobs": [lp(1), {"token_id": "2"}]})) == []  # not an int: a field error
