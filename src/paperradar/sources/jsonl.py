"""Papers from a JSONL file in the seed-days format (one JSON object a line), for offline days."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..errors import BadInputFile
from ..models import Author, Paper, split_version

_SURROGATE = re.compile("[\ud800-\udfff]")
# control characters that are not whitespace (ESC, BEL, NUL, backspace, C1): no paper's text has them, and an ESC in a
# title drove the terminal `feedback list` printed it to
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_REQUIRED = ("id", "title", "authors")  # an abstract may be missing: the title is still read
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
            "r": "\u030a"}
_LETTERS = {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ",
            "OE": "Œ", "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ", "DJ": "Đ", "dj": "đ"}
# \'e  \'{e}  {\'e}  \v{s}  \c c  \o  \ss{}
# the space after the letter is eaten only before a closing brace: `Jeov\'a Farias` keeps its space
_ACCENT_RE = re.compile(r"\{?\\([\'`^\"~=.]|[uvHckr](?=[\s{]))\s*\{?\s*(\\?[A-Za-z])(?:\s*\})?\}?")
_LETTER_RE = re.compile(r"\{?\\(ss|ae|AE|oe|OE|aa|AA|DJ|dj|o|O|l|L|i|j)(?![A-Za-z])\s*(\{\})?\}?")
# math is left as its author wrote it: $...$, $$...$$, \(...\), \[...\]
_MATH_RE = re.compile(r"(?<!\\)\$\$.+?(?<!\\)\$\$|(?<!\\)\$.+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\]")
# text formatting that stands for its argument's text: \emph{Foo}, \textbf{Foo}, \mathrm{Foo}, {\bf Foo}
_FORMAT_RE = re.compile(r"\\(?:emph|text(?:it|bf|tt|sc|rm|sf|sl|up|md|normal|superscript|subscript)?|underline"
                        r"|mbox|math(?:rm|bf|it|sf|tt|normal))\s*\{([^{}]*)\}"
                        r"|\{\\(?:em|it|bf|tt|sc|rm|sf|sl|up)\s+([^{}]*)\}")
_SIZE_RE = re.compile(r"\\(?:tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge)(?![A-Za-z])\s*")
# \, \; \: \  are spaces; \& \% \$ \# \_ \{ \} the characters themselves
_SYMBOL_RE = re.compile(r"\\([,;: ]|[&%$#_{}])")


def one_line(text: str) -> str:
    """A paper's text as one line: each run of whitespace one space, control characters left out."""
    return " ".join(_CONTROL.sub("", text).split())


def detex(text: str) -> str:
    """Turn the TeX accents arXiv authors type (`Vi\\'egas`, `{\\"u}`, `\\c{c}`) into the letters a reader expects, and
    the TeX of their text (`\\emph{Foo}`, `\\&`) into that text; math (`$...$`) is left as it is."""
    if "\\" not in text:
        return text

    def accent(m: re.Match[str]) -> str:
        base = m.group(2).lstrip("\\")
        base = {"i": "i", "j": "j"}.get(base, base)
        return unicodedata.normalize("NFC", base + _ACCENTS[m.group(1)])

    text = _ACCENT_RE.sub(accent, text)
    text = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], text)
    return " ".join(_text_mode(text).split())


def _text_mode(text: str) -> str:
    """The text TeX outside math stands for: formatting gives its argument, `\\&` gives `&`, a line break a space."""
    maths: list[str] = []

    def aside(m: re.Match[str]) -> str:
        maths.append(m.group())
        return f"\x00{len(maths) - 1}\x00"

    text = _MATH_RE.sub(aside, text).replace("\\\\", " ")  # \\ is a line break
    while (plain := _FORMAT_RE.sub(lambda m: m.group(1) or m.group(2) or "", text)) != text:  # \textbf{\emph{x}}
        text = plain
    text = _SYMBOL_RE.sub(lambda m: m.group(1) if m.group(1) in "&%$#_{}" else " ", _SIZE_RE.sub("", text))
    return re.sub("\x00(\\d+)\x00", lambda m: maths[int(m.group(1))], text)


def split_authors(authors: str | list[str]) -> tuple[Author, ...]:
    """Authors as the source lists them: a comma-separated string (RSS) or a list.

    Commas inside parentheses belong to an affiliation the submitter typed, not to the list.
    """
    if isinstance(authors, list):
        names = authors
    else:
        names, depth, cur = [], 0, []
        for ch in authors:
            depth += (ch == "(") - (ch == ")")
            if ch == "," and depth == 0:
                names.append("".join(cur))
                cur = []
            else:
                cur.append(ch)
        names.append("".join(cur))
        names = [re.sub(r"^\s*and\s+", "", n) for n in names]
    # a `~` left after the accents is TeX's unbreakable space between names ("Juan-Manuel~P\\'erez")
    return tuple(Author(one_line(detex(n).replace("~", " "))) for n in names if one_line(n))


