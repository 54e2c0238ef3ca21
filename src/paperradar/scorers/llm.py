"""Judging papers with an LLM behind any OpenAI-compatible endpoint (Volcengine Ark, DeepSeek, OpenAI,
Ollama, vLLM), robustly and cheaply.

Batches run on a pool of `concurrency` threads and are yielded as they complete, so the pipeline commits each one at
once. Retries live in exactly one place (`_Endpoint.complete`): exponential backoff with jitter on 429, 5xx, timeouts
and connection errors, honouring Retry-After, bounded; an account with no quota or balance left (or none more today: a
429 for a limit per day) stops the whole run at once, since no request would pass, and so does a key the endpoint
refuses (a 401, or a 403 in its own JSON: what the key may use), a host no name service knows, a TLS handshake that
fails, and a connection refused again at one quick retry, since nothing that refuses starts listening within a run,
and ten server errors before any request of the run was answered (a model not loaded), and a second timeout, since the
endpoint may bill each request it finishes after we stop waiting (each one is counted as unreported usage).
Papers an answer left out (or answered invalidly) are asked again in smaller batches, a bounded number of times,
unless every paper asked again met the same problem again: that is how the model answers, not a slip, and a third
ask would meet it too. What still has no verdict comes back as a failed BatchResult, never as an exception that
would lose the rest of the day.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import random
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

import httpx2
import openai

from ..causes import Cause
from ..config import is_azure_deployment
from ..errors import (KeyRefused, LLMError, MissingAPIKey, NoCredit, NotServed, PromptTooLong, ScorerError,
                      Unreachable)
from ..models import BatchResult, Judgement, LLMSettings, Paper, Profile, TokenUsage
from ..tokens import count_tokens, load_in_background
from . import prompt
from .base import BUDGET_REACHED
from .prompt import PROMPT_VERSION, AnswerUnreadable, Rejection
from .reasons import trim

MAX_REASK_ROUNDS = 2  # re-asks of unanswered papers, each in batches half the size of the round before
# server errors (5xx) that stop a run's sending where no request of it was answered: two batches' tries at the default
# llm.max_retries; an endpoint that fails half its requests fails the first ten of a run once in a thousand runs
FAILING_TRIES = 10
COMPLETION_TOKENS_PER_PAPER = 12  # budget estimate before the answer is known (verdicts; reasons for some)
_RETRY_STATUSES = {408, 409, 425, 429} | set(range(500, 600))
# how services say the account has nothing left: OpenAI's 429 code, Volcengine Ark's 403 and 429 codes (an overdue
# balance, a free trial quota used up, the limit of its Safe Experience Mode reached); DeepSeek: HTTP 402
_NO_CREDIT_CODES = {"insufficient_quota", "AccountOverdueError", "QuotaExceeded", "SetLimitExceeded"}
# how a 429 says a limit per day was reached, which no retry passes before it resets: OpenAI's and Groq's words
# ('on tokens per day (TPD)', 'requests per day (RPD)'), OpenRouter's ('free-models-per-day'); Gemini's quota id
_PER_DAY = re.compile(r"\bper day\b|\b[RT]PD\b|-per-day\b", re.IGNORECASE)
_TRY_AGAIN = re.compile(r"\b(?:try again|retry) in ((?:\d+(?:\.\d+)?[a-z]+)+)", re.IGNORECASE)
# what the client sends where the profile names no key: endpoints without authentication ignore it
_NO_KEY = "no-key"
INTERRUPTED = Cause("interrupted")
# problems a smaller batch cannot cure once it has met them again (a slip or a provoking paper does not come back
# for every paper asked again); papers left out or answered twice can be, so they keep all their tries
_SYSTEMATIC = {"score", "scale", "field", "unreadable", "thought"}
# where a message carries its reasoning: DeepSeek's and Ark's (doubao) reasoning_content, Ollama's and vLLM's reasoning
_REASONING_FIELDS = ("reasoning_content", "reasoning")
_THOUGHT = "thought"  # whole answers lost to reasoning: every other request of the run would be lost the same way
# how a service says it has no model of that name: OpenAI's and Ark's codes (Ark's ModelNotOpen: a model the
# account has not activated); Ollama's, vLLM's and DeepSeek's words
_NO_MODEL_CODES = {"model_not_found", "InvalidEndpointOrModel.NotFound", "ModelNotOpen"}
_NO_MODEL = re.compile(r"\bmodel\b.*\b(?:not found|not exist|does not exist)", re.IGNORECASE | re.DOTALL)
# how an endpoint refuses the thinking field: OpenAI's and Azure's words, Gemini's, Ark's, pydantic's (FastAPI servers)
_NO_THINKING = re.compile(r"\b(?:argument|parameter|unknown name)\b.*\bthinking\b|"
                          r"\bthinking\b.*\b(?:not permitted|not supported|unsupported|unrecognized|unknown)\b",
                          re.IGNORECASE | re.DOTALL)
# refusals that mean llm.model, as it is served there, can answer no request: (statuses, words, the Cause's code).
# vLLM's and text-generation-inference's for a chat template that refuses the system message (Gemma 2's; Mistral 7B
# v0.1's and Llama 2's, which want user and assistant turns only); vLLM's for a model whose tokenizer has no chat
# template (a base model, not an instruct one); Ollama's 500 for a model larger than the memory it has free
_CANNOT_ANSWER = (
    ((400, 422), re.compile(r"system role not supported|roles must alternate", re.IGNORECASE), "no_system"),
    ((400, 422), re.compile(r"must provide a chat template|default chat template is no longer allowed", re.IGNORECASE),
     "no_template"),
    ((500,), re.compile(r"requires more system memory", re.IGNORECASE), "no_memory"),
)
# how OpenAI, vLLM and DeepSeek refuse a prompt longer than the model's context (400), and the two numbers they give
_TOO_LONG_CODES = {"context_length_exceeded"}
_TOO_LONG = re.compile(r"maximum context length is (\d+) tokens.*?(?:resulted in|requested) (\d+) tokens|"
                       r"context length|context window", re.IGNORECASE | re.DOTALL)
# an endpoint that counted fewer prompt tokens than this share of our count of the papers cut the prompt to its
# context (Ollama past num_ctx), dropping its start: the instructions and the first papers (tokenizers differ less)
_CUT_RATIO = 0.85
_FIT_MARGIN = 0.8  # share of the context a smaller batch fills: room for the answer, and for other tokenizers
# the longest answer a model writes, 128k tokens of Chinese reasoning sent JSON-escaped (6 bytes a character), is
# under 2 MB: a body past this is a broken endpoint or a hostile one, and reading on would only fill the memory
MAX_ANSWER_BYTES = 8 * 2**20


@dataclass(frozen=True)
class Backoff:
    """Delays between attempts: base * 2**attempt with full jitter, or what Retry-After asks, capped."""

    base_s: float = 1.0
    cap_s: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(self.cap_s, retry_after + random.uniform(0, 0.1 * self.base_s))
        return min(self.cap_s, self.base_s * 2 ** attempt * random.uniform(0.5, 1.0))


class LLMScorer:
    """The Scorer protocol over an OpenAI-compatible chat-completions endpoint."""

    def __init__(self, settings: LLMSettings, *, environ: Mapping[str, str] | None = None,
                 backoff: Backoff = Backoff(), sleep: Callable[[float], None] = time.sleep):
        try:
            key, self.missing_key = api_key(settings, environ), None
        except MissingAPIKey as e:  # every batch fails with it, as with a key the endpoint refuses
            key, self.missing_key = _NO_KEY, e.cause
        self.settings = settings
        self.name = f"llm:{settings.model}:{PROMPT_VERSION}"
        self.advice = ""  # what the last run found to change in the profile (a batch size that fits), a line each
        self._endpoint = _Endpoint(settings, key, backoff, sleep)

    def judge(self, papers: Sequence[Paper], profile: Profile,
              budget_remaining: int | None = None) -> Iterator[BatchResult]:
        """Yield one or more BatchResults per batch, in the order the batches complete."""
        if not papers:
            return
        batches = plan_batches(papers, self.settings.batch_size, self.settings.concurrency)
        if self.missing_key:  # nothing is sent: the papers keep their local judgement until a run has the key
            for batch in batches:
                yield BatchResult((), TokenUsage(), None, self.missing_key, tuple(p.id for p in batch), sent=False)
            return
        load_in_background()  # while the first requests are answered
        budget = _Budget(budget_remaining)
        stop = threading.Event()
        run = _Run()
        pool = ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix="llm")
        futures: list[Future[list[BatchResult]]] = [
            pool.submit(self._judge_batch, batch, profile, budget, run, stop) for batch in batches]
        handed: set[Future[list[BatchResult]]] = set()
        try:
            for done in as_completed(futures):
                handed.add(done)
                yield from done.result()
        except KeyboardInterrupt:
            # the requests in flight get answered and billed whatever we do: hand their answers over, ask nothing new
            stop.set()
            for f in futures:
                f.cancel()
            for done in as_completed([f for f in futures if f not in handed and not f.cancelled()]):
                yield from done.result()
            raise
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)  # a consumer that stops early sends nothing more
            self.advice = "\n".join(filter(None, (run.advice, *self._refused_fields())))

    def _refused_fields(self) -> list[str]:
        """What to take out of the profile, where the endpoint refused a field of the request and was asked without."""
        said = self._endpoint.refused
        out = []
        if "response_format" in said:
            out.append(f"the endpoint has no JSON mode ({said['response_format'].rstrip('.')}), so the papers were "
                       "asked without it: set llm.json_mode = false in the profile to ask so from the start")
        if "thinking" in said:
            out.append(f"the endpoint refused the thinking field ({said['thinking'].rstrip('.')}), so the papers "
                       "were asked without it: remove llm.thinking from the profile (it is Volcengine Ark's switch)")
        return out

    def _judge_batch(self, batch: Sequence[Paper], profile: Profile, budget: _Budget, run: _Run,
                     stop: threading.Event) -> list[BatchResult]:
        tally = _Tally(stop=stop)
        missing = list(batch)
        for round_no in range(MAX_REASK_ROUNDS + 1):
            size = max(1, math.ceil(len(batch) / 2 ** round_no))
            before = {p.id: tally.rejected.pop(p.id, None) for p in missing}  # each paper's problem last round
            chunks = [missing[i:i + size] for i in range(0, len(missing), size)]
            missing = []
            for chunk in chunks:
                if chunk := _worth_asking(chunk, before, run, tally):
                    missing += self._ask(chunk, profile, budget, run, tally)
            run.learn(before, tally.rejected)
            if not missing or tally.gave_up:
                break
        if missing:
            problems = list(dict.fromkeys(tally.problems))  # the same problem at every try is said once
            tally.fail(missing, Cause("no_verdict", tries=round_no + 1, problems=tuple(problems[-3:])))
        return tally.results(batch, self.name, profile)

    def _ask(self, chunk: list[Paper], profile: Profile, budget: _Budget, run: _Run,
             tally: _Tally) -> list[Paper]:
        """Ask about one chunk; record verdicts and spend in the tally; return the papers left unanswered."""
        if tally.stop.is_set():
            tally.fail(chunk, INTERRUPTED, sent=False)
            return []
        if run.gave_up:  # no request of this run would fare better
            tally.fail(chunk, run.gave_up, sent=False)
            return []
        if tally.gave_up:  # the endpoint failed for good or the budget ran out: don't ask again
            tally.fail(chunk, tally.gave_up, sent=False)
            return []
        if len(chunk) > run.fits:  # a batch this long was longer than the model's context: ask in batches that fit
            return self._in_parts(chunk, run.fits, profile, budget, run, tally)
        messages = prompt.messages(chunk, profile)
        estimate = budget.estimate(messages, len(chunk))
        if not budget.reserve(estimate):
            tally.fail(chunk, BUDGET_REACHED, sent=False)
            return []
        try:
            reply = self._endpoint.complete(messages, run)
        except PromptTooLong as e:
            budget.settle(estimate, 0)  # refused before the model read it
            return self._too_long(chunk, e.limit, e.requested or _prompt_tokens(messages), profile, budget, run,
                                  tally)
        except LLMError as e:
            unread = e.timed_out + e.unread  # a request we stopped waiting for, or reading, may still be billed
            budget.settle(estimate, estimate * unread)
            tally.spend(TokenUsage(unreported=unread), None)
            tally.fail(chunk, self._failure(e, run))
            return []
        budget.settle(estimate, reply.usage.total + estimate * reply.usage.unreported)
        tally.spend(reply.usage, reply.model)
        # a prompt cut to the context lost its start, the instructions first: whatever the model answered is a guess
        if (cut := _cut_to(reply, messages, run.context)) is not None:
            return self._too_long(chunk, *cut, profile, budget, run, tally, cut_by_endpoint=True)
        if not prompt.without_thinking(reply.content).strip():
            return tally.reject(chunk, _no_answer(reply))
        try:
            answer = prompt.read_answer(reply.content, len(chunk), profile)
        except AnswerUnreadable as e:
            return tally.reject(chunk, Rejection("unreadable", e.cause))
        tally.problems += answer.problems
        tally.rejected.update({chunk[n - 1].id: why for n, why in answer.rejected.items()})
        for number, verdict in answer.verdicts.items():
            paper = chunk[number - 1]
            tally.judgements[paper.id] = Judgement(paper.id, verdict.score, verdict.field, verdict.reason,
                                                   self.name, paper.version, profile.version)
        return [p for n, p in enumerate(chunk, 1) if n not in answer.verdicts]

    def _too_long(self, chunk: list[Paper], limit: int | None, requested: int, profile: Profile, budget: _Budget,
                  run: _Run, tally: _Tally, cut_by_endpoint: bool = False) -> list[Paper]:
        """A chunk longer than the model's context is asked again in parts that fit, and the run remembers the size;
        a single paper too long for the model fails alone."""
        if len(chunk) == 1:
            tally.fail(chunk, Cause("alone_too_long", limit=limit, cut=cut_by_endpoint))
            return []
        context = f" ({limit} tokens)" if limit else ""
        size = len(chunk) // 2
        if limit:  # as much of the context as leaves room for the answer (and for our count being low)
            size = max(1, min(len(chunk) - 1, math.floor(len(chunk) * limit * _FIT_MARGIN / max(requested, limit))))
        what = (f"the endpoint cut prompts of {len(chunk)} papers to its context{context}, as Ollama does past "
                "num_ctx, so their verdicts were dropped" if cut_by_endpoint
                else f"batches of {len(chunk)} papers were longer than the model's context{context}")
        longer = (" or give the model a longer context (Ollama: OLLAMA_CONTEXT_LENGTH or num_ctx)"
                  if cut_by_endpoint else "")
        if cut_by_endpoint:
            run.context = run.context or limit
        run.shorten(size, what + "; they were asked in batches of {size}: set llm.batch_size = {size} in the profile "
                          "to ask so from the start" + longer)
        return self._in_parts(chunk, run.fits, profile, budget, run, tally)

    def _in_parts(self, chunk: list[Paper], size: int, profile: Profile, budget: _Budget, run: _Run,
                  tally: _Tally) -> list[Paper]:
        parts = math.ceil(len(chunk) / size)
        bounds = [round(i * len(chunk) / parts) for i in range(parts + 1)]
        return [p for a, b in zip(bounds, bounds[1:])
                for p in self._ask(chunk[a:b], profile, budget, run, tally)]

    def _failure(self, e: LLMError, run: _Run) -> Cause:
        """Why a chunk failed; a failure that every other request would meet too stops the run, in one wording."""
        if isinstance(e, (KeyRefused, NoCredit, NotServed, Unreachable)):
            return run.give_up(e.cause)
        if e.timed_out and run.timeouts > 1:
            return run.give_up(Cause("timed_out_again", url=self.settings.base_url, timeout_s=self.settings.timeout_s))
        if (e.status or 0) >= 500 and run.failing:
            return run.give_up(Cause("endpoint", url=self.settings.base_url,
                                     what=Cause("failing", failed=e.what, tries=FAILING_TRIES)))
        return e.cause


def api_key(settings: LLMSettings, environ: Mapping[str, str] | None = None) -> str:
    """The key in the variable llm.api_key_env names (a placeholder where it names none); a missing key, or one
    that no header can carry, raises."""
    if settings.api_key_env is None:
        return _NO_KEY
    key = (os.environ if environ is None else environ).get(settings.api_key_env, "").strip()
    if not key:
        raise MissingAPIKey(settings.api_key_env)
    _check_key(key, settings.api_key_env)
    return key


def _check_key(key: str, env_var: str) -> None:
    """A key goes in an HTTP header: a character no header carries (a curly quote or a line break pasted with it)
    failed every request as a bug (UnicodeEncodeError) or as 'Connection error.', retried; it is named, not shown."""
    bad = next(((n, c) for n, c in enumerate(key, 1) if not "!" <= c <= "~"), None)
    if bad is not None:
        n, c = bad
        what = {" ": "a space", "\n": "a line break", "\r": "a line break", "\t": "a tab"}.get(c, f"U+{ord(c):04X}")
        raise ScorerError(f"the LLM API key in {env_var} has {what} at character {n}, which no key has: set the "
                          "variable again with the key copied exactly")


def plan_batches(papers: Sequence[Paper], batch_size: int, concurrency: int) -> list[list[Paper]]:
    """Batches of at most `batch_size`, as many as fill whole waves of `concurrency` requests, but no
    smaller than half of `batch_size` (each batch repeats the fixed part of the prompt), sizes balanced."""
    n = len(papers)
    fewest = math.ceil(n / batch_size)
    waves = math.ceil(fewest / concurrency)
    count = max(fewest, min(waves * concurrency, math.ceil(n / max(1, math.ceil(batch_size / 2)))))
    bounds = [round(i * n / count) for i in range(count + 1)]
    return [list(papers[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


@dataclass(frozen=True)
class _Reply:
    content: str
    usage: TokenUsage
    model: str | None
    finish_reason: str | None = None
    reasoned: bool = False  # the message carried reasoning (a field of _REASONING_FIELDS, or <think> in its content)


def _no_answer(reply: _Reply) -> Rejection:
    """Why a completion came back empty, and what to change when the profile can change it."""
    if reply.finish_reason == "length" and (reply.reasoned or reply.usage.reasoning):
        return Rejection(_THOUGHT, Cause("thought", reasoning=reply.usage.reasoning))
    return Rejection("empty", Cause("empty", finish_reason=str(reply.finish_reason)))


def _prompt_tokens(messages: list[dict[str, str]]) -> int:
    return sum(count_tokens(m["content"]) for m in messages)


def _cut_to(reply: _Reply, messages: list[dict[str, str]], context: int | None) -> tuple[int, int] | None:
    """(the endpoint's prompt tokens, ours) where it cut the prompt: it counted far fewer than the papers alone (an
    endpoint may leave out a cached prefix, the instructions every batch repeats, but never the papers), or as many
    as the context it cut an earlier prompt to (only a prompt cut to fit fills it to the last token)."""
    if not reply.usage.prompt:
        return None
    papers = count_tokens(messages[-1]["content"])
    cut = reply.usage.prompt < _CUT_RATIO * papers or (context is not None and reply.usage.prompt >= context)
    return (reply.usage.prompt, _prompt_tokens(messages)) if cut else None


def _worth_asking(chunk: list[Paper], before: Mapping[str, Rejection | None], run: _Run,
                  tally: _Tally) -> list[Paper]:
    """The papers of a chunk to ask about; one whose last problem proved systematic fails with it instead."""
    out = []
    for p in chunk:
        last = before.get(p.id)
        why = run.systematic.get(last.kind) if last else None
        if why:
            tally.fail([p], why)
        else:
            out.append(p)
    return out


class _Endpoint:
    """The one place that talks to the endpoint and retries."""

    def __init__(self, settings: LLMSettings, key: str, backoff: Backoff, sleep: Callable[[float], None]):
        self.settings, self.backoff, self.sleep = settings, backoff, sleep
        self._secret = "" if key == _NO_KEY else key
        self.refused: dict[str, str] = {}  # a field of the request the endpoint refused -> what it said
        # A gateway's query (Azure's ?api-version=) goes on every request: the client would append its paths after it.
        url = urlsplit(settings.base_url)
        query = dict(parse_qsl(url.query))
        # Retries are ours (max_retries=0) so that backoff and its bound live in one place.
        base_url, timeout = url._replace(query="").geturl(), settings.timeout_s
        # every body is read through _Bounded; uncompressed, so that its bytes are the answer's (no gzip bomb)
        http = openai.DefaultHttpxClient(event_hooks={"response": [self._bound]},
                                         headers={"Accept-Encoding": "identity"})
        self.client: openai.OpenAI
        if is_azure_deployment(settings.base_url):  # classic Azure reads a Bearer token as Entra ID's, not as a key
            self.client = openai.AzureOpenAI(api_key=key, base_url=base_url, timeout=timeout, max_retries=0,
                                             api_version=query.pop("api-version", None), default_query=query or None,
                                             http_client=http)
        else:
            self.client = openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout, max_retries=0,
                                        default_query=query or None, http_client=http)

    def _bound(self, response: httpx2.Response) -> None:
        response.stream = _Bounded(response.stream, MAX_ANSWER_BYTES, self.settings.timeout_s)

    def complete(self, messages: list[dict[str, str]], run: _Run) -> _Reply:
        attempts = self.settings.max_retries + 1
        timed_out = 0
        failure: BaseException
        retry_after: float | None
        status: int | None
        for attempt in range(attempts):
            # as this request asks: another thread may find either refused meanwhile
            json_mode = self.settings.json_mode and "response_format" not in self.refused
            thinking = None if "thinking" in self.refused else self.settings.thinking
            try:
                reply = self._once(messages, json_mode, thinking)
                run.answered = True
                return replace(reply, usage=reply.usage + TokenUsage(unreported=timed_out))
            except openai.APITimeoutError as e:
                timed_out += 1
                failure, retry_after, status = e, None, None
                if run.timed_out() > 1:  # not a stall but a slow endpoint: asking again would pay again
                    break
            except openai.APIConnectionError as e:
                failure, retry_after, status = e, None, None
                # a server restarting gets one quick retry; a host no one knows or a failed handshake none
                if _unknown_host(e) or _tls_failed(e) or attempt and _refused(e):
                    break
            except _Unread as e:  # another try would be as long, and billed again
                raise LLMError(self.settings.base_url, e.cause, None, attempt + 1, timed_out, unread=1) from e
            except openai.APIStatusError as e:
                if e.status_code in (400, 422) and json_mode and "response_format" in _message(e):
                    # the endpoint has no JSON mode: the prompt alone asks for JSON
                    self.refused["response_format"] = self._said(e)
                    return self.complete(messages, run)
                if e.status_code in (400, 422) and thinking is not None and _NO_THINKING.search(_message(e)):
                    self.refused["thinking"] = self._said(e)  # not a field the endpoint knows (OpenAI)
                    return self.complete(messages, run)
                if e.status_code == 400 and (e.code in _TOO_LONG_CODES or _TOO_LONG.search(_message(e))):
                    numbers = _TOO_LONG.search(_message(e))
                    limit, requested = (int(numbers[1]), int(numbers[2])) if numbers and numbers[1] else (None, None)
                    raise PromptTooLong(self.settings.base_url, self._refusal(e), e.status_code, limit,
                                        requested) from e
                if e.status_code == 402 or e.code in _NO_CREDIT_CODES:
                    fix = Cause("ark_limit") if e.code == "SetLimitExceeded" else Cause("top_up")
                    raise NoCredit(self.settings.base_url, self._refusal(e, fix), e.status_code) from e
                if e.status_code == 429 and _per_day(e):  # every request of the day would meet it too
                    raise NoCredit(self.settings.base_url, self._refusal(e, _daily_limit(e)), e.status_code) from e
                if e.code in _NO_MODEL_CODES or (e.status_code in (400, 404) and _NO_MODEL.search(_message(e))):
                    raise NotServed(self.settings.base_url, self._refusal(e, self._other_model(e)),
                                    e.status_code) from e
                if e.status_code == 404:
                    raise NotServed(self.settings.base_url, self._refusal(e, _other_base_url(self.settings.base_url)),
                                    e.status_code) from e
                if code := next((c for statuses, words, c in _CANNOT_ANSWER
                                 if e.status_code in statuses and words.search(_message(e))), None):
                    raise NotServed(self.settings.base_url, self._refusal(e, Cause(code, model=self.settings.model)),
                                    e.status_code) from e
                if _key_refused(e):
                    raise KeyRefused(self.settings.base_url, self._refusal(e, self._what_to_check(e)),
                                     e.status_code) from e
                if e.status_code not in _RETRY_STATUSES:
                    raise LLMError(self.settings.base_url, self._refusal(e), e.status_code) from e
                failure, retry_after, status = e, _retry_after(e.response.headers), e.status_code
                if status >= 500:
                    run.server_error()
                    if run.failing:
                        break  # not a slip: a server that answers no request (a model not loaded)
            except (openai.APIError, json.JSONDecodeError) as e:  # e.g. a gateway's HTML page: worth another try
                failure, retry_after, status = e, None, None
            if attempt + 1 == attempts or run.gave_up:
                break
            self.sleep(self.backoff.delay(attempt, retry_after))
            if run.gave_up:  # while it waited
                break
        hopeless = isinstance(failure, openai.APIConnectionError) and (_refused(failure) or _unknown_host(failure)
                                                                        or _tls_failed(failure))
        error = Unreachable if hopeless else LLMError
        raise error(self.settings.base_url, self._gave_up(failure, attempt + 1), status, attempt + 1,
                    timed_out) from failure

    def _said(self, e: BaseException) -> Cause:
        """The failure in one line, without the key: some gateways repeat the Authorization header they got."""
        return _detail(e, self._secret)

    def _refusal(self, e: openai.APIStatusError, fix: Cause | None = None) -> Cause:
        """A refusal no retry would change, sent once: what the endpoint said, then what to fix."""
        return Cause("refused", detail=_detail(e, self._secret, full_stop=False), fix=fix)

    def _gave_up(self, e: BaseException, attempts: int) -> Cause:
        """A failure that might have passed at another try, after the tries it had; what to change, where we know."""
        if isinstance(e, openai.APIConnectionError) and not isinstance(e, openai.APITimeoutError):
            # why, from the errors the client wraps
            return Cause("unreachable", attempts=attempts, detail=self._said(e))
        fix = None
        if isinstance(e, openai.APITimeoutError):
            fix = Cause("timeout_fix", timeout_s=self.settings.timeout_s)
        elif isinstance(e, openai.RateLimitError):
            fix = (Cause("concurrency_fix", concurrency=self.settings.concurrency) if self.settings.concurrency > 1
                   else Cause("rate_limit_fix"))
        return Cause("failed_after", attempts=attempts, detail=self._said(e), fix=fix)

    def _other_model(self, e: openai.APIStatusError) -> Cause:
        """What to set llm.model to: the provider's way to get the model, and the models the endpoint lists."""
        model = self.settings.model
        if e.code == "ModelNotOpen":  # Ark knows the model: the account has not switched it on
            return Cause("model_not_activated", model=model)
        served = self._served()
        close = difflib.get_close_matches(model, served, n=1, cutoff=0.6)
        listed = {"served": ", ".join(served[:8]), "more": max(0, len(served) - 8)}
        if "pull" in _message(e):  # Ollama
            hint = Cause("ollama_pull", model=model, **listed)
        elif e.code == "InvalidEndpointOrModel.NotFound" or _host(self.settings.base_url).endswith("volces.com"):
            hint = Cause("ark_model")
        else:
            hint = Cause("served_model", **listed)
        return Cause("model_not_served", model=model, hint=hint, close=close[0] if close else None)

    def _served(self) -> list[str]:
        """The models the endpoint lists at GET /models, where it lists them (one request, after a refusal)."""
        try:
            return sorted(m.id for m in self.client.models.list())
        except (openai.APIError, _Unread, json.JSONDecodeError, TypeError, AttributeError):
            return []

    def _what_to_check(self, e: openai.APIStatusError) -> Cause:
        """What to fix in the profile or environment where the endpoint refused the key (401, Gemini's 400) or its use
        (403)."""
        if e.code == "unsupported_country_region_territory":  # OpenAI's: no key or model changes where we are
            return Cause("no_region")
        if self.settings.api_key_env is None:
            return Cause("wants_key")
        if e.status_code == 403:
            return Cause("key_may_use", key_env=self.settings.api_key_env, model=self.settings.model)
        return Cause("check_key", key_env=self.settings.api_key_env)

    def _once(self, messages: list[dict[str, str]], json_mode: bool, thinking: bool | None) -> _Reply:
        extra: dict[str, object] = {"response_format": {"type": "json_object"}} if json_mode else {}
        if thinking is not None:  # Volcengine Ark's switch for hybrid models (doubao-seed-1.6, DeepSeek)
            extra["extra_body"] = {"thinking": {"type": "enabled" if thinking else "disabled"}}
        response = self.client.chat.completions.create(model=self.settings.model, messages=messages,  # type: ignore[arg-type]
                                                       **extra)  # type: ignore[call-overload]
        if not response.choices:
            return _Reply("", _usage(response), response.model or None)
        choice = response.choices[0]
        content = choice.message.content or ""
        reasoned = (any(getattr(choice.message, f, None) for f in _REASONING_FIELDS)
                    or "think>" in content.lower())
        return _Reply(content, _usage(response), response.model or None, choice.finish_reason, reasoned)


