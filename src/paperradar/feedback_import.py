"""arXiv ids out of the files a reader already has: a list of ids or links, BibTeX, RIS, CSL JSON, CSV,
Zotero RDF, a browser's bookmarks (HTML).

Each reader keeps liked papers somewhere else first; importing them turns that history into evidence.
Nothing is fetched here: the ids come back with one problem per line or entry that held no arXiv id,
so the caller can show the reader exactly what was skipped.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.parsers.expat import ErrorString

from .english import plural
from .errors import BadInputFile
from .models import ARXIV_ID, IMPORT_READS

_ID = rf"{ARXIV_ID}(?:v\d+)?"  # as people write it: with or without its version
_BARE_ID_RE = re.compile(rf"(?<![\w.-])(?:arxiv:\s*)?{_ID}(?![\w-])", re.IGNORECASE)
_URL_ID_RE = re.compile(rf"arxiv\.org/(?:abs|pdf|html|format|ps)/{_ID}", re.IGNORECASE)
# the pages of an arXiv paper elsewhere that ML readers bookmark or save to their library
_MIRROR_ID_RE = re.compile(rf"(?:huggingface\.co/papers|alphaxiv\.org/(?:abs|overview)|ar5iv\.org/(?:abs|html)|"
                           rf"scirate\.com/arxiv)/{_ID}", re.IGNORECASE)
_DOI_ID_RE = re.compile(rf"10\.48550/arxiv\.{_ID}", re.IGNORECASE)
# arXiv:ID, arXiv ID, "arXiv preprint arXiv:ID", and Scholar's page range "arXiv--ID"
_PREFIXED_ID_RE = re.compile(rf"arxiv(?::|\s+|\s*preprint\s+arxiv:|--?)\s*{_ID}", re.IGNORECASE)
_ABS_VOLUME_RE = re.compile(rf"abs/{_ID}", re.IGNORECASE)
_SUBJECT_CLASS_RE = re.compile(r"\.[A-Za-z-]+(?=/)")  # the .GT of math.GT/0309136
_LINK_RE = re.compile(r"\s*(?:https?://|www\.)", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    where: str  # "line 7", "entry smith2020 (line 40)", "item 3"
    problem: str
    broken: bool = False  # the file is to be mended there (a brace), not merely a paper without an arXiv id

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass(frozen=True)
class ImportResult:
    ids: tuple[str, ...]  # versionless arXiv ids, first occurrence order, no duplicates
    problems: tuple[Problem, ...]
    read: int = 0  # the entries (records, items, rows, lines, links) read, with an arXiv id or without
    skipped: int = 0  # those without one, each a problem
    unit: str = "entry"

    def units(self, n: int) -> str:
        """'1 entry', '40 entries', '3 records'."""
        return f"{n} {plural(n, self.unit, 'entries' if self.unit == 'entry' else None)}"


def _valid(m: re.Match[str]) -> str | None:
    """The versionless id of a match, or None when its YYMM.NNNNN cannot exist; an old-style id without the subject
    class some write in it (math.GT/0309136 is arXiv's math/0309136: the archive names it, the class does not), and
    its archive in lower case, as arXiv writes it (HEP-TH/9901001 is hep-th/9901001)."""
    if m.group("old"):
        return _SUBJECT_CLASS_RE.sub("", m.group("old"), count=1).lower()
    yymm, seq = m.group("yymm"), m.group("seq")
    yy, mm = int(yymm[:2]), int(yymm[2:])
    if not 1 <= mm <= 12 or (yy, mm) < (7, 4):
        return None
    if len(seq) != (4 if yy < 15 else 5):
        return None
    return f"{yymm}.{seq}"


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    for m in pattern.finditer(text):
        found = _valid(m)
        if found:
            return found
    return None


def _link_id(link: str) -> str | None:
    """The id of a link to an arXiv paper: to arXiv, to its page elsewhere, or its DOI's (doi.org/10.48550/arXiv.ID);
    not any number a link holds."""
    return _first(_URL_ID_RE, link) or _first(_MIRROR_ID_RE, link) or _first(_DOI_ID_RE, link)


def _value_id(value: str) -> str | None:
    """The id of a value that may be a link (a CSV's cell, an RDF identifier): a link read as one, as `_link_id`
    reads it, other text as `arxiv_id_in` does."""
    return _link_id(value) if _LINK_RE.match(value) else arxiv_id_in(value)


def arxiv_id_in(text: str) -> str | None:
    """The first arXiv id in a link, DOI, `arXiv:` reference or bare id, without its version."""
    for pattern in (_URL_ID_RE, _DOI_ID_RE, _PREFIXED_ID_RE, _BARE_ID_RE):
        found = _first(pattern, text)
        if found:
            return found
    return None


def _collect(found: Iterable[tuple[str | None, str, str] | tuple[str | None, str, str, bool]], unit: str,
             nothing: Problem | None = None) -> ImportResult:
    """From (id or None, where, the problem if None[, whether the file is broken there]) per line, entry or item
    (`unit`): the ids in order without repeats, and the problems of those that held none (and `nothing`, when the
    file held no entry at all)."""
    ids: list[str] = []
    problems: list[Problem] = []
    read: set[str] = set()  # a line of several ids is one line read
    for arxiv_id, where, problem, *broken in found:
        read.add(where)
        if arxiv_id:
            ids.append(arxiv_id)
        else:
            problems.append(Problem(where, problem, any(broken)))
    return ImportResult(tuple(dict.fromkeys(ids)), tuple(problems) + ((nothing,) if nothing else ()), len(read),
                        len(problems), unit)


_SEPARATORS_RE = re.compile(r"[\s,;]+")


def ids_from_text(text: str) -> ImportResult:
    """One id or link a line, or several with nothing else between them but commas, semicolons or spaces (a list
    pasted on one line); blank lines and `#` comments are skipped."""
    lines = ((no, raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("http") else raw.strip())
             for no, raw in enumerate(text.splitlines(), 1))
    return _collect(((found, f"line {no}", f"no arXiv id or link in {line[:80]!r}")
                     for no, line in lines if line for found in _ids_of_line(line)), "line")


def _ids_of_line(line: str) -> list[str | None]:
    """Each id of a line of ids; else the first id of a line that says more ('2602.04264 Deep Bernstein ...')."""
    each = [arxiv_id_in(word) for word in _SEPARATORS_RE.split(line) if word]
    return list(each) if len(each) > 1 and all(each) else [arxiv_id_in(line)]


_HTML_START_RE = re.compile(r"<!DOCTYPE\s+(?:html|NETSCAPE-Bookmark-file)|<html[\s>]", re.IGNORECASE)
_HREF_RE = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def ids_from_html(text: str) -> ImportResult:
    """The arXiv papers a web page or a browser's bookmarks export (Chrome, Firefox, Safari) links to; its other
    links are not problems, only a file without any arXiv link is."""
    found = [(_link_id(href), f"link {no}", "")
             for no, href in enumerate(_HREF_RE.findall(text), 1)]
    arxiv = [f for f in found if f[0]]
    links = f"{len(found)} {plural(len(found), 'link')}"
    return _collect(arxiv, "link", None if arxiv else Problem("line 1", f"no arXiv link among its {links}"))


# ---- BibTeX -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BibEntry:
    kind: str  # article, misc, online, ...
    key: str
    fields: dict[str, str]  # lower-cased field name -> raw value without its outer braces or quotes
    line: int
    broken: str = ""  # how its braces went wrong: "a brace it opens is not closed before the end of the file"


_ENTRY_RE = re.compile(r"@\s*(\w+)\s*[{(]")
# An entry runs at most to the next line that starts one: a brace left open (a title's, the entry's own) ends
# there instead of taking the entries after it for its own fields.
_NEXT_ENTRY_RE = re.compile(r"^[ \t]*@[ \t]*\w+[ \t]*[{(]", re.MULTILINE)
# ... unless the brace that balances the entry's own comes after that line, inside one of its values (an abstract
# quoting '@article{'), and before an entry starting where a field would
# a field after the brace that closed its entry: one brace too many before it
_STRAY_FIELD_RE = re.compile(r"^[ \t]*([A-Za-z][\w.:-]*)[ \t]*=[ \t]*[{\"\w]", re.MULTILINE)
_NOT_ENTRIES = {"comment", "string", "preamble"}
_BRACE_RE = re.compile(r"[{}]")
_BARE_VALUE_RE = re.compile(r"[^,}#\s)]*")
_KEY_RE = re.compile(r"\s*([^,\s}]*)\s*,?")
_FIELD_NAME_RE = re.compile(r"\s*([A-Za-z][\w.:-]*)\s*=")
_JUNK_END_RE = re.compile(r"[,}]|^(?=[ \t]*@)", re.MULTILINE)  # ... or a line that starts an entry
_BIB_COMMENTS_RE = re.compile(r"^(?:\s*%[^\n]*\n)*\s*")  # the % lines a .bib may open with (JabRef's encoding)


def _read_value(text: str, i: int, end: int) -> tuple[str, int]:
    """A BibTeX value starting at text[i], read no further than text[end]: {...} with nesting, "..." or a bare
    word; concatenation with #."""
    parts: list[str] = []
    while True:
        while i < end and text[i].isspace():
            i += 1
        if i < end and text[i] == "{":
            depth, start = 0, i
            for brace in _BRACE_RE.finditer(text, i, end):  # from brace to brace: an abstract is thousands of characters
                depth += 1 if brace.group() == "{" else -1
                i = brace.end()
                if depth == 0:
                    break
            else:
                i = end
            parts.append(text[start + 1:i - 1])
        elif i < end and text[i] == '"':
            close = i + 1
            depth = 0
            while close < end and not (text[close] == '"' and depth == 0):
                depth += (text[close] == "{") - (text[close] == "}")
                close += 1
            parts.append(text[i + 1:close])
            i = close + 1
        else:
            m = _BARE_VALUE_RE.match(text, i, end)
            assert m is not None  # the pattern matches the empty string
            parts.append(m.group(0))
            i = m.end()
        while i < end and text[i].isspace():
            i += 1
        if i < end and text[i] == "#":
            i += 1
            continue
        return "".join(parts), i


def _parse_entry_body(text: str, i: int, end: int) -> tuple[str, dict[str, str], int, bool]:
    """Key and fields of one entry whose body starts at text[i] and ends by text[end]; returns the index after the
    entry and True, or where its reading stopped and False when its closing brace never came (before text[end], or
    before an entry that starts where its next field would)."""
    m = _KEY_RE.match(text, i, end)
    assert m is not None
    key, i = m.group(1), m.end()
    fields: dict[str, str] = {}
    while True:
        while i < end and (text[i].isspace() or text[i] == ","):
            i += 1
        if i >= end or text[i] == "@":
            return key, fields, i, False
        if text[i] in "})":
            return key, fields, i + 1, True
        if text[i] == "%":  # a field line commented out by hand: not a brace to mend
            newline = text.find("\n", i, end)
            i = end if newline < 0 else newline
            continue
        nm = _FIELD_NAME_RE.match(text, i, end)
        if nm is None:  # junk inside the entry: skip to the next comma, the end or the next entry
            nxt = _JUNK_END_RE.search(text, i, end)
            i = nxt.start() if nxt else end
            if nxt and text[i] == ",":
                i += 1
            continue
        value, i = _read_value(text, nm.end(), end)
        fields[nm.group(1).lower()] = " ".join(value.split())


def _entry_start(text: str, pos: int) -> re.Match[str] | None:
    """The next `@kind{` from text[pos] on, outside the entries, that no `%` before it on its line comments out."""
    while (m := _ENTRY_RE.search(text, pos)) is not None:
        if text.find("%", max(pos, text.rfind("\n", 0, m.start()) + 1), m.start()) < 0:
            return m
        pos = m.end()
    return None


def _brace_pairs(text: str) -> dict[int, int]:
    """The index of each `{` of the text that a `}` balances -> the index of that `}`."""
    pairs: dict[int, int] = {}
    open_at: list[int] = []
    for brace in _BRACE_RE.finditer(text):
        if brace.group() == "{":
            open_at.append(brace.start())
        elif open_at:
            pairs[open_at.pop()] = brace.start()
    return pairs


def parse_bibtex(text: str) -> list[BibEntry]:
    entries = []
    counted, line = 0, 1
    pairs: dict[int, int] | None = None
    nxt = _NEXT_ENTRY_RE.search(text)
    m = _entry_start(text, 0)
    while m is not None:
        kind = m.group(1).lower()
        line += text.count("\n", counted, m.start())  # from the last entry on: counting from the top each time
        counted = m.start()  # took 4 of the 4.5 s a 5,000-entry library took
        if nxt and nxt.start() < m.end():  # not again for each entry of a line that holds several
            nxt = _NEXT_ENTRY_RE.search(text, m.end())
        end = nxt.start() if nxt else len(text)
        if kind in _NOT_ENTRIES:
            _, pos = _read_value(text, m.end() - 1, end)
            m = _entry_start(text, pos)
            continue
        key, fields, pos, closed = _parse_entry_body(text, m.end(), end)
        if not closed and pos == end and nxt and text[m.end() - 1] == "{":  # that line inside one of its values?
            pairs = _brace_pairs(text) if pairs is None else pairs  # once a file, and only for a file that needs it
            balanced = pairs.get(m.end() - 1)
            if balanced is not None and (longer := _parse_entry_body(text, m.end(), balanced + 1))[3]:
                key, fields, pos, closed = longer
                if nxt.start() < pos:
                    nxt = _NEXT_ENTRY_RE.search(text, pos)
                    end = nxt.start() if nxt else len(text)
        following = _entry_start(text, pos)
        gap_end = min(end, following.start()) if following else end  # where a field after its close would be
        entries.append(BibEntry(kind, key, fields, line, _broken(text, m.start(), line, pos, closed, gap_end)))
        m = following
    return entries


def _broken(text: str, start: int, line: int, pos: int, closed: bool, end: int) -> str:
    """What went wrong with the braces of the entry at text[start] (on `line`), which closed before text[pos] or, not
    closed, was read to there, and had to end by text[end]; "" when nothing did."""
    def line_of(i: int) -> int:
        return line + text.count("\n", start, i)

    if not closed:
        return (f"a brace it opens is not closed before line {line_of(pos)}, where the next entry starts"
                if pos < len(text) else "a brace it opens is not closed before the end of the file")
    stray = _STRAY_FIELD_RE.search(text, pos, end)
    return (f"a brace on line {line_of(pos)} closes it before its field {stray.group(1)} on line "
            f"{line_of(stray.start(1))}") if stray else ""


def _eprint_is_arxiv(fields: dict[str, str]) -> bool:
    archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "arxiv").lower()
    return archive.strip("{} ") == "arxiv"


def _links(fields: dict[str, str]) -> Iterator[str]:
    """An entry's links: url, JabRef's file (which writes 'http\\://arxiv...'), BibDesk's Bdsk-Url-1, -2, ..."""
    yield fields.get("url", "")
    yield fields.get("file", "").replace("\\:", ":")
    yield from (value for name, value in fields.items() if name.startswith("bdsk-url-"))


def arxiv_id_of_entry(fields: dict[str, str]) -> str | None:
    """Where exporters put the id: eprint (arXiv, BetterBibTeX, ADS), Mendeley's arxivId, a link (url, JabRef's file,
    BibDesk's bdsk-url-1), doi, Scholar's journal, Zotero's note, Semantic Scholar's volume."""
    if fields.get("eprint") and _eprint_is_arxiv(fields):
        found = _first(_BARE_ID_RE, fields["eprint"])
        if found:
            return found
    if found := _first(_BARE_ID_RE, fields.get("arxivid", "")):  # older Mendeley Desktop wrote it alone
        return found
    for value in _links(fields):
        if found := _link_id(value):
            return found
    for name in ("doi", "journal", "journaltitle", "note", "number", "eid", "howpublished", "pages"):
        value = fields.get(name)
        if value and (found := arxiv_id_in(value)):
            return found
    return _abs_volume(fields.get("journal", ""), fields.get("volume", ""))


def _abs_volume(journal: object, volume: object) -> str | None:
    """Semantic Scholar's and DBLP's way: journal ArXiv or CoRR, volume abs/1706.03762."""
    if not (isinstance(journal, str) and isinstance(volume, str)):
        return None
    m = _ABS_VOLUME_RE.fullmatch(volume.strip("{} "))
    return _valid(m) if m and journal.strip("{} ").lower() in ("arxiv", "corr") else None


def ids_from_bibtex(text: str) -> ImportResult:
    entries = parse_bibtex(text)
    nothing = Problem("line 1", "no BibTeX entry (@article{...}) found") if not entries and text.strip() else None
    return _collect(((arxiv_id_of_entry(e.fields), f"entry {e.key} (line {e.line})", _no_id(e), bool(e.broken))
                     for e in entries), "entry", nothing)


def _no_id(entry: BibEntry) -> str:
    if entry.broken:
        return f"no arXiv id read: {entry.broken}; check its braces"
    title = entry.fields.get('title', '').replace('{', '').replace('}', '')
    return f"no arXiv id in {entry.kind} {title[:70]!r}"


# ---- CSL-JSON (Zotero, Mendeley) ------------------------------------------------------------------

def _csl_item_id(item: dict[str, object]) -> str | None:
    """Its URL read as a link, as BibTeX's url and RIS's UR are (not any number a link holds), then its other fields."""
    if isinstance(url := item.get("URL"), str) and (found := _link_id(url)):
        return found
    for name in ("DOI", "number", "archive_location", "container-title", "note"):
        value = item.get(name)
        if isinstance(value, str) and (found := arxiv_id_in(value)):
            return found
    return _abs_volume(item.get("container-title"), item.get("volume"))


def ids_from_csl_json(text: str, path: str = "CSL-JSON") -> ImportResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise BadInputFile(path, e.lineno, f"not valid JSON ({e.msg})") from e
    except RecursionError:  # json reads nested lists by recursion
        raise BadInputFile(path, None, "not CSL JSON: lists or objects nested thousands deep") from None
    items = data.get("items", []) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise BadInputFile(path, None, "CSL-JSON must be a list of items")
    return _collect(((_csl_item_id(item), f"item {no}", f"no arXiv id in {str(item.get('title', ''))[:70]!r}")
                     if isinstance(item, dict) else (None, f"item {no}", "no arXiv id in ''")
                     for no, item in enumerate(items, 1)), "item")


# ---- RIS (Zotero, Mendeley, EndNote, Google Scholar) ----------------------------------------------

_RIS_LINE_RE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
# Where exporters put the id, most specific first: links, DOI, notes, Scholar's "arXiv preprint arXiv:..."
# journal, report and archive numbers. Never the abstract (AB) or keywords, which cite other papers.
_RIS_LINKS = ("UR", "L1", "L2", "L3", "L4")
_RIS_TEXTS = ("DO", "N1", "JO", "JF", "JA", "J2", "T2", "M1", "M3", "AN", "SN", "VL", "C1", "C2")


@dataclass(frozen=True)
class RisRecord:
    tags: dict[str, list[str]]  # tag -> its values in file order (UR, AU, KW, ... repeat)
    line: int  # of its TY line


def parse_ris(text: str) -> list[RisRecord]:
    """Records from TY to ER; lines that are not `XX  - value` continue the value before them."""
    records: list[RisRecord] = []
    tags: dict[str, list[str]] | None = None
    start, last = 0, ""
    for no, raw in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        m = _RIS_LINE_RE.match(raw.rstrip())
        if m is None:
            if tags is not None and last and raw.strip():
                tags[last][-1] += " " + raw.strip()
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            tags, start = {}, no
        if tags is None:
            continue
        if tag == "ER":
            records.append(RisRecord(tags, start))
            tags, last = None, ""
            continue
        tags.setdefault(tag, []).append(value)
        last = tag
    if tags:  # a last record without its ER line
        records.append(RisRecord(tags, start))
    return records


def arxiv_id_of_ris(tags: dict[str, list[str]]) -> str | None:
    for tag in _RIS_LINKS + _RIS_TEXTS:
        for value in tags.get(tag, ()):
            found = _link_id(value) if tag in _RIS_LINKS else arxiv_id_in(value)
            if found:
                return found
    return None


def ids_from_ris(text: str) -> ImportResult:
    records = parse_ris(text)
    nothing = Problem("line 1", "no RIS record (TY  - ... ER  -) found") if not records and text.strip() else None
    return _collect(((arxiv_id_of_ris(r.tags), f"record {no} (line {r.line})",
                      f"no arXiv id in {(r.tags.get('TI') or r.tags.get('T1') or [''])[0][:70]!r}")
                     for no, r in enumerate(records, 1)), "record", nothing)


# ---- CSV (Zotero's "Export Collection... CSV", spreadsheets) -------------------------------------

# Zotero's column names first; then any column whose name says it holds a link or an identifier.
_CSV_COLUMNS = ("url", "doi", "extra", "archive location", "report number", "number", "publication title",
                "notes", "arxiv", "arxiv id", "eprint", "link")
_CSV_ID_HINTS = ("url", "doi", "arxiv", "eprint", "link", "identifier")


def ids_from_csv(text: str) -> ImportResult:
    """One paper a row under a header row; the abstract and other prose columns are never read."""
    rows = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(rows, [])]
    wanted = [header.index(c) for c in _CSV_COLUMNS if c in header]
    wanted += [i for i, name in enumerate(header)
               if i not in wanted and any(hint in name for hint in _CSV_ID_HINTS)]
    title_at = header.index("title") if "title" in header else None

    def read(no: int, row: list[str]) -> tuple[str | None, str, str]:
        found = next((f for i in wanted if i < len(row) and (f := _value_id(row[i]))), None)
        title = row[title_at][:70] if title_at is not None and title_at < len(row) else ""
        return found, f"row {no}", f"no arXiv id in {title!r}"

    return _collect((read(no, row) for no, row in enumerate(rows, 2) if any(cell.strip() for cell in row)), "row",
                    None if wanted else Problem("line 1", "no column named Url, DOI, Extra or arXiv in the header"))


