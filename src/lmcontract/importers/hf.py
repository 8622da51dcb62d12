"""Hugging Face transformers: what ``generate()`` returns, and a streamer, to ``LMResponse``.

``from_generate(output, prompt_length=...)`` takes the result of ``generate(...,
return_dict_in_generate=True, output_scores=True, output_logits=True,
output_hidden_states=True)`` (or a dict with the same keys; any of the three outputs may be
left off) and gives one output per returned sequence, in row order:

- ``token_ids``: the row past the prompt, cut after the first EOS id (which is kept: the model
  produced it) or after the token that completed a stop string; what follows must be padding
  (the pad id, when known), else a ``ValueError`` says the EOS id or stop strings are wrong;
- ``finish_reason``: ``stop`` for an EOS (``stop_token_id`` says which) or a stop string
  (``stop_sequence``), else ``length`` (the only other way a row ends), with ``truncated``;
- ``logprobs``: ``log_softmax`` of each step's processed scores row at the chosen token, and
  the ``top_logprobs`` best alternatives with their ranks (masked tokens, at ``-inf``, are not
  alternatives); token text when a tokenizer is given;
- ``scores`` (processed, as ``output_scores`` gives them), ``logits`` (raw) and
  ``last_hidden_state`` (the last layer's state at the position that chose each token): tensors
  of one row per kept token;
- a text part with the decoded text (special tokens skipped) when a tokenizer is given; without
  one the output holds token ids and no part;
- ``prompt_token_ids`` when every row starts with the same prompt, and usage (prompt length in,
  kept tokens out).

EOS and pad ids come from ``tokenizer.eos_token_id`` / ``pad_token_id`` when a tokenizer is
given, else from the ``eos_token_id=`` / ``pad_token_id=`` keywords: ``generate()``'s output
does not say which token ended a row.

Beam search (``num_beams > 1``): each returned beam (``num_return_sequences`` of them, best
first) is one output; the per-step rows of scores, logits and hidden states are the rows of
the beam the sequence came through at that step (``beam_indices``), and the beam's
length-normalised score (``sequences_scores``) goes to ``provider_data["sequence_score"]``.

``GenerateStreamer`` is a ``transformers`` streamer that yields delta chunks while ``generate``
runs; merged with ``LMResponse.from_chunks`` they equal ``from_generate`` of the same run.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator, Mapping
from typing import Any

import torch
from transformers.generation.logits_process import LogitsProcessor
from transformers.generation.streamers import BaseStreamer

PROVIDER = "transformers"
DEFAULT_TOP_LOGPROBS = 5


def _ids(value: Any) -> set[int]:
    if value is None:
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, torch.Tensor):
        return {int(v) for v in value.flatten().tolist()}
    return {int(v) for v in value}


def _special_ids(tokenizer: Any, eos_token_id: Any, pad_token_id: Any) -> tuple[set[int], int | None]:
    if tokenizer is not None:
        eos_token_id = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else eos_token_id
        pad_token_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else pad_token_id
    return _ids(eos_token_id), pad_token_id


class _Decoder:
    """Token text, cached per id (a step's alternatives repeat ids a lot)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._cache: dict[int, str] = {}

    def token(self, token_id: int) -> str | None:
        if self.tokenizer is None:
            return None
        text = self._cache.get(token_id)
        if text is None:
            text = self._cache[token_id] = self.tokenizer.decode([token_id])
        return text

    def text(self, token_ids: list[int]) -> str:
        return self.tokenizer.decode(token_ids, skip_special_tokens=True)


def token_logprobs(scores: torch.Tensor, token_ids: list[int], top_logprobs: int, decoder: _Decoder) -> list[dict]:
    """TokenLogprobs (as dicts) of ``token_ids`` from their steps' processed scores rows
    (``scores``: one row per token): ``log_softmax`` of each row, read at the chosen token, and
    the ``top_logprobs`` best alternatives. One call for a whole output: the rows are reduced
    together, which is what makes reading out a long output cheap."""
    logprobs = torch.log_softmax(scores, dim=-1)
    chosen = logprobs.gather(1, torch.tensor(token_ids, dtype=torch.long)[:, None])[:, 0].tolist()
    entries: list[dict[str, Any]] = []
    for token_id, value in zip(token_ids, chosen, strict=True):
        entry: dict[str, Any] = {"token_id": token_id, "logprob": value}
        text = decoder.token(token_id)
        if text is not None:
            entry["token"] = text
        entries.append(entry)
    if top_logprobs > 0:
        values, indices = torch.topk(logprobs, min(top_logprobs, logprobs.shape[-1]), dim=-1)
        for entry, row_values, row_ids in zip(entries, values.tolist(), indices.tolist(), strict=True):
            top = []
            for rank, (value, alt_id) in enumerate(zip(row_values, row_ids, strict=True), start=1):
                if value == float("-inf"):
                    break  # masked tokens were never candidates
                alt: dict[str, Any] = {"token_id": alt_id, "logprob": value, "rank": rank}
                alt_text = decoder.token(alt_id)
                if alt_text is not None:
                    alt["token"] = alt_text
                top.append(alt)
            entry["top"] = top
    return entries


def _stop_string(
    decoder: _Decoder, prompt: list[int], token_ids: list[int], stop_strings: tuple[str, ...]
) -> str | None:
    """The stop string the last of ``token_ids`` completed, if any. As ``generate()`` does, the
    text is the prompt's and the generated tokens' together: a stop string may begin in the
    prompt. Matched on the decoded text (special tokens skipped)."""
    if not stop_strings:
        return None
    before = decoder.text(prompt + token_ids[:-1])
    text = decoder.text(prompt + token_ids)
    for stop in stop_strings:
        # An occurrence that ends in what the last token added.
        if text.find(stop, max(0, len(before) - len(stop) + 1)) != -1:
            return stop
    return None


def _as_tuple(stop_strings: Any) -> tuple[str, ...]:
    if stop_strings is None:
        return ()
    return (stop_strings,) if isinstance(stop_strings, str) else tuple(stop_strings)


def _kept(
    prompt: list[int], generated: list[int], eos: set[int], decoder: _Decoder, stop_strings: tuple[str, ...]
) -> tuple[int, dict[str, Any]]:
    """How many generated tokens a row keeps, and its finish fields."""
    for j, token_id in enumerate(generated):
        if token_id in eos:
            return j + 1, {"finish_reason": "stop", "stop_token_id": token_id}
        stop = _stop_string(decoder, prompt, generated[: j + 1], stop_strings)
        if stop is not None:
            return j + 1, {"finish_reason": "stop", "stop_sequence": stop}
    return len(generated), {"finish_reason": "length", "truncated": True}


def from_generate(
    output: Any,
    prompt_length: int,
    tokenizer: Any = None,
    *,
    eos_token_id: Any = None,
    pad_token_id: Any = None,
    stop_strings: Any = None,
    top_logprobs: int = DEFAULT_TOP_LOGPROBS,
    model_name: str | None = None,
):
    """One ``LMResponse`` from a ``generate()`` result (see the module docstring)."""
    from lmcontract import LMResponse

    if isinstance(output, torch.Tensor):
        output = {"sequences": output}
    if not isinstance(output, Mapping) or output.get("sequences") is None:
        raise ValueError("output: expected generate()'s result (return_dict_in_generate=True) or a dict with sequences")
    sequences = output["sequences"]
    if prompt_length < 0 or prompt_length > sequences.shape[1]:
        raise ValueError(f"prompt_length: {prompt_length} is outside the sequences' length {sequences.shape[1]}")
    eos, pad = _special_ids(tokenizer, eos_token_id, pad_token_id)
    stops = _as_tuple(stop_strings)
    if stops and tokenizer is None:
        raise ValueError("stop_strings: matching stop strings needs the tokenizer")
    decoder = _Decoder(tokenizer)
    scores, logits, hidden = output.get("scores"), output.get("logits"), output.get("hidden_states")
    beam_indices = output.get("beam_indices")
    sequence_scores = output.get("sequences_scores")
    rows = sequences.tolist()
    outputs = []
    total = 0
    for i, row in enumerate(rows):
        generated = row[prompt_length:]
        kept, finish = _kept(row[:prompt_length], generated, eos, decoder, stops)
        rest = generated[kept:]
        if pad is not None and any(t != pad for t in rest):
            # What follows the end of a row is padding; anything else means the EOS id or the
            # stop strings given are not the ones generate() ran with, and would be dropped.
            raise ValueError(
                f"sequences[{i}]: tokens after position {prompt_length + kept} are not padding "
                f"(pad_token_id {pad}); are eos_token_id and stop_strings the ones generate() used?"
            )
        total += kept
        token_ids = generated[:kept]
        step_rows = [int(beam_indices[i, t]) for t in range(kept)] if beam_indices is not None else [i] * kept
        out: dict[str, Any] = {"index": i, "token_ids": token_ids, **finish}
        if tokenizer is not None:
            out["parts"] = [{"type": "text", "text": decoder.text(token_ids)}]
        if scores is not None and token_ids:
            out["scores"] = torch.stack([scores[t][r] for t, r in enumerate(step_rows)])
            out["logprobs"] = token_logprobs(out["scores"], token_ids, top_logprobs, decoder)
        if logits is not None and token_ids:
            out["logits"] = torch.stack([logits[t][r] for t, r in enumerate(step_rows)])
        if hidden is not None and token_ids:
            out["last_hidden_state"] = torch.stack([hidden[t][-1][r, -1] for t, r in enumerate(step_rows)])
        if sequence_scores is not None:
            out["provider_data"] = {"sequence_score": float(sequence_scores[i])}
        outputs.append(out)
    response: dict[str, Any] = {
        "provider": PROVIDER,
        "model": model_name,
        "outputs": outputs,
        "usage": {"input_tokens": prompt_length, "output_tokens": total, "total_tokens": prompt_length + total},
    }
    prompts = {tuple(row[:prompt_length]) for row in rows}
    if len(prompts) == 1:
        response["prompt_token_ids"] = list(prompts.pop())
    return LMResponse.model_validate(response)


class _Recorder(LogitsProcessor):
    """The last logits processor: sees each step's processed scores, changes nothing."""

    def __init__(self, streamer: GenerateStreamer) -> None:
        self.streamer = streamer

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        self.streamer._scores = scores
        return scores


class GenerateStreamer(BaseStreamer):
    """Stream ``generate()`` as ``LMResponse`` delta chunks: token, logprobs, tensor rows per step.

    A ``BaseStreamer`` sees only token ids (the prompt first, then one token per row per
    step), so this streamer also attaches itself to ``model`` while it lives:

    - a last logits processor records each step's processed scores (for ``logprobs`` and
      ``scores``). Custom processors passed to ``generate`` run before the sampling warpers
      (temperature, top-k, top-p), so the recorder is appended to the list ``generate`` builds,
      by wrapping the model's ``_get_logits_processor`` (transformers' own method, on this
      instance only);
    - with ``logits`` or ``hidden_states``, a forward hook on the output embedding (the LM
      head) records its input (the last layer's hidden state) and output (the raw logits) at
      the last position.

    Use it as a context manager, or call ``detach()``, to remove both. Iterate over it (from
    another thread while ``generate`` runs, or afterwards) to get the chunks; ``on_chunk`` is
    called with each chunk as it is made. ``LMResponse.from_chunks`` of the chunks equals
    ``from_generate`` of the same run with the same tokenizer and options, tensors included.
    Beam search cannot stream (``generate`` refuses a streamer there).
    """

    _END = object()

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        *,
        eos_token_id: Any = None,
        pad_token_id: Any = None,
        stop_strings: Any = None,
        logits: bool = True,
        scores: bool = True,
        hidden_states: bool = True,
        top_logprobs: int = DEFAULT_TOP_LOGPROBS,
        model_name: str | None = None,
        on_chunk: Any = None,
        timeout: float | None = None,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.eos, self.pad = _special_ids(tokenizer, eos_token_id, pad_token_id)
        self.stop_strings = _as_tuple(stop_strings)
        if self.stop_strings and tokenizer is None:
            raise ValueError("stop_strings: matching stop strings needs the tokenizer")
        self.want_logits, self.want_scores, self.want_hidden = logits, scores, hidden_states
        self.top_logprobs = top_logprobs
        self.model_name = model_name
        self.on_chunk = on_chunk
        self.timeout = timeout
        self._decoder = _Decoder(tokenizer)
        self._queue: queue.Queue = queue.Queue()
        self._scores: torch.Tensor | None = None
        self._head_in: torch.Tensor | None = None
        self._head_out: torch.Tensor | None = None
        self._hook = None
        if logits or hidden_states:
            self._hook = model.get_output_embeddings().register_forward_hook(self._on_head)
        original = model._get_logits_processor

        def with_recorder(*args: Any, **kwargs: Any) -> Any:
            processors = original(*args, **kwargs)
            processors.append(_Recorder(self))
            return processors

        model._get_logits_processor = with_recorder
        self._reset()

    def _reset(self) -> None:
        self._prompt_length: int | None = None
        self._prompts: list[list[int]] = []
        self._tokens: list[list[int]] = []
        self._emitted: list[str] = []
        self._has_text: list[bool] = []
        self._done: list[bool] = []

    # -- attaching ----------------------------------------------------------------------
    def _on_head(self, module: Any, inputs: tuple, output: torch.Tensor) -> None:
        self._head_in = inputs[0][:, -1]
        self._head_out = output[:, -1]

    def detach(self) -> None:
        """Remove the hook and the recorder from the model."""
        if self._hook is not None:
            self._hook.remove()
            self._hook = None
        self.model.__dict__.pop("_get_logits_processor", None)

    def __enter__(self) -> GenerateStreamer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()

    # -- BaseStreamer -------------------------------------------------------------------
    def put(self, value: torch.Tensor) -> None:
        if self._prompt_length is None:
            self._start(value)
        else:
            self._step(value.reshape(-1).tolist())

    def end(self) -> None:
        outputs = []
        for i, done in enumerate(self._done):
            if done:
                continue
            out: dict[str, Any] = {"index": i, "finish_reason": "length", "truncated": True}
            self._finish_text(i, out)
            outputs.append(out)
        total = sum(len(t) for t in self._tokens)
        length = self._prompt_length or 0
        usage = {"input_tokens": length, "output_tokens": total, "total_tokens": length + total}
        self._emit({"outputs": outputs, "usage": usage})
        self._queue.put(self._END)
        self._reset()

    def _start(self, prompt: torch.Tensor) -> None:
        prompt = prompt if prompt.dim() == 2 else prompt[None]
        rows = prompt.tolist()
        self._prompts = rows
        self._prompt_length = len(rows[0])
        n = len(rows)
        self._tokens = [[] for _ in range(n)]
        self._emitted = [""] * n
        self._has_text = [False] * n
        self._done = [False] * n
        first: dict[str, Any] = {"provider": PROVIDER, "model": self.model_name}
        if len({tuple(r) for r in rows}) == 1:
            first["prompt_token_ids"] = rows[0]
        self._emit(first)

    def _step(self, tokens: list[int]) -> None:
        outputs = []
        for i, token_id in enumerate(tokens):
            if self._done[i]:
                if self.pad is not None and token_id != self.pad:
                    # As in from_generate: a row's end is followed by padding only.
                    raise ValueError(
                        f"outputs[{i}]: token {token_id} after the row ended is not padding (pad_token_id "
                        f"{self.pad}); are eos_token_id and stop_strings the ones generate() uses?"
                    )
                continue
            self._tokens[i].append(token_id)
            out: dict[str, Any] = {"index": i, "token_ids": [token_id]}
            if self._scores is not None:
                row = self._scores[i : i + 1].clone()
                out["logprobs"] = token_logprobs(row, [token_id], self.top_logprobs, self._decoder)
                if self.want_scores:
                    out["scores"] = row
            if self.want_logits and self._head_out is not None:
                out["logits"] = self._head_out[i : i + 1].to(dtype=torch.float32, copy=True)
            if self.want_hidden and self._head_in is not None:
                out["last_hidden_state"] = self._head_in[i : i + 1].clone()
            if token_id in self.eos:
                out.update(finish_reason="stop", stop_token_id=token_id)
            else:
                stop = _stop_string(self._decoder, self._prompts[i], self._tokens[i], self.stop_strings)
                if stop is not None:
                    out.update(finish_reason="stop", stop_sequence=stop)
            if "finish_reason" in out:
                self._done[i] = True
                self._finish_text(i, out)
            elif self.tokenizer is not None:
                self._text_delta(i, out, final=False)
            outputs.append(out)
        self._emit({"outputs": outputs})

    def _text_delta(self, i: int, out: dict[str, Any], final: bool) -> None:
        text = self._decoder.text(self._tokens[i])
        # A byte-level token may end inside a character: wait for the rest of it.
        if not final and text.endswith("\ufffd"):
            return
        emitted = self._emitted[i]
        if not text.startswith(emitted):
            raise RuntimeError(f"outputs[{i}]: decoded text no longer starts with the text already streamed")
        delta = text[len(emitted) :]
        if delta or (final and not self._has_text[i]):
            out["parts"] = [{"type": "text", "text": delta}]
            self._emitted[i] = text
            self._has_text[i] = True

    def _finish_text(self, i: int, out: dict[str, Any]) -> None:
        if self.tokenizer is not None:
            self._text_delta(i, out, final=True)

    def _emit(self, fields: dict[str, Any]) -> None:
        from lmcontract import LMResponse

        chunk = LMResponse.model_validate({"chunk_mode": "delta", **fields})
        if self.on_chunk is not None:
            self.on_chunk(chunk)
        self._queue.put(chunk)

    # -- reading ------------------------------------------------------------------------
    def __iter__(self) -> Iterator:
        while True:
            item = self._queue.get(timeout=self.timeout)
            if item is self._END:
                return
            yield item


__all__ = ["GenerateStreamer", "from_generate", "token_logprobs"]
