"""``lmcontract convert``: the real command in subprocesses, over recorded streams and payloads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lmcontract import LMResponse

RECORDED = Path(__file__).resolve().parent / "data" / "recorded"
COMMAND = str(Path(sys.executable).with_name("lmcontract"))


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([COMMAND, *args], capture_output=True, text=True, env=env, timeout=120)


def responses(result: subprocess.CompletedProcess) -> list[LMResponse]:
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return [LMResponse.model_validate_json(line) for line in result.stdout.splitlines()]


def assert_one_line_error(result: subprocess.CompletedProcess, status: int, *needles: str) -> None:
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("lmcontract: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_sse_stream_and_complete_payload_convert_to_the_same_response():
    folder = RECORDED / "openai-chat"
    streamed, complete = responses(
        run("convert", "--from", "openai-chat", str(folder / "parallel-tool-calls.sse"),
            str(folder / "parallel-tool-calls.json"))
    )
    assert streamed == complete
    output = streamed.outputs[0]
    assert [(c.id, c.arguments) for c in output.tool_calls] == [
        ("call_paris01", {"city": "Paris"}), ("call_oslo02", {"city": "Oslo"})
    ]
    assert streamed.usage.input_tokens == 1520
    assert streamed.usage.cache_read_tokens == 1024


def test_crlf_sse_and_jsonl_of_one_stream_agree():
    folder = RECORDED / "openai-chat"
    sse, jsonl = responses(
        run("convert", "--from", "openai-chat", str(folder / "reasoning-content.sse"),
            str(folder / "reasoning-content.jsonl"))
    )
    assert sse == jsonl
    assert sse.outputs[0].reasoning == "The user wants 2+2."
    assert sse.outputs[0].text == "2 + 2 = 4."


def test_sse_with_event_lines_comments_and_ping(tmp_path):
    events = [
        {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": None}]},
        {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
         "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": "stop"}]},
    ]
    text = ": keep-alive\n\n"
    text += "".join(f"event: message\ndata: {json.dumps(e)}\n\n" for e in events)
    text += "data: [DONE]\n\n"
    path = tmp_path / "stream.sse"
    path.write_text(text)
    [response] = responses(run("convert", "--from", "openai-chat", str(path)))
    assert response.outputs[0].text == "Hello"
    assert response.outputs[0].finish_reason == "stop"


def test_a_json_list_holds_several_payloads(tmp_path):
    payload = json.loads((RECORDED / "openai-chat" / "parallel-tool-calls.json").read_text())
    other = {**payload, "id": "chatcmpl-2"}
    path = tmp_path / "two.json"
    path.write_text(json.dumps([payload, other]))
    first, second = responses(run("convert", "--from", "openai-chat", str(path)))
    assert (first.id, second.id) == ("chatcmpl-Bx7rQ2kLm9", "chatcmpl-2")


@pytest.mark.parametrize(
    ("name", "content", "status", "needles"),
    [
        ("bad.json", '{"id": ', 2, ["bad.json", "not valid JSON"]),
        ("bad.sse", 'data: {"id": 1,\n\n', 2, ["bad.sse", "event 1", "not valid JSON"]),
        ("bad.jsonl", '{"choices": []}\n{oops}\n', 2, ["bad.jsonl", "line 2", "not valid JSON"]),
        ("empty.sse", "\n\n", 2, ["empty"]),
        ("only-done.sse", "data: [DONE]\n\n", 2, ["no data"]),
        ("payload.txt", "{}", 2, ["unknown file type '.txt'"]),
        ("nochoices.json", '{"id": "x"}', 1, ["cannot import as openai-chat", "choices"]),
        ("negative.json", '{"choices": [{"index": 0, "message": {"content": "hi"}, "finish_reason": "stop"}],'
         ' "usage": {"prompt_tokens": -1}}', 1, ["usage.input_tokens", "greater than or equal to 0"]),
        ("wrongtype.jsonl", '{"choices": [{"index": 0, "delta": "text"}]}\n', 1, ["line 1"]),
    ],
)
def test_bad_input_is_one_line_never_a_traceback(tmp_path, name, content, status, needles):
    path = tmp_path / name
    path.write_text(content)
    assert_one_line_error(run("convert", "--from", "openai-chat", str(path)), status, *needles)


def test_missing_file_and_unknown_format():
    assert_one_line_error(run("convert", "--from", "openai-chat", "/nonexistent/x.json"), 2, "no such file")
    assert_one_line_error(
        run("convert", "--from", "cohere", str(RECORDED / "openai-chat" / "parallel-tool-calls.json")),
        2, "unknown format 'cohere'", "openai-chat",
    )


def test_other_files_still_convert_after_a_bad_one(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    good = RECORDED / "openai-chat" / "parallel-tool-calls.json"
    result = run("convert", "--from", "openai-chat", str(bad), str(good))
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("openai-chat", "parallel-tool-calls"),
        ("openai-completions", "logprobs-length"),
        ("openai-responses", "reasoning-search-function-call"),
        ("anthropic", "thinking-citations-tool-use"),
        ("gemini", "thought-signature-function-calls"),
    ],
)
def test_every_format_converts_its_stream_and_payload_to_the_same_response(fmt, name):
    folder = RECORDED / fmt
    streamed, complete = responses(run("convert", "--from", fmt, str(folder / f"{name}.sse"),
                                       str(folder / f"{name}.json")))
    assert streamed == complete
    assert streamed.outputs[0].parts


def test_ping_and_event_lines_of_an_anthropic_stream(tmp_path):
    text = (RECORDED / "anthropic" / "thinking-citations-tool-use.sse").read_text()
    assert "event: ping" in text
    crlf = tmp_path / "crlf.sse"
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    [response] = responses(run("convert", "--from", "anthropic", str(crlf)))
    assert response.usage.input_tokens == 55196


def test_a_gemini_json_array_is_one_stream(tmp_path):
    # streamGenerateContent without alt=sse answers with a JSON array of the chunks.
    from lmcontract.importers.sse import iter_events

    sse = (RECORDED / "gemini" / "thought-signature-function-calls.sse").read_text()
    array = tmp_path / "stream.json"
    array.write_text(json.dumps([json.loads(e.data) for e in iter_events(sse)]))
    complete = RECORDED / "gemini" / "thought-signature-function-calls.json"
    streamed, whole = responses(run("convert", "--from", "gemini", str(array), str(complete)))
    assert streamed == whole
