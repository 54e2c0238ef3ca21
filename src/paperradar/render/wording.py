"""Every sentence a digest says about its day, in the profile's language. Numbers come only from RunFacts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..causes import Cause
from ..english import plural
from ..errors import RenderError
from ..models import Digest, FailedBatches, Language, Paper, RunFacts, TokenUsage

_BEIJING = "Asia/Shanghai"

_TEXT: dict[Language, dict[str, str]] = {
    "zh": {
        "title": "ArXiv 每日推荐 - {date}",
        "updated_beijing": "更新于北京时间：{time}",
        "updated_zone": "更新于 {zone} 时间：{time}",
        "read": "已自动阅读了 {read} 篇最新的论文，推荐其中 {picked} 篇。",
        "read_kinds": "已自动阅读了 {read} 篇最新的论文（{kinds}），推荐其中 {picked} 篇。",
        "kind_new": "新论文 {n} 篇",
        "kind_cross": "交叉列出 {n} 篇",
        "kind_replaced": "新版本 {n} 篇",
        "kind_other": "公布类型 {kind} {n} 篇",
        "local": "本地评分器 {scorer} 为全部论文打分。",
        "learned": "它学习了{parts}论文。",
        "learned_like": "你喜欢的 {n} 篇",
        "learned_dislike": "你不喜欢的 {n} 篇",
        "learned_shown": "推荐过而你没有标为喜欢的 {n} 篇",
        "learned_read": "读过而没有推荐的 {n} 篇",
        "learned_llm": "由 LLM 评审过的 {n} 篇",
        "and": "和",
        "llm": "LLM {model}评审了其中 {judged} 篇论文{earlier} | 消耗 Tokens：{total}"
               "（输入 {prompt} / 输出 {completion}{reasoning}）",
        "llm_none": "LLM {model}未能评审任何论文 | 消耗 Tokens：{total}"
                    "（输入 {prompt} / 输出 {completion}{reasoning}）",
        "reasoning": "，其中推理 {n}",
        "earlier": "（其中 {n} 篇沿用此前列出时的评审，不计入今日 Tokens）",
        "unreported": "；另有 {n} 次请求的用量端点未报告",
        "budget": "已达到每日 Token 预算，之后的论文未再发送给 LLM，只有本地评分。",
        "failed": "失败的批次：{batches}；再次运行这一天即会重新发送这些论文。",
        "not_sent": "未发送给 LLM 的论文：{batches}；再次运行这一天即会发送这些论文。",
        "failure": "{failure}（{batches}{n} 篇论文：{ids}）",
        "failure_batches": "{n} 个批次，",
        "failure_unsent": "{n} 个批次失败，{unsent} 个批次因运行已停止发送而未发送，",
        "failure_ids_more": "{ids} 等",
        "failure_in_english": "（仅有英文记录）“{failure}”",
        "list_sep": "、",
        "empty": "arXiv 在 {date} 没有公布 {categories} 类别的新论文。",
        "none_picked": "本期阅读的 {read} 篇论文中，没有达到推荐分数线（{min_score} 分）的论文。",
        "more": "该方向另有 {more} 篇论文达到推荐分数线，未在此列出（每个方向最多列出 {limit} 篇）。",
        "fields": "研究方向",
        "other": "其他",
        "days": "往期",
        "archive_title": "ArXiv 每日推荐 - 往期",
        "archive_note": "括号中是当天推荐的论文数。",
        "latest": "首页",
        "previous": "前一天",
        "next": "后一天",
        "top": "回到顶部",
        "replaced": "新版本 v{version}",
        "cross": "交叉列出",
        "other_type": "公布类型：{kind}",
        "clause_sep": "，",
    },
    "en": {
        "title": "ArXiv daily picks - {date}",
        "updated_beijing": "Updated {time} Beijing time",
        "updated_zone": "Updated {time} ({zone})",
        "read": "Read {read} new {papers} automatically; {picked} recommended.",
        "read_kinds": "Read {read} {papers} automatically ({kinds}); {picked} recommended.",
        "kind_new": "{n} new",
        "kind_cross": "{n} {cross_lists}",
        "kind_replaced": "{n} new {versions}",
        "kind_other": "{n} announced as {kind}",
        "local": "Local scorer {scorer} scored every paper.",
        "learned": "It learned from {parts}.",
        "learned_like": "{n} {papers} you liked",
        "learned_dislike": "{n} {papers} you disliked",
        "learned_shown": "{n} {papers} shown to you and not liked",
        "learned_read": "{n} {papers} read and not shown",
        "learned_llm": "{n} {papers} judged by an LLM",
        "and": " and ",
        "llm": "LLM {model}judged {judged} {papers}{earlier} | tokens: {total}"
               " (prompt {prompt} / completion {completion}{reasoning})",
        "llm_none": "LLM {model}judged no paper | tokens: {total}"
                    " (prompt {prompt} / completion {completion}{reasoning})",
        "reasoning": ", of which reasoning {n}",
        "earlier": " ({n} of them judged when listed on an earlier day, no tokens today)",
        "unreported": "; the endpoint reported no usage for {n} more {requests}",
        "budget": "The daily token budget was reached: later papers were not sent to the LLM and were scored"
                  " locally only.",
        "failed": "Failed batches: {batches}; a re-run of this day sends their papers again.",
        "not_sent": "Not sent to the LLM: {batches}; a re-run of this day sends these papers.",
        "failure": "{failure} ({batches}{n} {papers}: {ids})",
        "failure_batches": "{n} batches, ",
        "failure_unsent": "{n} {batches} failed and {unsent} not sent once the run stopped sending, ",
        "failure_ids_more": "{ids} and {more} more",
        "failure_in_english": "{failure}",
        "list_sep": ", ",
        "empty": "arXiv announced no new papers in {categories} on {date}.",
        "none_picked": "None of the {read} {papers} read for this digest reached the recommendation threshold"
                       " ({min_score}).",
        "more": "{more} more {papers} in this field reached the threshold (at most {limit} are listed per field).",
        "fields": "Fields",
        "other": "Other",
        "days": "All days",
        "archive_title": "ArXiv daily picks - all days",
        "archive_note": "In parentheses: the papers recommended that day.",
        "latest": "Front page",
        "previous": "Previous day",
        "next": "Next day",
        "top": "Back to top",
        "replaced": "new version v{version}",
        "cross": "cross-list",
        "other_type": "announce type: {kind}",
        "clause_sep": ", ",
    },
}


def text(language: Language, key: str, **values: object) -> str:
    return _TEXT[language][key].format(**values)


def is_empty_day(digest: Digest) -> bool:
    return digest.facts.empty_listing or (digest.facts.papers_read == 0 and not digest.entries)


def title(digest: Digest) -> str:
    return text(digest.profile.language, "title", date=digest.announce_date.isoformat())


def updated_line(language: Language, zone: str, now: datetime) -> str:
    """When the digest was made, in the reader's time zone."""
    if now.tzinfo is None:
        raise RenderError(f"the digest time {now.isoformat()} has no time zone; pass an aware datetime")
    try:
        local = now.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise RenderError(f"profile timezone {zone!r} is not a known IANA zone") from e
    stamp = local.strftime("%Y-%m-%d %H:%M:%S")
    key = "updated_beijing" if zone == _BEIJING else "updated_zone"
    return text(language, key, time=stamp, zone=zone)


