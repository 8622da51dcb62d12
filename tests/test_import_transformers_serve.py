"""End to end: a real OpenAI-compatible server (``transformers serve``) and the real ``openai`` client.

A tiny randomly initialised GPT-2 (2 layers, 64 wide) and a byte-level BPE tokenizer trained in
code are saved to a temporary folder; nothing is downloaded (``HF_HUB_OFFLINE``). The server
listens on 127.0.0.1 only, on a free port, and is stopped by the fixture (its whole process
group, bounded waits) whatever the test does. The same greedy request, streamed and not, is
imported with ``openai_chat``: both must give the same response.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lmcontract.importers import openai_chat

pytestmark = pytest.mark.slow

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
CORPUS = [
    "The weather in Paris is sunny and warm today.",
    "Oslo is cold in winter, with snow on the hills.",
    "A tiny model writes tiny words about the sky, the sea and the city.",
] * 20


def _tiny_model(folder: Path) -> None:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GenerationConfig, GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    # Only the corpus's own (ASCII) bytes: every token the random model picks decodes to text,
    # rather than to a fragment of a UTF-8 character that a streamer would hold back.
    trainer = trainers.BpeTrainer(vocab_size=300, special_tokens=["<|endoftext|>"])
    tokenizer.train_from_iterator(CORPUS, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|endoftext|>",
                                   bos_token="<|endoftext|>", pad_token="<|endoftext|>")
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)

    torch.manual_seed(0)
    eos = fast.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(n_layer=2, n_embd=64, n_head=2, n_positions=256, vocab_size=len(fast),
                        bos_token_id=eos, eos_token_id=eos)
    model = GPT2LMHeadModel(config)
    model.save_pretrained(folder)
    GenerationConfig(bos_token_id=eos, eos_token_id=eos, pad_token_id=eos, do_sample=False).save_pretrained(folder)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import httpx2

    root = tmp_path_factory.mktemp("serve")
    model = root / "tiny-gpt2"
    _tiny_model(model)
    (root / "hub").mkdir()
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": str(root / "hub"), "HF_HOME": str(root / "home"),
           "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    command = [str(Path(sys.executable).with_name("transformers")), "serve", str(model),
               "--host", "127.0.0.1", "--port", str(port), "--device", "cpu", "--default-seed", "0"]
    log = (root / "serve.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                pytest.fail(f"transformers serve exited ({process.returncode}): {(root / 'serve.log').read_text()}")
            try:
                if httpx2.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx2.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"transformers serve not ready in 180 s: {(root / 'serve.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield base, str(model)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        log.close()


def test_streamed_and_complete_answers_from_transformers_serve_import_the_same(server):
    import openai

    base, model = server
    client = openai.OpenAI(base_url=f"{base}/v1", api_key="not-needed", max_retries=0, timeout=120)
    request = {"model": model, "messages": [{"role": "user", "content": "The weather in Paris"}],
               "max_tokens": 12, "temperature": 0.0, "seed": 0}
    complete = client.chat.completions.create(**request)
    chunks = list(client.chat.completions.create(**request, stream=True,
                                                 stream_options={"include_usage": True}))
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) > 2

    from_complete = openai_chat.from_payload(complete)
    from_stream = openai_chat.import_stream(chunks)
    assert from_stream.outputs == from_complete.outputs
    assert from_stream.model == from_complete.model
    output = from_stream.outputs[0]
    assert output.text == complete.choices[0].message.content
    assert output.provider_finish_reason == complete.choices[0].finish_reason
    if complete.usage is not None and from_stream.usage is not None:
        assert from_stream.usage.output_tokens == from_complete.usage.output_tokens
    # The same chunks, merged by the generic path, agree.
    from lmcontract import LMResponse

    importer = openai_chat.StreamImporter()
    assert LMResponse.from_chunks([c for e in chunks for c in importer.feed(e)] + importer.close()) == from_stream
