"""Recorded streams replayed through the providers' real SDK clients over an httpx transport.

(The SDKs use httpx2, the successor of httpx; its MockTransport answers with the recording.)

The importers then see exactly the objects users' code holds (``ChatCompletionChunk``,
``RawMessageStreamEvent``, ``GenerateContentResponse``), and each result is checked against
the SDK's own accumulation of the same stream where one exists: openai-python's
``ChatCompletionStreamState`` and the anthropic SDK's ``MessageStream``.
"""

from __future__ import annotations

import json
from pathlib import Path

import anthropic
import httpx2 as httpx
import openai
import pytest
from google import genai
from google.genai import types as genai_types
from openai.lib.streaming.chat import ChatCompletionStreamState

from lmcontract.importers import anthropic as anthropic_importer
from lmcontract.importers import gemini, openai_chat, openai_completions, openai_responses

RECORDED = Path(__file__).resolve().parent / "data" / "recorded"


def replay(path: Path) -> httpx.Client:
    """An httpx client whose every request is answered with the recorded body of ``path``."""
    body = path.read_bytes()
    streamed = path.suffix == ".sse"
    content_type = "text/event-stream" if streamed else "application/json"

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "127.0.0.1"
        return httpx.Response(200, headers={"content-type": content_type}, content=body)

    return httpx.Client(transport=httpx.MockTransport(answer))


def openai_client(path: Path) -> openai.OpenAI:
    return openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1/v1", http_client=replay(path), max_retries=0)


def anthropic_client(path: Path) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="sk-test", base_url="http://127.0.0.1", http_client=replay(path), max_retries=0)


def gemini_client(path: Path) -> genai.Client:
    options = genai_types.HttpOptions(base_url="http://127.0.0.1", httpx_client=replay(path))
    return genai.Client(api_key="test-key", http_options=options)


MESSAGES = [{"role": "user", "content": "Weather in Paris and Oslo?"}]


# --- OpenAI Chat Completions -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["parallel-tool-calls", "reasoning-content"])
def test_openai_chat_stream_through_the_sdk_matches_chat_completion_stream_state(name):
    client = openai_client(RECORDED / "openai-chat" / f"{name}.sse")
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    assert all(type(c).__name__ == "ChatCompletionChunk" for c in chunks)
    imported = openai_chat.import_stream(chunks)

    state = ChatCompletionStreamState()
    for chunk in chunks:
        state.handle_chunk(chunk)
    accumulated = state.get_final_completion()
    # Same text, same tool calls, same usage as openai-python's own accumulator.
    for output, choice in zip(imported.outputs, accumulated.choices, strict=True):
        assert output.text == (choice.message.content or None)
        assert [(c.id, c.name, c.arguments) for c in output.tool_calls] == [
            (t.id, t.function.name, json.loads(t.function.arguments)) for t in choice.message.tool_calls or ()
        ]
        assert output.provider_finish_reason == choice.finish_reason
    if accumulated.usage is not None:
        assert imported.usage.input_tokens == accumulated.usage.prompt_tokens
        assert imported.usage.output_tokens == accumulated.usage.completion_tokens
    # And the accumulated completion, imported as a complete payload, is the same response.
    assert openai_chat.from_payload(accumulated) == imported


def test_openai_chat_complete_payload_through_the_sdk():
    path = RECORDED / "openai-chat" / "parallel-tool-calls.json"
    completion = openai_client(path).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert type(completion).__name__ == "ChatCompletion"
    assert openai_chat.from_payload(completion) == openai_chat.from_payload(json.loads(path.read_text()))


def test_openai_completions_stream_and_payload_through_the_sdk():
    folder = RECORDED / "openai-completions"
    chunks = list(openai_client(folder / "logprobs-length.sse").completions.create(
        model="gpt-3.5-turbo-instruct", prompt="The weather in", stream=True, logprobs=2))
    complete = openai_client(folder / "logprobs-length.json").completions.create(
        model="gpt-3.5-turbo-instruct", prompt="The weather in", logprobs=2)
    streamed = openai_completions.import_stream(chunks)
    assert streamed == openai_completions.from_payload(complete)
    assert streamed.outputs[0].text == complete.choices[0].text
    assert [e.token for e in streamed.outputs[0].logprobs] == complete.choices[0].logprobs.tokens


