"""A real chat-completions server on 127.0.0.1 for tests and benchmarks, with faults injectable per request.

Given `tls` (a certificate file and its key file) it speaks HTTPS; `connections` counts the connections it accepted,
those whose TLS handshake failed or whose request it could not read too. Given `serves`, it refuses other models and lists these at GET .../models; `not_found` ("openai", "ollama", "vllm",
"ark", "ark_not_open", "deepseek") is how it words a 404 for a path it has no route for, and the refusal of a model
it does not serve.

It answers on /v1/chat/completions (OpenAI, DeepSeek, vLLM, Ollama), /api/v3/chat/completions
(Volcengine Ark) and, as classic Azure OpenAI does, /openai/deployments/NAME/chat/completions for each of
`deployments`: there the key must come in an `api-key` header (a Bearer token is refused with a 401, as Azure refuses
one that is no Entra ID token) and ?api-version= must be given (else a 404 "Resource not found"). It reads the
papers of a request out of paperradar's prompt ("#N title :: abstract" lines between <papers> and </papers>), asks a
pluggable policy for a verdict on each, and answers in paperradar's JSON format, unless the fault planned for that
request says otherwise.

Faults: "429" (with Retry-After), "500", "401", "hang" (answers after `hang_s`), "malformed" (cut-off JSON),
"not_json" (an HTTP body that is not JSON), "missing" (last paper left out), "extra" (an id not in the
batch), "duplicate" (first paper answered twice), "bad_field" (field index not in the profile),
"english" (reasons not in Chinese), "length" (the answer cut in the middle of
its second half's first verdict, finish_reason "length", as a max_tokens limit cuts it), "refusal" (prose, no JSON), "no_usage" (no usage block), "no_json_mode" (400 to any request with a response_format),
"no_json_mode_tgi" (the 422 in plain text that text-generation-inference gives it), "no_thinking" /
"no_thinking_gemini" (the 400 to a request with a "thinking" field, as OpenAI and Gemini word it), "fenced" (JSON
inside ```json fences amid prose),
"reasoning" (reasoning_content + reasoning tokens, as doubao thinking models send), "think" (the reasoning inline in
the content, in <think> tags, as DeepSeek-R1 distills on Ollama or vLLM without a reasoning parser send it),
"think_open" (the same with only the closing </think>, where the chat template already opened the tag), "think_cut"
(an unclosed <think> cut by the output limit, finish_reason "length", with a draft verdict inside),
"reasoning_only" (a thinking model that spent its whole output limit reasoning: 4096 reasoning tokens, empty content,
finish_reason "length"), "reasoning_field_only" (the same in a "reasoning" field with no count of reasoning tokens,
as Ollama's /v1 sends it), "english_fields" (field names in English instead of the profile's),
"quota" (OpenAI's 429 insufficient_quota), "balance" (DeepSeek's 402 Insufficient Balance),
"overdue" (Volcengine Ark's 403 AccountOverdueError), "set_limit" / "free_quota" (Ark's 429 SetLimitExceeded, the
limit of its Safe Experience Mode reached, and QuotaExceeded, a free trial quota used up), "per_day_openai" /
"tokens_per_day_openai" / "per_day_groq" / "per_day_openrouter" / "per_day_gemini" (a 429 for a limit per day: OpenAI's
requests (RPD) and tokens (TPD), Groq's TPD, OpenRouter's free models a day, Gemini's quota per day in its details),
"per_minute_openai" / "per_minute_gemini" (their 429s for a limit per minute, with Retry-After), "key_openai" / "key_deepseek" / "key_ark" (a refused key, a 401
as OpenAI, DeepSeek and Volcengine Ark word it, Ark's with a new request id each time), "forbidden_ark" (Ark's 403
AccessDenied, a key that may not use the model or endpoint), "key_gemini" (Gemini's 400 API_KEY_INVALID, in the list
of one error its OpenAI-compatible API answers), "region" (OpenAI's 403 to a country it does not serve),
"no_system" / "no_system_tgi" / "no_system_alternate" (a chat template that takes no system message: vLLM's 400 and
text-generation-inference's 422 for Gemma 2's, vLLM's 400 for Mistral 7B v0.1's), "no_template" (vLLM's 400 for a
base model, whose tokenizer has no chat template), "no_memory" (Ollama's 500 for a model larger than the memory it has
free), "waf" (a web firewall's HTML 403
page), "echo_key" (a 401 whose message repeats the Authorization header it got, as some gateways do), "deep" (JSON
nested 100,000 lists deep), "looping" (a model stuck repeating '["' until its limit, 64,000 characters),
"too_long" / "too_long_vllm" / "too_long_deepseek" (a 400 for a prompt longer than `context_tokens`, as OpenAI, vLLM
and DeepSeek word it; shorter prompts are answered), "truncated" (Ollama past its num_ctx: the prompt silently cut to
its last `context_tokens` tokens, the papers still in it answered 9 (the instructions were cut off) and numbered as
they were, prompt_tokens the cut length), "uncounted_prefix" (prompt_tokens leaves out the system message, as a
server that does not count a cached prefix would), "huge" (a valid answer whose reasoning_content is `huge_mb` MB,
sent in chunks without a Content-Length, as a model looping to no limit behind a broken gateway would), "trickle" (a
valid answer sent 16 bytes every `trickle_s` seconds, after a blank line every 0.1 s for `keep_alive_s` seconds, as
DeepSeek sends while the model writes).
"""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATHS = ("/v1/chat/completions", "/api/v3/chat/completions")
_AZURE_PATH = re.compile(r"^/openai/deployments/([^/]+)/chat/completions$")
_ROW = re.compile(r"^#(\d+) (.*?) :: (.*)$")


