"""Any OpenAI-compatible chat endpoint voices the debtor: vLLM, llama.cpp server, Ollama, a vendor API.

This is how many trainees share one GPU server: the simulator stays a thin client that streams
`/chat/completions` over server-sent events. The prompt is the same one the local backend uses, with
the stable persona prompt first, so servers with prefix caching (vLLM, llama.cpp) reuse it too.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import httpx

from simulator.backends.base import Backend, BackendUnavailable, Realisation
from simulator.backends.prompting import build_messages, instructions, make_shaper, shape_stream

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"
START_HINT = (
    "start the server (vLLM: `vllm serve MODEL`, llama.cpp: `llama-server -m FILE.gguf`, Ollama: `ollama serve`) "
    "or fix the base URL (COLLECTSIM_OPENAI_BASE_URL; it usually ends in /v1)"
)
KEY_HINT = "set COLLECTSIM_OPENAI_API_KEY or OPENAI_API_KEY"


def _short(text: str, n: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


class OpenAIBackend(Backend):
    """Streams replies from `{base_url}/chat/completions`; see __init__ for the options."""

    name = "openai"

    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        temperature: float = 0.7,
        top_p: float | None = None,
        max_tokens: int = 120,
        seed: int | None = None,
        max_sentences: int = 3,
        check: bool = True,
        headers: dict | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        """
        base_url: e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:8080/v1 (llama.cpp),
            http://127.0.0.1:11434/v1 (Ollama); default env COLLECTSIM_OPENAI_BASE_URL, then vLLM's.
        model: model name on the server; None = the first one `/models` lists.
        api_key: default env COLLECTSIM_OPENAI_API_KEY, then OPENAI_API_KEY; local servers need none.
        timeout: seconds to wait for data while streaming; connect_timeout: to open the connection.
        check: ask `/models` at start, so a wrong URL or key fails now (and the caller can fall back).
        seed: sent to servers that honour it; None = the request's seed.
        """
        url = (base_url or os.environ.get("COLLECTSIM_OPENAI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
        self.base_url = url.removesuffix("/chat/completions")
        self.api_key = (
            api_key or os.environ.get("COLLECTSIM_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY")
        )
        self.model = model
        self.temperature = temperature
        self.top_p = top_p
        self.max_tokens = max_tokens
        self.seed = seed
        self.max_sentences = max_sentences
        self.timeout = timeout
        self.last_stats: dict = {}
        self.system_prompt: str | None = None  # instructions of the last request, for the echo check
        hdrs = {"Accept": "text/event-stream", **(headers or {})}
        if self.api_key:
            hdrs["Authorization"] = f"Bearer {self.api_key}"
        self._client = httpx.Client(
            headers=hdrs, timeout=httpx.Timeout(timeout, connect=connect_timeout), transport=transport
        )
        if check or model is None:
            self._check()

    @property
    def chat_url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def _check(self) -> None:
        """Fail at start, with a fix, when the server is down, the key is wrong or no model is named."""
        url = f"{self.base_url}/models"
        try:
            r = self._client.get(url)
        except httpx.HTTPError as e:
            self._client.close()
            raise BackendUnavailable(
                f"cannot connect to {url} ({type(e).__name__}: {_short(e)}); {START_HINT}"
            ) from e
        if r.status_code in (401, 403):
            self._client.close()
            raise BackendUnavailable(f"{url} refused the API key (HTTP {r.status_code}); {KEY_HINT}")
        if self.model is None:
            try:
                r.raise_for_status()
                self.model = r.json()["data"][0]["id"]
            except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as e:
                self._client.close()
                raise BackendUnavailable(
                    f"{url} did not list a model (HTTP {r.status_code}: {_short(r.text)}); "
                    "name one with --model or COLLECTSIM_MODEL"
                ) from e

    def payload(self, req: Realisation) -> dict:
        body = {
            "model": self.model,
            "messages": build_messages(req),
            "stream": True,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed if self.seed is not None else req.seed,
        }
        if self.top_p is not None:
            body["top_p"] = self.top_p
        return body

    def _pieces(self, req: Realisation) -> Iterator[str]:
        """Raw content deltas from the SSE stream (or from a plain JSON answer from servers that ignore stream)."""
        url = self.chat_url
        try:
            with self._client.stream("POST", url, json=self.payload(req)) as r:
                if r.status_code != 200:
                    body = r.read().decode("utf-8", "replace")
                    hint = f"; {KEY_HINT}" if r.status_code in (401, 403) else ""
                    raise BackendUnavailable(f"{url} answered HTTP {r.status_code}: {_short(body)}{hint}")
                if r.headers.get("content-type", "").startswith("application/json"):
                    data = json.loads(r.read())
                    yield _content(data, url, key="message")
                    return
                for line in r.iter_lines():
                    if not line.startswith("data:"):
                        continue  # comments, event names, keep-alives
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        chunk = json.loads(data)
                    except ValueError:
                        continue
                    piece = _content(chunk, url, key="delta")
                    if piece:
                        yield piece
        except httpx.TimeoutException as e:
            raise BackendUnavailable(
                f"{url} did not answer within {self.timeout:g} s ({type(e).__name__})"
            ) from e
        except httpx.HTTPError as e:
            raise BackendUnavailable(
                f"cannot reach {url} ({type(e).__name__}: {_short(e)}); {START_HINT}"
            ) from e

    def stream(self, req: Realisation) -> Iterator[str]:
        started = time.perf_counter()
        self.last_stats = {"ttft_s": None, "total_s": None, "chunks": 0}
        shaper = make_shaper(req.persona, self.max_sentences, req)
        self.system_prompt = instructions(req)
        try:
            for piece in shape_stream(self._pieces(req), shaper):
                if self.last_stats["ttft_s"] is None:
                    self.last_stats["ttft_s"] = time.perf_counter() - started
                self.last_stats["chunks"] += 1
                yield piece
        finally:
            self.last_stats["total_s"] = time.perf_counter() - started

    def describe(self) -> str:
        return f"openai-compatible {self.model} at {self.base_url}"

    def close(self) -> None:
        self._client.close()


def _content(data: dict, url: str, key: str) -> str:
    if isinstance(data, dict) and data.get("error"):
        err = data["error"]
        raise BackendUnavailable(
            f"{url} reported an error: {_short(err.get('message', err) if isinstance(err, dict) else err)}"
        )
    try:
        return (data["choices"][0].get(key) or {}).get("content") or ""
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""
