"""Why papers went without an LLM verdict, as data: a code and its values, said in English and in every language a
digest speaks.

A `Cause` is its English line (a str), so that what groups, stores, compares or prints failures (the store's batches,
the CLI, the JSON) goes on doing so unchanged; it also carries its code and values, which a run records beside the
line, and from which a digest says it again in the profile's language. A cause may hold others (what the endpoint
did, then what to fix): each is said in the same language. What an endpoint, a model or the system said stays in its
own words: the Chinese sentences put it in quotation marks. tests/llm/test_llm_causes.py holds every code to every language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Union

from .english import plural
from .models import Language

Value = Union[str, int, float, bool, None, "Cause", tuple["Cause", ...]]
_Said = Union[str, Callable[[Mapping[str, Any]], str]]  # a format string, or a function of the values as shown
_LIST_SEP: dict[Language, str] = {"en": "; ", "zh": "；"}


def _more(names: object, more: object, zh: bool = False) -> str:
    """'a, b and 3 more': the first models an endpoint lists, and how many it lists besides."""
    if not more:
        return str(names)
    return f"{names} 等（另有 {more} 个）" if zh else f"{names} and {more} more"


_SAID: dict[str, dict[Language, _Said]] = {
    # what failed a batch
    "missing_key": {"en": "the LLM API key is missing: set the environment variable {env_var}",
                    "zh": "缺少 LLM 的 API 密钥：请设置环境变量 {env_var}"},
    "interrupted": {"en": "interrupted before it was sent", "zh": "发送之前运行被中断"},
    "budget_reached": {"en": "token budget reached", "zh": "已达到每日 Token 预算"},
    "endpoint": {"en": "LLM endpoint {url} {what}", "zh": "LLM 端点 {url} {what}"},
    "timed_out_again": {
        "en": "LLM endpoint {url} timed out again (llm.timeout_s is {timeout_s:g} s: raise it for a slow endpoint or "
              "model); no more requests were sent, as the endpoint may still finish and bill each one we stop waiting "
              "for",
        "zh": "LLM 端点 {url} 再次超时（llm.timeout_s 为 {timeout_s:g} 秒：端点或模型较慢时请调大）；此后没有再发送请求："
              "端点仍可能完成我们不再等待的请求，并为每一个计费"},
    "no_verdict": {"en": lambda v: f"no valid verdict after {v['tries']} {plural(v['tries'], 'try', 'tries')}: "
                                   f"{v['problems']}",
                   "zh": "尝试 {tries} 次仍没有有效的评审：{problems}"},
    "alone_too_long": {
        "en": lambda v: ("this paper alone is longer than the model's context"
                         + (f" ({v['limit']} tokens)" if v["limit"] else "")
                         + (", and the endpoint cut it, so its verdict was dropped" if v["cut"] else "")
                         + ": set llm.model to a model with a longer context"),
        "zh": lambda v: ("单这一篇论文就超出了模型的上下文长度" + (f"（{v['limit']} 个 Token）" if v["limit"] else "")
                         + ("，端点截断了它，因此舍弃了它的评审" if v["cut"] else "")
                         + "：请把 llm.model 设为上下文更长的模型")},
    # what was wrong with an answer
    "thought": {
        "en": lambda v: ("the model spent its whole output limit reasoning and wrote no answer (finish_reason=length"
                         + (f", {v['reasoning']} reasoning tokens" if v["reasoning"] else "") + "): set llm.thinking "
                         "= false where the endpoint takes it (Volcengine Ark), or llm.model to a model without "
                         "thinking, or lower llm.batch_size"),
        "zh": lambda v: ("模型把整个输出上限都用在推理上，没有写出回答（finish_reason=length"
                         + (f"，推理 {v['reasoning']} 个 Token" if v["reasoning"] else "") + "）：请在支持它的端点（火山方舟）"
                         "上设置 llm.thinking = false，或把 llm.model 设为不推理的模型，或调小 llm.batch_size")},
    "empty": {"en": "the answer was empty (finish_reason={finish_reason})",
              "zh": "回答为空（finish_reason={finish_reason}）"},
    "again_asked": {"en": "{problem} (again when asked again, so not asked a third time)",
                    "zh": "{problem}（重新询问时依然如此，因此没有第三次询问）"},
    "again_thought": {"en": "{problem} (again in smaller batches, so this run sent no more requests)",
                      "zh": "{problem}（改用更小的批次依然如此，因此本次运行没有再发送请求）"},
    "no_json": {"en": "no JSON in the answer: {text}", "zh": "回答中没有 JSON：{text}"},
    "not_one_list": {"en": "expected one list of verdicts, got keys {keys}",
                     "zh": "回答应只含一个评审列表，实际的键为 {keys}"},
    "not_a_list": {"en": "expected a list of verdicts, got {kind}", "zh": "回答应是评审列表，实际是 {kind}"},
    "paper": {"en": "paper #{number}: {problem}", "zh": "论文 #{number}：{problem}"},
    "not_in_batch": {"en": "paper #{number} is not in the batch", "zh": "论文 #{number} 不在该批次中"},
    "answered_times": {"en": "paper #{number} answered {times} times", "zh": "论文 #{number} 被回答了 {times} 次"},
    "unanswered": {"en": lambda v: f"{v['unanswered']} of {v['count']} {plural(v['count'], 'paper')} "
                                   "not answered",
                   "zh": "{count} 篇论文中有 {unanswered} 篇没有得到回答"},
    "unreadable_verdict": {"en": "unreadable verdict {entry}", "zh": "无法读取的评审 {entry}"},
    "no_number": {"en": "verdict without a paper number: {entry}", "zh": "评审没有论文编号：{entry}"},
    "score_not_number": {"en": "score {value} is not a number", "zh": "分数 {value} 不是数字"},
    "score_scale": {"en": "score {score} is outside 0-10", "zh": "分数 {score} 不在 0-10 之间"},
    "bad_field": {"en": "field {value} is not a profile field", "zh": "研究方向 {value} 不是配置文件中的研究方向"},
    # what the endpoint did (after "LLM endpoint URL")
    "answer_too_large": {
        "en": "sent more than {mb} MB as one answer, more than any model writes: it was not read (is something other "
              "than the model answering at llm.base_url?)",
        "zh": "一个回答就发送了超过 {mb} MB，超出任何模型所写的长度：没有读取它（在 llm.base_url 应答的是否并非模型？）"},
    "answer_too_slow": {
        "en": "was still sending its answer {seconds:g} s after it began (llm.timeout_s), as no model's finished "
              "answer comes: it was not read",
        "zh": "开始发送回答 {seconds:g} 秒后仍在发送（llm.timeout_s），而模型写完的回答不会这样发送：没有读取它"},
    "refused": {"en": lambda v: f"refused the request ({v['detail']})" + (f": {v['fix']}" if v["fix"] else ""),
                "zh": lambda v: f"拒绝了请求（{v['detail']}）" + (f"：{v['fix']}" if v["fix"] else "")},
    "unreachable": {"en": lambda v: (f"could not be reached after {v['attempts']} "
                                     f"{plural(v['attempts'], 'attempt')}: {v['detail']}"),
                    "zh": "尝试 {attempts} 次后仍无法连接：{detail}"},
    "failed_after": {"en": lambda v: (f"failed after {v['attempts']} {plural(v['attempts'], 'attempt')}: "
                                      f"{v['detail']}" + (f" ({v['fix']})" if v["fix"] else "")),
                     "zh": lambda v: (f"尝试 {v['attempts']} 次后仍失败：{v['detail']}"
                                      + (f"（{v['fix']}）" if v["fix"] else ""))},
    "failing": {"en": "{failed}; it answered no request of this run, at least {tries} of them with a server error, so no "
                      "more were sent: the server's log says why (a model not loaded?); run the day again once it "
                      "answers",
                "zh": "{failed}；本次运行的请求没有一个得到应答，其中至少 {tries} 个遇到服务器错误，因此没有再发送请求：服务器的日志会说明"
                      "原因（模型没有加载？）；待它能应答后再次运行这一天"},
    # how it failed: the endpoint's, the model's or the system's words are quoted as they were said
    "http": {"en": lambda v: f"HTTP {v['status']}" + (f": {v['message']}" if v["message"] else ""),
             "zh": lambda v: f"HTTP {v['status']}" + (f"：“{v['message']}”" if v["message"] else "")},
    "timed_out": {"en": "timed out", "zh": "超时"},
    "not_json": {"en": "the answer was not JSON: {text}", "zh": "回答不是 JSON：{text}"},
    "error": {"en": "{kind}: {message}", "zh": "{kind}：“{message}”"},
    "connection_refused": {
        "en": "connection refused: nothing listens at {where} (start the server, or set llm.base_url to where it "
              "listens)",
        "zh": "连接被拒绝：{where} 上没有服务在监听（请启动服务，或把 llm.base_url 设为它监听的地址）"},
    "unknown_host": {
        "en": "the host {host} could not be found ({reason}): check llm.base_url, or whether this machine is offline",
        "zh": "找不到主机 {host}（“{reason}”）：请检查 llm.base_url，或这台机器是否离线"},
    "untrusted_certificate": {
        "en": "the certificate of {host} is not one this machine trusts ({reason}): add the authority that signed it to "
              "the machine's trusted ones (or name a bundle that holds it in SSL_CERT_FILE), or set llm.base_url to "
              "http:// where the server speaks plain HTTP",
        "zh": "这台机器不信任 {host} 的证书（“{reason}”）：请把签发它的证书颁发机构加入这台机器信任的机构（或把 SSL_CERT_FILE "
              "设为包含它的证书包），若服务器只使用普通 HTTP，则把 llm.base_url 设为 http://"},
    "plain_http": {"en": "{where} answered in plain HTTP, not HTTPS: set llm.base_url to begin with http:// instead of "
                         "https://",
                   "zh": "{where} 以普通 HTTP 而非 HTTPS 应答：请让 llm.base_url 以 http:// 而不是 https:// 开头"},
    "no_connection": {"en": "could not connect to {where}: {message}", "zh": "无法连接到 {where}：“{message}”"},
    # what to fix
    "top_up": {"en": "the account has no quota or balance left: top it up or raise its limit with the provider, then "
                     "run again",
               "zh": "账户已没有额度或余额：请充值，或在服务商处提高额度，然后再次运行"},
    "ark_limit": {
        "en": "the account reached the limit it set for the model (Ark's Safe Experience Mode, 安全体验模式): raise it or "
              "turn the mode off in the Ark console (开通管理), then run again",
        "zh": "账户已达到它为该模型设定的限额（方舟的安全体验模式）：请在方舟控制台（开通管理）中调高限额或关闭该模式，然后再次运行"},
    "daily_limit": {
        "en": lambda v: ("the account reached a limit per day, which lets no request pass before it resets"
                         + (f" (the endpoint says to try again in {v['after']})" if v["after"] else "")
                         + (f" (at {v['reset']})" if v["reset"] else "") + ": run the day again then (a re-run "
                         "sends only what is missing), or raise the limit with the provider"),
        "zh": lambda v: ("账户已达到每日限额，限额重置之前不会有请求通过" + (f"（端点说请在 {v['after']} 后再试）" if v["after"] else "")
                         + (f"（重置时间为 {v['reset']}）" if v["reset"] else "") + "：请届时再次运行这一天（再次运行只发送缺少的论文），"
                         "或在服务商处提高限额")},
    "check_key": {"en": "check the key in {key_env}", "zh": "请检查 {key_env} 中的密钥"},
    "key_may_use": {"en": "check that the key in {key_env} may use llm.model {model!r} at llm.base_url",
                    "zh": "请检查 {key_env} 中的密钥能否在 llm.base_url 上使用 llm.model {model!r}"},
    "no_region": {"en": "the provider serves no requests from where this machine is: set llm.base_url to an endpoint "
                        "that does",
                  "zh": "服务商不受理来自这台机器所在地区的请求：请把 llm.base_url 设为受理这些请求的端点"},
    "wants_key": {"en": "the endpoint wants a key: name the variable that holds it in llm.api_key_env",
                  "zh": "端点需要密钥：请在 llm.api_key_env 中写明存放密钥的环境变量"},
    "timeout_fix": {"en": "llm.timeout_s is {timeout_s:g} s: raise it for a slow endpoint or model",
                    "zh": "llm.timeout_s 为 {timeout_s:g} 秒：端点或模型较慢时请调大"},
    "concurrency_fix": {"en": "llm.concurrency is {concurrency}: lower it, or raise the account's rate limit",
                        "zh": "llm.concurrency 为 {concurrency}：请调小它，或提高账户的速率限制"},
    "rate_limit_fix": {"en": "raise the account's rate limit with the provider", "zh": "请在服务商处提高账户的速率限制"},
    "model_not_activated": {
        "en": "llm.model {model!r} is not activated for this account: activate it in the Ark console (开通管理), or set "
              "llm.model to a model the account has activated",
        "zh": "llm.model {model!r} 尚未为这个账户开通：请在方舟控制台（开通管理）中开通它，或把 llm.model 设为账户已开通的模型"},
    "model_not_served": {
        "en": lambda v: f"llm.model {v['model']!r} is not served there: {v['hint']}"
                        + (f" (did you mean {v['close']!r}?)" if v["close"] else ""),
        "zh": lambda v: f"该端点不提供 llm.model {v['model']!r}：{v['hint']}"
                        + (f"（是否想写 {v['close']!r}？）" if v["close"] else "")},
    "ollama_pull": {
        "en": lambda v: f"run `ollama pull {v['model']}`"
                        + (f", or set llm.model to one it has: {_more(v['served'], v['more'])}" if v["served"] else ""),
        "zh": lambda v: f"请运行 `ollama pull {v['model']}`"
                        + (f"，或把 llm.model 设为它已有的模型：{_more(v['served'], v['more'], zh=True)}"
                           if v["served"] else "")},
    "no_system": {
        "en": "the chat template of llm.model {model!r} takes no system message, and paperradar's prompt begins with "
              "one: set llm.model to a model whose template takes it, or serve this one with a template that does "
              "(vLLM: --chat-template)",
        "zh": "llm.model {model!r} 的对话模板不接受系统消息，而 paperradar 的提示词以一条系统消息开头：请把 llm.model "
              "设为模板接受系统消息的模型，或为这个模型配上接受它的模板（vLLM：--chat-template）"},
    "no_template": {
        "en": "llm.model {model!r} has no chat template there, as a base model has none: set llm.model to a chat "
              "(instruct) model, or serve this one with a template (vLLM: --chat-template)",
        "zh": "该端点上的 llm.model {model!r} 没有对话模板（基础模型都没有）：请把 llm.model 设为对话（指令微调）模型，"
              "或为这个模型配上模板（vLLM：--chat-template）"},
    "no_memory": {
        "en": "llm.model {model!r} needs more memory than the machine serving it has free: set llm.model to a smaller "
              "model (or a smaller quantization of it), or free memory there",
        "zh": "llm.model {model!r} 所需的内存超过了运行它的机器的空闲内存：请把 llm.model 设为更小的模型（或它更小的量化版本），"
              "或在那台机器上释放内存"},
    "ark_model": {
        "en": "set llm.model to a model ID activated in the Ark console (such as doubao-seed-1-6-251015) or to the "
              "ID of your inference endpoint (ep-...)",
        "zh": "请把 llm.model 设为在方舟控制台中已开通的模型 ID（如 doubao-seed-1-6-251015），或你的推理接入点 ID（ep-...）"},
    "served_model": {
        "en": lambda v: (f"set llm.model to one it serves: {_more(v['served'], v['more'])}" if v["served"]
                         else "set llm.model to a model it serves"),
        "zh": lambda v: (f"请把 llm.model 设为它提供的模型之一：{_more(v['served'], v['more'], zh=True)}" if v["served"]
                         else "请把 llm.model 设为它提供的模型")},
    "azure_deployment": {
        "en": "this Azure OpenAI resource has no deployment {name!r}: set llm.base_url to {url} with a deployment name "
              "the Azure portal lists for it",
        "zh": "这个 Azure OpenAI 资源没有名为 {name!r} 的部署：请把 llm.base_url 设为 {url}，其中 DEPLOYMENT 填 Azure "
              "门户为它列出的部署名称"},
    "base_url": {"en": "nothing serves chat completions there: set llm.base_url to {url} ({why})",
                 "zh": "那里没有提供 chat completions 的服务：请把 llm.base_url 设为 {url}（{why}）"},
    "base_url_documented": {
        "en": "nothing serves chat completions there: set llm.base_url to the OpenAI-compatible URL the provider "
              "documents",
        "zh": "那里没有提供 chat completions 的服务：请把 llm.base_url 设为服务商文档给出的 OpenAI 兼容 URL"},
    "adds_path": {"en": "the client adds /chat/completions itself", "zh": "客户端会自己加上 /chat/completions"},
    "ark_api": {"en": "Volcengine Ark's API", "zh": "火山方舟的 API"},
    "ollama_api": {"en": "Ollama's OpenAI-compatible API is under /v1, not /api",
                   "zh": "Ollama 的 OpenAI 兼容 API 在 /v1 下，而不是 /api"},
    "under_v1": {"en": "Ollama, vLLM and most servers answer under /v1, Volcengine Ark under /api/v3",
                 "zh": "Ollama、vLLM 和大多数服务在 /v1 下应答，火山方舟在 /api/v3 下"},
}


class Cause(str):
    """A failure's English line, which also knows its code and values, so that it can be said in any language."""

    code: str
    values: Mapping[str, Value]

    def __new__(cls, code: str, **values: Value) -> Cause:
        self = super().__new__(cls, _say("en", code, values))
        self.code, self.values = code, values
        return self

    def said(self, language: Language) -> str:
        return _say(language, self.code, self.values)

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "values": {k: _to_json(v) for k, v in self.values.items()}}

    @classmethod
    def from_json(cls, recorded: Mapping[str, object]) -> Cause:
        """A recorded cause; KeyError or ValueError for one this version cannot say (a newer code, a broken record)."""
        values = recorded["values"]
        if not isinstance(values, Mapping):
            raise ValueError(f"a cause's values are not an object: {values!r:.60}")
        return cls(str(recorded["code"]), **{str(k): _from_json(v) for k, v in values.items()})

    def __copy__(self) -> Cause:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Cause:  # immutable, as a str is (dataclasses.asdict copies)
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return Cause.from_json, (self.to_json(),)


def codes() -> list[str]:
    return list(_SAID)


def _say(language: Language, code: str, values: Mapping[str, Value]) -> str:
    said = _SAID[code][language]
    shown = {k: _shown(language, v) for k, v in values.items()}
    try:
        return said(shown) if callable(said) else said.format(**shown)
    except (KeyError, ValueError, TypeError) as e:  # a record without a value its code needs
        raise ValueError(f"the cause {code!r} cannot be said with {sorted(values)}: {e}") from e


def _shown(language: Language, value: Value) -> object:
    if isinstance(value, Cause):
        return value.said(language)
    if isinstance(value, tuple):
        return _LIST_SEP[language].join(v.said(language) for v in value)
    return value


def _to_json(value: Value) -> object:
    if isinstance(value, Cause):
        return value.to_json()
    if isinstance(value, tuple):
        return [v.to_json() for v in value]
    return value


def _from_json(value: object) -> Value:
    if isinstance(value, Mapping):
        return Cause.from_json(value)
    if isinstance(value, list):
        return tuple(Cause.from_json(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise ValueError(f"a cause's value is not one a cause holds: {value!r:.60}")
