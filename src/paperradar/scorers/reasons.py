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


def _verbs(*bases: str, participle: bool = True) -> str:
    """A regex for the verbs as an abstract writes them: propose, proposes, proposed (and proposing)."""
    forms: set[str] = set()
    for verb in bases:
        root = verb[:-1] if verb.endswith("e") else verb
        if re.search(r"[^aeiou]y$", verb):
            forms |= {verb, f"{verb[:-1]}ies", f"{verb[:-1]}ied"}
        elif re.search(r"(?:s|sh|ch|x|z)$", verb):
            forms |= {verb, f"{verb}es", f"{verb}ed"}
        else:
            forms |= {verb, f"{verb}s", f"{root}ed"}
        if participle:
            forms.add(f"{root}ing")
    return rf"(?:{'|'.join(sorted(forms, key=len, reverse=True))})\b"


_PAPER = (r"(?:paper|work|study|thesis|dissertation|article|letter|note|report|research|manuscript|chapter|survey|"
          r"review|tutorial|project|document)")
# the paper speaking of itself: "this paper", "this short paper", "the present work", "the thesis" (not "the work",
# "this line of work" or "our previous work", which may be another's)
_THIS_PAPER = (r"(?:\b(?:this|our)(?:\s+(?!of\b|previous\b|prior\b|earlier\b|recent\b|past\b|related\b)[\w-]+){0,2}?"
               rf"\s+{_PAPER}|\bthe present {_PAPER}|"
               r"\bthe (?:paper|thesis|dissertation|article|letter|report|manuscript)|\bthe proposed (?:work|study))\b")
# "we" (or "I") as the subject of the paper's own sentence, not of a clause about something else ("a method that we
# call X", "as we know", "if we ...")
_NOT_OURS = ("that", "which", "what", "as", "if", "when", "how", "where", "why", "whether", "than", "unless",
             "because", "since", "while", "though", "once")


def _authors(*pronouns: str) -> str:
    # looking behind only where a pronoun matched: far faster than before every word
    return rf"\b(?:{'|'.join(pronouns)})\b" + "".join(
        rf"(?<!\b{word} {pronoun.removeprefix('(?-i:').removesuffix(')')})" for word in _NOT_OURS
        for pronoun in pronouns)


_AUTHORS = _authors("we", "our", "(?-i:I)")
_WE = rf"(?:{_authors('we', '(?-i:I)')}|{_THIS_PAPER}|\bthe authors\b)"
# and what the paper made: "our results show", "the proposed model outperforms"
_SELF = (rf"(?:{_WE}|\b(?:our|the proposed) (?:[\w-]+ )?(?:\([^)]*\) )?(?:method|approach|framework|model|system|"
         r"algorithm|architecture|pipeline|network|technique|scheme)s?\b(?:, [^,;]{1,40},)?|"
         r"\bour (?:results?|findings|experiments|analys[ie]s)\b)")
# what may stand between the subject and its verb: "we then propose", "we empirically and theoretically identify"
_BETWEEN = (r"(?:(?:\w+ly|and|also|then|first|further|instead|here|herein|hereby|thus|therefore|hence|now|next|finally|"
            r"moreover|subsequently|both|jointly|still|have|has|can|will|for the first time|,)\s*){0,3}")
_MAKE_VERBS = ("propose", "introduce", "present", "develop", "design", "establish", "release", "build", "derive",
               "construct", "create", "devise", "unveil", "curate", "prove")
_MAKE = _verbs(*_MAKE_VERBS) + r"|built\b|proven\b"
# what it finds or shows, and how it frames its problem ("we formulate X as Y")
_FIND = _verbs("show", "demonstrate", "achieve", "find", "reveal", "identify", "report", "uncover", "discover",
               "obtain", "provide", "offer", "outperform", "formulate") + r"|found\b|shown\b"
_STUDY = _verbs("study", "investigate", "explore", "examine", "address", "analyze", "analyse", "tackle", "evaluate",
                "argue", "consider", "focus", "aim", "seek", "attempt", "conduct", "describe", "compare", "apply",
                "assess", "revisit", "extend", "benchmark", "characterize", "characterise", "quantify", "formalize",
                "formalise", "instantiate", "implement", "reimplement", "train", "test", "leverage", "employ",
                "adopt", "move", "approach", "explain", "discuss", "model", "cast", "frame", "reframe", "reformulate",
                "treat", "combine", "integrate", "collect", "measure", "observe", "highlight", "outline", "summarize",
                "summarise", "detail", "validate", "verify", "perform", "solve", "learn", "rethink", "bridge",
                "overcome", "mitigate", "improve", "enhance", "advance", "take", "make", "use", "answer",
                "challenge", "refine", "augment", "adapt", "fine-tune", "distill", "pursue", "determine",
                "estimate", "utilize", "exploit", "simulate", "pose", "ask", "contribute", "question", "go",
                "cover", "review", "survey", "overview") + r"|sought\b|took\b|made\b|goes\b"