@dataclass(frozen=True)
class AskedPaper:
    n: int
    title: str
    abstract: str


Entry = list  # [n, score] or [n, score, field_index, reason]
Policy = Callable[[list[AskedPaper]], list[Entry]]
FaultPlan = Callable[[int, list[AskedPaper]], str | None]  # (request number from 0, papers) -> fault


@dataclass
class Received:
    path: str
    authorization: str
    body: dict
    papers: list[AskedPaper]
    fault: str | None
    started: float
    finished: float = 0.0
    completion: str = ""  # the answer's message content exactly as sent ("" for errors and non-JSON bodies)

    @property
    def system(self) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == "system")

    @property
    def user(self) -> str:
        return next(m["content"] for m in self.body["messages"] if m["role"] == "user")


def low_scores(papers: list[AskedPaper]) -> list[Entry]:
    """Every paper a 3: the default policy."""
    return [[p.n, 3] for p in papers]


def by_title(scores: dict[str, tuple[float, int]], reason: str = "与研究方向高度相关。") -> Policy:
    """Papers whose title is a key get (score, field index); others a 3. Reasons for scores >= 7."""
    def policy(papers: list[AskedPaper]) -> list[Entry]:
        out: list[Entry] = []
        for p in papers:
            score, fld = scores.get(p.title, (3, 0))
            out.append([p.n, score, fld, reason] if score >= 7 else [p.n, score])
        return out
    return policy


def planned(*faults: str | None) -> FaultPlan:
    """Request k gets faults[k]; requests past the list get none."""
    return lambda k, papers: faults[k] if k < len(faults) else None


def read_papers(user_message: str) -> list[AskedPaper]:
    inside = user_message.split("<papers>", 1)[-1].split("</papers>", 1)[0]
    return [AskedPaper(int(m[1]), m[2], m[3]) for line in inside.splitlines() if (m := _ROW.match(line))]


