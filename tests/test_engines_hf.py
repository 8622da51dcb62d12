"""transformers in: ``hf.from_generate`` and ``hf.GenerateStreamer`` on a real tiny model.

The model is a randomly initialised 2-layer GPT-2 with a tokenizer trained in code
(``tiny_model.py``), generating on the CPU. ``import transformers`` is slow, so every run is
made once per module and shared by the tests.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_model import tiny_model, tiny_tokenizer  # noqa: E402

from lmcontract import LMResponse  # noqa: E402
from lmcontract.importers import hf  # noqa: E402
from lmcontract.lib.tensors import WITH_TENSORS  # noqa: E402

FULL = {"return_dict_in_generate": True, "output_scores": True, "output_logits": True, "output_hidden_states": True}
MAX_NEW = 12


@pytest.fixture(scope="module")
def tok():
    return tiny_tokenizer()


@pytest.fixture(scope="module")
def model(tok):
    return tiny_model(tok)


@pytest.fixture(scope="module")
def prompt(tok):
    return tok("The quick brown", return_tensors="pt")


def _run(model, tok, prompt, *, stream=True, streamer_options=None, **generate):
    """generate() once, with a streamer when asked; returns (output, chunks)."""
    torch.manual_seed(1234)
    if not stream:
        return model.generate(**prompt, **FULL, max_new_tokens=MAX_NEW, **generate), None
    with hf.GenerateStreamer(model, tok, **(streamer_options or {})) as streamer:
        output = model.generate(**prompt, streamer=streamer, **FULL, max_new_tokens=MAX_NEW, **generate)
        chunks = list(streamer)
    return output, chunks


@pytest.fixture(scope="module")
def sampled(model, tok, prompt):
    # top_k masks all but 20 tokens (-inf scores); the length penalty pushes EOS up after 3
    # steps, so rows end at different steps and the processed scores differ from the logits.
    return _run(
        model, tok, prompt, do_sample=True, num_return_sequences=2, top_k=20, exponential_decay_length_penalty=(3, 2.0)
    )


@pytest.fixture(scope="module")
def greedy(model, tok, prompt):
    return _run(model, tok, prompt, do_sample=False)


@pytest.fixture(scope="module")
def beams(model, tok, prompt):
    return _run(model, tok, prompt, stream=False, num_beams=3, num_return_sequences=2, do_sample=False)[0]


def _length(prompt) -> int:
    return prompt["input_ids"].shape[1]


def test_sampling_n2_streamed_chunks_merge_to_from_generate_exactly(sampled, tok, prompt):
    output, chunks = sampled
    complete = hf.from_generate(output, _length(prompt), tok)
    merged = LMResponse.from_chunks(chunks)
    assert [o.index for o in complete.outputs] == [0, 1]
    assert merged == complete  # tensors compared with torch.equal: exactly
    for o in merged.outputs:
        n = len(o.token_ids)
        assert o.logits.shape == (n, len(tok)) and o.scores.shape == (n, len(tok))
        assert o.last_hidden_state.shape == (n, 64)
    assert len(chunks) > MAX_NEW // 2  # one chunk per step, not one at the end


def test_sampling_rows_end_at_their_own_eos_and_padding_is_cut(sampled, tok, prompt):
    output, _ = sampled
    response = hf.from_generate(output, _length(prompt), tok)
    ended = [o for o in response.outputs if o.finish_reason == "stop"]
    assert ended, "the length penalty should make at least one row end by EOS"
    for o in response.outputs:
        row = output.sequences[o.index, _length(prompt) :].tolist()
        assert row[: len(o.token_ids)] == o.token_ids
        if o.finish_reason == "stop":
            assert o.token_ids[-1] == tok.eos_token_id == o.stop_token_id
            assert all(t == tok.pad_token_id for t in row[len(o.token_ids) :])
            assert not o.truncated
        else:
            assert o.finish_reason == "length" and o.truncated and len(o.token_ids) == MAX_NEW
        assert o.text == tok.decode(o.token_ids, skip_special_tokens=True)
    assert response.usage.output_tokens == sum(len(o.token_ids) for o in response.outputs)
    assert response.prompt_token_ids == prompt["input_ids"][0].tolist()


def test_logprobs_are_log_softmax_of_the_processed_scores(sampled, tok, prompt):
    output, _ = sampled
    response = hf.from_generate(output, _length(prompt), tok, top_logprobs=5)
    masked = 0
    for o in response.outputs:
        for t, (token_id, lp) in enumerate(zip(o.token_ids, o.logprobs, strict=True)):
            expected = torch.log_softmax(output.scores[t][o.index], dim=-1)
            masked += int(torch.isinf(expected).sum())
            assert lp.logprob == float(expected[token_id])
            assert lp.token_id == token_id and lp.token == tok.decode([token_id])
            best = torch.topk(expected, 5)
            assert [a.token_id for a in lp.top] == best.indices.tolist()
            assert [a.logprob for a in lp.top] == best.values.tolist()
            assert [a.rank for a in lp.top] == [1, 2, 3, 4, 5]
        # Processed scores are not the raw logits (top-k and the length penalty changed them).
        assert not torch.equal(o.scores, o.logits)
        assert torch.equal(o.scores, torch.stack([output.scores[t][o.index] for t in range(len(o.token_ids))]))
    assert masked > 0, "top_k should mask tokens to -inf"


def test_masked_tokens_are_never_alternatives(model, tok, prompt):
    # top_k=2: only two tokens are candidates; asking for 5 alternatives gives those two.
    output, _ = _run(model, tok, prompt, stream=False, do_sample=True, top_k=2)
    response = hf.from_generate(output, _length(prompt), tok, top_logprobs=5)
    for lp in response.outputs[0].logprobs:
        assert len(lp.top) == 2 and all(a.logprob > float("-inf") for a in lp.top)


def test_greedy_picks_the_best_scored_token_and_streams_exactly(greedy, tok, prompt):
    output, chunks = greedy
    response = hf.from_generate(output, _length(prompt), tok)
    assert LMResponse.from_chunks(chunks) == response
    o = response.outputs[0]
    assert o.token_ids == o.scores.argmax(dim=-1).tolist()
    assert all(lp.top[0].token_id == t for lp, t in zip(o.logprobs, o.token_ids, strict=True))
    # Greedy with no processor: the scores are the logits.
    assert torch.equal(o.scores, o.logits)


def test_raw_logits_and_hidden_states_are_generates_own(greedy, prompt):
    output, _ = greedy
    o = hf.from_generate(output, _length(prompt), eos_token_id=0, pad_token_id=1).outputs[0]
    n = len(o.token_ids)
    assert torch.equal(o.logits, torch.stack([output.logits[t][0] for t in range(n)]))
    # The last layer's state at the last position of each forward pass.
    assert torch.equal(o.last_hidden_state, torch.stack([output.hidden_states[t][-1][0, -1] for t in range(n)]))


def test_stop_string_ends_the_output_where_generate_stopped(model, tok, prompt, greedy):
    ids = hf.from_generate(greedy[0], _length(prompt), tok).outputs[0].token_ids
    stop = tok.decode(ids[1:3])  # whole characters: generate() matches stop strings on tokens
    assert "\ufffd" not in stop
    output, chunks = _run(
        model,
        tok,
        prompt,
        do_sample=False,
        stop_strings=[stop],
        tokenizer=tok,
        streamer_options={"stop_strings": [stop]},
    )
    response = hf.from_generate(output, _length(prompt), tok, stop_strings=[stop])
    o = response.outputs[0]
    assert (o.finish_reason, o.stop_sequence, o.stop_token_id, o.truncated) == ("stop", stop, None, False)
    assert o.token_ids == output.sequences[0, _length(prompt) :].tolist()  # generate() stopped there too
    # The stop string may begin in the prompt, as generate() reads it.
    assert stop in tok.decode(prompt["input_ids"][0].tolist() + o.token_ids)
    assert stop not in tok.decode(prompt["input_ids"][0].tolist() + o.token_ids[:-1])
    assert len(o.token_ids) < MAX_NEW
    assert LMResponse.from_chunks(chunks) == response


def test_beam_search_maps_each_returned_beam_to_an_output(beams, model, tok, prompt):
    response = hf.from_generate(beams, _length(prompt), tok)
    assert [o.index for o in response.outputs] == [0, 1]
    # transformers' own per-token scores along each beam's path are our logprobs.
    transition = model.compute_transition_scores(beams.sequences, beams.scores, beams.beam_indices)
    for o in response.outputs:
        assert o.provider_data == {"sequence_score": float(beams.sequences_scores[o.index])}
        n = len(o.token_ids)
        expected = transition[o.index, :n].tolist()
        assert [lp.logprob for lp in o.logprobs] == pytest.approx(expected, abs=1e-5)
        path = beams.beam_indices[o.index, :n].tolist()
        assert torch.equal(o.logits, torch.stack([beams.logits[t][r] for t, r in enumerate(path)]))
        assert torch.equal(
            o.last_hidden_state, torch.stack([beams.hidden_states[t][-1][r, -1] for t, r in enumerate(path)])
        )


def test_beam_search_refuses_a_streamer(model, tok, prompt):
    with hf.GenerateStreamer(model, tok) as streamer, pytest.raises(ValueError, match="beam search"):
        model.generate(**prompt, streamer=streamer, num_beams=2, max_new_tokens=2)


def test_without_a_tokenizer_an_output_is_token_ids_alone(greedy, prompt):
    output, _ = greedy
    response = hf.from_generate(output, _length(prompt), eos_token_id=0, pad_token_id=1)
    o = response.outputs[0]
    assert o.parts is None and o.token_ids and o.text is None
    assert all(lp.token is None for lp in o.logprobs)
    again = LMResponse.model_validate_json(response.model_dump_json(context=WITH_TENSORS))
    assert again == response
    assert torch.equal(again.outputs[0].scores, o.scores)


def test_streamer_without_tensors_still_streams_tokens_and_logprobs(model, tok, prompt):
    options = {"logits": False, "hidden_states": False, "scores": False}
    output, chunks = _run(model, tok, prompt, do_sample=False, streamer_options=options)
    merged = LMResponse.from_chunks(chunks)
    plain = {"sequences": output.sequences, "scores": output.scores}
    expected = hf.from_generate(plain, _length(prompt), tok)
    for o in expected.outputs:
        o.scores = None
    assert merged == expected
    assert merged.outputs[0].logits is None and merged.outputs[0].logprobs


def test_streamer_detaches_from_the_model(model, tok, prompt):
    head = model.get_output_embeddings()
    before = dict(head._forward_hooks)
    with hf.GenerateStreamer(model, tok):
        assert len(head._forward_hooks) == len(before) + 1
        assert "_get_logits_processor" in model.__dict__
    assert dict(head._forward_hooks) == before
    assert "_get_logits_processor" not in model.__dict__


def test_prompt_length_out_of_range_is_refused(greedy):
    with pytest.raises(ValueError, match="prompt_length"):
        hf.from_generate(greedy[0], 10_000, eos_token_id=0)


def test_a_wrong_eos_id_would_drop_tokens_and_is_refused(greedy, prompt):
    output, _ = greedy
    first = output.sequences[0, _length(prompt)].item()
    later = output.sequences[0, _length(prompt) + 1 :].tolist()
    assert any(t != 1 for t in later)  # real tokens follow the one we will call EOS
    with pytest.raises(ValueError, match=r"sequences\[0\]: tokens after position .* are not padding"):
        hf.from_generate(output, _length(prompt), eos_token_id=first, pad_token_id=1)


def test_the_streamer_refuses_a_wrong_eos_id_too(model, tok, prompt, greedy):
    first = greedy[0].sequences[0, _length(prompt)].item()
    with hf.GenerateStreamer(model, eos_token_id=first, pad_token_id=1) as streamer:
        with pytest.raises(ValueError, match=r"outputs\[0\]: token .* after the row ended is not padding"):
            model.generate(**prompt, streamer=streamer, max_new_tokens=4, do_sample=False)
