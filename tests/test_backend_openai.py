"""The OpenAI-compatible backend against a tiny SSE server on 127.0.0.1 (stdlib http.server in a thread)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from simulator.backends.base import BackendUnavailable, Realisation
from simulator.backends.openai_compat import OpenAIBackend
from simulator.loader import load_persona


class FakeServer:
    """Answers /v1/models and streams /v1/chat/completions; records what it was sent."""

    def __init__(self):
        self.requests: list[dict] = []
        self.pieces = ["陈志远：", "最近", "太忙", "了，", "忘了还。", "你们", "别催了。"]
        self.models_status = 200
        self.chat_status = 200
        self.mode = "sse"  # or "json", "error"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, ctype="application/json"):
                data = body.encode() if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                server.requests.append({"path": self.path, "headers": dict(self.headers)})
                if self.path != "/v1/models":
                    return self._send(404, '{"error": "not found"}')
                self._send(server.models_status, json.dumps({"data": [{"id": "fake-debtor-7b"}]}))

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                if server.chat_status != 200:
                    return self._send(server.chat_status, '{"error": {"message": "model overloaded"}}')
                if server.mode == "json":
                    text = "".join(server.pieces)
                    return self._send(200, json.dumps({"choices": [{"message": {"content": text}}]}))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                if server.mode == "error":
                    self.wfile.write(b'data: {"error": {"message": "context length exceeded"}}\n\n')
                    return
                self.wfile.write(b": keep-alive\n\n")
                self.wfile.write(b'data: {"choices": [{"delta": {"role": "assistant"}}]}\n\n')
                for piece in server.pieces:
                    chunk = {"choices": [{"delta": {"content": piece}, "index": 0}]}
                    self.wfile.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda request, address: None  # a client that stops reading early is fine
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with FakeServer() as s:
        yield s


@pytest.fixture(scope="module")
def persona():
    return load_persona("personas/zh-vain-owner.yaml")


def request(persona, move="excuse"):
    history = [{"speaker": "collector", "text": "您的信用卡逾期了，什么原因呢？"}]
    return Realisation(persona=persona, move=move, history=history, state={"mood": "wary"}, seed=3)


def test_streams_sse_pieces_and_sends_the_prompt(server, persona, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("COLLECTSIM_OPENAI_API_KEY", "sk-test-123")
    b = OpenAIBackend(base_url=server.url, model="debtor-model")
    pieces = list(b.stream(request(persona)))
    assert len(pieces) > 1
    assert "".join(pieces) == "最近太忙了，忘了还。你们别催了。"  # the role label is stripped
    post = [r for r in server.requests if r["path"] == "/v1/chat/completions"][-1]
    assert post["headers"]["Authorization"] == "Bearer sk-test-123"
    body = post["json"]
    assert body["stream"] is True and body["model"] == "debtor-model" and body["seed"] == 3
    assert body["messages"][0]["role"] == "system" and "陈志远" in body["messages"][0]["content"]
    assert body["messages"][-1]["role"] == "user" and "借口" in body["messages"][-1]["content"]
    assert b.last_stats["ttft_s"] is not None and b.last_stats["total_s"] >= b.last_stats["ttft_s"]
    assert "debtor-model" in b.describe() and server.url in b.describe()


def test_model_defaults_to_the_first_one_the_server_lists(server, persona, monkeypatch):
    monkeypatch.delenv("COLLECTSIM_OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-other")
    b = OpenAIBackend(base_url=server.url + "/")
    assert b.model == "fake-debtor-7b"
    assert b.realise(request(persona)) == "最近太忙了，忘了还。你们别催了。"
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-other"


def test_reply_stops_after_the_sentence_limit(server, persona):
    server.pieces = ["行。", "我先还。", "下个月还。", "再说吧。", "好吗？"]
    b = OpenAIBackend(base_url=server.url, model="m", max_sentences=2)
    assert b.realise(request(persona)) == "行。我先还。"


def test_plain_json_answer_is_accepted(server, persona):
    server.mode = "json"
    assert (
        OpenAIBackend(base_url=server.url, model="m").realise(request(persona))
        == "最近太忙了，忘了还。你们别催了。"
    )


def test_http_error_names_the_url_and_status(server, persona):
    server.chat_status = 503
    b = OpenAIBackend(base_url=server.url, model="m")
    with pytest.raises(
        BackendUnavailable, match=r"/v1/chat/completions answered HTTP 503: .*model overloaded"
    ):
        b.realise(request(persona))


def test_error_event_in_the_stream_is_raised(server, persona):
    server.mode = "error"
    with pytest.raises(BackendUnavailable, match="context length exceeded"):
        OpenAIBackend(base_url=server.url, model="m").realise(request(persona))


def test_rejected_key_fails_at_start_with_the_env_names(server):
    server.models_status = 401
    with pytest.raises(BackendUnavailable, match="COLLECTSIM_OPENAI_API_KEY or OPENAI_API_KEY"):
        OpenAIBackend(base_url=server.url, model="m", api_key="wrong")


def test_connection_refused_names_the_url_and_the_fix(persona):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(BackendUnavailable) as err:
        OpenAIBackend(base_url=url, model="m", connect_timeout=2)
    assert f"cannot connect to {url}/models" in str(err.value) and "start the server" in str(err.value)
    b = OpenAIBackend(base_url=url, model="m", check=False, connect_timeout=2)
    with pytest.raises(BackendUnavailable, match=f"cannot reach {url}/chat/completions"):
        b.realise(request(persona))