def listing_date(text: str, key: str = "published") -> date:
    """The calendar date a record's `published` names, in its own timezone: '2026-02-06', '2026-02-06T00:00:00-05:00',
    or as arXiv's RSS gives it, 'Fri, 06 Feb 2026 00:00:00 -0500'."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        pass
    if (day := feed_date(text)) is None:
        raise ValueError(f"{key} {text!r} is not a date: give YYYY-MM-DD (or an ISO timestamp, or the RSS's "
                         "'Fri, 06 Feb 2026 00:00:00 -0500')")
    return day


def feed_date(text: str | None) -> date | None:
    """The calendar date of an RFC 822 date in its own timezone: 'Thu, 18 Sep 2025 00:00:00 -0400' -> 2025-09-18."""
    if not text or not text.strip():
        return None
    try:
        return parsedate_to_datetime(text.strip()).date()
    except (TypeError, ValueError):
        return None


def paper_from_record(rec: dict, announce_date: date | None = None, default_date: date | None = None) -> Paper:
    """Build a Paper from one seed-days record; raises KeyError/ValueError on a bad record.

    Its date is `announce_date` if given, else the record's `published` (or the corpus's `date`), else
    `default_date` (a seed day's folder names its date); with none of them the record is refused."""
    missing = [k for k in _REQUIRED if not rec.get(k)]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    for key, value in rec.items():  # "\ud800" is valid JSON, but no text: SQLite and every renderer refuse it
        for text in (value if isinstance(value, list) else [value]):
            if isinstance(text, str) and (half := _SURROGATE.search(text)):
                raise ValueError(f"{key} holds {ascii(half.group())}, half of a UTF-16 surrogate pair and no "
                                 "character: fix or remove it")
    pid, stated = split_version(str(rec["id"]))
    version = int(rec.get("version") or stated or 1)
    key = "published" if rec.get("published") else "date"  # the corpus's days say `date`
    day = announce_date or (listing_date(str(rec[key]), key) if rec.get(key) else default_date)
    if day is None:
        raise ValueError("missing published (the listing's date, YYYY-MM-DD)")
    cats = list(rec.get("categories") or [])
    primary = rec.get("primary_category")
    if primary and primary in cats:
        cats.remove(primary)
    if primary:
        cats.insert(0, primary)
    return Paper(
        id=pid,
        title=one_line(detex(rec["title"])),
        authors=split_authors(rec["authors"]),
        abstract=one_line(rec.get("abstract") or ""),
        categories=tuple(cats),
        announce_date=day,
        announce_type=rec.get("announce_type") or "new",
        comment=one_line(rec.get("comment") or "") or None,
        version=version,
    )


def day_file(folder: Path, name: str) -> Path:
    """A seed day's `name` (input.jsonl, picks.jsonl) in its folder, or its gzipped copy where only that is there."""
    plain = folder / name
    return gz if not plain.exists() and (gz := folder / f"{name}.gz").exists() else plain


def jsonl_lines(path: Path) -> list[str]:
    """The lines of a JSONL file, gzipped or not (as the year-long corpus ships its days); a file that cannot be read
    is a `BadInputFile` naming it."""
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        # a BOM, as Windows tools write, is still UTF-8; lines end at \n alone: a title may hold U+2028 or U+0085 as
        # it is (JSON needs no escape for them), and splitlines() would cut its line there
        return raw.decode("utf-8-sig").split("\n")
    except OSError as e:  # gzip.BadGzipFile is one
        raise BadInputFile(str(path), None, e.strerror or str(e)) from e
    except (UnicodeDecodeError, EOFError) as e:
        raise BadInputFile(str(path), None, f"not UTF-8 JSON lines ({e}): give a .jsonl or .jsonl.gz file") from e


def read_jsonl(path: str | Path, announce_date: date | None = None, default_date: date | None = None) -> list[Paper]:
    """Every paper of a JSONL file (gzipped or not), in file order, deduplicated on the versionless id.

    A bad line is a `BadInputFile` naming the file and the line: fix it and re-run. A seed day's folder stands
    for its input.jsonl (or input.jsonl.gz).
    """
    path = Path(path)
    if path.is_dir():
        if not (day := day_file(path, "input.jsonl")).is_file():
            raise BadInputFile(str(path), None, "a folder: give a .jsonl or .jsonl.gz file, or a seed day's folder "
                               "(one holding input.jsonl or input.jsonl.gz)")
        path = day
    papers: dict[str, Paper] = {}
    for no, line in enumerate(jsonl_lines(path), 1):
        if not line.strip():
            continue
        try:
            paper = paper_from_record(json.loads(line), announce_date, default_date)
        except json.JSONDecodeError as e:
            raise BadInputFile(str(path), no, f"not valid JSON ({e.msg})") from e
        except (KeyError, ValueError, TypeError, AttributeError) as e:
            raise BadInputFile(str(path), no, f"not a paper record: {e}") from e
        papers.setdefault(paper.id, paper)
    return list(papers.values())


def as_listed(papers: Iterable[Paper], categories: Iterable[str], announce_types: Iterable[str]) -> list[Paper]:
    """The papers a feed of `categories` would list, with one of `announce_types`: a paper in one of the categories,
    an archive such as `cs` taking all of its own (`cs.RO`)."""
    categories, types = tuple(categories), set(announce_types)
    return [p for p in papers if p.announce_type in types
            and any(c == w or c.startswith(w + ".") for c in p.categories for w in categories)]


def iter_jsonl_records(path: str | Path) -> Iterator[dict]:
    """Each record of a JSONL file (gzipped or not), as it stands."""
    for line in jsonl_lines(Path(path)):
        if line.strip():
            yield json.loads(line)
