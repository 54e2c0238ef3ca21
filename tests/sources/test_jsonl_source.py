"""The JSONL source (seed-days format): good files, bad lines named by file:line, TeX accents decoded."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from paperradar.errors import BadInputFile
from paperradar.models import Author
from paperradar.sources.jsonl import read_jsonl, split_authors

SEED_DAYS = Path(__file__).parents[2].parent / "shared" / "data" / "seed-days"


def record(**changes: object) -> dict:
    rec: dict = {"id": "2511.11633", "title": "A  title\n spread over lines",
                 "authors": "Abhijeet Kumar, Chetan Agarwal", "abstract": "An abstract.",
                 "categories": ["cs.LG", "cs.CV"], "primary_category": "cs.CV", "comment": "10 pages",
                 "announce_type": "new", "published": "2025-11-18"}
    rec.update(changes)
    return rec


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "input.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_good_file(tmp_path: Path):
    path = write(tmp_path, json.dumps(record()), "", json.dumps(record(id="2511.11643v2", comment=None)),
                 json.dumps(record(title="the same id again")))
    first, second = read_jsonl(path)
    assert (first.id, first.title, first.version) == ("2511.11633", "A title spread over lines", 1)
    assert first.categories == ("cs.CV", "cs.LG")  # primary first
    assert first.authors == (Author("Abhijeet Kumar"), Author("Chetan Agarwal"))
    assert (first.announce_date, first.comment, first.announce_type) == (date(2025, 11, 18), "10 pages", "new")
    assert (second.id, second.version, second.comment) == ("2511.11643", 2, None)


def test_the_listing_date_given_wins_over_published(tmp_path: Path):
    [paper] = read_jsonl(write(tmp_path, json.dumps(record())), announce_date=date(2025, 11, 19))
    assert paper.announce_date == date(2025, 11, 19)


def test_published_in_the_forms_a_listing_gives_it_is_its_date(tmp_path: Path):
    # another person's days 'in the same format': the RSS's RFC 2822 pubDate stopped a replay at line 1 with
    # "Invalid isoformat string: 'Fri, 06 Fe'"
    forms = ["2026-02-06", "2026-02-06T00:00:00-05:00", "2026-02-06T05:00:00Z", "Fri, 06 Feb 2026 00:00:00 -0500",
             "Fri, 6 Feb 2026 23:30:00 GMT"]
    papers = read_jsonl(write(tmp_path, *(json.dumps(record(id=f"2602.0000{n}", published=form))
                                          for n, form in enumerate(forms))))
    assert [p.announce_date for p in papers] == [date(2026, 2, 6)] * len(forms)
    rec = record(published=None, date="06/02/2026")  # the corpus's key is named as it is
    with pytest.raises(BadInputFile, match=r"input\.jsonl:1: not a paper record: date '06/02/2026' is not a date: "
                                           r"give YYYY-MM-DD \(or an ISO timestamp, or the RSS's 'Fri, 06 Feb"):
        read_jsonl(write(tmp_path, json.dumps(rec)))


def test_a_bad_json_line_names_file_and_line(tmp_path: Path):
    path = write(tmp_path, json.dumps(record()), '{"id": "2511.1", "title": ')
    with pytest.raises(BadInputFile) as caught:
        read_jsonl(path)
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{path}:2: not valid JSON")


def test_a_missing_field_names_it(tmp_path: Path):
    rec = record()
    del rec["title"]
    with pytest.raises(BadInputFile, match=r"input\.jsonl:1: not a paper record: missing title"):
        read_jsonl(write(tmp_path, json.dumps(rec)))


def test_a_paper_without_an_abstract_is_still_read_by_its_title(tmp_path: Path):
    # one record of a real day lacking its abstract must not stop a replay of many days
    rec = record()
    rec["abstract"] = None
    [paper] = read_jsonl(write(tmp_path, json.dumps(rec)))
    assert paper.abstract == ""
    assert paper.text == "A title spread over lines. "


def test_a_missing_file_is_a_bad_input_file(tmp_path: Path):
    with pytest.raises(BadInputFile, match="nothing.jsonl"):
        read_jsonl(tmp_path / "nothing.jsonl")


def test_a_seed_days_folder_stands_for_its_input_and_another_folder_says_what_to_give(tmp_path: Path):
    # `run --from-jsonl ../shared/data/seed-days/2026-02-05` answered only "Is a directory"
    day = sorted(SEED_DAYS.iterdir())[0]
    assert read_jsonl(day) == read_jsonl(day / "input.jsonl")
    with pytest.raises(BadInputFile, match=r"a folder: give a .jsonl or .jsonl.gz file, or a seed day's folder"):
        read_jsonl(tmp_path)


def test_tex_accents_and_typed_affiliations_in_author_strings():
    # real author strings of the seed days (RSS spelling), accents as the submitters typed them
    authors = split_authors(
        "Mingi Kang, Jeov\\'a Farias Sales Rocha Neto, Ma\\\"i K. Nguyen, C\\u{a}t\\u{a}lin-Alexandru R\\^ipanu, "
        "Martin Mik\\v{s}\\'ik, P{\\aa}l Halvorsen, Juan-Manuel~P\\'erez-R\\'ua, "
        "Hongxuan Li (College of Intelligence and Computing, Tianjin University), Huikai Wu, and Weijie Liu")
    assert [a.name for a in authors] == [
        "Mingi Kang", "Jeová Farias Sales Rocha Neto", "Maï K. Nguyen", "Cătălin-Alexandru Rîpanu",
        "Martin Mikšík", "Pål Halvorsen", "Juan-Manuel Pérez-Rúa",
        "Hongxuan Li (College of Intelligence and Computing, Tianjin University)", "Huikai Wu", "Weijie Liu"]


TEX_TITLES = [  # real titles of the corpus as arXiv lists them, but the last two
    ("\\emph{FoQuS}: A Forgetting-Quality Coreset Selection Framework", "FoQuS: A Forgetting-Quality Coreset Selection "
     "Framework"),
    ("(Token-Level) \\textbf{InfoRMIA}: Stronger Membership Inference", "(Token-Level) InfoRMIA: Stronger Membership "
     "Inference"),
    ("\\textit{FLARE}: Adaptive Multi-Dimensional Reputation", "FLARE: Adaptive Multi-Dimensional Reputation"),
    ("Exploiting \\texttt{ftrace}'s \\texttt{function\\_graph} Tracer Features", "Exploiting ftrace's function_graph "
     "Tracer Features"),
    ("{\\sf TriDeliver}: Cooperative Air-Ground Instant Delivery", "TriDeliver: Cooperative Air-Ground Instant "
     "Delivery"),
    ("LEPO: \\underline{L}atent R\\underline{e}asoning", "LEPO: Latent Reasoning"),
    ("Hybrid Quantum-Classical Ensemble Learning for S\\&P 500", "Hybrid Quantum-Classical Ensemble Learning for "
     "S&P 500"),
    ("High-Resolution PCBA \\\\ via Self-Supervised Image Reconstruction", "High-Resolution PCBA via Self-Supervised "
     "Image Reconstruction"),
    ("\\texttt{R$^\\textbf{2}$AI}: Towards Resistant and Resilient AI", "R$^\\textbf{2}$AI: Towards Resistant and "
     "Resilient AI"),  # math is left as it is
    ("\\(X\\)-evolve: Solution space evolution", "\\(X\\)-evolve: Solution space evolution"),
    ("The \\mathrm{Foo} of \\textbf{\\emph{Bar}}", "The Foo of Bar"),
    ("Rows $a \\\\ b$ kept", "Rows $a \\\\ b$ kept"),
]


@pytest.mark.parametrize("title, shown", TEX_TITLES, ids=[t[:24] for t, _ in TEX_TITLES])
def test_tex_text_formatting_in_a_title_gives_its_text(tmp_path: Path, title: str, shown: str):
    # \emph{FoQuS} was shown as typed; math ($...$, \(...\)) stays as the author wrote it
    [paper] = read_jsonl(write(tmp_path, json.dumps(record(title=title))))
    assert paper.title == shown


def test_a_seed_days_folder_whose_input_is_gzipped_stands_for_it_as_replay_reads_it(tmp_path: Path):
    # `run --from-jsonl DAY` said 'a folder: give a .jsonl ...' of a day replay read whole (input.jsonl.gz)
    from paperradar.seeddays import load_day
    day = tmp_path / "2025-11-18"
    day.mkdir()
    (day / "input.jsonl.gz").write_bytes(gzip.compress((json.dumps(record()) + "\n").encode()))
    assert [p.id for p in read_jsonl(day)] == [p.id for p in load_day(day).papers] == ["2511.11633"]
    (day / "input.jsonl").write_text(json.dumps(record(id="2511.00001")) + "\n", encoding="utf-8")
    assert [p.id for p in read_jsonl(day)] == [p.id for p in load_day(day).papers] == ["2511.00001"]  # the plain wins


def test_a_real_seed_day_reads_whole():
    day = sorted(SEED_DAYS.iterdir())[0] / "input.jsonl"
    lines = [json.loads(line) for line in day.read_text(encoding="utf-8").splitlines() if line.strip()]
    papers = read_jsonl(day)
    assert len(papers) == len({rec["id"] for rec in lines}) > 100
    assert all(p.categories[0] == rec["primary_category"] for p, rec in zip(papers, lines))
    assert not any("\\" in a.name for p in papers for a in p.authors)


def test_a_gzipped_day_is_read_as_the_corpus_ships_it(tmp_path: Path):
    corpus = SEED_DAYS.parent / "corpus" / "2026-02-10.jsonl.gz"
    papers = read_jsonl(corpus)
    assert len(papers) == 670 and papers[0].title and papers[0].authors
    assert len({p.announce_date for p in papers}) <= 2  # the listing day, give or take one


def test_a_file_that_is_not_utf8_json_lines_is_named_not_called_a_bug(tmp_path: Path):
    broken = tmp_path / "day.jsonl.gz"
    broken.write_bytes(gzip.compress(json.dumps(record()).encode())[:30])  # cut short
    latin = tmp_path / "day.jsonl"
    latin.write_bytes(json.dumps(record(title="Caf\u00e9"), ensure_ascii=False).encode("latin-1"))
    for path in (broken, latin):
        with pytest.raises(BadInputFile, match=r"not UTF-8 JSON lines .*give a \.jsonl or \.jsonl\.gz file"):
            read_jsonl(path)


def test_a_day_saved_with_a_utf8_bom_and_crlf_is_read(tmp_path: Path):
    # what Windows tools (PowerShell's Set-Content -Encoding UTF8, Notepad) write: still UTF-8 JSON lines
    path = tmp_path / "input.jsonl"
    lines = [json.dumps(record(), ensure_ascii=False), json.dumps(record(id="2511.11643", title="Caf\u00e9"),
                                                                  ensure_ascii=False)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    assert [(p.id, p.title) for p in read_jsonl(path)] == [("2511.11633", "A title spread over lines"),
                                                           ("2511.11643", "Caf\u00e9")]


def test_a_line_separator_kept_as_it_is_in_a_title_does_not_cut_its_line(tmp_path: Path):
    # JSON needs no escape for U+2028, U+2029 or U+0085 (json.dumps(..., ensure_ascii=False) writes them as they
    # are), and the file was cut into lines at them: "hostile.jsonl:1: not valid JSON (Unterminated string ...)"
    line = json.dumps(record(title="Grasping\u2028with a line separator", abstract="A\u0085B\u2029C"),
                      ensure_ascii=False)
    [paper] = read_jsonl(write(tmp_path, line))
    assert paper.title == "Grasping with a line separator" and paper.abstract == "A B C"


def test_a_lone_surrogate_names_its_line_and_field_not_a_bug(tmp_path: Path, capsys):
    # "\ud800" is valid JSON but no character: the store refused it mid-run, "unexpected UnicodeEncodeError: 'utf-8'
    # codec can't encode character '\ud800' ... (a bug in paperradar: please report it ...)"
    from paperradar.cli import main
    path = write(tmp_path, json.dumps(record()), json.dumps(record(id="2511.11634", abstract="Robots \ud800 grasp.")))
    assert main(["run", "--profile", str(Path(__file__).parents[2] / "src/paperradar/data/example-profile.toml"),
                 "--from-jsonl", str(path)]) == 1
    assert capsys.readouterr().err == (f"paperradar: error: {path}:2: not a paper record: abstract holds '\\ud800', "
                                       "half of a UTF-16 surrogate pair and no character: fix or remove it\n")


def test_control_characters_in_a_saved_days_text_are_left_out(tmp_path: Path):
    # an ESC sequence in a title reached the terminal as it was: `feedback list` turned its line red (or worse: OSC
    # sequences set the window's title, or the clipboard), and NUL, BEL and backspaces went into every digest file
    path = write(tmp_path, json.dumps(record(title="Robots \x1b[31min red\x1b[0m\x07", abstract="A\x00B\x08 C",
                                             authors="Mallory\x1b]0;owned\x07 Evil, Bob", comment="\x9b2J10 pages")))
    [paper] = read_jsonl(path)
    assert (paper.title, paper.abstract, paper.comment) == ("Robots [31min red[0m", "AB C", "2J10 pages")
    assert paper.authors == (Author("Mallory]0;owned Evil"), Author("Bob"))