def _llm_line(language: Language, facts: RunFacts) -> str | None:
    tokens: TokenUsage = facts.tokens
    if facts.llm_judged <= 0 and tokens.total <= 0 and not tokens.unreported:
        return None  # no LLM ran: name none
    model = f"{facts.model} " if facts.model else ""
    key = "llm" if facts.llm_judged > 0 else "llm_none"
    # reasoning tokens only where the endpoint counted some: one that counts none (Ollama's, a model that thinks in
    # <think> tags) would have the line say a thinking model reasoned 0
    reasoning = text(language, "reasoning", n=tokens.reasoning) if tokens.reasoning else ""
    earlier = text(language, "earlier", n=facts.llm_earlier) if facts.llm_earlier else ""
    line = text(language, key, model=model, judged=facts.llm_judged, papers=_papers(facts.llm_judged), earlier=earlier,
                total=tokens.total, prompt=tokens.prompt, completion=tokens.completion, reasoning=reasoning)
    if tokens.unreported:
        line += text(language, "unreported", n=tokens.unreported, requests=plural(tokens.unreported, "request"))
    return line


def header_lines(digest: Digest, now: datetime) -> list[str]:
    """The facts under the title, one sentence a line, every number from `digest.facts`."""
    lang, facts = digest.profile.language, digest.facts
    lines = [updated_line(lang, digest.profile.timezone, now)]
    if not is_empty_day(digest):
        lines.append(_read_line(lang, facts, len(digest.recommended)))
        lines.append(text(lang, "local", scorer=facts.scorer))
        if facts.learned_from:
            lines.append(learned_line(lang, facts.learned_from))
    llm = _llm_line(lang, facts)
    if llm:
        lines.append(llm)
    if facts.budget_exhausted:
        lines.append(text(lang, "budget"))
    # papers never sent (no API key) are no failed batch, nor sent "again"
    sent = [f for f in facts.failed_batches if f.batches or not f.paper_ids]
    for key, failed in (("failed", sent), ("not_sent", [f for f in facts.failed_batches if f not in sent])):
        if failed:
            failures = [failure_text(lang, f) for f in failed]
            lines.append(text(lang, key, batches=_TEXT[lang]["list_sep"].join(failures)))
    return lines


