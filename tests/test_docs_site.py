"""The docs site: built with ``mkdocs build --strict``, no broken internal links, and, in a real
headless Chromium over the Chrome DevTools Protocol, diagrams rendered as SVG, search, the JSON
Schema download, no console errors and no request leaving 127.0.0.1.

Screenshots of the pages opened land in ``test-artifacts/`` (gitignored).
Without ``/usr/bin/chromium`` the browser tests are skipped, unless LMCONTRACT_REQUIRE_BROWSER=1
(CI sets it), which makes a missing browser a failure.
"""

from __future__ import annotations

import base64
import functools
import html
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JSON_SCHEMA = ROOT / "generated" / "jsonschema" / "lmcontract.schema.json"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Flags for a headless browser that talks to nothing but the site under test.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    "--remote-debugging-port=0",
]
TIMEOUT = 30.0


# -- the site -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site, built the way `make docs` builds it, into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    warnings = [line for line in log.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", line)]
    assert not warnings, "mkdocs printed warnings:\n" + "\n".join(warnings)
    print(f"site built in {time.perf_counter() - start:.1f}s")
    return out


def test_site_has_every_page(site: Path):
    pages = ("index", "quickstart", "merging", "finish-reasons", "jsonschema", "datasets", "authoring", "changelog")
    for page in pages:
        assert (site / f"{page}.html").is_file(), page
    generated = sorted((ROOT / "generated" / "docs").rglob("*.md"))
    assert len(generated) > 100
    for md in generated:
        rel = md.relative_to(ROOT / "generated" / "docs").with_suffix(".html")
        assert (site / rel).is_file(), rel
    # The slot named `index` has its own page and did not replace the reference's home page.
    assert "Schema reference" in (site / "reference" / "index.html").read_text()
    assert "The position of this candidate" in (site / "reference" / "slots" / "index.html").read_text()


def test_published_json_schema_is_served_byte_identical(site: Path):
    assert (site / "lmcontract.schema.json").read_bytes() == JSON_SCHEMA.read_bytes()


def test_typescript_types_are_served_byte_identical_and_linked(site: Path):
    types = ROOT / "generated" / "typescript" / "lmcontract.d.ts"
    assert (site / "lmcontract.d.ts").read_bytes() == types.read_bytes()
    assert '<a download href="lmcontract.d.ts">' in (site / "datasets.html").read_text()


def test_datasets_plot_shows_the_counts_of_the_corpus(site: Path):
    """Every bar of the plot is a real count: recomputed here from the responses themselves."""
    from collections import Counter

    sys.path.insert(0, str(ROOT))
    try:
        from bench.corpus import responses
    finally:
        sys.path.remove(str(ROOT))
    page = (site / "datasets.html").read_text()
    (svg,) = re.findall(r'<svg class="finish-reason-plot".*?</svg>', page, flags=re.S)
    bars = re.findall(r'data-model="([^"]+)" data-reason="(\w+)" data-n="(\d+)"', svg)
    drawn = {(html.unescape(m), r): int(n) for m, r, n in bars}
    counted = Counter((r.model, o.finish_reason) for r in responses(10_000, seed=0) for o in r.outputs)
    assert drawn == dict(counted)
    assert len({m for m, _ in drawn}) >= 3 and len({r for _, r in drawn}) >= 4


def test_no_cdn_or_web_font_in_any_page(site: Path):
    for page in site.rglob("*.html"):
        for url in re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', page.read_text()):
            assert not re.match(r"(https?:)?//", url), f"{page.relative_to(site)} loads {url} from the network"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.mermaid: list[str] = []
        self._in_mermaid = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "pre" and "mermaid" in (attrs.get("class") or "").split():
            self._in_mermaid += 1
            self.mermaid.append("")

    def handle_endtag(self, tag):
        if tag == "pre" and self._in_mermaid:
            self._in_mermaid -= 1

    def handle_data(self, data):
        if self._in_mermaid:
            self.mermaid[-1] += data


@functools.cache
def _parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _broken_links(site: Path) -> list[str]:
    broken = []
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        parsed = _parse(page)
        # Links in mermaid diagrams (`click X href "..."`) are not rewritten by mkdocs: check them too.
        clicks = [re.findall(r'click \w+ href "([^"]+)"', html.unescape(text)) for text in parsed.mermaid]
        diagram_links = [url for found in clicks for url in found]
        for url in parsed.urls + diagram_links:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or parts.netloc:
                continue  # external (none are loaded, see test_no_cdn_or_web_font_in_any_page)
            path = urllib.parse.unquote(parts.path)
            # 404.html links from the site root, as it is served from any depth.
            base = site if path.startswith("/") else page.parent
            target = page if not path else (base / path.lstrip("/")).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(site)}: {url}"
            if not target.is_relative_to(site.resolve()):
                broken.append(f"{where} (outside the site)")
            elif not target.is_file():
                broken.append(where)
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in _parse(target).ids:
                broken.append(f"{where} (no such anchor)")
    return broken


def test_no_broken_internal_links(site: Path):
    broken = _broken_links(site)
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:50])


