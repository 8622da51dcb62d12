"""The README's example is real code: run it."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
RECORDED = Path(__file__).resolve().parent / "data" / "recorded" / "openai-chat" / "parallel-tool-calls.sse"


class _Replay(BaseHTTPRequestHandler):
    """Answers every POST with a recorded Chat Completions stream, as the API sends it."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = RECORDED.read_bytes()
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_readme_python_examples_run(monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "the README has no python example"
    # The SDK example talks to "the API": here a local server replaying a recorded stream,
    # reached the way users configure the openai client, through its environment variables.
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-readme")
    try:
        for block in blocks:
            exec(compile(block, str(README), "exec"), {})
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert "[('get_weather', {'city': 'Paris'}), ('get_weather', {'city': 'Oslo'})] 1520" in capsys.readouterr().out


def test_readme_sdk_example_is_under_ten_lines():
    text = README.read_text()
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "import_stream" in b)
    assert len([line for line in block.splitlines() if line.strip()]) < 10


def test_readme_names_the_two_commands_ci_runs():
    text = README.read_text()
    ci = (README.parent / ".ci" / "run").read_text()
    assert "make gen" in text and "make test" in text
    assert "\nmake test\n" in ci