def failure_text(language: Language, failed: FailedBatches, shown: int = 3) -> str:
    """'HTTP 500 (2 batches, 80 papers: 2602.00001, 2602.00002, 2602.00003 and 77 more)', in `language`; where the run
    stopped sending, '(4 batches failed and 8 not sent once the run stopped sending, 164 papers: ...)'."""
    failure = cause_text(language, failed.failure)
    if not failed.paper_ids:  # recorded as one line by an earlier version: shown as it was written
        return failure
    n = len(failed.paper_ids)
    ids = _TEXT[language]["list_sep"].join(failed.paper_ids[:shown])
    if n > shown:
        ids = text(language, "failure_ids_more", ids=ids, more=n - shown)
    batches = text(language, "failure_batches", n=failed.batches) if failed.batches > 1 else ""
    if failed.batches and failed.unsent:  # the run stopped sending at a failure every request would meet
        batches = text(language, "failure_unsent", n=failed.batches, batches=plural(failed.batches, "batch", "batches"),
                       unsent=failed.unsent)
    return text(language, "failure", failure=failure, batches=batches, n=n, papers=_papers(n), ids=ids)


def cause_text(language: Language, failure: str) -> str:
    """Why papers have no LLM verdict, in `language`; a run recorded before causes were (its English line alone) is
    quoted, marked as the English it is, in a digest of another language."""
    if isinstance(failure, Cause):
        return failure.said(language)
    return text(language, "failure_in_english", failure=failure)


def _read_line(language: Language, facts: RunFacts, picked: int) -> str:
    """How many papers were read; of what kinds, when not all of them were new (replacements, cross-lists)."""
    kinds = _kinds(language, facts.announced)
    key = "read_kinds" if kinds else "read"
    return text(language, key, read=facts.papers_read, papers=_papers(facts.papers_read), picked=picked, kinds=kinds)


def _kinds(language: Language, announced: dict[str, int]) -> str:
    """'3 new, 1 cross-list, 2 new versions' (a replace-cross is a new version); '' when all were new."""
    if set(announced) <= {"new"}:
        return ""
    counts = {"new": announced.get("new", 0), "cross": announced.get("cross", 0),
              "replaced": announced.get("replace", 0) + announced.get("replace-cross", 0)}
    parts = [text(language, f"kind_{k}", n=n, cross_lists=plural(n, "cross-list"), versions=plural(n, "version"))
             for k, n in counts.items() if n]
    parts += [text(language, "kind_other", n=n, kind=k) for k, n in sorted(announced.items())
              if k not in ("new", "cross", "replace", "replace-cross") and n]
    return _TEXT[language]["clause_sep"].join(parts)


def body_note(digest: Digest) -> str | None:
    """What to say instead of sections when a day has nothing to list."""
    lang = digest.profile.language
    if is_empty_day(digest):
        cats = _TEXT[lang]["list_sep"].join(digest.profile.categories)
        return text(lang, "empty", date=_iso(digest.announce_date), categories=cats)
    if not digest.recommended:
        return text(lang, "none_picked", read=digest.facts.papers_read, papers=_papers(digest.facts.papers_read),
                    min_score=_score(digest.profile.min_score))
    return None


def learned_line(language: Language, learned_from: dict[str, int]) -> str:
    """'It learned from 3 papers you liked, 1 paper you disliked and 250 papers shown to you and not liked.'"""
    kinds = [k for k in ("like", "dislike", "shown", "read", "llm") if learned_from.get(k)]
    parts = [text(language, f"learned_{k}", n=learned_from[k], papers=_papers(learned_from[k])) for k in kinds]
    sep = _TEXT[language]["list_sep"]
    joined = parts[0] if len(parts) == 1 else sep.join(parts[:-1]) + _TEXT[language]["and"] + parts[-1]
    return text(language, "learned", parts=joined)


def announced_as(language: Language, paper: Paper) -> str | None:
    """What the listing announced a paper as, when not as a new paper: a replacement (its new version), a cross-list
    from another category, or both; a type arXiv's docs do not name is shown as stated."""
    kind = paper.announce_type
    if kind == "new":
        return None
    parts = []
    if kind in ("replace", "replace-cross"):
        parts.append(text(language, "replaced", version=paper.version))
    if kind in ("cross", "replace-cross"):
        parts.append(text(language, "cross"))
    return _TEXT[language]["clause_sep"].join(parts) or text(language, "other_type", kind=kind)


def _papers(n: int) -> str:
    return plural(n, "paper")


def more_note(language: Language, more: int, limit: int) -> str:
    return text(language, "more", more=more, limit=limit, papers=_papers(more))


def _iso(day: date) -> str:
    return day.isoformat()


def _score(value: float) -> str:
    return f"{value:.1f}"


def labels(language: Language) -> dict[str, str]:
    """The navigation words of a page."""
    return {k: _TEXT[language][k] for k in ("fields", "days", "archive_title", "archive_note", "latest", "previous",
                                            "next", "top")}