def test_openai_responses_stream_and_payload_through_the_sdk():
    folder = RECORDED / "openai-responses"
    client = openai_client(folder / "reasoning-search-function-call.sse")
    events = list(client.responses.create(model="o4-mini", input="2+2, and the weather in Paris?", stream=True))
    final = openai_client(folder / "reasoning-search-function-call.json").responses.create(
        model="o4-mini", input="2+2, and the weather in Paris?")
    streamed = openai_responses.import_stream(events)
    assert streamed == openai_responses.from_payload(final)
    assert streamed.outputs[0].text == final.output_text


# --- Anthropic -------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["thinking-citations-tool-use", "web-search"])
def test_anthropic_stream_through_the_sdk_matches_its_message_accumulation(name):
    path = RECORDED / "anthropic" / f"{name}.sse"
    raw_events = list(anthropic_client(path).messages.create(
        model="claude-test-model", max_tokens=1024, messages=MESSAGES, stream=True))
    imported = anthropic_importer.import_stream(raw_events)

    with anthropic_client(path).messages.stream(model="claude-test-model", max_tokens=1024, messages=MESSAGES) as s:
        helper_events = list(s)  # raw events and the helper's own (text, thinking, input_json, ...)
        final = s.get_final_message()
    assert anthropic_importer.import_stream(helper_events) == imported
    assert anthropic_importer.from_payload(final) == imported

    output = imported.outputs[0]
    texts = [b.text for b in final.content if b.type == "text"]
    assert output.text == ("".join(texts) if texts else None)
    assert [(c.id, c.name, c.arguments) for c in output.tool_calls] == [
        (b.id, b.name, b.input) for b in final.content if b.type in ("tool_use", "server_tool_use")
    ]
    usage = final.usage
    cached = (usage.cache_read_input_tokens or 0) + (usage.cache_creation_input_tokens or 0)
    assert imported.usage.input_tokens == usage.input_tokens + cached
    assert imported.usage.output_tokens == usage.output_tokens


def test_anthropic_input_tokens_include_the_cache():
    path = RECORDED / "anthropic" / "thinking-citations-tool-use.sse"
    final = anthropic_client(path).messages.stream(
        model="claude-test-model", max_tokens=1024, messages=MESSAGES).__enter__().get_final_message()
    assert final.usage.input_tokens == 100  # what an importer that copies the field would report
    usage = anthropic_importer.from_payload(final).usage
    assert (usage.input_tokens, usage.cache_read_tokens) == (55196, 55096)


def test_anthropic_complete_payload_through_the_sdk():
    path = RECORDED / "anthropic" / "thinking-citations-tool-use.json"
    message = anthropic_client(path).messages.create(model="claude-test-model", max_tokens=1024, messages=MESSAGES)
    assert anthropic_importer.from_payload(message) == anthropic_importer.from_payload(json.loads(path.read_text()))


# --- Gemini ----------------------------------------------------------------------------------
def test_gemini_stream_and_payload_through_google_genai():
    folder = RECORDED / "gemini"
    chunks = list(gemini_client(folder / "thought-signature-function-calls.sse").models.generate_content_stream(
        model="gemini-2.5-pro", contents="Weather in Paris and Oslo?"))
    assert all(type(c).__name__ == "GenerateContentResponse" for c in chunks)
    complete = gemini_client(folder / "thought-signature-function-calls.json").models.generate_content(
        model="gemini-2.5-pro", contents="Weather in Paris and Oslo?")
    streamed = gemini.import_stream(chunks)
    assert streamed == gemini.from_payload(complete)
    assert streamed == gemini.from_payload(json.loads((folder / "thought-signature-function-calls.json").read_text()))
    output = streamed.outputs[0]
    assert output.text == complete.text
    assert [(c.name, c.arguments) for c in output.tool_calls] == [
        (f.name, f.args) for f in complete.function_calls
    ]


def test_gemini_blocked_candidate_through_google_genai():
    path = RECORDED / "gemini" / "blocked-candidate.json"
    complete = gemini_client(path).models.generate_content(model="gemini-2.5-flash", contents="...")
    output = gemini.from_payload(complete).outputs[0]
    assert (output.parts, output.finish_reason, output.provider_finish_reason) == (None, "content_filter", "SAFETY")
