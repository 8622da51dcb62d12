"""The README's example is real code: run it."""

import re
import subprocess
import sys
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


EXIT_STATUS = [
    "**0** every record valid",
    "**1** some record invalid",
    "**2** some input unreadable",
]
OUTPUT_LINES = [
    "FILE:RECORD: FIELD.PATH: MESSAGE",
    "ok: N records valid as CLASS in M files",
    "failed: N records read from M files: K invalid as CLASS, U unreadable",
    "lmcontract: error: FILE[:LINE]: MESSAGE",
]


def test_readme_and_validate_help_describe_the_exit_status_and_output_the_cli_tests_check():
    text = " ".join(README.read_text().split())
    for phrase in EXIT_STATUS + OUTPUT_LINES + ["--quiet", "--json", "--format"]:
        assert phrase in text, phrase
    command = str(Path(sys.executable).with_name("lmcontract"))
    shown = subprocess.run([command, "validate", "--help"], capture_output=True, text=True, check=True).stdout
    help_text = " ".join(shown.split())
    for phrase in ["0 every record valid", "1 some record invalid", "2 some input unreadable"]:
        assert phrase in help_text, phrase
    for line in OUTPUT_LINES:
        assert line in help_text, (line, help_text)
    # The formats the tests check are the ones the command prints.
    tests = (README.parent / "tests" / "test_bad_input.py").read_text()
    assert "failed: 3 records read from 1 file: 1 invalid as LMResponse, 0 unreadable" in tests
    assert "ok: 1 record valid as LMResponse in 1 file" in tests