# ---- Zotero RDF ---------------------------------------------------------------------------------

_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_ZOTERO = "{http://www.zotero.org/namespaces/export#}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_PRISM_NUMBER = "{http://prismstandard.org/namespaces/1.2/basic/}number"
# Where Zotero keeps an item's own id: its identifiers (URL, DOI), number and Extra. Not the abstract
# (dcterms:abstract), and not its attachments, which are items of their own.
_RDF_TAGS = (f"{_DC}identifier", _PRISM_NUMBER, f"{_DC}description")


def _rdf_item_id(item: ET.Element) -> str | None:
    for tag in _RDF_TAGS:
        for element in item.iter(tag):
            found = _value_id(" ".join(element.itertext()))
            if found:
                return found
    return _value_id(item.get(f"{_RDF}about", ""))


def ids_from_zotero_rdf(text: str, path: str = "Zotero RDF") -> ImportResult:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise BadInputFile(path, e.position[0], f"not valid XML ({ErrorString(e.code)})") from e
    items = [child for child in root
             if child.findtext(f"{_ZOTERO}itemType") not in (None, "attachment", "note")]
    return _collect(((_rdf_item_id(item), f"item {no}", f"no arXiv id in {item.findtext(f'{_DC}title', '')[:70]!r}")
                     for no, item in enumerate(items, 1)), "item",
                    None if items else Problem("line 1", "no Zotero item (an element with z:itemType) found"))


def _text(raw: bytes, where: str) -> str:
    """A library export as text, its lines ended by LF as a reader's editor sees them (old Mac tools ended them with
    CR alone, Windows ones with CR LF): UTF-8 (with or without its BOM), UTF-16 with a BOM (EndNote and some Windows tools), else the
    Windows code page older BibTeX tools wrote (the ids are ASCII in all of them)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    elif raw.startswith(b"%PDF") or b"\x00" in raw[:4096]:
        raise BadInputFile(where, None, f"not a text file: give {IMPORT_READS}")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def import_ids(path: str | Path) -> ImportResult:
    """arXiv ids from a file, its format told by its suffix (.bib, .ris, .json, .csv, .html, .rdf) or else by its
    start."""
    path = Path(path)
    if path.is_dir():
        raise BadInputFile(str(path), None, f"a folder: give the file exported into it, {IMPORT_READS}")
    try:
        text = _text(path.read_bytes(), str(path))
    except OSError as e:
        raise BadInputFile(str(path), None, e.strerror or str(e)) from e
    if not text.strip():  # of any format: an empty .json is no more broken than an empty .bib
        return ImportResult((), ())
    head, suffix = text.lstrip()[:1], path.suffix.lower()
    if suffix in (".bib", ".bibtex") or _BIB_COMMENTS_RE.sub("", text)[:1] == "@":
        return ids_from_bibtex(text)
    if suffix == ".ris" or _RIS_LINE_RE.match(text.lstrip().split("\n", 1)[0].rstrip()):
        return ids_from_ris(text)
    if suffix == ".json" or head in ("[", "{"):
        return ids_from_csl_json(text, str(path))
    if suffix == ".csv":
        return ids_from_csv(text)
    if suffix in (".html", ".htm") or _HTML_START_RE.match(text.lstrip()):
        return ids_from_html(text)
    if suffix == ".rdf" or head == "<":
        return ids_from_zotero_rdf(text, str(path))
    return ids_from_text(text)