_NOT_A_CLAIM = r"(?:hope|believe|expect|anticipate|envision|encourage|invite|thank|need|must|know|call|all)\b"
_NOT_AFTER_WHICH = "".join(rf"(?<!\b{w} {v})" for w in ("that", "which") for v in ("is", "are", "was", "were"))
_BY_MAKING = r"(?:proposing|introducing|presenting|developing|designing|building|constructing|creating|devising)\b"
_MADE_HERE = r"(?:proposed|introduced|presented|developed|designed|described|constructed)"
# How plainly a sentence states what the paper itself does or finds, highest first. The abstract's earliest sentence of
# the highest weight is quoted: what the paper makes (4) before what it finds (3), before what it studies (2), before
# a results sentence or any sentence of the authors' (1).
_CLAIM_CUES: tuple[tuple[int, re.Pattern[str]], ...] = tuple((w, re.compile(cue, re.IGNORECASE)) for w, cue in (
    (4, rf"\b(?:in (?:this|the present) {_PAPER}|here|herein),?\s+we\s+{_BETWEEN}(?:{_MAKE}|{_FIND})"),
    (4, rf"{_WE}\s+{_BETWEEN}(?:{_MAKE})"),
    # "we identify three issues and present T3-Tracer"
    (4, rf"{_WE}\s+{_BETWEEN}(?:{_FIND}|{_STUDY})[^;]*?\band\s+(?:\w+ly\s+)?{_verbs(*_MAKE_VERBS, participle=False)}"),
    # "In this paper, we move beyond this paradigm by proposing A4-Agent"
    (4, rf"{_WE}\s[^;]*?\bby {_BY_MAKING}"),
    (4, rf"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?{_MADE_HERE}\s+(?:in (?:this|the present) {_PAPER}|here(?:in)?)\b"),
    (3, rf"{_SELF}\s+{_BETWEEN}(?:{_MAKE}|{_FIND})"),
    (3, r"^(?:conclusions?|interpretation)\s*:"),  # of a structured abstract ("Background: ... Conclusion: ...")
    (2, rf"{_SELF}\s+{_BETWEEN}(?:{_STUDY})"),
    # "This paper studies ...", "This paper, the second in a series of three, describes ..."
    (2, rf"{_THIS_PAPER}(?:,[^,;]{{1,60}},)?\s+(?:\w+ly\s+)?(?!is\b|was\b|has\b|does\b)\w+(?:s|ed)\b"),
    (2, rf"\b(?:aim|goal|objective|purpose|contribution)s? of {_THIS_PAPER}"),
    (2, rf"\bin (?:this|the present) {_PAPER}\b"),
    (2, rf"\bby {_BY_MAKING}"),
    (2, rf"\b(?:is|are)\b{_NOT_AFTER_WHICH}\s+(?:\w+ly\s+)?(?:proposed|introduced|presented)\b"),
    (2, r"^(?:objectives?|purpose|aims?|goals?)\s*:"),
    (1, r"\b(?:experiments?|results|evaluations?|findings|analys[ie]s|simulations?)\b[^.;]{0,80}?"
        r"\b(?:show|demonstrate|reveal|indicate|confirm|suggest)s?\b"),
    (1, rf"\b(?:was|were)\b{_NOT_AFTER_WHICH}\s+(?:\w+ly\s+)?{_MADE_HERE}\b(?!\s+by\b)"),
    (1, rf"{_AUTHORS}(?!\s+{_NOT_A_CLAIM})"),
))
# one contribution of a list, or a further one, after the main one: "First, we ...", "Finally, we ...", "We also ..."
_FURTHER = re.compile(r"^(?:first(?:ly)?,|(?:to further|further|finally|furthermore|moreover|additionally|in addition|"
                      r"besides|lastly|also|then|next|second(?:ly)?|third(?:ly)?)\b)|\bwe\s+(?:\w+ly\s+)?(?:further|"
                      r"also|additionally|then|next|finally|moreover|subsequently)\b", re.IGNORECASE)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|``.*?''")  # a title or question the abstract quotes: not its own words
