"""Author affiliations as a paper's own arXiv HTML page (LaTeXML) states them, and nothing more.

The export API rarely states affiliations; the HTML rendering of the paper usually does, in its author
block. `parse_author_block` reads that block for the shapes LaTeXML produces from the common document
classes:

    per-author contacts     <span class="ltx_contact ltx_role_affiliation">  (authblk, revtex, IEEEtran,
                            acmart with ltx_affiliation_* parts, elsarticle's ltx_role_address)
    affiliation notes       <span class="ltx_note ltx_role_affiliation">  inside the name
    lines under a name      Name <br> Department <br> University <br> email  (article, neurips, CVPR, ACL)
    footnote marks          Name^1, Name^{1,2} <br> ^1 University ^2 Lab  (sup or MathML superscripts),
                            resolved across the whole block, since `\\and` puts them in the last author
    llncs institutes        <span class="ltx_note ltx_role_institutetext"> before the title, \\inst marks

An author whose affiliation cannot be tied to them gets none: a wrong affiliation is worse than a missing one.
`attach_affiliations` adds what a page stated to the listing's own authors, matched by name;
`fetch_affiliations` does both for a few papers, one polite request each.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..english import plural
from ..errors import ArxivUnavailable
from ..models import Author, Paper
from .http import ArxivClient, ArxivRefused, reporter

log = logging.getLogger(__name__)

DEFAULT_HTML_URL = "https://arxiv.org/html/"
HTML_URL_ENV = "PAPERRADAR_ARXIV_HTML_URL"

# ---------------------------------------------------------------------------------------------------------
# A small element tree: html.parser is enough for LaTeXML's regular, machine-written markup.

_VOID = frozenset({"br", "img", "meta", "link", "hr", "input", "col", "wbr", "source", "area", "base", "embed"})


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    children: list[_Node | str] = field(default_factory=list)

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.attrs.get("class", "").split())

    def has(self, *names: str) -> bool:
        return all(n in self.classes for n in names)

    def find_all(self, *classes: str) -> Iterator[_Node]:
        """Descendants carrying all `classes`, in document order; does not descend into a match."""
        for child in self.children:
            if isinstance(child, _Node):
                if child.has(*classes):
                    yield child
                else:
                    yield from child.find_all(*classes)

    def find(self, *classes: str) -> _Node | None:
        return next(self.find_all(*classes), None)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self._stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self._stack[-1].children.append(node)
        if tag not in _VOID:
            self._stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):  # close up to the matching open tag, if any
            if self._stack[depth].tag == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1].children.append(data)


def _tree(html: str | bytes) -> _Node:
    builder = _TreeBuilder()
    builder.feed(_head_of(html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html))
    builder.close()
    return builder.root


# Where the paper's body starts; everything the author block needs comes before it.
_BODY_RE = re.compile(r'<(?:div|section)\b[^>]*\bclass="[^"]*\b(?:ltx_abstract|ltx_section|ltx_para|ltx_keywords|'
                      r'ltx_classification)\b')
_AFTER_AUTHORS_MAX = 200_000


def _head_of(html: str) -> str:
    """The page up to the end of its author block: a whole paper takes html.parser seconds to read."""
    start = html.find("ltx_authors")
    if start < 0:
        return html
    body = _BODY_RE.search(html, start)
    return html[:body.start() if body else start + _AFTER_AUTHORS_MAX]


# ---------------------------------------------------------------------------------------------------------
# Tokens: the author block read as text, line breaks, footnote marks and author separators.

@dataclass(frozen=True)
class _Tok:
    kind: str  # "text" | "br" | "mark" | "sep"
    text: str = ""


_BR, _SEP = _Tok("br"), _Tok("sep")
_AUTHOR_SEPARATORS = frozenset({"\\And", "\\AND", "\\and"})
# Note roles that are never an affiliation: \thanks, footnotes, emails, \authornote and the like.
_SKIPPED_CLASSES = frozenset({"ltx_note_mark", "ltx_note_type", "ltx_contact_name", "ltx_role_email",
                              "ltx_tag"})


def _tokens(node: _Node, notes: list[_Node] | None = None) -> list[_Tok]:
    """The tokens of `node`; affiliation notes met on the way go to `notes`, other notes are dropped."""
    out: list[_Tok] = []
    for child in node.children:
        if isinstance(child, str):
            out.append(_Tok("text", child))
        elif child.tag == "br":
            out.append(_BR)
        elif child.tag in ("annotation", "annotation-xml"):
            continue
        elif child.classes & _SKIPPED_CLASSES:
            continue
        elif child.has("ltx_note"):
            if child.has("ltx_role_affiliation") and notes is not None:
                notes.append(child)
        elif child.has("ltx_ERROR"):
            if _plain(child).strip() in _AUTHOR_SEPARATORS:
                out.append(_SEP)  # an undefined \And: LaTeXML left the whole author list in one name
        elif child.tag == "sup" or _is_superscript_math(child):
            out.append(_Tok("mark", _plain(child)))
        else:
            out.extend(_tokens(child, notes))
    return out


def _is_superscript_math(node: _Node) -> bool:
    return node.tag == "math" and re.match(r"\s*(\{\})?\^", node.attrs.get("alttext", "")) is not None


def _plain(node: _Node) -> str:
    """All visible text under `node`, TeX annotations left out."""
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag not in ("annotation", "annotation-xml"):
            parts.append(_plain(child))
    return "".join(parts)


def _lines(tokens: list[_Tok]) -> list[list[_Tok]]:
    lines: list[list[_Tok]] = [[]]
    for tok in tokens:
        if tok is _BR or tok.kind == "br":
            lines.append([])
        else:
            lines[-1].append(tok)
    return lines


def _split_on(tokens: list[_Tok], kind: str) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    for tok in tokens:
        if tok.kind == kind:
            parts.append([])
        else:
            parts[-1].append(tok)
    return parts


def _marks(text: str) -> tuple[str, ...]:
    """The footnote marks in one superscript: "1,2*" -> ("1", "2", "*"); invisible MathML operators dropped."""
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").replace("∗", "*")
    return tuple(re.findall(r"\d+|[a-z]|[^\w\s,;.()]", text))


# ---------------------------------------------------------------------------------------------------------
# Cleaning one stated affiliation: emails, notes and bare addresses are not institutions.

_EMAIL_RE = re.compile(r"\{[^{}]*\}\s*@\S+|\S+@\S+|(?:https?://|www\.)\S+")
_NOTE_RE = re.compile(r"equal(ly)? contribut|contributed equally|corresponding|work (was )?done|internship|"
                      r"these authors|project lead|first author", re.IGNORECASE)
_INSTITUTION_RE = re.compile(
    r"univ|institut|college|school|department|dept\b|facult|laborator|\blabs?\b|cent(er|re)|academ|research|"
    r"\binc\b|ltd|llc|gmbh|\bcorp|company|group|foundation|hospital|polytechn|technolog|ecole|école|\bteam\b|"
    r"inria|cnrs|nvidia|google|deepmind|microsoft|\bmeta\b|amazon|alibaba|tencent|baidu|huawei|bytedance|apple|"
    r"openai|anthropic|samsung|sony|"
    r"(?-i:\b(AI|MIT|ETH|EPFL|KAIST|IBM|CMU|UCLA|NUS|NTU)\b)", re.IGNORECASE)  # acronyms only in capitals: "Ai" is a name
_POSTCODE_RE = re.compile(r"\d{3,}")


def _clean(text: str) -> str:
    """A stated line without its emails and web addresses; "" if what is left is their label ("Email:",
    "Project page:"): a line that held an address is kept only where it names an institution."""
    kept = " ".join(_EMAIL_RE.sub(" ", text).split()).strip(" ,;:·|")
    return kept if kept == " ".join(text.split()).strip(" ,;:·|") or _is_institution(kept) else ""


def _is_institution(text: str) -> bool:
    return _INSTITUTION_RE.search(text) is not None


def _first_line_ok(text: str) -> bool:
    """A line where an affiliation goes: kept unless it is a note or looks like a bare street address."""
    if not text or _NOTE_RE.search(text):
        return False
    return _is_institution(text) or not _POSTCODE_RE.search(text)


@dataclass
class _Entry:
    """One stated affiliation, with the footnote marks that point at it (empty when unmarked)."""

    marks: tuple[str, ...]
    parts: list[str]

    @property
    def text(self) -> str:
        return ", ".join(self.parts)


def _entries(lines: list[list[_Tok]]) -> list[_Entry]:
    """Affiliations from the lines under a name: a mark starts one; a later line continues it if institutional."""
    entries: list[_Entry] = []
    for line in lines:
        for marks, text in _segments(line):
            text = _clean(text)
            if marks or not entries:
                if _first_line_ok(text):
                    entries.append(_Entry(marks, [text]))
                elif marks:
                    entries.append(_Entry(marks, []))  # a mark for a note: holds the mark, states nothing
            elif text and _is_institution(text) and not _NOTE_RE.search(text) and entries[-1].parts:
                entries[-1].parts.append(text)
    return [e for e in entries if e.parts]


def _segments(line: list[_Tok]) -> list[tuple[tuple[str, ...], str]]:
    """A line cut at its marks: [(marks, text after them)], text before any mark with no marks."""
    segments: list[tuple[tuple[str, ...], str]] = [((), "")]
    for tok in line:
        if tok.kind == "mark":
            segments.append((_marks(tok.text), ""))
        else:
            marks, text = segments[-1]
            segments[-1] = (marks, text + tok.text)
    return [s for s in segments if s[0] or s[1].strip()]


def _contact_text(node: _Node) -> str:
    """One ltx_contact or affiliation note as a single affiliation ("" when it states no institution)."""
    parts = [_plain(p) for p in node.find_all("ltx_affiliation_institution")]
    if parts:  # acmart: department and institution are named; street, city and country are address
        departments = [_plain(p) for p in node.find_all("ltx_affiliation_department")]
        return _clean(", ".join(_clean(p) for p in departments + parts if _clean(p)))
    content = node.find("ltx_note_content") or node
    found = _entries(_lines([t for t in _tokens(content) if t.kind != "mark"]))
    return found[0].text if found else ""


# ---------------------------------------------------------------------------------------------------------
# Names: one personname may hold several authors ("A, B and C"), each with its marks.

@dataclass
class _Name:
    name: str
    marks: tuple[str, ...] = ()


_NAME_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*;\s*")


def _names(line: list[_Tok]) -> list[_Name]:
    pieces: list[_Name] = [_Name("")]
    for tok in line:
        if tok.kind == "mark":
            pieces[-1].marks += _marks(tok.text)
            continue
        if pieces[-1].marks and tok.text.strip():
            pieces.append(_Name(""))  # "Alice^1 Bob^2": a mark ends a name even without a comma
        first, *rest = _NAME_SPLIT_RE.split(tok.text)
        pieces[-1].name += first
        pieces.extend(_Name(r) for r in rest)
    for p in pieces:
        p.name = " ".join(p.name.split()).strip(" ,;*†‡")
    pieces = [p for p in pieces if p.name or p.marks]
    if len(pieces) > 1 and not all(len(p.name.split()) >= 2 or p.marks for p in pieces):
        # "Smith, John" is one name; only split a line whose every piece looks like a whole name
        whole = " ".join("".join(t.text for t in line if t.kind == "text").split()).strip(" ,;*†‡")
        return [_Name(whole, sum((p.marks for p in pieces), ()))]
    return [p for p in pieces if p.name]


def _continues_names(names: list[_Tok], line: list[_Tok]) -> bool:
    """Whether `line` goes on with the author list ("A B, C D,<br>E F") rather than starting affiliations."""
    text = "".join(t.text for t in line if t.kind == "text").strip()
    if not text or _is_institution(text):
        return False
    ended = "".join(t.text for t in names if t.kind == "text").rstrip()
    if ended.endswith((",", " and")):
        return True
    pieces = [p for p in _NAME_SPLIT_RE.split(text) if p]
    return len(pieces) > 1 and all(2 <= len(p.split()) <= 4 and all(w[:1].isupper() for w in p.split())
                                   for p in pieces)


@dataclass
class _Group:
    """Names that share the lines under them (one creator, or one part of it between \\And separators)."""

    names: list[_Name]
    entries: list[_Entry]


def _groups(creator: _Node) -> list[_Group]:
    person = creator.find("ltx_personname")
    notes: list[_Node] = []
    tokens = _tokens(person, notes) if person else []
    groups = []
    for part in _split_on(tokens, "sep"):
        lines = _lines(part)
        while lines and not "".join(t.text for t in lines[0]).strip() and len(lines) > 1:
            lines = lines[1:]
        while len(lines) > 1 and _continues_names(lines[0], lines[1]):
            lines = [lines[0] + [_Tok("text", ", ")] + lines[1]] + lines[2:]
        groups.append(_Group(_names(lines[0]) if lines else [], _entries(lines[1:])))
    groups = [g for g in groups if g.names]
    stated = [t for t in (_contact_text(n) for n in notes + _contacts(creator)) if t]
    if len(groups) == 1:  # notes and contacts belong to the whole creator: tie them only when it is one group
        groups[0].entries.extend(_Entry((), [t]) for t in stated)
    return groups


def _contacts(creator: _Node) -> list[_Node]:
    notes = creator.find("ltx_author_notes")
    if notes is None:
        return []
    found = list(notes.find_all("ltx_contact", "ltx_role_affiliation"))
    # elsarticle and amsart state an \address; only take it when it names an institution
    found += [n for n in notes.find_all("ltx_contact", "ltx_role_address") if _is_institution(_plain(n))]
    return found


# ---------------------------------------------------------------------------------------------------------
# llncs: numbered \institute notes before the title, \inst marks left as digits in the author notes.

def _institutes(root: _Node) -> dict[str, str]:
    table: dict[str, str] = {}
    for note in root.find_all("ltx_note", "ltx_role_institutetext"):
        mark = note.find("ltx_note_mark")
        text = _contact_text(note)
        if mark is not None and text:
            table.setdefault(_plain(mark).strip(), text)
    return table


def _inst_marks(creator: _Node, known: dict[str, str]) -> tuple[str, ...]:
    """The \\inst marks LaTeXML left as plain text, each written twice ("1122" for \\inst{1,2}); () if unsure."""
    notes = creator.find("ltx_author_notes")
    if notes is None or not known:
        return ()
    text = "".join(s for s in notes.children if isinstance(s, str))
    text = re.sub(r"[\s,]", "", text)
    found: list[str] = []
    keys = sorted(known, key=len, reverse=True)
    while text:
        key = next((k for k in keys if text.startswith(k + k)), None) or next(
            (k for k in keys if text.startswith(k)), None)
        if key is None:
            return ()
        found.append(key)
        text = text[2 * len(key):] if text.startswith(key + key) else text[len(key):]
    return tuple(found)


# ---------------------------------------------------------------------------------------------------------
# The author block as a whole.

def parse_author_block(html: str | bytes) -> list[Author]:
    """The authors of a LaTeXML page, each with the affiliations the page ties to them (maybe none)."""
    root = _tree(html)
    block = root.find("ltx_authors")
    if block is None:
        return []
    institutes = _institutes(root)
    creators = list(block.find_all("ltx_creator", "ltx_role_author"))
    groups_of = [_groups(c) for c in creators]
    for creator, groups in zip(creators, groups_of):
        extra = _inst_marks(creator, institutes)
        if extra and len(groups) == 1 and len(groups[0].names) == 1:
            groups[0].names[0].marks += extra
    groups = [g for gs in groups_of for g in gs]
    table = _mark_table(groups, institutes)
    lone_institute = _lone_institute(groups, institutes)
    return [Author(n.name, _affiliations(n, g, table) or lone_institute) for g in groups for n in g.names]


def _mark_table(groups: list[_Group], institutes: dict[str, str]) -> dict[str, str]:
    """Mark -> affiliation over the whole block; a mark stated twice with different texts is dropped."""
    table: dict[str, str] = {}
    clashes: set[str] = set()
    stated = [(m, text) for m, text in institutes.items()]
    stated += [(m, e.text) for g in groups for e in g.entries if len(e.marks) == 1 for m in e.marks]
    for mark, text in stated:
        if table.setdefault(mark, text) != text:
            clashes.add(mark)
    return {m: t for m, t in table.items() if m not in clashes}


def _affiliations(name: _Name, group: _Group, table: dict[str, str]) -> tuple[str, ...]:
    marked = [table[m] for m in name.marks if m in table]
    if marked:
        return tuple(dict.fromkeys(marked))
    if any(m in table or m.isalnum() for n in group.names for m in n.marks):
        # names point at numbered affiliations we could not resolve ("1 MIT 2 CMU" in plain text):
        # the unmarked lines are then not known to be every name's. Symbols (*, †) are footnotes.
        return ()
    return tuple(dict.fromkeys(e.text for e in group.entries if not e.marks))


def _lone_institute(groups: list[_Group], institutes: dict[str, str]) -> tuple[str, ...]:
    """llncs with one \\institute and no \\inst marks at all: the class gives it to every author."""
    if len(institutes) != 1 or any(n.marks for g in groups for n in g.names):
        return ()
    return tuple(institutes.values())


# ---------------------------------------------------------------------------------------------------------
# Matching stated authors to the listing's authors by name.

_FOLDS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})


def name_tokens(name: str) -> tuple[str, ...]:
    """A name as comparable tokens: accents, case and punctuation gone ("J.-Y. Zhū" -> ("j", "y", "zhu"))."""
    name = re.sub(r"\(.*?\)", " ", name).casefold().translate(_FOLDS)
    name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return tuple(re.findall(r"[^\W\d_]+", name))


def _match_tier(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """How surely two names are one person: 0 same, 1 same words reordered, 2 initials, 3 a name left out."""
    if not a or not b:
        return None
    if a == b:
        return 0
    if sorted(a) == sorted(b) or _joined(a) & _joined(b):
        return 1
    tiers = [t for s in set(a) & set(b) if len(s) > 1
             if (t := _given_names_tier(_without(a, s), _without(b, s))) is not None]
    return min(tiers, default=None)


def _joined(tokens: tuple[str, ...]) -> set[str]:
    """The name written as one word, surname last or first ("Jun-Yan Zhu" ~ "Junyan Zhu" ~ "Zhu Junyan")."""
    return {"".join(tokens), "".join(tokens[-1:] + tokens[:-1]), "".join(tokens[1:] + tokens[:1])}


def _without(tokens: tuple[str, ...], surname: str) -> tuple[str, ...]:
    at = tokens.index(surname)
    return tokens[:at] + tokens[at + 1:]


def _given_names_tier(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    if not a or not b:
        return None  # a bare surname could be anyone
    if len(a) == len(b) and all(map(_same_given, a, b)):
        return 2
    short, long = sorted((a, b), key=len)
    if all(len(t) == 1 for t in short) and "".join(short) == "".join(t[0] for t in long):
        return 2  # "J.-Y." ~ "Jun-Yan"
    if len(long) == len(short) + 1 and all(map(_same_given, short, long[:len(short)])):
        return 3  # a middle name or initial present on one side only
    return None


def _same_given(x: str, y: str) -> bool:
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def attach_affiliations(authors: tuple[Author, ...], stated: list[Author]) -> tuple[Author, ...]:
    """`authors` as listed, each given the affiliations stated for the one stated author it surely is.

    A pair counts only when it is the best match for both sides and no other pair is as good: two listed
    authors who could both be one stated author (or the reverse) get nothing. Stated affiliations never
    replace ones an author already has, nor one the submitter typed after the name.
    """
    tiers = {(i, j): t for i, a in enumerate(authors) for j, s in enumerate(stated)
             if (t := _match_tier(name_tokens(a.name), name_tokens(s.name))) is not None}
    out = list(authors)
    for (i, j), tier in tiers.items():
        rivals = [t for (x, y), t in tiers.items() if (x == i) != (y == j) and t <= tier]
        if not rivals and not authors[i].says_where and stated[j].affiliations:
            out[i] = Author(authors[i].name, stated[j].affiliations)
    return tuple(out)


# ---------------------------------------------------------------------------------------------------------
# Fetching: one polite request per paper, through the one arXiv client.

def html_url(paper: Paper, base: str | None = None) -> str:
    """Where arXiv renders this version of the paper as HTML."""
    base = base or os.environ.get(HTML_URL_ENV) or DEFAULT_HTML_URL
    return f"{base.rstrip('/')}/{paper.id}v{paper.version}"


def fetch_affiliations(papers: Sequence[Paper], client: ArxivClient | None = None,
                       problems: list[str] | None = None) -> dict[str, tuple[Author, ...]]:
    """Authors with the affiliations each paper's HTML page states, keyed by paper id.

    Only papers whose page was read are in the answer (their authors are the listing's, same names and
    order). Slow by design (one polite request per paper), so call it for the papers a digest shows.
    A 404 means arXiv has no HTML for the paper and is skipped silently; another refusal of one page (403) is one
    line in `problems` (the log, without one) and the next paper is tried. A failure that outlasted the client's
    retries (no answer, 429, 5xx) stops the rest, in one line: they are asked again on the next run.
    """
    client, report = client or ArxivClient(), reporter(problems, log)
    base = getattr(client, "html_url", None)
    found: dict[str, tuple[Author, ...]] = {}
    for done, paper in enumerate(papers):
        try:
            page = client.get(html_url(paper, base))
        except ArxivRefused as e:
            if e.status != 404:
                report(f"affiliations of {paper.id} not read: {e}")
            continue
        except ArxivUnavailable as e:
            report(f"affiliations of {len(papers) - done} {plural(len(papers) - done, 'paper')} not read: {e}")
            break
        found[paper.id] = attach_affiliations(paper.authors, parse_author_block(page))
    return found