class FakeOpenAI:
    """Start with `.start()` or `with FakeOpenAI(...) as server:`; point a client at `server.v1_url`."""

    def __init__(self, policy: Policy = low_scores, faults: FaultPlan = planned(), *, model: str = "fake-model",
                 retry_after: str = "1", hang_s: float = 3.0, latency: Callable[[int], float] | None = None,
                 count: Callable[[str], int] = lambda text: max(1, len(text) // 4), context_tokens: int = 4096,
                 serves: Sequence[str] | None = None, not_found: str = "openai",
                 deployments: Sequence[str] = ("gpt-4o-mini",), huge_mb: int = 64, trickle_s: float = 0.05,
                 keep_alive_s: float = 0.0, tls: tuple[str, str] | None = None):
        self.huge_mb, self.trickle_s, self.keep_alive_s = huge_mb, trickle_s, keep_alive_s
        self.sent = 0  # bytes of "huge" and "trickle" answers handed to the socket
        self.deployments = deployments  # Azure's: the names under /openai/deployments/
        self.api_keys: list[str] = []  # the api-key header of each request on an Azure path
        self.policy, self.faults, self.model, self.context_tokens = policy, faults, model, context_tokens
        self.serves, self.not_found = serves, not_found  # the models it knows (None: any), how it words a 404
        self.queries: list[str] = []  # the query string of each chat-completions request
        self.refused = 0  # requests for a path it has no route for, or a model it does not serve
        self.retry_after, self.hang_s, self.latency, self.count = retry_after, hang_s, latency, count
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        if tls is not None:  # (certificate file, key file): it speaks HTTPS
            self._server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._server.tls.load_cert_chain(*tls)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{'https' if self._server.tls else 'http'}://{host}:{port}"

    @property
    def connections(self) -> int:
        """TCP connections accepted, a TLS handshake that failed or a request it could not read included."""
        return self._server.connections

    @property
    def v1_url(self) -> str:
        return self.base + "/v1"

    @property
    def ark_url(self) -> str:
        return self.base + "/api/v3"

    def azure_url(self, deployment: str = "gpt-4o-mini", api_version: str | None = "2024-10-21") -> str:
        """A classic Azure OpenAI base_url, as the portal gives it, on this server."""
        query = f"?api-version={api_version}" if api_version else ""
        return f"{self.base}/openai/deployments/{deployment}{query}"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, path: str, headers: dict[str, str], body: dict
               ) -> tuple[int, dict[str, str], bytes | Iterator[bytes]]:
        """(status, headers, body) for one request; records it and tracks how many overlap."""
        papers = read_papers(_user(body))
        with self.lock:
            number, fault = len(self.received), self.faults(len(self.received), papers)
            seen = Received(path, headers.get("authorization", ""), body, papers, fault, time.monotonic())
            self.received.append(seen)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency is not None:
                time.sleep(self.latency(len(papers)))
            status, reply_headers, raw = self._reply(body, papers, fault, seen.authorization, number)
            seen.completion = _message_content(raw) if status == 200 else ""
            if fault == "huge":
                return status, reply_headers, self._huge(raw)
            if fault == "trickle":
                return status, reply_headers, self._trickle(raw)
            return status, reply_headers, raw
        finally:
            with self.lock:
                self.in_flight -= 1
                seen.finished = time.monotonic()

    def _reply(self, body: dict, papers: list[AskedPaper], fault: str | None,
               authorization: str = "", number: int = 0) -> tuple[int, dict[str, str], bytes]:
        if fault in _THINKING and body.get("thinking") == {"type": "disabled"}:  # asked not to think, as Ark is
            fault = None
        if fault == "echo_key":
            return _error(401, f"Incorrect API key provided: {authorization}")
        if fault == "429":
            return _error(429, "rate limited", {"Retry-After": self.retry_after})
        if fault in _ACCOUNT_ERRORS:
            status, message, kind, code = _ACCOUNT_ERRORS[fault]
            return _error(status, message, code=code, kind=kind)
        if fault in _RATE_LIMITS:
            return _error(429, _RATE_LIMITS[fault][0], {"Retry-After": self.retry_after}, code="rate_limit_exceeded",
                          kind=_RATE_LIMITS[fault][1])
        if fault == "per_day_openrouter":  # its reset in the error's metadata, in ms since the epoch
            return 429, {"Content-Type": "application/json"}, json.dumps({"error": {
                "message": "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model "
                           "requests per day", "code": 429, "metadata": {"headers": {
                               "X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "0",
                               "X-RateLimit-Reset": "1741305600000"}}}}).encode()
        if fault in ("per_day_gemini", "per_minute_gemini"):  # which quota, in the details of its list of one
            quota = "PerDay" if fault == "per_day_gemini" else "PerMinute"
            return 429, {"Content-Type": "application/json"}, json.dumps([{"error": {
                "code": 429, "status": "RESOURCE_EXHAUSTED",
                "message": "You exceeded your current quota, please check your plan and billing details. For more "
                           "information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n"
                           "* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier"
                           "_requests, limit: 250, model: gemini-2.5-flash\nPlease retry in 37.631s.",
                "details": [{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
                    "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                    "quotaId": f"GenerateRequests{quota}PerProjectPerModel-FreeTier",
                    "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"}, "quotaValue": "250"}]},
                    {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]}}]).encode()
        if fault in _KEY_REFUSALS:
            status, message, kind, code = _KEY_REFUSALS[fault]
            key = authorization.removeprefix("Bearer ")
            return _error(status, message.format(key=_masked(key), request=f"0217{number:024d}"),
                          code=code, kind=kind)
        if fault == "key_gemini":
            return 400, {"Content-Type": "application/json"}, json.dumps([{"error": {
                "code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
                "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                             "domain": "googleapis.com"}]}}]).encode()
        if fault == "waf":  # a firewall in front of the endpoint, blocking what it read in one prompt
            return 403, {"Content-Type": "text/html"}, (
                b"<html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been "
                b"blocked</h1><p>This website is using a security service to protect itself from online attacks."
                b"</p></body></html>")
        if fault == "500":
            return _error(500, "internal error")
        if fault == "no_memory":
            return _error(500, "model requires more system memory (5.6 GiB) than is available (3.2 GiB)",
                          kind="api_error")
        if fault == "no_json_mode" and "response_format" in body:
            return _error(400, "response_format json_object is not supported by this model")
        if fault == "no_json_mode_tgi" and "response_format" in body:  # axum's plain-text refusal of the request body
            return 422, {"Content-Type": "text/plain; charset=utf-8"}, (
                b"Failed to deserialize the JSON body into the target type: response_format.type: unknown variant "
                b"`json_object`, expected `json` or `regex` at line 1 column 2000")
        if fault == "no_thinking" and "thinking" in body:  # OpenAI takes no request field it does not know
            return _error(400, "Unrecognized request argument supplied: thinking", kind="invalid_request_error")
        if fault == "no_thinking_gemini" and "thinking" in body:  # and Gemini's, in a list
            return 400, {"Content-Type": "application/json"}, json.dumps([{"error": {
                "code": 400, "message": 'Invalid JSON payload received. Unknown name "thinking": Cannot find field.',
                "status": "INVALID_ARGUMENT"}}]).encode()
        if fault in _NO_SYSTEM and any(m.get("role") == "system" for m in body.get("messages", [])):
            if fault == "no_system_tgi":
                return 422, {"Content-Type": "application/json"}, json.dumps({
                    "error": "Template error: System role not supported (in <string>:1)",
                    "error_type": "template_error"}).encode()
            return _error(400, _NO_SYSTEM[fault], kind="BadRequestError", bare=True)
        if fault == "no_template":
            return _error(400, "As of transformers v4.44, default chat template is no longer allowed, so you must "
                          "provide a chat template if the tokenizer does not define one.", kind="BadRequestError",
                          bare=True)
        if fault == "401":
            return _error(401, "invalid api key")
        prompt_tokens = sum(self.count(m.get("content", "")) for m in body.get("messages", []))
        if fault in _TOO_LONG and prompt_tokens > self.context_tokens:
            message, kind, code = _TOO_LONG[fault]
            return _error(400, message.format(limit=self.context_tokens, asked=prompt_tokens), code=code, kind=kind,
                          bare=fault == "too_long_vllm")
        cut = fault == "truncated" and prompt_tokens > self.context_tokens
        if cut:
            papers = self._kept(body, papers)
        if fault == "hang":
            time.sleep(self.hang_s)
        if fault == "not_json":
            return 200, {"Content-Type": "application/json"}, b"<html>upstream gateway said no</html>"
        entries = _corrupt(self.policy(papers), fault, len(papers))
        if cut:  # the instructions were cut off with the start of the prompt: the answer is a guess
            entries = [[p.n, 9, 0, "模型没有读到评分说明。"] for p in papers]
        content = _content(entries, fault)
        reasoning = "先逐篇阅读摘要，再对照研究方向打分。" * 8 if fault == "reasoning" else None
        if fault in ("reasoning_only", "reasoning_field_only"):
            content, reasoning = "", "先逐篇阅读摘要，再对照研究方向逐条权衡。" * 820  # about 4,100 tokens, as a 4096-token limit cuts it
        finish = "length" if fault in ("length", "reasoning_only", "reasoning_field_only", "think_cut") else "stop"
        completion = self._completion(body, content, reasoning, finish)
        if fault == "truncated":
            usage = completion["usage"]
            usage["prompt_tokens"] = min(usage["prompt_tokens"], self.context_tokens)
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if fault == "reasoning_field_only":  # Ollama's /v1 names it "reasoning" and counts no reasoning tokens
            message = completion["choices"][0]["message"]
            message["reasoning"] = message.pop("reasoning_content")
            del completion["usage"]["completion_tokens_details"]
        if fault == "uncounted_prefix":  # the instructions every batch repeats were cached, and not counted
            usage = completion["usage"]
            usage["prompt_tokens"] = self.count(_user(body))
            usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if fault == "no_usage":
            del completion["usage"]
        return 200, {"Content-Type": "application/json"}, json.dumps(completion, ensure_ascii=False).encode()

    def _huge(self, raw: bytes) -> Iterator[bytes]:
        """The answer `raw` with `huge_mb` MB of reasoning_content before its content, counted in `sent`."""
        head, tail = raw.split(b'"content":', 1)
        chunk = json.dumps("先想想，再想想。" * 4096, ensure_ascii=False)[1:-1].encode()
        parts = [head + b'"reasoning_content":"'] + [chunk] * (self.huge_mb * 2**20 // len(chunk)) + [b'",']
        for part in [*parts, b'"content":' + tail]:
            self.sent += len(part)
            yield part

    def _trickle(self, raw: bytes) -> Iterator[bytes]:
        for _ in range(round(self.keep_alive_s / 0.1)):
            yield b"\n"
            time.sleep(0.1)
        for i in range(0, len(raw), 16):
            time.sleep(self.trickle_s)
            self.sent += 16
            yield raw[i:i + 16]

    def _kept(self, body: dict, papers: list[AskedPaper]) -> list[AskedPaper]:
        """The papers whose line is whole within the prompt's last `context_tokens` tokens, as Ollama keeps it."""
        room = self.context_tokens - self.count(_user(body).split("</papers>", 1)[-1])
        kept: list[AskedPaper] = []
        for p in reversed(papers):
            room -= self.count(f"#{p.n} {p.title} :: {p.abstract}\n")
            if room < 0:
                break
            kept.insert(0, p)
        return kept

    def _completion(self, body: dict, content: str, reasoning: str | None, finish: str = "stop") -> dict:
        prompt_tokens = sum(self.count(m.get("content", "")) for m in body.get("messages", []))
        reasoning_tokens = self.count(reasoning) if reasoning else 0
        completion_tokens = self.count(content) + reasoning_tokens
        message: dict = {"role": "assistant", "content": content}
        if reasoning:
            message["reasoning_content"] = reasoning
        return {
            "id": f"chatcmpl-{len(self.received)}", "object": "chat.completion", "created": int(time.time()),
            "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens,
                      "completion_tokens_details": {"reasoning_tokens": reasoning_tokens}},
        }


def _user(body: dict) -> str:
    return next((m["content"] for m in body.get("messages", []) if m.get("role") == "user"), "")


def _corrupt(entries: list[Entry], fault: str | None, count: int) -> list[Entry]:
    entries = [list(e) if isinstance(e, list) else e for e in entries]  # a policy may answer in objects
    if fault == "missing" and entries:
        entries.pop()
    elif fault == "extra":
        entries.append([count + 5, 9, 0, "不在本批次中的论文。"])
    elif fault == "duplicate" and entries:
        entries.append([entries[0][0], 9, 1, "重复的回答。"])
    elif fault == "bad_field" and entries:
        entries[0] = [entries[0][0], 8, 99, "领域编号不存在。"]
    elif fault == "english":
        entries = [e[:3] + ["Relevant to the field."] if len(e) > 3 else e for e in entries]
    elif fault == "english_fields":
        entries = [e[:2] + ["Multimodal agents"] + e[3:] if len(e) > 2 else e for e in entries]
    return entries


def _content(entries: list[Entry], fault: str | None) -> str:
    text = json.dumps({"r": entries}, ensure_ascii=False, separators=(",", ":"))
    if fault == "malformed":
        return text[: len(text) // 2]
    if fault == "length":
        rows = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entries]
        half = len(rows) // 2
        return '{"r":[' + "".join(r + "," for r in rows[:half]) + rows[half][:len(rows[half]) // 2]
    if fault == "refusal":
        return "I am sorry, but I cannot rate these papers."
    if fault == "deep":
        return '{"r":' + "[" * 100_000 + "]" * 100_000 + "}"
    if fault == "looping":
        return '["' * 32_000
    if fault == "fenced":
        return f"Here are the verdicts:\n```json\n{text}\n```\nHope this helps."
    if fault == "think":
        draft = json.dumps([[e[0], 9, 0] for e in entries][:1])
        return f"<think>先逐篇阅读摘要。第一篇也许是 {draft}，再对照研究方向确认。</think>\n{text}"
    if fault == "think_open":  # the chat template opened the <think> tag, so the answer starts inside it
        draft = json.dumps([[e[0], 9, 0] for e in entries][:1])
        return f"先逐篇阅读摘要。第一篇也许是 {draft}，再对照研究方向确认。\n</think>\n\n{text}"
    if fault == "think_cut":  # reasoning cut by the output limit before the answer began
        draft = json.dumps([[e[0], 9, 0] for e in entries][:1])
        return f"<think>先逐篇阅读摘要。第一篇也许是 {draft}，再对照研究方向逐条权衡" + "。再想想" * 600
    return text


def _message_content(raw: bytes) -> str:
    try:
        choices = json.loads(raw).get("choices") or [{}]
    except json.JSONDecodeError:
        return ""  # the "not_json" fault: no completion was given
    return choices[0].get("message", {}).get("content") or ""


# faults of a model that thinks: none where the request says "thinking": {"type": "disabled"}
_THINKING = {"reasoning", "think", "think_open", "think_cut", "reasoning_only", "reasoning_field_only"}


# fault -> (status, message, type, code) as each service words an account with nothing left to spend
_ACCOUNT_ERRORS = {
    "quota": (429, "You exceeded your current quota, please check your plan and billing details.",
              "insufficient_quota", "insufficient_quota"),
    "balance": (402, "Insufficient Balance", "unknown_error", "invalid_request_error"),
    "overdue": (403, "The request failed because your account has an overdue balance. Request id: 0217",
                "Forbidden", "AccountOverdueError"),
    "set_limit": (429, "Your account 2100000000 has reached the set inference limit for the doubao-seed-1-6 model, and "
                  "the model service has been paused. To continue using this model, please visit the Model Activation "
                  "page to adjust or close the \"Safe Experience Mode\". Request id: 0217", "TooManyRequests",
                  "SetLimitExceeded"),
    "free_quota": (429, "Your account 2100000000 has used up the free trial quota of the doubao-seed-1-6 model. To "
                   "continue using this model, please activate the model service in the Ark console. Request id: 0217",
                   "TooManyRequests", "QuotaExceeded"),
}


# fault -> (message, type) of a 429 rate_limit_exceeded as OpenAI and Groq word a limit per day, and one per minute
_RATE_LIMITS = {
    "per_day_openai": ("Rate limit reached for gpt-4o-mini in organization org-abc123 on requests per day (RPD): Limit "
                       "10000, Used 10000, Requested 1. Please try again in 8.64s. Visit "
                       "https://platform.openai.com/account/rate-limits to learn more.", "requests"),
    "tokens_per_day_openai": ("Rate limit reached for gpt-4o-mini in organization org-abc123 on tokens per day (TPD): "
                              "Limit 200000, Used 199912, Requested 1742. Please try again in 7m48.432s. Visit "
                              "https://platform.openai.com/account/rate-limits to learn more.", "tokens"),
    "per_day_groq": ("Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01jabc` service tier "
                     "`on_demand` on tokens per day (TPD): Limit 100000, Used 99894, Requested 1133. Please try again "
                     "in 14m49.536s. Need more tokens? Upgrade to Dev Tier today at "
                     "https://console.groq.com/settings/billing", "tokens"),
    "per_minute_openai": ("Rate limit reached for gpt-4o-mini in organization org-abc123 on tokens per min (TPM): Limit "
                          "200000, Used 199500, Requested 1742. Please try again in 372ms. Visit "
                          "https://platform.openai.com/account/rate-limits to learn more.", "tokens"),
}


# fault -> (status, message, type, code) as each service refuses a key ({key} masked as it masks it, {request} an id)
_KEY_REFUSALS = {
    "key_openai": (401, "Incorrect API key provided: {key}. You can find your API key at "
                   "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key"),
    "key_deepseek": (401, "Authentication Fails, Your api key: {key} is invalid", "authentication_error",
                     "invalid_request_error"),
    "key_ark": (401, "The API key or AK/SK in the request is missing or invalid. Request id: {request}",
                "Unauthorized", "AuthenticationError"),
    "region": (403, "Country, region, or territory not supported", "request_forbidden",
               "unsupported_country_region_territory"),
    "forbidden_ark": (403, "The request failed because you do not have access to the requested resource. Request "
                      "id: {request}", "Forbidden", "AccessDenied"),
}


def _masked(key: str) -> str:
    """A key as services repeat it in a refusal: its last four characters."""
    return "****" + key[-4:]


# fault -> how a chat template that takes no system message refuses one (TGI's in its own body)
_NO_SYSTEM = {"no_system": "System role not supported", "no_system_tgi": "",
              "no_system_alternate": "Conversation roles must alternate user/assistant/user/assistant/..."}


# fault -> (message, type, code) as each service words a prompt longer than the model's context
_TOO_LONG = {
    "too_long": ("This model's maximum context length is {limit} tokens. However, your messages resulted in {asked} "
                 "tokens. Please reduce the length of the messages.", "invalid_request_error",
                 "context_length_exceeded"),
    "too_long_vllm": ("This model's maximum context length is {limit} tokens. However, you requested {asked} tokens "
                      "({asked} in the messages, 0 in the completion). Please reduce the length of the messages or "
                      "completion.", "BadRequestError", "400"),
    "too_long_deepseek": ("This model's maximum context length is {limit} tokens. However, you requested {asked} "
                          "tokens ({asked} in the messages, 0 in the completion). Please reduce the length of the "
                          "messages or completion.", "invalid_request_error", "invalid_request_error"),
}


def _error(status: int, message: str, headers: dict[str, str] | None = None, *, code: str | None = None,
           kind: str = "server_error", bare: bool = False) -> tuple[int, dict[str, str], bytes]:
    """An error body as OpenAI words it ({"error": {...}}), or `bare` as vLLM does ({"object": "error", ...})."""
    error = {"message": message, "type": kind, "code": code or str(status)}
    body = json.dumps({"object": "error", **error, "code": status} if bare else {"error": error}).encode()
    return status, {"Content-Type": "application/json", **(headers or {})}, body


def _not_found(style: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """A 404 for a path the server has no route for, as each server words it."""
    if style == "ollama":  # Go's router
        return 404, {"Content-Type": "text/plain"}, b"404 page not found"
    if style == "vllm":  # FastAPI
        return 404, {"Content-Type": "application/json"}, b'{"detail":"Not Found"}'
    if style == "ark":  # a gateway's HTML page
        page = b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center></body></html>"
        return 404, {"Content-Type": "text/html"}, page
    if style == "openai":
        return _error(404, f"Invalid URL (POST {path})", kind="invalid_request_error")
    return _error(404, f"no route {path}")


def _no_model(style: str, model: str) -> tuple[int, dict[str, str], bytes]:
    """The refusal of a model the server does not serve, as each service words it."""
    if style == "ollama":
        return _error(404, f'model "{model}" not found, try pulling it first', kind="api_error")
    if style == "vllm":
        return _error(404, f"The model `{model}` does not exist.", kind="NotFoundError", bare=True)
    if style == "ark_not_open":
        return _error(404, f"Your account 2100 has not activated the model {model}. Please activate the model service "
                      "in the Ark Console. Request id: 0217", kind="NotFound", code="ModelNotOpen")
    if style == "ark":
        return _error(404, f"The model or endpoint {model} does not exist or you do not have access to it. Request "
                      "id: 0217", kind="NotFound", code="InvalidEndpointOrModel.NotFound")
    if style == "deepseek":
        return _error(400, "Model Not Exist", kind="invalid_request_error", code="invalid_request_error")
    return _error(404, f"The model `{model}` does not exist or you do not have access to it.",
                  kind="invalid_request_error", code="model_not_found")


def _azure_refusal(deployment: str, query: str, headers: object, server: FakeOpenAI
                   ) -> tuple[int, dict[str, str], bytes] | None:
    """Classic Azure OpenAI's refusals, in its words: no ?api-version=, no api-key header, no such deployment."""
    key = headers.get("api-key")  # type: ignore[attr-defined]
    server.api_keys.append(key or "")
    if "api-version=" not in query:
        return _error(404, "Resource not found", code="404")
    if not key:
        return _error(401, "Unauthorized. Access token is missing, invalid, audience is incorrect "
                      "(https://cognitiveservices.azure.com), or have expired.", code="PermissionDenied")
    if deployment not in server.deployments:
        return _error(404, "The API deployment for this resource does not exist. If you created the deployment "
                      "within the last 5 minutes, please wait a moment and try again.", code="DeploymentNotFound")
    return None


class _Server(ThreadingHTTPServer):
    """Counts the connections it accepts before anything is read of them; with `tls`, speaks HTTPS."""

    tls: ssl.SSLContext | None = None
    connections = 0

    def get_request(self) -> tuple[object, object]:
        conn, addr = self.socket.accept()
        self.connections += 1
        if self.tls is None:
            return conn, addr
        try:
            return self.tls.wrap_socket(conn, server_side=True), addr
        except OSError:  # the client refused the handshake: the server drops the connection and goes on
            conn.close()
            raise


def _handler(server: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            path, _, query = self.path.partition("?")
            if azure := _AZURE_PATH.match(path):
                if (refused := _azure_refusal(azure[1], query, self.headers, server)) is not None:
                    server.refused += 1
                    self._send(*refused)
                    return
            elif path not in PATHS:
                server.refused += 1
                self._send(*_not_found(server.not_found, path))
                return
            server.queries.append(query)
            headers = {k.lower(): v for k, v in self.headers.items()}
            body = json.loads(raw)
            if server.serves is not None and body.get("model") not in server.serves:
                server.refused += 1
                self._send(*_no_model(server.not_found, str(body.get("model"))))
                return
            self._send(*server.answer(path, headers, body))

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            path = self.path.partition("?")[0]
            if path.removesuffix("/models") + "/chat/completions" not in PATHS:
                self._send(*_not_found(server.not_found, path))
                return
            models = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in server.serves or ()]
            self._send(200, {"Content-Type": "application/json"},
                       json.dumps({"object": "list", "data": models}).encode())

        def _send(self, status: int, headers: dict[str, str], body: bytes | Iterable[bytes]) -> None:
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for part in body:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to tell it

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def first_faults(fault: str, times: int = 1) -> FaultPlan:
    """The first `times` requests get `fault`."""
    return planned(*([fault] * times))


def every(fault: str) -> FaultPlan:
    return lambda k, papers: fault


__all__: Sequence[str] = ("FakeOpenAI", "AskedPaper", "Received", "by_title", "low_scores", "planned",
                          "first_faults", "every", "read_papers", "PATHS")