_LINK = re.compile(r"https?://|www\.|\\href|\bgithub\.com", re.IGNORECASE)
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_LIST_ITEM = re.compile(r"^(?:\(?[ivx]+\)|\(?\d+[.)]|[-•*])\s")
MIN_CLAIM_WORDS = 6
# abbreviations a sentence goes on after ("e.g. CLIP", "Dr. Zero", "viz. AlexNet"; not "15 ms. A ...": cased), and
# those that may end one too, which do before a word a sentence opens with ("the U.S. Census Bureau", "in the U.S. In
# this study"); "etc." before a capital ends its sentence ("..., etc. To bridge this gap, we ...")
# the words of a contribution that says nothing: its verb and subject, "novel", "framework", "these challenges"
_MAKE_WORDS = re.compile(rf"(?<!\bthe )(?<!\bour )\b(?:{_MAKE})", re.IGNORECASE)  # not 'the proposed approach'
_QUOTED_NAME = re.compile(r"[\"“`‘][^\s\"”'’]{2,40}[\"”'’]")
_SAYS_NOTHING = frozenset("""
    a an the this these those that which it its their they them our we us i here herein hereby in on of for to with by
    and or as is are be been can could first then further also finally end thus therefore such above aforementioned
    paper work study letter article novel new simple effective efficient unified principled general generic practical
    straightforward powerful robust lightweight comprehensive systematic hybrid base two-stage three-stage multi-stage
    approach method methodology framework solution technique strategy model scheme algorithm system pipeline paradigm
    mechanism alternative address addresses addressing tackle tackles solve solves overcome overcomes mitigate mitigates
    alleviate alleviates handle handles resolve resolves fix fixes challenge challenges issue issues problem problems
    limitation limitations gap gaps shortcoming shortcomings drawback drawbacks difficulty difficulties task tasks
    designed proposed called named termed dubbed effectively""".split())
_TITLE_HEAD = re.compile(r"(.{2,60}?)(?::\s|\s+-{1,3}\s+|\s+—\s+)")  # 'TwinFormer: ...', 'X -- ...'
_ABBREV = re.compile(r"(?<![^\s(\[])(?:e\.g|i\.e|vs|cf|Figs?|Eqs?|resp|approx|viz|a\.k\.a|w\.r\.t|avg|"
                     r"(?-i:Mrs?|Ms|Dr|DR|St|Prof))\.$", re.IGNORECASE)
_MAY_END = re.compile(r"(?<![^\s(\[])(?:et al|U\.S|i\.i\.d)\.$", re.IGNORECASE)
_OPENS = re.compile(r"(?:We|Our|I|In|On|For|To|By|With|From|The|This|These|Those|That|It|Its|They|Their|A|An|"
                    r"However|Whereas|While|Although|Though|Here|Thus|Hence|But|Moreover|Furthermore|Finally|Also|"
                    r"Such|Unlike|Despite|Yet)\b")
# between two sentences: a space after .!? (or after a quote that .!? closes: '... utility?" In this work'), or no
# space at all after a lowercase word ('... tasks.In this work', but not 'UniGrad.Correct' nor 'e.g.The')
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\"'])|(?<=[.!?][\"'”’])\s+(?=[A-Z])|"
                           r"(?<![\w.])[a-z]{2,}[.!?](?P<glued>)(?=[A-Z][a-z])")


def sentences(text: str) -> list[str]:
    """Sentences of an abstract, each as the abstract writes it, not split after an abbreviation a sentence goes on
    after ('e.g. CLIP', 'Mr. Virgil', 'et al. (2020)')."""
    text = " ".join(text.split())
    parts: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        glued = m.group("glued") is not None
        end = m.end() if glued else m.start()
        if _ABBREV.search(text, start, end) or (_MAY_END.search(text, start, end)
                                                 and (glued or not _OPENS.match(text, m.end()))):
            continue
        parts.append(text[start:end])
        start = m.end()
    parts.append(text[start:])
    return [s for part in parts if (s := part.strip())]


def paper_claim(paper: Paper) -> str:
    """The key claim of a paper's abstract, shown as its title is (Padé, not Pad\\'e), the name its title gives what
    it made read as the paper's own."""
    return key_claim(detex(paper.abstract), name=own_name(detex(paper.title)))


def key_claim(abstract: str, limit: int = MAX_CLAIM_CHARS, name: str | None = None) -> str:
    """The abstract's sentence that best states its own contribution (else its first sentence that can be quoted, else
    its first), verbatim, trimmed at a word boundary. `name`: what the paper calls what it made (own_name)."""
    parts = sentences(abstract)
    if not parts:
        return ""
    best = claim_index(parts, name)
    claim = parts[best] if best is not None else next((s for s in parts if quotable(s) and not s.endswith("?")),
                                                      parts[0])
    return trim(claim, limit)


