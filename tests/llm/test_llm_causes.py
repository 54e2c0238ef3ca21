"""Every cause an LLM failure can have is said in every language a digest speaks: a Chinese digest says in Chinese
what paperradar found, and quotes what the endpoint, the model or the system said in their own words."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import KEY_ENV, make_scorer
from openai_server import FakeOpenAI, every

from paperradar.causes import Cause, codes
from paperradar.models import FailedBatches, LLMSettings, Paper, Profile
from paperradar.render.wording import failure_text
from paperradar.scorers.llm import Backoff, LLMScorer

# what a Chinese sentence may hold in Latin letters: names of things, not English words
_NAMES = {"LLM", "API", "HTTP", "JSON", "Token", "MB", "URL", "Azure", "OpenAI", "Ollama", "vLLM", "chat",
          "completions", "DEPLOYMENT", "ID", "false", "dict", "str", "int", "list", "float", "bool", "NoneType",
          "paperradar", "HTTPS", "UTC"}
_QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"|`[^`]*`")
# keys, ids, URLs, hosts, versions (llm.model, 8.0), and class names (APIError)
_TECHNICAL = re.compile(r"[\w.:/=@*-]*[\d._:/=@*-][\w.:/=@*-]*|\b(?=\w*[a-z])(?=\w*[A-Z]\w*[A-Z])\w+")


def english_words(said: str) -> list[str]:
    """The English words of a sentence outside what it quotes and the names it gives."""
    bare = _TECHNICAL.sub(" ", _QUOTED.sub(" ", said))
    return [w for w in re.findall(r"[A-Za-z]+", bare) if w not in _NAMES]


def walk(cause: Cause) -> Iterator[Cause]:
    yield cause
    for value in cause.values.values():
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, Cause):
                yield from walk(v)


# a cause of each code (some inside others), with the values a run gives it: a code added without one fails the
# first test
SAMPLES: dict[str, Cause] = {c.code: c for top in [
    Cause("missing_key", env_var="ARK_API_KEY"),
    Cause("interrupted"),
    Cause("budget_reached"),
    Cause("endpoint", url="http://127.0.0.1:8000/v1", what=Cause("answer_too_large", mb=8)),
    Cause("timed_out_again", url="http://127.0.0.1:8000/v1", timeout_s=60.0),
    Cause("no_verdict", tries=3, problems=(
        Cause("unanswered", unanswered=1, count=4), Cause("not_in_batch", number=7),
        Cause("answered_times", number=2, times=2), Cause("unreadable_verdict", entry="'oops'"),
        Cause("no_number", entry="['x', 3]"), Cause("not_one_list", keys="['a', 'b']"),
        Cause("not_a_list", kind="dict"))),
    Cause("alone_too_long", limit=4096, cut=True),
    Cause("again_thought", problem=Cause("thought", reasoning=4096)),
    Cause("again_asked", problem=Cause("no_json", text="'I am sorry, but I cannot rate these papers.'")),
    Cause("empty", finish_reason="stop"),
    Cause("paper", number=3, problem=Cause("score_not_number", value="'high'")),
    Cause("score_scale", score="85"),
    Cause("bad_field", value="'Robotics'"),
    Cause("answer_too_slow", seconds=0.5),
    Cause("refused", detail=Cause("http", status=401, message="invalid api key"),
          fix=Cause("check_key", key_env="ARK_API_KEY")),
    Cause("unreachable", attempts=2, detail=Cause("connection_refused", where="127.0.0.1:8000")),
    Cause("failed_after", attempts=3, detail=Cause("timed_out"), fix=Cause("timeout_fix", timeout_s=60.0)),
    Cause("failing", failed=Cause("failed_after", attempts=5, detail=Cause("http", status=500, message="internal error"),
                                  fix=None), tries=10),
    Cause("not_json", text="'<html>Bad gateway</html>'"),
    Cause("error", kind="APIError", message="Connection error."),
    Cause("unknown_host", host="api.example", reason="Name or service not known"),
    Cause("no_connection", where="api.example:443", message="TLS handshake failed"),
    Cause("untrusted_certificate", host="192.168.1.20", reason="self-signed certificate"),
    Cause("plain_http", where="127.0.0.1:8000"),
    Cause("top_up"),
    Cause("ark_limit"),
    Cause("daily_limit", after=None, reset="2025-03-07 00:00 UTC"),
    Cause("wants_key"),
    Cause("no_region"),
    Cause("key_may_use", key_env="ARK_API_KEY", model="doubao-seed-1-6-251015"),
    Cause("concurrency_fix", concurrency=8),
    Cause("rate_limit_fix"),
    Cause("model_not_activated", model="doubao-seed-1-6-251015"),
    Cause("model_not_served", model="qwen3:8b", close="qwen3:4b",
          hint=Cause("ollama_pull", model="qwen3:8b", served="llama3.1:8b, qwen3:4b", more=2)),
    Cause("ark_model"),
    Cause("no_system", model="gemma-2-9b-it"),
    Cause("no_template", model="Qwen/Qwen2.5-7B"),
    Cause("no_memory", model="qwen3:8b"),
    Cause("served_model", served="llama3.1:8b, qwen3:4b", more=0),
    Cause("azure_deployment", name="gpt4o-mini", url="https://x.openai.azure.com/openai/deployments/DEPLOYMENT"),
    Cause("base_url", url="http://localhost:11434/v1", why=Cause("ollama_api")),
    Cause("base_url_documented"),
    Cause("adds_path"),
    Cause("ark_api"),
    Cause("under_v1"),
] for c in walk(top)}


def test_every_code_has_a_sample_and_is_said_in_chinese_without_english_words() -> None:
    assert set(SAMPLES) == set(codes()), "give each new code a sample above"
    for cause in SAMPLES.values():
        for c in walk(cause):
            assert english_words(c.said("zh")) == [], (c.code, c.said("zh"))
            assert c.said("en") == str(c)


def test_a_cause_comes_back_from_its_record_and_from_a_pickle() -> None:
    import pickle
    for cause in SAMPLES.values():
        again = Cause.from_json(cause.to_json())
        assert (again, again.said("zh"), again.to_json()) == (cause, cause.said("zh"), cause.to_json())
        assert pickle.loads(pickle.dumps(cause)).said("zh") == cause.said("zh")


def test_a_record_this_version_cannot_say_raises() -> None:
    with pytest.raises(KeyError):
        Cause.from_json({"code": "from_a_newer_version", "values": {}})
    with pytest.raises(ValueError):
        Cause.from_json({"code": "missing_key", "values": {}})


def test_a_count_of_one_is_said_in_the_singular() -> None:
    # a batch whose problem is one no smaller batch cures is not asked again: its papers failed after one try
    assert Cause("no_verdict", tries=1, problems=(Cause("unanswered", unanswered=1, count=1),)) == (
        "no valid verdict after 1 try: 1 of 1 paper not answered")
    assert Cause("no_verdict", tries=3, problems=()).startswith("no valid verdict after 3 tries: ")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


Scenario = Callable[[list[Paper], Profile], list[object]]


def _with(server: FakeOpenAI, papers: int = 5, url: Callable[[FakeOpenAI], str] = lambda s: s.v1_url,
          **overrides: object) -> Scenario:
    def scenario(day: list[Paper], profile: Profile) -> list[object]:
        with server:
            return list(make_scorer(url(server), **overrides).judge(day[:papers], profile))
    return scenario


def _plain(settings: LLMSettings, environ: dict[str, str] | None = None, papers: int = 5) -> Scenario:
    def scenario(day: list[Paper], profile: Profile) -> list[object]:
        scorer = LLMScorer(settings, environ=environ or {}, backoff=Backoff(0.01, 0.05), sleep=lambda s: None)
        return list(scorer.judge(day[:papers], profile))
    return scenario


def _untrusted(day: list[Paper], profile: Profile) -> list[object]:
    """A server on 127.0.0.1 whose certificate signs itself, which this machine does not trust."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl makes the certificate")
    with tempfile.TemporaryDirectory() as folder:
        cert, key = str(Path(folder) / "cert.pem"), str(Path(folder) / "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        return _with(FakeOpenAI(tls=(cert, key)), max_retries=1)(day, profile)


def _out_of_100(papers: list) -> list:
    return [[p.n, 85, 4, "相关。"] for p in papers]


def _relevant(papers: list) -> list:
    return [[p.n, 8, 0, "相关。"] for p in papers]


# each way a run meets a failure, against the real server on 127.0.0.1: (what it is, how to meet it)
FAULTS: dict[str, Callable[[], Scenario]] = {
    "no key": lambda: _plain(LLMSettings(base_url="http://127.0.0.1:1/v1", model="m", api_key_env="ARK_API_KEY")),
    "500": lambda: _with(FakeOpenAI(faults=every("500")), max_retries=1),
    "500 at every try": lambda: _with(FakeOpenAI(faults=every("500")), papers=20, batch_size=5, max_retries=4),
    "429": lambda: _with(FakeOpenAI(faults=every("429"), retry_after="0"), max_retries=1, concurrency=4),
    "429 alone": lambda: _with(FakeOpenAI(faults=every("429"), retry_after="0"), max_retries=0, concurrency=1),
    "quota": lambda: _with(FakeOpenAI(faults=every("quota"))),
    "balance": lambda: _with(FakeOpenAI(faults=every("balance"))),
    "overdue": lambda: _with(FakeOpenAI(faults=every("overdue"))),
    "Ark's limit": lambda: _with(FakeOpenAI(faults=every("set_limit"))),
    **{f"limit per day ({fault})": (lambda fault=fault: _with(FakeOpenAI(faults=every(fault))))
       for fault in ("per_day_openai", "per_day_openrouter", "per_day_gemini")},
    "free trial": lambda: _with(FakeOpenAI(faults=every("free_quota"))),
    "401": lambda: _with(FakeOpenAI(faults=every("401"))),
    "401, no key named": lambda: _with(FakeOpenAI(faults=every("401")), api_key_env=None),
    **{f"key refused ({fault})": (lambda fault=fault: _with(FakeOpenAI(faults=every(fault)), papers=20, batch_size=5))
       for fault in ("key_openai", "key_deepseek", "key_ark", "forbidden_ark", "key_gemini", "region")},
    "403 page": lambda: _with(FakeOpenAI(faults=every("waf"))),
    "nothing listens": lambda: _plain(LLMSettings(base_url=f"http://127.0.0.1:{_closed_port()}/v1", model="m",
                                                  max_retries=1)),
    "https to plain http": lambda: _with(FakeOpenAI(), url=lambda s: s.v1_url.replace("http://", "https://"),
                                         max_retries=1),
    "untrusted certificate": lambda: _untrusted,
    "timeouts": lambda: _with(FakeOpenAI(faults=every("hang"), hang_s=1.0), papers=10, timeout_s=0.3,
                              max_retries=4, batch_size=5),
    "not json": lambda: _with(FakeOpenAI(faults=every("not_json")), max_retries=1),
    "prose": lambda: _with(FakeOpenAI(faults=every("refusal")), papers=8),
    "thinking": lambda: _with(FakeOpenAI(faults=every("reasoning_only")), papers=40, batch_size=10),
    "empty fields": lambda: _with(FakeOpenAI(faults=every("bad_field")), papers=6),
    "english fields": lambda: _with(FakeOpenAI(_relevant, faults=every("english_fields")), papers=20, batch_size=10),
    "left out": lambda: _with(FakeOpenAI(faults=every("missing")), papers=4),
    "answered twice": lambda: _with(FakeOpenAI(faults=every("duplicate")), papers=4),
    "cut short": lambda: _with(FakeOpenAI(_relevant, faults=every("length")), papers=10),
    "cut-off JSON": lambda: _with(FakeOpenAI(faults=every("malformed")), papers=10),
    "nested too deep": lambda: _with(FakeOpenAI(faults=every("deep")), papers=4),
    "thinking cut short": lambda: _with(FakeOpenAI(faults=every("think_cut")), papers=10),
    "out of 100": lambda: _with(FakeOpenAI(_out_of_100), papers=1),
    "too long alone": lambda: _with(FakeOpenAI(faults=every("too_long_vllm"), context_tokens=300), papers=1),
    "huge": lambda: _with(FakeOpenAI(faults=every("huge"), huge_mb=12)),
    "trickle": lambda: _with(FakeOpenAI(faults=every("trickle"), trickle_s=0.1), timeout_s=0.5),
    "no v1": lambda: _with(FakeOpenAI(not_found="openai"), url=lambda s: s.base),
    **{f"no model ({style})": (lambda style=style: _with(FakeOpenAI(serves=("qwen3:4b", "llama3.1:8b"),
                                                                    not_found=style), model="qwen3:8b"))
       for style in ("openai", "ollama", "vllm", "ark", "deepseek")},
    **{f"no system message ({fault})": (lambda fault=fault: _with(FakeOpenAI(faults=every(fault)), papers=20,
                                                                   batch_size=5))
       for fault in ("no_system", "no_system_tgi", "no_system_alternate")},
    "no chat template": lambda: _with(FakeOpenAI(faults=every("no_template")), papers=20, batch_size=5),
    "no memory": lambda: _with(FakeOpenAI(faults=every("no_memory")), papers=20, batch_size=5),
    "not activated": lambda: _with(FakeOpenAI(serves=("doubao-seed-1-6-flash-250828",), not_found="ark_not_open"),
                                   url=lambda s: s.ark_url, model="doubao-seed-1-6-251015"),
    "no deployment": lambda: _with(FakeOpenAI(), url=lambda s: s.azure_url("gpt4o-mini")),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failure_met_for_real_is_said_in_a_chinese_digest_in_chinese(fault, day, profile):
    results = FAULTS[fault]()(day, profile)
    failures = [r for r in results if r.failure]  # type: ignore[attr-defined]
    assert failures, f"{fault}: nothing failed"
    for r in failures:
        assert isinstance(r.failure, Cause), f"{fault}: {r.failure!r} is English alone"  # type: ignore[attr-defined]
        zh = failure_text("zh", FailedBatches(r.failure, 1, r.paper_ids))  # type: ignore[attr-defined]
        assert english_words(zh) == [], f"{fault}: {zh}"
        en = failure_text("en", FailedBatches(r.failure, 1, r.paper_ids))  # type: ignore[attr-defined]
        assert en.startswith(r.failure)  # type: ignore[attr-defined]


def test_a_host_no_name_service_knows_is_said_in_chinese(day, profile, monkeypatch):
    def getaddrinfo(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    settings = LLMSettings(base_url="https://ark.cn-beijing.volces.example/api/v3", model="m", api_key_env=KEY_ENV)
    (result,) = LLMScorer(settings, environ={KEY_ENV: "sk-test"}).judge(day[:3], profile)
    assert failure_text("zh", FailedBatches(result.failure, 1, result.paper_ids)) == (
        "LLM 端点 https://ark.cn-beijing.volces.example/api/v3 尝试 1 次后仍无法连接：找不到主机 "
        "ark.cn-beijing.volces.example（“Name or service not known”）：请检查 llm.base_url，或这台机器是否离线"
        f"（3 篇论文：{'、'.join(p.id for p in day[:3])}）")


def test_the_budget_and_an_interruption_are_causes_too(day, profile, server):
    results = list(make_scorer(server.v1_url).judge(day[:5], profile, budget_remaining=0))
    assert {r.failure.code for r in results if r.failure} == {"budget_reached"}  # type: ignore[union-attr]
