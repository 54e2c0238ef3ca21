"""One-line reasons for the offline scorer: which field, which of its terms the paper uses, and the
paper's own key claim quoted from its abstract. Nothing is said that the paper's text does not state."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Field, Language, Paper
from ..sources.jsonl import detex
from .lexical import stem

MAX_CLAIM_CHARS = 220
MAX_TERMS = 4

# Verbs with which an abstract states its own contribution, strongest first.
_CLAIM_CUES = re.compile(
    r"\b(?:we|this (?:paper|work|study)|our (?:method|approach|framework|model|results?))\s+"
    r"(?:\w+ly\s+)?(?:propose|introduce|present|develop|design|show|demonstrate|achieve|find|prove|establish|"
    r"reveal|release|build|derive|provide|offer|formulate|identify|report)s?\b",
    re.IGNORECASE)
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|etc|Fig|Eq|resp|approx)\.$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\"'])")


def sentences(text: str) -> list[str]:
    """Sentences of an abstract, not split after common abbreviations such as 'e.g.' or 'et al.'."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def key_claim(abstract: str, limit: int = MAX_CLAIM_CHARS) -> str:
    """The abstract's own contribution sentence (else its first sentence), trimmed at a word boundary."""
    parts = sentences(abstract)
    if not parts:
        return ""
    claim = next((s for s in parts if _CLAIM_CUES.search(s)), parts[0])
    return trim(claim, limit)


def trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;: ")
    return f"{cut}…"


def found_terms(paper: Paper, terms: list[str]) -> list[str]:
    """The terms as the paper spells them, keeping only those its title or abstract really contains."""
    text = " ".join(paper.text.split())
    shown: list[str] = []
    for term in terms:
        m = re.search(rf"(?<!\w){term_pattern(term)}(?!\w)", text, re.IGNORECASE)
        if not m or any(m.group(0).lower() in s.lower() for s in shown):  # "GUI" adds nothing to "GUI agent"
            continue
        # nor "VLA" beside "VLA model", which takes its place
        inside = [s for s in shown if s.lower() in m.group(0).lower()]
        shown = [m.group(0) if s == inside[0] else s for s in shown if s not in inside[1:]] if inside \
            else [*shown, m.group(0)]
    return shown


def term_pattern(term: str) -> str:
    """A regex for a term that tolerates hyphen/space variants and a plural or singular last word (the scorer
    matched 'Diffusion models' in a paper on 'a diffusion model': words are compared by their stem)."""
    words = [w for w in re.split(r"[\s\-]+", term.strip()) if w]
    if not words:
        return ""
    last = stem(words[-1])
    plural = f"{re.escape(last[:-1])}(?:y|ies)" if last.endswith("y") else f"{re.escape(last)}(?:e?s)?"
    return r"[\s\-]?".join([*map(re.escape, words[:-1]), plural])


def write_reason(paper: Paper, field: Field, matched: list[str], language: Language,
                 avoided: str | None = None, closest: bool = True, resembles: str | None = None,
                 disliked: str | None = None) -> str:
    """E.g. 与「高效大模型训练与推理」相关（匹配：KV cache、quantization）。论文要点：We propose ...

    `closest`: the field is the one the profile finds closest; where evidence filed the paper elsewhere, the reason
    says only that it was filed there. `resembles`: the id of a liked paper this one is like, e.g.
    与「大模型新技术」语义最接近；与你喜欢的 2602.01234 相近。论文要点：... `disliked`: the id of a disliked paper
    this one is like, which lowered its score (the paper's own id where the reader disliked this very paper)."""
    claim = key_claim(detex(paper.abstract))  # shown as the title is: Padé, not Pad\'e
    head = _head(field, found_terms(paper, matched)[:MAX_TERMS] if closest else None, language)
    note = _liked_note(resembles, language) + _dislike_clause(paper.id, disliked, language)
    note += _avoid_clause(avoided, language) if avoided else ""
    line = f"{head}{note}{_CLAIM[language]}{claim}" if claim else f"{head}{note}{_CLAIM[language][0]}"
    return " ".join(line.split())


_CLAIM = {"zh": "。论文要点：", "en": ". Key claim: "}  # between a local reason's head and the paper's key claim


def _avoid_clause(avoided: str, language: Language) -> str:
    return f"；偏向「{avoided}」，已降分" if language == "zh" else f"; leans to “{avoided}”, scored down"


def without_avoid_clause(reason: str, avoid_areas: Sequence[str], language: Language) -> str:
    """A local reason lent to another scorer's verdict (an LLM's), without saying an avoid area lowered the score:
    it lowered the local score, not the verdict's."""
    for area in avoid_areas:
        reason = reason.replace(_avoid_clause(area, language), "")
    return reason


def _liked_note(resembles: str | None, language: Language) -> str:
    if not resembles:
        return ""
    return f"；与你喜欢的 {resembles} 相近" if language == "zh" else f"; like {resembles}, which you liked"


def _dislike_clause(paper_id: str, disliked: str | None, language: Language) -> str:
    if not disliked:
        return ""
    if disliked == paper_id:
        return "；你不喜欢这篇，已降分" if language == "zh" else "; you disliked it, scored down"
    return f"；与你不喜欢的 {disliked} 相近，已降分" if language == "zh" \
        else f"; like {disliked}, which you disliked, scored down"


def with_dislike(reason: str, paper_id: str, disliked: str, language: Language) -> str:
    """Another scorer's reason (an LLM's) with the clause a local reason gives a paper the reader's dislikes
    lowered, before its full stop: 'Proposes X; like 2602.01234, which you disliked, scored down.'"""
    return _with_clause(reason, _dislike_clause(paper_id, disliked, language), language)


def with_like(reason: str, language: Language) -> str:
    """A reason, any scorer's, of a paper the reader liked (listed again: a new version), saying so; its score is the
    scorer's own. In a local reason the clause goes before the key claim, as a dislike's does: '...（匹配：KV cache）；
    你喜欢过这篇。论文要点：...'; elsewhere before the reason's full stop."""
    clause = "；你喜欢过这篇" if language == "zh" else "; you liked it"
    if clause in reason:
        return reason
    head, found, rest = reason.partition(_CLAIM[language])
    return f"{head}{clause}{found}{rest}" if found else _with_clause(reason, clause, language)


def _with_clause(reason: str, clause: str, language: Language) -> str:
    """`reason` with `clause` ('；...' / '; ...') before its full stop."""
    body = reason.strip()
    stop = body[-1] if body and body[-1] in _STOPS else ("。" if language == "zh" else ".")
    body = body.rstrip(_STOPS).rstrip()
    if not body:  # nothing to append it to: the clause alone, as a sentence
        clause = clause[1:].lstrip()
        clause = clause[:1].upper() + clause[1:]
    return f"{body}{clause}{stop}"


_STOPS = "。．."  # a full stop; a reason ending otherwise ("…", "!") keeps its ending


def _head(field: Field, terms: list[str] | None, language: Language) -> str:
    """`terms` None: the field is not the closest one, so no closeness and no match is claimed."""
    if terms is None:
        return f"归入「{field.name}」" if language == "zh" else f"Filed under “{field.name}”"
    if language == "zh":
        return f"与「{field.name}」相关（匹配：{'、'.join(terms)}）" if terms else f"与「{field.name}」语义最接近"
    return f"Related to “{field.name}” (matched: {', '.join(terms)})" if terms \
        else f"Closest in meaning to “{field.name}”"