def claim_index(parts: Sequence[str], name: str | None = None) -> int | None:
    """Which of an abstract's sentences states what the paper does or finds most plainly, the earliest of them;
    None where none does."""
    weights = [claim_weight(s, name) for s in parts]
    best = max(weights, default=0)
    if not best:
        return None
    first = weights.index(best)
    if not says_nothing(parts[first]):
        return first
    # "To this end, we propose a novel approach to address these challenges.": the next that says what it made, if one
    # does ("First, we introduce extremely low-dimensional semantic bottleneck features ...")
    return next((i for i in range(first + 1, len(parts)) if weights[i] >= best - 1 and _MAKE_WORDS.search(parts[i])
                 and not says_nothing(parts[i])), first)


def says_nothing(sentence: str) -> bool:
    """Whether a sentence says of what it made only that it was made: 'we propose a novel framework that addresses
    these limitations', 'we introduce a two-stage pipeline' (one word of its own at most, and no name)."""
    words = re.findall(r"[^\W\d_][\w'$-]*", _MAKE_WORDS.sub(" ", sentence))
    own = [w for w in words if w.lower() not in _SAYS_NOTHING]
    # a name is something: 'we introduce MambaRefine-YOLO', 'we introduce "geometry-as-context"'
    return len(own) <= 1 and not any(map(_coined, own)) and not _QUOTED_NAME.search(sentence)


# a sentence the paper's own name opens (perhaps spelled out: "CoGraM (Contextual Granular Merging) is ..."), the name
# written as _NAME, a character no abstract holds, so that one compiled pattern serves every name
_NAME = "\ue000"
_NAMED_SUBJECT = rf"^{_NAME}(?:\s*\([^)]*\))?,?\s+{_BETWEEN}"
_NAMED_CUES = tuple((w, re.compile(cue, re.IGNORECASE)) for w, cue in (
    (4, rf"{_NAMED_SUBJECT}(?:is|was) (?:a|an|the first)\b"), (3, rf"{_NAMED_SUBJECT}(?:{_MAKE}|{_FIND})"),
    (2, rf"{_NAMED_SUBJECT}(?:{_STUDY})")))


def claim_weight(sentence: str, name: str | None = None) -> int:
    """0 for a sentence that states nothing of the paper's own, or cannot be quoted; else the weight of its strongest
    cue, what a further contribution makes ("Finally, we also propose ...") weighing as what the paper finds. A
    sentence whose subject is the paper's `name` for what it made says what the paper made as "our method" does, and
    one that says what it is ("TwinFormer is a hierarchical Transformer ...") as "we present" does."""
    if not quotable(sentence):
        return 0
    text = _QUOTED.sub(" ", sentence)
    if text.endswith("?"):  # the question is not the paper's claim; what comes before it may be
        text = text.rpartition(":")[0]  # "This article attempts answering the following problem: how to ...?"
    weight = next((w for w, cue in _CLAIM_CUES if cue.search(text)), 0)
    if name and (named := _naming(text, name)) is not None:
        weight = max(weight, next((w for w, cue in _NAMED_CUES if cue.search(named)), 0))
    return 3 if weight == 4 and _FURTHER.search(text) else weight


def _coined(word: str) -> bool:
    """A word as a name is made: a capital or digit inside it (TwinFormer, QML-HCS, T3-Tracer)."""
    return _CAPITAL_INSIDE.search(word) is not None


_CAPITAL_INSIDE = re.compile(r"(?<=.)[A-Z0-9]")


def own_name(title: str) -> str | None:
    """What a title names the paper's own making, where it opens with a coined name: 'TwinFormer' of 'TwinFormer: A
    Dual-Level Transformer for ...', 'QML-HCS', 'Cognitive BASIC'; not a field's ('Federated Learning: A Survey') nor a
    family's ('Vision-Language Models: ...')."""
    m = _TITLE_HEAD.match(" ".join(title.split()))
    if not m:
        return None
    words = m.group(1).split()
    coined = any(map(_coined, words))
    return m.group(1) if len(words) <= 4 and coined and not re.search(r"[a-z]s$", words[-1]) else None


def _naming(text: str, name: str) -> str | None:
    """The sentence with the paper's name for what it made as _NAME, where the name opens it ("the proposed X", "our
    X", "X (Spelled Out) is ..."); None where it does not."""
    for lead in ("the proposed ", "the ", "our ", ""):
        if text[:len(lead)].lower() == lead and text.startswith(name, len(lead)):
            return _NAME + text[len(lead) + len(name):]
    return None


def quotable(sentence: str) -> bool:
    """Says something on its own: not a link, a list item, a formula or a handful of words."""
    if len(sentence.split()) < MIN_CLAIM_WORDS or _LINK.search(sentence) or _LIST_ITEM.match(sentence):
        return False
    text = "".join(_TEX_COMMAND.sub("", sentence).split())
    return sum(map(str.isalpha, text)) >= 0.5 * len(text)  # "$\\mathbb{E}[X] = ...$" is not words, "95.5% Dice" is


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
    claim = paper_claim(paper)
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