def test_link_checker_finds_a_broken_link(site: Path, tmp_path: Path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    page = copy / "reference" / "classes" / "LMOutput.html"
    page.write_text(page.read_text().replace('href="LMUsage.html"', 'href="LMUsages.html"', 1))
    (copy / "reference" / "enums" / "FinishReason.html").unlink()
    broken = _broken_links(copy)
    assert any(b.endswith("LMUsages.html") for b in broken)
    assert any("FinishReason.html" in b and "reference/index.html" in b for b in broken)


# -- a server and a browser ---------------------------------------------------------------------
class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    """The built site served on 127.0.0.1, as `make serve` serves it."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class CDP:
    """A minimal Chrome DevTools Protocol client over one page's websocket."""

    def __init__(self, ws_url: str):
        import websocket  # dev dependency websocket-client; only the browser tests need it

        self.ws = websocket.create_connection(ws_url, timeout=TIMEOUT, suppress_origin=True, enable_multithread=True)
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)
        raise TimeoutError(method)

    def pump(self, seconds: float) -> None:
        """Read events for a while (the browser sends them whether we ask or not)."""
        self.ws.settimeout(0.05)
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                try:
                    msg = json.loads(self.ws.recv())
                except Exception as exc:  # websocket timeout: nothing queued
                    if type(exc).__name__ == "WebSocketTimeoutException":
                        continue
                    raise
                if "method" in msg:
                    self.events.append(msg)
        finally:
            self.ws.settimeout(TIMEOUT)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str, timeout: float = TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            self.pump(0.1)
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")

    def wait_for_value(self, get, ok, what: str, timeout: float = TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = get()
            if ok(value):
                return value
            self.pump(0.2)
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")

    def open(self, url: str) -> None:
        self.events.clear()
        result = self.send("Page.navigate", url=url)
        assert "errorText" not in result, f"{url}: {result['errorText']}"
        self.wait_for_value(
            lambda: [e for e in self.events if e["method"] == "Page.loadEventFired"], bool, f"{url} to load"
        )

    def screenshot(self, path: Path, full_page: bool = True) -> None:
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics["cssContentSize"] if full_page else metrics["cssLayoutViewport"]
        height = size["height"] if full_page else size["clientHeight"]
        width = size["width"] if full_page else size["clientWidth"]
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, 12000), "scale": 1}
        data = self.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def problems(self, origin: str) -> list[str]:
        """Console errors, uncaught exceptions, failed loads, and requests to anywhere but origin."""
        found = []
        for event in self.events:
            method, params = event["method"], event["params"]
            if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
                found.append(f"console.{params['type']}: {args}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                found.append(f"log: {params['entry']['text']} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                found.append(f"failed to load: {params.get('errorText')}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not (url.startswith(origin + "/") or url.startswith(("data:", "blob:", "about:"))):
                    found.append(f"request to {url}")
        return found

    def close(self) -> None:
        self.ws.close()


def _chromium_or_skip() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"{CHROMIUM} is not installed (apt-get install chromium); the browser tests need it"
    if os.environ.get("LMCONTRACT_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + ", and LMCONTRACT_REQUIRE_BROWSER=1 forbids skipping them")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(server: str):
    """Headless Chromium on a fresh profile, driven over the DevTools protocol."""
    chromium = _chromium_or_skip()
    profile = Path(tempfile.mkdtemp(prefix="lmcontract-chromium-"))
    proc = subprocess.Popen(
        [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    cdp = None
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert proc.poll() is None, f"chromium exited with status {proc.returncode}"
            assert time.monotonic() < deadline, "chromium did not open its DevTools port"
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=TIMEOUT) as resp:
            targets = json.load(resp)
        page = next(t for t in targets if t["type"] == "page")
        cdp = CDP(page["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.send(f"{domain}.enable")
        yield cdp
    finally:
        if cdp is not None:
            cdp.close()
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _rendered_diagrams(cdp: CDP) -> list[str]:
    """The SVG of every rendered mermaid diagram on the page.

    mkdocs-material swaps each ``pre.mermaid`` source block for a ``div.mermaid`` whose closed
    shadow root holds the SVG; page scripts cannot see into it, the DevTools protocol can.
    """
    root = cdp.send("DOM.getDocument", depth=-1, pierce=True)["root"]
    svgs = []

    def walk(node, in_mermaid=False):
        attrs = node.get("attributes", [])
        classes = dict(zip(attrs[::2], attrs[1::2], strict=True)).get("class", "").split()
        here = in_mermaid or (node.get("localName") == "div" and "mermaid" in classes)
        if here and node.get("localName") == "svg":
            svgs.append(cdp.send("DOM.getOuterHTML", nodeId=node["nodeId"])["outerHTML"])
            return
        for child in node.get("children", []) + node.get("shadowRoots", []):
            walk(child, here)

    walk(root)
    return svgs


def _check_diagrams(cdp: CDP, kinds: list[str], names: list[str]) -> list[str]:
    """The page's diagrams were drawn by mermaid as SVG of these kinds, naming these names."""
    cdp.wait_for(
        "document.querySelectorAll('pre.mermaid').length === 0 && document.querySelectorAll('div.mermaid').length > 0",
        "mermaid to replace its source blocks",
    )
    svgs = cdp.wait_for_value(lambda: _rendered_diagrams(cdp), lambda v: len(v) >= len(kinds), "the diagrams' SVG")
    drawn = [re.search(r'aria-roledescription="([^"]+)"', svg).group(1) for svg in svgs]
    assert drawn == kinds  # mermaid draws a diagram of kind "error" when it cannot parse the source
    labels = " ".join(re.sub(r"<style>.*?</style>", "", svg, flags=re.S) for svg in svgs)
    assert "Syntax error" not in labels
    for name in names:
        assert re.search(rf">\s*{re.escape(name)}\b", labels), f"{name} is not drawn in the diagram"
    return svgs


def test_home_page_renders_diagram_without_errors(browser: CDP, server: str):
    browser.open(f"{server}/index.html")
    _check_diagrams(browser, ["flowchart-v2"], ["LMResponse", "LMResponse.extend"])
    browser.pump(0.5)
    browser.screenshot(ARTIFACTS / "docs-home.png")
    assert browser.problems(server) == []


def test_class_page_renders_its_class_diagram(browser: CDP, server: str):
    browser.open(f"{server}/reference/classes/LMOutput.html")
    _check_diagrams(browser, ["classDiagram"], ["LMOutput", "LMPart", "FinishReason", "TokenLogprob", "finish_reason"])
    assert browser.evaluate("document.querySelector('article h1').firstChild.textContent.trim()") == "LMOutput"
    browser.pump(0.5)
    browser.screenshot(ARTIFACTS / "docs-LMOutput.png")
    assert browser.problems(server) == []


def test_reference_overview_draws_the_whole_contract(browser: CDP, server: str):
    browser.open(f"{server}/reference/index.html")
    names = ["LMResponse", "LMOutput", "LMPart", "TextPart", "ToolCallPart", "LMUsage", "FinishReason", "parts"]
    _check_diagrams(browser, ["classDiagram"] * 3, names)
    browser.pump(0.5)
    browser.screenshot(ARTIFACTS / "docs-reference.png")
    assert browser.problems(server) == []


def test_search_finds_finish_reason(browser: CDP, server: str):
    browser.open(f"{server}/index.html")
    browser.evaluate("document.querySelector('label[for=__search]').click()")
    browser.evaluate("document.querySelector('input.md-search__input').focus()")
    browser.send("Input.insertText", text="finish_reason")
    count = browser.wait_for(
        "document.querySelectorAll('.md-search-result__item').length", "search results for finish_reason"
    )
    assert count > 0
    titles = browser.evaluate(
        "[...document.querySelectorAll('.md-search-result__item h1, .md-search-result__item h2')]"
        ".map(e => e.textContent)"
    )
    assert any("finish_reason" in t for t in titles), titles
    meta = browser.evaluate("document.querySelector('.md-search-result__meta').textContent")
    assert re.search(r"\d+ matching document", meta), meta
    browser.screenshot(ARTIFACTS / "docs-search.png", full_page=False)
    assert browser.problems(server) == []


def test_json_schema_link_downloads_the_published_file(browser: CDP, server: str, tmp_path: Path):
    browser.open(f"{server}/jsonschema.html")
    href = browser.evaluate(
        "(() => { const a = [...document.querySelectorAll('article a[download]')]"
        ".find(a => a.getAttribute('href').endsWith('lmcontract.schema.json')); return a && a.href })()"
    )
    assert href == f"{server}/lmcontract.schema.json"
    browser.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path), eventsEnabled=True)
    browser.evaluate("document.querySelector('article a[download]').click()")

    def finished():
        progress = [e["params"] for e in browser.events if e["method"] == "Browser.downloadProgress"]
        return [p for p in progress if p["state"] != "inProgress"]

    done = browser.wait_for_value(finished, bool, "the download to finish")
    assert done[0]["state"] == "completed"
    files = list(tmp_path.iterdir())
    assert [f.name for f in files] == ["lmcontract.schema.json"]
    assert files[0].read_bytes() == JSON_SCHEMA.read_bytes()
    assert json.loads(files[0].read_text())["$id"].endswith("lmcontract.schema.json")
    assert browser.problems(server) == []


def test_site_works_from_the_file_system(browser: CDP, site: Path):
    """Opened as files, with no server and no network: diagrams render and search answers."""
    browser.open((site / "reference" / "classes" / "LMOutput.html").as_uri())
    _check_diagrams(browser, ["classDiagram"], ["LMOutput"])
    browser.evaluate("document.querySelector('label[for=__search]').click()")
    browser.evaluate("document.querySelector('input.md-search__input').focus()")
    browser.send("Input.insertText", text="finish_reason")
    browser.wait_for("document.querySelectorAll('.md-search-result__item').length", "search results from file://")
    assert browser.problems("file://") == []