class _Unread(openai.OpenAIError):
    """An answer we stopped reading: larger than any model writes, or still coming long after it began. An
    OpenAIError, so that the client raises it as it is."""

    def __init__(self, cause: Cause):
        self.cause = cause
        super().__init__(cause)


class _Bounded(httpx2.SyncByteStream):
    """A response body read up to `limit` bytes, and for `seconds` once the answer began: a finished answer comes at
    once, after the blank lines some endpoints send while the model writes it (DeepSeek), which count only in bytes."""

    def __init__(self, body: httpx2.SyncByteStream, limit: int, seconds: float):
        self.body, self.limit, self.seconds = body, limit, seconds

    def __iter__(self) -> Iterator[bytes]:
        size, began = 0, None
        for chunk in self.body:
            size += len(chunk)
            if size > self.limit:
                raise _Unread(Cause("answer_too_large", mb=self.limit // 2**20))
            if began is None and chunk.strip():
                began = time.monotonic()
            elif began is not None and time.monotonic() - began > self.seconds:
                raise _Unread(Cause("answer_too_slow", seconds=self.seconds))
            yield chunk

    def close(self) -> None:
        self.body.close()


def _usage(response: object) -> TokenUsage:
    """The endpoint's own count; where it reported none, a request whose tokens are unknown (never our guess)."""
    usage = getattr(response, "usage", None)
    if usage is None:
        return TokenUsage(unreported=1)
    details = getattr(usage, "completion_tokens_details", None)
    reasoning = getattr(details, "reasoning_tokens", None) or 0
    return TokenUsage(usage.prompt_tokens or 0, usage.completion_tokens or 0, reasoning)


def _retry_after(headers: Mapping[str, str]) -> float | None:
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _detail(e: BaseException, secret: str = "", full_stop: bool = True) -> Cause:
    """The failure in one line; `secret` (the key) is masked before anything is cut, so no part of it shows. Without
    `full_stop`, an endpoint's message loses the full stop it ends with (it is put in parentheses)."""
    def said(text: str) -> str:
        return text.replace(secret, "***") if secret else text
    if isinstance(e, openai.APITimeoutError):
        return Cause("timed_out")
    if isinstance(e, json.JSONDecodeError):
        return Cause("not_json", text=repr(trim(said(e.doc), 80)))
    if isinstance(e, openai.APIStatusError):
        message = trim(said(_message(e)), 200)  # at a word, the cut marked
        return Cause("http", status=e.status_code, message=message if full_stop else message.rstrip("."))
    if isinstance(e, openai.APIConnectionError):
        return _unreached(e, said)
    return Cause("error", kind=type(e).__name__, message=said(str(e)))


def _causes(e: BaseException) -> list[BaseException]:
    """The errors the client wraps in its 'Connection error.', outermost first."""
    causes, cause = [], e.__cause__ or e.__context__
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    return causes


def _key_refused(e: openai.APIStatusError) -> bool:
    """The endpoint refused the key (401; Gemini's 400 API_KEY_INVALID), or the key's use of what was asked (a 403 in
    the endpoint's JSON, as OpenAI, Volcengine Ark, Azure and Gemini send it): every request of the run would be. A
    403 page (a gateway's, a web firewall's) may refuse one prompt for what it holds, so it fails its batch alone."""
    error = _error_of(e)
    details = error.get("details") if error is not None else None
    invalid = isinstance(details, list) and any(isinstance(d, Mapping) and d.get("reason") == "API_KEY_INVALID"
                                                for d in details)
    return e.status_code == 401 or (e.status_code == 403 and error is not None) or (e.status_code == 400 and invalid)


def _per_day(e: openai.APIStatusError) -> bool:
    """A 429 for a limit per day (not per minute): in the endpoint's words, or in Gemini's details, the id of the
    quota it exceeded ('GenerateRequestsPerDayPerProjectPerModel-FreeTier')."""
    error = _error_of(e)
    details = error.get("details") if error is not None else None
    quotas = [v.get("quotaId") for d in details if isinstance(d, Mapping) for v in d.get("violations") or ()
              if isinstance(v, Mapping)] if isinstance(details, list) else []
    return bool(_PER_DAY.search(_message(e))) or any("PerDay" in str(q) for q in quotas)


def _daily_limit(e: openai.APIStatusError) -> Cause:
    """What to do about a limit per day, with when the endpoint says it passes again: its own 'try again in 7m48s', or
    the time OpenRouter gives in its error's metadata (X-RateLimit-Reset, in ms since the epoch)."""
    after = _TRY_AGAIN.search(_message(e))
    error = _error_of(e) or {}
    metadata = error.get("metadata")
    headers = metadata.get("headers") if isinstance(metadata, Mapping) else None
    reset = headers.get("X-RateLimit-Reset") if isinstance(headers, Mapping) else None
    try:
        at = datetime.fromtimestamp(int(str(reset)) / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError, OverflowError, OSError):
        at = None
    return Cause("daily_limit", after=after[1] if after else None, reset=None if after else at)


def _refused(e: openai.APIConnectionError) -> bool:
    """The host said nothing listens at the port: it will not start to within a run."""
    return any(isinstance(c, ConnectionRefusedError) for c in _causes(e))


def _unknown_host(e: openai.APIConnectionError) -> bool:
    """No name service knows the host (a mistyped URL; offline, with none at all), unless it calls that temporary."""
    return any(isinstance(c, socket.gaierror) and c.errno != socket.EAI_AGAIN for c in _causes(e))


def _tls_failed(e: openai.APIConnectionError) -> bool:
    """The TLS handshake failed as it will at every try: a certificate this machine does not trust, or a server that
    answered in plain HTTP (an https:// base_url for a server on the reader's own machine)."""
    return any(isinstance(c, ssl.SSLCertVerificationError) or getattr(c, "reason", None) == "WRONG_VERSION_NUMBER"
               for c in _causes(e))


def _unreached(e: openai.APIConnectionError, said: Callable[[str], str]) -> Cause:
    """Why no endpoint answered, from the errors the client wraps in its 'Connection error.', and what to set."""
    url = urlsplit(str(e.request.url))
    where = f"{url.hostname}:{url.port}" if url.port else str(url.hostname)
    causes = _causes(e)
    for c in causes:
        if isinstance(c, ConnectionRefusedError):
            return Cause("connection_refused", where=said(where))
        if isinstance(c, socket.gaierror):
            return Cause("unknown_host", host=said(str(url.hostname)), reason=said(str(c.strerror)))
        if isinstance(c, ssl.SSLCertVerificationError):
            return Cause("untrusted_certificate", host=said(str(url.hostname)), reason=said(str(c.verify_message)))
        if getattr(c, "reason", None) == "WRONG_VERSION_NUMBER":
            return Cause("plain_http", where=said(where))
    return Cause("no_connection", where=said(where), message=said(" ".join(str(causes[-1] if causes else e).split())))


def _other_base_url(base_url: str) -> Cause:
    """What to set llm.base_url to, when nothing answers chat completions under it."""
    url = urlsplit(base_url.rstrip("/"))
    if is_azure_deployment(base_url):  # the resource answers there: the deployment is not one of its own
        resource, _, name = url.path.rstrip("/").rpartition("/")
        return Cause("azure_deployment", name=name, url=url._replace(path=resource + "/DEPLOYMENT").geturl())
    if url.path.endswith("/chat/completions"):
        path, why = url.path.removesuffix("/chat/completions"), "adds_path"
    elif _host(base_url).endswith("volces.com") and not url.path.startswith("/api/"):
        path, why = "/api/v3", "ark_api"
    elif url.path == "/api" or url.path.startswith("/api/"):  # Ollama's own API, not its OpenAI-compatible one
        path, why = "/v1", "ollama_api"
    elif not re.search(r"/v\d+$", url.path):
        path, why = url.path + "/v1", "under_v1"
    else:
        return Cause("base_url_documented")
    return Cause("base_url", url=url._replace(path=path).geturl(), why=Cause(why))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _error_of(e: openai.APIStatusError) -> Mapping[str, object] | None:
    """The error object of a refusal in JSON: OpenAI's {"error": {...}} (the client unwraps it), or the list of one
    that Gemini's OpenAI-compatible API answers ([{"error": {...}}], which the client leaves as it is)."""
    body = e.body
    if isinstance(body, list) and len(body) == 1 and isinstance(body[0], Mapping):
        body = body[0].get("error", body[0])
    return body if isinstance(body, Mapping) else None


def _message(e: openai.APIStatusError) -> str:
    """What the endpoint said: its error's message where the body has one (openai 1.x puts the whole body in
    e.message), else the body's text, else nothing."""
    body = _error_of(e) or e.body
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        return " ".join(body["message"].split())
    if isinstance(body, str):  # a plain-text page as it is (a template's '<string>' kept)
        if "</" in body:  # a gateway's HTML one: its words
            body = re.sub(r"<title>.*?</title>|<[^>]*>", " ", body, flags=re.IGNORECASE | re.DOTALL)
        return " ".join(body.split())
    return str(e.message).removeprefix(f"Error code: {e.status_code}").removeprefix(" - ")  # openai's prefix


class _Run:
    """What the batches of one run learn about the endpoint, shared by the worker threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.gave_up: Cause | None = None  # why this run sends no more requests
        self.timeouts = 0  # requests of this run that timed out
        self.answered = False  # a request of this run was answered (HTTP 200)
        self.server_errors = 0  # tries of this run the endpoint answered with a server error (5xx)
        self.systematic: dict[str, Cause] = {}  # kind of problem -> why papers that met it are not asked again
        self.fits = 10**6  # papers a batch may hold: fewer once a longer one was longer than the model's context
        self.context: int | None = None  # the prompt tokens the endpoint cut a prompt to (Ollama's num_ctx)
        self._advice = ""  # what to change in the profile, said once for the run, with {size} to fill in

    def shorten(self, size: int, advice: str) -> None:
        with self.lock:
            self.fits = min(self.fits, size)
            self._advice = self._advice or advice

    @property
    def advice(self) -> str:
        return self._advice.format(size=self.fits)

    def timed_out(self) -> int:
        """Count one more request that timed out; how many have so far."""
        with self.lock:
            self.timeouts += 1
            return self.timeouts

    def server_error(self) -> None:
        """Count one more try answered with a server error."""
        with self.lock:
            self.server_errors += 1

    @property
    def failing(self) -> bool:
        """The endpoint answered no request of this run and FAILING_TRIES of its tries with a server error: a server
        that answers none (a model not loaded), not a slip."""
        return self.server_errors >= FAILING_TRIES and not self.answered

    def learn(self, before: Mapping[str, Rejection | None], after: Mapping[str, Rejection]) -> None:
        """A problem that every paper asked again about met again, two papers at least, is systematic: a third
        ask would meet it too. Reasoning that ate the whole answer again stops the run: so would every request."""
        for kind in {r.kind for r in before.values() if r and r.kind in _SYSTEMATIC} - set(self.systematic):
            again = [after.get(pid) for pid, r in before.items() if r and r.kind == kind]
            if len(again) < 2 or not all(a and a.kind == kind for a in again):
                continue
            detail = next(a.detail for a in again if a)
            if kind == _THOUGHT:
                why = self.give_up(Cause("again_thought", problem=detail))
            else:
                why = Cause("again_asked", problem=detail)
            with self.lock:
                self.systematic.setdefault(kind, why)

    def give_up(self, why: Cause) -> Cause:
        """Send no more; the first reason stays the run's, so every batch it stops fails in the same words."""
        with self.lock:
            self.gave_up = self.gave_up or why
            return self.gave_up


class _Budget:
    """Tokens left for today, shared by the worker threads; in-flight requests hold a reservation."""

    def __init__(self, remaining: int | None):
        self.remaining = remaining
        self.lock = threading.Lock()

    def estimate(self, messages: list[dict[str, str]], papers: int) -> int:
        if self.remaining is None:
            return 0  # no need to tokenize
        return sum(count_tokens(m["content"]) for m in messages) + COMPLETION_TOKENS_PER_PAPER * papers

    def reserve(self, tokens: int) -> bool:
        with self.lock:
            if self.remaining is None:
                return True
            if self.remaining <= 0 or tokens > self.remaining:
                return False
            self.remaining -= tokens
            return True

    def settle(self, reserved: int, spent: int) -> None:
        with self.lock:
            if self.remaining is not None:
                self.remaining += reserved - spent


@dataclass
class _Tally:
    """What one batch produced over its tries."""

    judgements: dict[str, Judgement] = field(default_factory=dict)
    usage: TokenUsage = TokenUsage()
    model: str | None = None
    problems: list[Cause] = field(default_factory=list)
    rejected: dict[str, Rejection] = field(default_factory=dict)  # paper id -> why the last answer about it failed
    failures: dict[Cause, list[str]] = field(default_factory=dict)  # why -> paper ids
    sent_for: set[Cause] = field(default_factory=set)  # the failures a request met, not a run that stopped sending
    gave_up: Cause | None = None  # why this batch stopped asking
    stop: threading.Event = field(default_factory=threading.Event)  # set when the run is interrupted

    def spend(self, usage: TokenUsage, model: str | None) -> None:
        self.usage += usage
        self.model = model or self.model

    def reject(self, chunk: list[Paper], why: Rejection) -> list[Paper]:
        """A whole answer lost: every paper of the chunk is left to ask again."""
        self.problems.append(why.detail)
        self.rejected.update({p.id: why for p in chunk})
        return chunk

    def fail(self, papers: Sequence[Paper], why: Cause, sent: bool = True) -> None:
        """The papers failed; not `sent`: no request of this batch carried them to meet the failure."""
        self.failures.setdefault(why, []).extend(p.id for p in papers)
        if sent:
            self.sent_for.add(why)
        if why in (BUDGET_REACHED, INTERRUPTED) or why.startswith("LLM endpoint"):
            self.gave_up = self.gave_up or why

    def results(self, batch: Sequence[Paper], scorer: str, profile: Profile) -> list[BatchResult]:
        out: list[BatchResult] = []
        if self.judgements:
            judged = tuple(self.judgements[p.id] for p in batch if p.id in self.judgements)
            out.append(BatchResult(judged, self.usage, self.model, None, tuple(j.paper_id for j in judged)))
        for why, ids in self.failures.items():
            usage = TokenUsage() if out else self.usage  # spend is reported once per batch
            out.append(BatchResult((), usage, self.model, why, tuple(ids), sent=why in self.sent_for))
        return out
