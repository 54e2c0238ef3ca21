"""A day as JSON: every paper read, its judgement, and the facts of the run, in a stable order."""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

from ..causes import Cause
from ..errors import RenderError
from ..models import Digest, DigestEntry, FailedBatches, RunFacts
from .files import read_head
from .wording import failure_text

FORMAT_VERSION = 1
INDEX = "index.json"  # in json/
INDEX_FORMAT_VERSION = 1
_PAPERS_LINE = '  "papers": '  # render_json puts the papers last, on lines of their own


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _paper(e: DigestEntry) -> dict[str, Any]:
    p, j = e.paper, e.judgement
    return {
        "id": p.id,
        "version": p.version,
        "title": p.title,
        "authors": [{"name": a.name, "affiliations": list(a.affiliations)} for a in p.authors],
        "categories": list(p.categories),
        "announce_date": p.announce_date.isoformat(),
        "announce_type": p.announce_type,  # as arXiv's listing states it: new, cross, replace or replace-cross
        "url": p.url,
        "score": j.score,
        **({"llm_score": e.llm_score} if e.llm_score is not None else {}),  # the LLM's own, before your dislikes
        "field": j.field,
        "reason": j.reason,
        "scorer": j.scorer,
        "recommended": e.recommended,
    }


def _facts(f: RunFacts, recommended: int) -> dict[str, Any]:
    return {
        "papers_read": f.papers_read,
        "announced": dict(sorted(f.announced.items())),
        "recommended": recommended,
        "scorer": f.scorer,
        "learned_from": dict(f.learned_from),
        "model": f.model,
        "llm_scorer": f.llm_scorer,
        "llm_judged": f.llm_judged,
        "llm_judged_on_earlier_days": f.llm_earlier,
        "tokens": {"prompt": f.tokens.prompt, "completion": f.tokens.completion,
                   "reasoning": f.tokens.reasoning, "total": f.tokens.total,
                   "unreported_requests": f.tokens.unreported},
        "started_at": _time(f.started_at),
        "finished_at": _time(f.finished_at),
        "timings_s": {stage: round(secs, 3) for stage, secs in sorted(f.timings.items())},
        "failed_batches": [failure_text("en", b) for b in f.failed_batches],  # one line each, as format 1 had
        "failure_causes": [_cause(b) for b in f.failed_batches],  # the same, each by its code and values
        "budget_exhausted": f.budget_exhausted,
        "empty_listing": f.empty_listing,
    }


def _cause(failed: FailedBatches) -> dict[str, Any]:
    """A failed batches' cause as data (its code null where the run kept only an English line), with their papers."""
    cause = failed.failure.to_json() if isinstance(failed.failure, Cause) else {"code": None, "values": {}}
    return {**cause, "batches": failed.batches, "unsent_batches": failed.unsent, "paper_ids": list(failed.paper_ids)}


def digest_head(digest: Digest) -> dict[str, Any]:
    """The record of a day without its papers: what recorded_head() reads back from its file."""
    return {
        "format": FORMAT_VERSION,
        "announce_date": digest.announce_date.isoformat(),
        "profile": {"version": digest.profile.version, "language": digest.profile.language,
                    "fields": list(digest.profile.field_names), "min_score": digest.profile.min_score,
                    "categories": list(digest.profile.categories)},
        "facts": _facts(digest.facts, len(digest.recommended)),
    }


def digest_record(digest: Digest) -> dict[str, Any]:
    """The JSON-ready record of a day; papers best first, ties by id, so equal digests give equal files."""
    entries = sorted(digest.entries, key=lambda e: (-e.judgement.score, e.paper.id))
    return {**digest_head(digest), "papers": [_paper(e) for e in entries]}


def index_entry(head: dict[str, Any], path: str | os.PathLike[str] = "") -> dict[str, Any]:
    """A day's line of json/index.json, from its head (digest_head, or recorded_head of the file at `path`): the
    facts its DATE.json states, under the same names, and the file's name."""
    count = _count(head, path)
    try:
        day, facts, profile = head["announce_date"], head["facts"], head["profile"]
        return {"announce_date": day, "file": f"{day}.json", "papers_read": facts["papers_read"], "recommended": count,
                **{key: facts[key] for key in ("llm_judged", "scorer", "llm_scorer", "model", "empty_listing")},
                "profile": {key: profile[key] for key in ("version", "language")}}
    except (KeyError, TypeError) as e:
        raise RenderError(f"{path} is not a digest JSON file (no {e}); rebuild it with `paperradar render`") from e


def _count(head: dict[str, Any], path: str | os.PathLike[str]) -> int:
    try:
        count = head["facts"]["recommended"]
    except (KeyError, TypeError) as e:
        raise RenderError(f"{path} is not a digest JSON file ({e!r}); rebuild it with `paperradar render`") from e
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise RenderError(f"{path} states {count!r} recommendations; rebuild it with `paperradar render`")
    return count


def render_index(entries: list[dict[str, Any]]) -> str:
    """json/index.json: every day the folder's json/ holds, newest first, one a line (as render_json's papers)."""
    days = sorted(entries, key=lambda e: e["announce_date"], reverse=True)
    listed = "[\n" + ",\n".join(f"    {json.dumps(d, ensure_ascii=False)}" for d in days) + "\n  ]" if days else "[]"
    return f'{{\n  "format": {INDEX_FORMAT_VERSION},\n  "days": {listed}\n}}\n'


def render_json(digest: Digest) -> str:
    """Indented, one paper a line: readable and diffable, and fast (an indented dump is 10x slower on 300 papers)."""
    record = digest_record(digest)
    papers = [json.dumps(p, ensure_ascii=False) for p in record.pop("papers")]
    head = json.dumps(record, ensure_ascii=False, indent=2)
    listed = "[\n" + ",\n".join(f"    {p}" for p in papers) + "\n  ]" if papers else "[]"
    return f'{head[:-2]},\n  "papers": {listed}\n}}\n'  # head ends with "\n}": reopen it for the papers


def recorded_head(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The head (format, announce_date, profile, facts) of a DATE.json written by render_json; None if there is no
    such file. Only the head is read and parsed: the papers after it are skipped, so this is cheap."""
    head = read_head(path, _PAPERS_LINE)
    if head is None:
        return None
    text = head.rstrip()
    if text.endswith(","):  # stopped before the papers: close the object after the facts
        text = text[:-1] + "\n}"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as e:
        raise RenderError(f"{path} is not a digest JSON file ({e!r}); rebuild it with `paperradar render`") from e
    if not isinstance(record, dict):
        raise RenderError(f"{path} is not a digest JSON file (not an object); rebuild it with `paperradar render`")
    return record


def recorded_entry(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The index_entry() of a DATE.json written by render_json; None if there is no such file."""
    head = recorded_head(path)
    return None if head is None else index_entry(head, path)


def recorded_profile_version(path: str | os.PathLike[str]) -> str | None:
    """The version of the profile a DATE.json was judged with; None if there is no such file or it names none."""
    head = recorded_head(path)
    profile = head.get("profile") if head else None
    version = profile.get("version") if isinstance(profile, dict) else None
    return version if isinstance(version, str) else None
