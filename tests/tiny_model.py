"""A real, tiny, randomly initialised GPT-2 and a byte-level BPE tokenizer trained here.

Nothing is downloaded: the tokenizer is trained in code on a few sentences (in well under a
second) and the model is a 2-layer GPT-2 with random weights, seeded, so every run generates
the same tokens. Used by the transformers tests and by ``bench.bench_engines``.
"""

from __future__ import annotations

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "A language model writes one token at a time, and each token has a probability.",
    "Streams of chunks merge into one response; tensors grow along the sequence.",
    "Engines report logits, scores and hidden states; frameworks report parts.",
    "Telemetry records what the model returned, without the tensors.",
    "Ünïcödé text and emoji 🙂 make byte-level tokens end inside characters.",
] * 4
EOS = "<eos>"
PAD = "<pad>"


def tiny_tokenizer(vocab_size: int = 320):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(CORPUS, trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token=EOS, pad_token=PAD)


def tiny_model(tokenizer, seed: int = 0):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=128,
        n_embd=64,
        n_layer=2,
        n_head=2,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(seed)
    return GPT2LMHeadModel(config).eval()
