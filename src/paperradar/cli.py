"""The `paperradar` command. Thin: the one place where errors become messages for people.

Set PAPERRADAR_DEBUG=1 to see the full traceback instead of the one-line message.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .config import example_profile_text, load_profile
from .english import plural
from .errors import PaperRadarError, ProfileError
from .models import IMPORT_READS, Evidence, FailedBatches, Profile
from .store import Store, data_dir

if TYPE_CHECKING:  # the pipeline (and what it imports) loads only for the commands that run one
    from .feedback_import import ImportResult
    from .pipeline import Outcome

SAMPLE_DAY = "data/sample-2026-02-05.jsonl"
JUDGED_SO_FAR = "every batch judged so far is saved, re-run to finish"
SAID_SO_FAR = "what you said is saved; a paper not read yet counts once a run reads it"
UNKNOWN_ID_RECHECK = timedelta(days=7)  # a run asks the API again for an id it did not know after this long
# of the entries an import skipped for want of an arXiv id (a library's journal papers, a thousand of 5,000): the
# first ones show what was skipped, and the count after them stays in sight
SKIPPED_SHOWN = 10
# `run`'s status where the digest was published but the LLM the profile names judged no paper of the day: a crontab
# learns of a key that expired, a quota used up, an endpoint down (1 is an error that published nothing)
LLM_JUDGED_NONE = 3
DATA_DIR_IS = ("DATA_DIR, where paperradar keeps its store, profile and digest, is $PAPERRADAR_HOME if set, else "
               "~/.local/share/paperradar.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # piped, stdout is written at exit: a reader that stopped (| head) is met here, not then
        return code
    except KeyboardInterrupt:
        said = getattr(args, "on_interrupt", None)
        print("paperradar: interrupted" + (f"; {said}" if said else ""), file=sys.stderr)
        return 130
    except BrokenPipeError:  # `paperradar history | head`: the reader has what they wanted; no error to print
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor at exit, when stdout is flushed
        return 141  # as a shell reports a command ended by SIGPIPE
    except Exception as e:
        if os.environ.get("PAPERRADAR_DEBUG"):
            raise
        for line in _error_lines(e):
            print(f"paperradar: error: {line}", file=sys.stderr)
        return 1


def _error_lines(e: Exception) -> list[str]:
    """What to tell the reader: the problems of a profile one per line, any other error in one line."""
    if isinstance(e, ProfileError):
        return [f"{e.path}: {p}" for p in e.problems]
    if isinstance(e, PaperRadarError):
        return [str(e)]
    if isinstance(e, OSError):  # a full disk, a folder it may not write: the system's words say what to fix
        return [f"{e.strerror or e}" + (f": {e.filename}" if e.filename else "")]
    # a bug: one line, and how to get the rest
    return [f"unexpected {type(e).__name__}: {e} (a bug in paperradar: please report it; PAPERRADAR_DEBUG=1 "
            f"shows where it happened)"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="paperradar", description="A truthful daily arXiv digest, judged against "
                                "your own research fields. Offline by default; an LLM endpoint is optional.",
                                epilog=DATA_DIR_IS + " PAPERRADAR_DEBUG=1 shows full tracebacks.")
    p.add_argument("--version", action="version", version=f"paperradar {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    c = sub.add_parser("init", help="write an example profile to edit", description="Write the example profile "
                       "(seven fields, two areas to avoid, Chinese field names) to PATH.", epilog=DATA_DIR_IS)
    c.add_argument("path", nargs="?", type=Path, help="where to write it (default: DATA_DIR/profile.toml)")
    c.add_argument("--force", action="store_true", help="overwrite an existing file")
    c.set_defaults(func=cmd_init)

    c = sub.add_parser("run", help="judge today's arXiv listing and publish the digest",
                       description="Fetch the listing (arXiv RSS, or --from-jsonl), store it, judge every paper "
                       "and publish the digest. Re-running a day judges only what is missing.",
                       epilog=f"Exit status: 0 when the digest was published; {LLM_JUDGED_NONE} when it was published "
                       "but the LLM the profile names judged no paper of the day (a key missing or refused, a quota "
                       "used up, an endpoint down: the lines before say why), so that cron can tell; 1 when an error "
                       "published nothing. " + DATA_DIR_IS)
    _profile_arg(c)
    _out_arg(c)
    c.add_argument("--from-jsonl", type=Path, metavar="FILE", help="read the day's papers from a JSONL file, "
                   "gzipped or not (the seed-days or the corpus format), or a seed day's folder, instead of arXiv: "
                   "nothing is then asked of arXiv (no API lookup, no affiliations from its HTML pages)")
    c.add_argument("--local-only", action="store_true", help="don't call the LLM even if the profile names one (its verdicts "
                   "already stored for the day are kept)")
    c.add_argument("--no-enrich", action="store_true", help="skip the arXiv API lookup of categories, "
                   "comments and versions")
    c.add_argument("--no-affiliations", action="store_true", help="skip reading the recommended papers' arXiv "
                   "HTML pages for the affiliations they state (one polite request per paper, 3 s apart)")
    c.set_defaults(func=cmd_run, on_interrupt=JUDGED_SO_FAR)

    c = sub.add_parser("demo", help="the bundled real day (2026-02-05), offline, ranked with what paperradar knows "
                       "of you", description="Judge the bundled real arXiv day 2026-02-05 (287 papers) with your "
                       "profile (DATA_DIR/profile.toml, once `paperradar init` wrote it), else the bundled example "
                       "profile: no network, no key. It ranks with the embedded model until paperradar has "
                       "evidence of papers you want and papers you don't (your likes and dislikes, an LLM's verdicts, "
                       "the papers your runs showed and read), then with the learned ranker trained on it, as "
                       "`paperradar run` does; papers like one you disliked score lower from your first dislike on. "
                       "The day stays in the demo's own store, never in your history.", epilog=DATA_DIR_IS)
    c.add_argument("--profile", type=Path, help="profile TOML (default: DATA_DIR/profile.toml if you wrote one, "
                   "else the bundled example profile)")
    _out_arg(c, default=Path("paperradar-demo"))
    c.set_defaults(func=cmd_demo, on_interrupt=JUDGED_SO_FAR)

    c = sub.add_parser("render", help="rebuild digests from the store",
                       description="Rebuild the digest files of one published date, or of every day published with "
                       "the folder's profiles (the profile given, or one its days were judged with: a day only another "
                       "profile published is left to that profile's folder), from the store, as they were published "
                       "(likes and dislikes said since show at a day's next run).",
                       epilog=DATA_DIR_IS)
    _profile_arg(c)
    _out_arg(c)
    c.add_argument("date", nargs="?", type=_iso_date, help="YYYY-MM-DD (default: every day published with the "
                   "folder's profiles)")
    c.set_defaults(func=cmd_render)

    c = sub.add_parser("history", help="past runs with their counts", description="List past runs: the listing's date, "
                       "status, papers read, the papers the LLM judged and the tokens it spent in that run alone (0 "
                       "for a re-run of a finished day; a digest's header counts the whole day), when it started and "
                       "what it read.")
    c.add_argument("-n", type=_how_many, default=30, help="how many runs to show (default 30)")
    c.set_defaults(func=cmd_history)

    c = sub.add_parser("feedback", help="like or dislike papers; import likes; list and undo",
                       description="Tell paperradar what you liked: it learns from it at the next run.")
    fsub = c.add_subparsers(title="actions", metavar="ACTION")
    for kind in ("like", "dislike"):
        f = fsub.add_parser(kind, help=f"{kind} papers by arXiv id or URL", description=f"{kind.title()} papers "
                            "by arXiv id or URL.")
        f.add_argument("ids", nargs="+", help="arXiv ids or URLs")
        _offline_arg(f)
        f.set_defaults(func=cmd_feedback_say, kind=kind, on_interrupt=SAID_SO_FAR)
    f = fsub.add_parser("undo", help="take back what you said about papers, or an import", description="Take back "
                        "likes or dislikes, or the likes a file imported (a word the import replaced stands again).")
    f.add_argument("ids", nargs="+", metavar="ID_OR_FILE", help="arXiv ids or URLs, or a file you imported")
    f.set_defaults(func=cmd_feedback_undo)
    f = fsub.add_parser("list", help="what you have said", description="List your standing likes and dislikes.")
    f.set_defaults(func=cmd_feedback_list)
    f = fsub.add_parser("import", help="import likes from ids/URLs, a BibTeX, RIS or Zotero export, or bookmarks",
                        description=f"Import likes from {IMPORT_READS}.")
    f.add_argument("file", type=Path, help="the file, its format told by its suffix or else by its content; any "
                   "other text is read as arXiv ids or URLs, one a line or several with commas or spaces between")
    f.add_argument("--all-skipped", action="store_true", help=f"name every entry skipped for want of an arXiv id, not "
                   f"the first {SKIPPED_SHOWN} (those whose braces broke are always named)")
    _offline_arg(f)
    f.set_defaults(func=cmd_feedback_import, on_interrupt=SAID_SO_FAR)
    c.set_defaults(func=lambda a, feedback=c: (feedback.print_help(), 2)[1])  # `c` is the next parser by then

    c = sub.add_parser("replay", help="measure the learned ranker on days with picks",
                       description="Walk a directory of days in the seed-days format in date order, ranking each "
                       "day with the profile and only the evidence of earlier days; print R-precision, AUC, "
                       "prefilter recall and field agreement. Its state, the evidence of the days walked, lives in "
                       "memory and is thrown away at the end: your store is neither read nor written. Only the "
                       "paper vectors it encodes are kept, in $PAPERRADAR_HOME/cache if set, else "
                       "~/.cache/paperradar, so a replay encodes each paper once.")
    c.add_argument("days_dir", type=Path, help="a folder of day folders, each holding input.jsonl and picks.jsonl "
                   "(or gzipped, input.jsonl.gz; such as ../shared/data/seed-days), or one such day")
    c.add_argument("--warmup", type=Path, metavar="DIR", help="feed the evidence of these earlier days first")
    c.add_argument("--no-feedback", action="store_true", help="profile only: learn nothing from earlier days")
    c.add_argument("--json", type=Path, metavar="FILE", help="also write the per-day figures as JSON")
    _profile_arg(c, default_example=True)
    c.set_defaults(func=cmd_replay, on_interrupt="the paper vectors encoded so far are cached: a re-run encodes "
                   "only the rest, then replays from the first day")
    return p


def _offline_arg(c: argparse.ArgumentParser) -> None:
    c.add_argument("--offline", action="store_true", help="don't ask the arXiv API for papers paperradar has not "
                   "read yet (they count once a run reads them)")


def _profile_arg(c: argparse.ArgumentParser, default_example: bool = False) -> None:
    helptext = ("profile TOML (default: the bundled example profile)" if default_example else
                "profile TOML (default: DATA_DIR/profile.toml, written by `paperradar init`)")
    c.add_argument("--profile", type=Path, help=helptext)


def _out_arg(c: argparse.ArgumentParser, default: Path | None = None) -> None:
    c.add_argument("--out", type=Path, default=default, help="output directory for README.md, history/, json/ "
                   f"and site/ (default: {default or 'DATA_DIR/digest'})")


def _profile(args: argparse.Namespace, example_default: bool = False) -> Profile:
    if args.profile is None and example_default:
        return _example_profile()
    return load_profile(args.profile or data_dir() / "profile.toml")


def _example_profile() -> Profile:
    from .config import parse_profile
    import tomllib
    return parse_profile(tomllib.loads(example_profile_text()), "bundled example profile")


def cmd_init(args: argparse.Namespace) -> int:
    default = data_dir() / "profile.toml"
    path = args.path or default
    if path.is_dir():  # not "already exists; edit it", nor --force's "Is a directory"
        print(f"paperradar: error: {path} is a folder: give the profile TOML file to write, e.g. "
              f"{path / 'profile.toml'}", file=sys.stderr)
        return 1
    if path.exists() and not args.force:
        print(f"paperradar: error: {path} already exists; edit it, or pass --force to overwrite", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(example_profile_text(), encoding="utf-8")
    run = "paperradar run" if path.resolve() == default.resolve() else f"paperradar run --profile {path}"
    print(f"wrote {path}: edit its fields, then `{run}`")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .sources.rss import Listing
    profile = _profile(args)
    out = _digest_folder(args.out or data_dir() / "digest")
    if profile.llm and not args.local_only:
        _check_llm_key(profile.llm)  # before arXiv is asked: offline, its failure would hide this one
    if args.from_jsonl:
        from .sources.jsonl import read_jsonl
        papers = _in_profile(read_jsonl(args.from_jsonl), profile, args.from_jsonl)
        listing = Listing(_single_date(papers, args.from_jsonl), tuple(papers), str(args.from_jsonl))
    else:
        listing = _fetch_arxiv(profile, enrich=not args.no_enrich)
        _read_feedback_papers()
    lookup = None if args.from_jsonl or args.no_affiliations else _affiliation_lookup
    return _run(profile, listing, out, use_llm=not args.local_only,
                affiliations=lookup)


def _check_llm_key(settings) -> None:
    """A key no header can carry stops the run; a missing one is said at once (a reader at the terminal sets it and
    runs again), then the day is published with the local judgements, as where the endpoint refuses the key: a
    crontab without the variable loses no digest."""
    from .errors import MissingAPIKey
    from .scorers.llm import api_key
    try:
        api_key(settings)
    except MissingAPIKey as e:
        print(f"  {e} (in the crontab too, for cron); the papers the LLM has not judged keep their local judgement, "
              "and a run of the day with the key set sends them to it", file=sys.stderr)


def _affiliation_lookup(papers):
    from .sources.html_authors import fetch_affiliations
    n = len(papers)
    print(f"  reading the affiliations {n} recommended {plural(n, 'paper')} state on arXiv (3 s apart)...",
          file=sys.stderr)
    problems: list[str] = []
    found = fetch_affiliations(papers, problems=problems)
    for line in problems:
        print(f"  {line}", file=sys.stderr)
    return found


def cmd_demo(args: argparse.Namespace) -> int:
    from .sources.rss import Listing
    _digest_folder(args.out)
    papers = _sample_day()
    listing = Listing(papers[0].announce_date, tuple(papers), "bundled sample day (arXiv cs.CV/cs.LG/cs.AI/cs.RO)")
    # its own store, so the sample day never enters your history; but it ranks with what paperradar knows of you
    _read_feedback_papers(offline=True)
    # a reader who wrote a profile previews their own digest: the example's seven fields are somebody else's
    yours = args.profile or data_dir() / "profile.toml"
    if args.profile is None and not yours.exists():
        profile = _example_profile()
        print("profile: the bundled example (paperradar init writes one of your own to edit)")
    else:
        profile = load_profile(yours)
        print(f"profile: {yours}")
    return _run(profile, listing, args.out, use_llm=False, home=data_dir() / "demo",
                evidence_home=data_dir())


def _sample_day() -> list:
    from .sources.jsonl import read_jsonl
    with resources.as_file(resources.files("paperradar").joinpath(SAMPLE_DAY)) as real:
        return read_jsonl(real)


def _in_profile(papers: list, profile: Profile, path: Path) -> list:
    """The papers of a saved day that the profile's feed would have listed, saying how many it would not."""
    from .errors import BadInputFile
    from .sources.jsonl import as_listed
    kept = as_listed(papers, profile.categories, profile.announce_types)
    wanted = f"categories ({', '.join(profile.categories)}) and announce types ({', '.join(profile.announce_types)})"
    if papers and not kept:
        n = len(papers)
        raise BadInputFile(str(path), None, f"none of its {n} {plural(n, 'paper')} is in the profile's {wanted}")
    if len(kept) < len(papers):
        print(f"  left out {len(papers) - len(kept)} of {len(papers)} papers outside the profile's {wanted}",
              file=sys.stderr)
    return kept


def _single_date(papers: list, path: Path) -> date:
    from .errors import BadInputFile
    dates = sorted({p.announce_date for p in papers})
    if not dates:  # a saved file dates its day by its papers alone
        raise BadInputFile(str(path), None, "no papers in it, so no date for the day; give a file of one day's papers")
    if len(dates) > 1:
        raise BadInputFile(str(path), None, f"papers from {len(dates)} different dates ({dates[0]} to "
                           f"{dates[-1]}); give one day per file")
    return dates[0]


def _fetch_arxiv(profile: Profile, enrich: bool):
    from dataclasses import replace
    from .sources import api, rss
    got = rss.fetch_listing(profile.categories, profile.announce_types)
    for line in got.skipped:
        print(f"  skipped a feed item: {line}", file=sys.stderr)
    if not (enrich and got.papers):
        return got
    problems: list[str] = []
    papers = tuple(api.enrich(list(got.papers), problems=problems))
    for line in problems:
        print(f"  {line}", file=sys.stderr)
    return replace(got, papers=papers)


def _digest_folder(out: Path) -> Path:
    """`out`, refused before any paper is judged where publishing would replace what is not a digest: the digest
    writes README.md, site/, json/ and history/ (a history/DATE.md is how a digest's folder is known)."""
    from .errors import RenderError
    from .render.publish import foreign_files
    if out.exists() and not out.is_dir():
        raise RenderError(f"--out {out} is a file: give a folder for the digest")
    if out.resolve() == Path(out.resolve().anchor):
        raise RenderError(f"--out {out} is the root of the file system: give a folder of the digest's own, e.g. "
                          f"{out / 'digest'}")
    foreign = foreign_files(out) if out.is_dir() else []
    if foreign == ["history/README.md"]:  # the digest's folder, the reader's file
        raise RenderError(f"{out / 'history/README.md'} is not the list of days paperradar writes there, and "
                          "publishing would replace it: rename it (notes beside the days keep any other name) or "
                          "move it away")
    if foreign:
        raise RenderError(f"{out} holds {' and '.join(foreign)} that no paperradar digest wrote, which publishing "
                          "would replace: give --out a folder of the digest's own, or move them away")
    return out


def _run(profile: Profile, listing, out: Path, use_llm: bool, home: Path | None = None,
         affiliations=None, evidence_home: Path | None = None) -> int:
    from .pipeline import run_listing
    from .render.publish import publish
    from .render.wording import failure_text, learned_line
    store = Store.open(home)
    try:
        waiting = (f"  another paperradar run is using {store.path.parent}: waiting for it to finish, then judging "
                   "only what it left")
        with store.one_run_at_a_time(lambda: print(waiting, file=sys.stderr)) as lock:
            if lock is not None:  # no other run holds this store: a run still marked running died
                store.close_dead_runs()
            evidence, liked = _evidence(store, profile, listing.announce_date, evidence_home)
            local = _local_scorer(store, evidence)
            llm, budget = (_llm_scorer(store, profile) if use_llm and profile.llm else (None, None))
            outcome = run_listing(store, profile, listing, local, llm, out, publish, llm_budget=budget,
                                  affiliations=affiliations, liked=liked)
    finally:
        store.close()
    if outcome.status == "stale":
        print(f"paperradar: {outcome.message}")
        return 0
    d = outcome.digest
    assert d is not None
    f = d.facts
    print(summary(outcome))
    if f.learned_from:
        print(f"  {learned_line('en', f.learned_from)}")
    for failed in f.failed_batches:
        what = ("failed, sent again by a re-run of the day" if failed.batches else
                "not sent to the LLM (a re-run of the day sends them)")
        print(f"  {what}: {failure_text('en', failed)}")
    if f.budget_exhausted:
        print("  the daily token budget was reached: the rest keep their local judgement")
    for advice in llm.advice.splitlines() if llm is not None else ():
        print(f"  {advice}")
    assert outcome.pages is not None
    digest_page, site_page = outcome.pages
    print(f"digest: {out / digest_page}  site: {out / site_page}")
    if llm is not None and f.papers_read and not f.llm_judged and f.failed_batches:
        print("paperradar: the LLM judged no paper of the day (the lines above say why), so the digest holds the "
              f"local judgements alone: exit status {LLM_JUDGED_NONE}", file=sys.stderr)
        return LLM_JUDGED_NONE
    return 0


def summary(outcome: Outcome) -> str:
    """The run's first line: the day's counts; the LLM's tokens for the whole day, and how many this run spent."""
    d = outcome.digest
    assert d is not None
    f = d.facts
    if f.empty_listing:
        return f"{d.announce_date}: no new papers announced"
    read = f"{f.papers_read} {plural(f.papers_read, 'paper')} read"
    line = f"{d.announce_date}: {read}, {len(d.recommended)} recommended"
    if f.llm_judged or f.tokens.total or f.tokens.unreported:  # an LLM that judged nothing may still have billed
        judged = f.llm_judged or "none"
        line += (f", {judged} judged by {f.model or 'the LLM'}{_when(f.llm_judged, outcome.judged)} "
                 f"({_tokens(f.tokens, outcome)})")
    return line


def _when(day: int, this_run: int) -> str:
    """Which run judged the day's papers, where not all of them this one: earlier runs of the day, or of an earlier
    day for a paper listed again."""
    if not day or this_run == day:
        return ""
    return f", {this_run} of them by this run" if this_run else ", carried over from an earlier run"


def _tokens(day: TokenUsage, outcome: Outcome) -> str:
    """The day's tokens, and how many of them this run spent where that is not all of them."""
    n = day.unreported
    unreported = f"; no usage reported for {n} {plural(n, 'request')}" if n else ""
    if not day.total and not outcome.spent.total and not n and not outcome.judged:
        return "no new tokens"  # verdicts carried over from an earlier day: none was paid for on this one
    spent = outcome.spent.total
    this_run = "" if spent == day.total else f", {spent} of them by this run" if spent else ", none by this run"
    return f"{day.total} tokens{this_run}{unreported}"


def _evidence(store: Store, profile: Profile, day: date | None,
              evidence_home: Path | None = None) -> tuple[list[Evidence], set[str] | None]:
    """What the reader said and the runs saw before `day` in the run's store, or all of it in the store of
    `evidence_home` (the demo's day is judged in a store of its own), with the papers the reader liked there (None:
    the run's own store holds the reader's words, and the run reads them itself)."""
    from .evidence import gather
    from .scorers.learned import Tuning
    cap = Tuning().max_evidence  # read only the evidence the ranker keeps, not every paper of the store's year
    if evidence_home is None:
        return gather(store, profile, before=day, limit=cap), None
    if not Store.exists(evidence_home):
        return [], set()
    reader = Store.open(evidence_home)
    try:
        return gather(reader, profile, limit=cap), reader.liked()
    finally:
        reader.close()


def _local_scorer(store: Store, evidence: list[Evidence]):
    """The learned ranker once the evidence changes a score (papers wanted and unwanted, or a dislike), else the
    profile-only embedded scorer."""
    from .embedding import Encoder
    from .scorers.embedded import EmbeddedScorer
    from .scorers.learned import LearnedScorer, heeded
    embedded = EmbeddedScorer(Encoder(cache=store))
    if not heeded(evidence):  # its scores would be the embedded ones: so is its name in the digest
        return embedded
    return LearnedScorer(embedded, evidence)


def _llm_scorer(store: Store, profile: Profile):
    from .scorers.llm import LLMScorer
    settings = profile.llm
    assert settings is not None
    budget = None
    if settings.daily_token_budget is not None:
        budget = max(0, settings.daily_token_budget - store.tokens_spent_on(datetime.now(timezone.utc).date()))
    return LLMScorer(settings), budget


_NOT_THE_DEMO = " (the demo keeps its own store: its day is not in your history)"


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (YYYY-MM-DD, e.g. 2026-02-05)") from None


def _how_many(text: str) -> int:
    """A count of 1 or more: `history -n 0` listed nothing and said 'no runs yet' of a store full of them."""
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"not a number of runs: {text!r} (1 or more, e.g. -n 10)")
    return n


def cmd_render(args: argparse.Namespace) -> int:
    from .pipeline import folder_digest, folder_digests, folder_profiles, load_digest, relinked
    from .render.publish import held_dates, held_front, neighbour_dates, publish, publish_all
    profile = _profile(args)
    out = _digest_folder(args.out or data_dir() / "digest")
    store = Store.open()
    try:
        dates = store.published_dates()
        if not dates:
            print(f"paperradar: error: nothing published yet: `paperradar run` publishes today's listing{_NOT_THE_DEMO}",
                  file=sys.stderr)
            return 1
        if args.date and args.date not in dates:
            print(f"paperradar: error: nothing published for {args.date}; see `paperradar history`", file=sys.stderr)
            return 1
        if args.date:  # among the days this folder holds, as a run publishes; the day named, whatever its profile
            dates = sorted({*held_dates(out), args.date})
            versions = folder_profiles(out, profile)
            digests = [d for d in (folder_digest(store, profile, out, day, versions)
                                   for day in sorted([args.date, *neighbour_dates(dates, args.date)])) if d is not None]
            if args.date not in {d.announce_date for d in digests}:
                digests.append(load_digest(store, profile, args.date))
            front = held_front(out, dates, store.listing_dates())
            relink = relinked(store, profile, out, dates, [d.announce_date for d in digests])
        else:
            digests, left_out = folder_digests(store, profile, out)
    finally:
        store.close()
    if args.date:
        target = next(d for d in digests if d.announce_date == args.date)
        publish(target, out, dates, [d for d in digests if d is not target], now=target.facts.finished_at,
                front=front, relink=relink)
        print(f"rendered 1 day into {out}")
        return 0
    if left_out:
        again = f"paperradar render --out {out}" + (f" --profile {args.profile}" if args.profile else "")
        print(f"  left out {len(left_out)} {plural(len(left_out), 'day')} published with another profile "
              f"({_days(left_out)}): `{again} DATE` adds one, and the next `{again}` the other days of its profile",
              file=sys.stderr)
    if not digests:
        print(f"paperradar: error: no day of {out}'s profiles to render", file=sys.stderr)
        return 1
    publish_all(digests, out)
    print(f"rendered {len(digests)} {plural(len(digests), 'day')} into {out}")
    return 0


def _days(days: Sequence[date], shown: int = 5) -> str:
    """'2025-11-25, 2025-11-26 and 3 more'"""
    named = ", ".join(d.isoformat() for d in days[:shown])
    return named + (f" and {len(days) - shown} more" if len(days) > shown else "")


def cmd_history(args: argparse.Namespace) -> int:
    import json
    from .models import TokenUsage
    from .store import failed_batches_from_json
    store = Store.open()
    try:
        rows = store.runs(args.n)
        spent = store.spend_by_run([r["id"] for r in rows])  # the run's own batches; facts hold the day's total
    finally:
        store.close()
    if not rows:
        print(f"no runs yet: `paperradar run` judges today's listing{_NOT_THE_DEMO}")
        return 0
    # the status column is as wide as its widest word, "interrupted"
    print(f"{'run':>4}  {'listing':<10}  {'status':<11}  {'read':>5}  {'llm this run':>12}  {'tokens this run':>15}  "
          "started (UTC)  source")
    for r in rows:
        facts = json.loads(r["facts"]) if r["facts"] else {}
        judged, tokens = spent.get(r["id"], (0, TokenUsage()))
        # a run that published is 'done' even where batches failed (their papers kept local scores): say so
        notes = [r["message"]] if r["message"] else []
        notes += [_failed_note(failed_batches_from_json(b)) for b in facts.get("failed_batches") or ()]
        print(f"{r['id']:>4}  {r['announce_date'] or '-':<10}  {r['status']:<11}  {facts.get('papers_read', '-'):>5}  "
              f"{judged:>12}  {tokens.total:>15}  "
              f"{r['started_at'][:16]}  {r['source']}" + "".join(f"  ({n})" for n in notes))
    return 0


def _failed_note(failed: FailedBatches) -> str:
    """'3 batches failed: HTTP 500': a run's failed batches, one note per failure, for `history`."""
    if not failed.paper_ids:  # recorded as one line by an earlier version
        return f"failed: {failed.failure}"
    if not failed.batches:  # nothing was sent (no API key): no batch failed
        n = len(failed.paper_ids)
        return f"{n} {plural(n, 'paper')} not sent to the LLM: {failed.failure}"
    unsent = f", {failed.unsent} not sent" if failed.unsent else ""
    return f"{failed.batches} {plural(failed.batches, 'batch', 'batches')} failed{unsent}: {failed.failure}"


def _ids(values: Sequence[str], nor: str = "") -> list[str]:
    from .errors import BadInputFile
    from .feedback_import import arxiv_id_in
    out = []
    for v in values:
        pid = arxiv_id_in(v)
        if pid is None:
            raise BadInputFile(v, None, "not an arXiv id or URL (e.g. 2602.04074 or https://arxiv.org/abs/2602.04074)"
                               + (f", {nor}" if nor else ""))
        out.append(pid)
    return out


def _import_source(file: str) -> str:
    """How the store names the likes imported from a file: 'import:zotero.bib' for ~/Downloads/zotero.bib."""
    return f"import:{Path(file.removeprefix('import:')).name}"


def _import_path(file: str, paths: dict[str | None, int]) -> str | None:
    """Which of the imports named as `file` to undo, among those of these files (None: recorded before paths were)
    and the words of each still standing: a path names its own file's; a name, as `feedback list` shows it, names all
    of that name (None) unless the likes of two files of that name stand."""
    from .errors import BadInputFile
    name = _import_source(file).removeprefix("import:")
    path = str(Path(file).expanduser().resolve())
    if path in paths:
        return path
    if file.removeprefix("import:") != name:  # a path, of no file imported: perhaps one imported before paths were
        if None in paths:
            return path
        read = sorted(p for p in paths if p)
        raise BadInputFile(file, None, f"not a file you imported: the {name} you imported is {read[0]}" if len(read) == 1
                           else f"not a file you imported: the files named {name} you imported are {', '.join(read)}")
    if len(standing := sorted(p for p, n in paths.items() if p and n)) > 1:
        raise BadInputFile(file, None, f"the likes of {len(standing)} files of that name stand ({', '.join(standing)}): "
                           "give the path of the one to take back")
    return None


def cmd_feedback_say(args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    store = Store.open()
    try:
        before = store.words()
        n = store.add_feedback(ids, args.kind, "cli")
        print(f"{args.kind}d {n} {plural(n, 'paper')}")
        _say_changed(before, ids, args.kind)
        _read_unknown(store, ids, offline=args.offline)
        # no like and no LLM verdict: nothing wanted to set the dislikes against, so the ranker cannot learn yet
        if args.kind == "dislike" and "like" not in store.words().values() and not store.llm_verdicts("", None):
            print(f"  papers like {plural(n, 'it', 'them')} score lower from the next run on; paperradar learns more "
                  "from dislikes once it also knows papers you want: `paperradar feedback like ID...`")
    finally:
        store.close()
    return 0


def _say_changed(before: dict[str, str], ids: Sequence[str], kind: str) -> None:
    """One line for the papers whose earlier word this one replaced (a disliked paper now liked by an import), one
    for those it only repeated (a library imported again)."""
    said = list(dict.fromkeys(ids))
    if changed := [i for i in said if before.get(i, kind) != kind]:
        was = before[changed[0]]
        which = f"you had {was}d it" if len(said) == 1 else f"{len(changed)} of them you had {was}d"
        print(f"  {which} before, now {kind}d ({_some(changed)}); `paperradar feedback undo` takes the word back")
    if again := [i for i in said if before.get(i) == kind]:
        print(f"  you had {kind}d it already" if len(said) == 1 else
              f"  {len(again)} of them you had {kind}d already ({_some(again)})")


def _read_feedback_papers(offline: bool = False) -> None:
    """Papers the reader liked or disliked before paperradar could read them (offline, say): a run reads them.

    An id the arXiv API did not know in the last week is not asked again at every run."""
    if not Store.exists():
        return
    store = Store.open()
    try:
        recently_unknown = store.unknown_ids(since=datetime.now(timezone.utc) - UNKNOWN_ID_RECHECK)
        pending = [r["paper_id"] for r in store.feedback()
                   if r["title"] is None and r["paper_id"] not in recently_unknown]
        if pending:
            _read_unknown(store, pending, offline=offline)
    finally:
        store.close()


def _read_unknown(store: Store, ids: Sequence[str], offline: bool) -> None:
    """Feedback counts once paperradar has the paper's text: the bundled sample day (the demo's) has some, the
    arXiv API the rest."""
    unknown = sorted(set(ids) - set(store.papers(ids)))
    bundled = [p for p in _sample_day() if p.id in unknown] if unknown else []
    if bundled:
        store.upsert_papers(bundled)
        print(f"  read {len(bundled)} {plural(len(bundled), 'paper')} from the bundled sample day")
        unknown = sorted(set(unknown) - {p.id for p in bundled})
    if unknown and not offline:
        from .errors import ArxivUnavailable
        from .sources.api import IDS_A_REQUEST, fetch_by_ids
        from .sources.http import ArxivClient
        problems: list[str] = []
        client = ArxivClient()
        if (requests := -(-len(unknown) // IDS_A_REQUEST)) > 1:  # an imported library's minutes looked hung
            wait = (requests - 1) * client.min_interval
            print(f"  asking the arXiv API for {len(unknown)} papers: {requests} requests, {client.min_interval:g} s "
                  f"apart as arXiv asks, at least {f'{wait / 60:.0f} min' if wait >= 90 else f'{wait:g} s'}",
                  file=sys.stderr)
        try:
            found = fetch_by_ids(unknown, client, problems=problems, report_missing=False)  # named below
        except ArxivUnavailable as e:
            print(f"  {e}", file=sys.stderr)
        else:
            store.upsert_papers(found.values())
            for line in problems:
                print(f"  {line}", file=sys.stderr)
            if found:
                print(f"  read {len(found)} {plural(len(found), 'paper')} from the arXiv API")
            if missing := [i for i in unknown if i not in found]:
                store.mark_unknown_ids(missing)
                them = plural(len(missing), "it", "them")
                print(f"  arXiv does not know {len(missing)} of these ids ({_some(missing)}): check {them}, or take "
                      f"{them} back with `paperradar feedback undo ID...`", file=sys.stderr)
            return  # arXiv answered: every id is now read or known to be unknown
    if unknown:
        one = len(unknown) == 1
        they, count, them = ("it", "counts", "it") if one else ("they", "count", "them")
        print(f"  {len(unknown)} not read yet ({_some(unknown)}): {they} {count} once paperradar has read {them} "
              f"(`paperradar run` reads {them} from arXiv when online)")


def _some(ids: Sequence[str]) -> str:
    return ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")


def cmd_feedback_undo(args: argparse.Namespace) -> int:
    store = Store.open()
    try:
        sources = store.import_sources()
        imports = [v for v in args.ids if _import_source(v) in sources]
        ids = _ids([v for v in args.ids if v not in imports], "nor a file you imported (`paperradar feedback list` "
                   "names them)")
        which = {v: _import_path(v, store.import_paths(_import_source(v))) for v in dict.fromkeys(imports)}
        undone = [(v, *store.undo_import(_import_source(v), path)) for v, path in which.items()]
        taken = store.undo_feedback(ids)
    finally:
        store.close()
    for file, imported, restored in undone:
        n, name = len(imported), _import_source(file).removeprefix("import:")
        if not n:
            print(f"nothing to take back from {name}: no like it imported still stands")
            continue
        print(f"took back the {plural(n, 'like')} imported from {name} ({_some(imported)})" if n > 1 else
              f"took back the like imported from {name} ({imported[0]})")
        for kind in dict.fromkeys(restored.values()):
            again = [i for i, k in restored.items() if k == kind]
            which = "you had" if n == 1 else f"{len(again)} of them you had"
            print(f"  {which} {kind}d before the import: {kind}d again ({_some(again)})")
    if not ids:
        return 0
    if taken:
        print(f"took back what you said of {len(taken)} {plural(len(taken), 'paper')} ({_some(taken)})")
    if silent := [i for i in dict.fromkeys(ids) if i not in taken]:
        indent = "  " if taken else ""  # under the line of what was taken back, or the only line
        print(f"{indent}nothing to take back for {_some(silent)}: `paperradar feedback list` shows what you said")
    return 0


def cmd_feedback_list(args: argparse.Namespace) -> int:
    store = Store.open()
    try:
        rows, unknown, said = store.feedback(), store.unknown_ids(), store.papers_said_of()
    finally:
        store.close()
    if not rows:
        start = "`paperradar feedback like ID...` or `paperradar feedback import FILE`"
        if said:  # not "no feedback yet": the reader said something, and took it all back
            print(f"no likes or dislikes stand: you took back all you said ({said} {plural(said, 'paper')}); {start}")
        else:
            print(f"no feedback yet: {start}")
        return 0
    id_width = max([12] + [len(r["paper_id"]) for r in rows])  # old-style ids (hep-th/9901001) are longer
    source_width = max([10] + [len(r["source"]) for r in rows])
    print(f"{'said':<8} {'paper':<{id_width}} {'on (UTC)':<10}  {'from':<{source_width}}  title")
    for r in rows:
        title = r["title"] or ("(arXiv did not know this id)" if r["paper_id"] in unknown else "(not read yet)")
        print(f"{r['kind']:<8} {r['paper_id']:<{id_width}} {r['created_at'][:10]}  {r['source']:<{source_width}}  "
              f"{title}")
    return 0


def _say_skipped(found: ImportResult, every: bool) -> str | None:
    """Names the entries an import skipped: those whose braces broke, and the first SKIPPED_SHOWN of those without an
    arXiv id (`every`: all of them); returns what the line that counts them says of the others, None when all are
    named."""
    plain = 0
    for problem in found.problems:
        plain += not problem.broken
        if problem.broken or every or plain <= SKIPPED_SHOWN:
            print(f"  skipped {problem}")
    if every or plain <= SKIPPED_SHOWN:
        return None
    return f"{len(found.problems) - plain + SKIPPED_SHOWN} named above; `--all-skipped` names every one"


def cmd_feedback_import(args: argparse.Namespace) -> int:
    from .errors import BadInputFile
    from .feedback_import import import_ids
    found = import_ids(args.file)
    if not found.ids and found.skipped and found.unit != "line":  # a library of journal papers, say
        named = _say_skipped(found, args.all_skipped)
        none = (f"its one {found.unit} holds no arXiv id (named above)" if found.read == 1 else
                f"none of its {found.units(found.read)} holds an arXiv id ({named or 'each is named above'})")
        raise BadInputFile(str(args.file), None, f"{none}: paperradar learns from arXiv papers, known by an arXiv "
                           "link, an eprint or a 10.48550/arXiv DOI")
    if not found.ids:  # an empty file, or the wrong one: not an import of nothing
        raise BadInputFile(str(args.file), None, f"no arXiv id found in it; `feedback import` reads {IMPORT_READS}")
    store = Store.open()
    try:
        before = store.words()
        n = store.add_feedback(found.ids, "like", f"import:{args.file.name}", str(args.file.resolve()))
        print(f"imported {n} {plural(n, 'like')} from {args.file}")
        _say_changed(before, found.ids, "like")
        named = _say_skipped(found, args.all_skipped)
        if found.skipped:  # after them: the count a long list of journal papers scrolls out of sight
            print(f"  skipped {found.skipped} of its {found.units(found.read)} ({named or 'named above'})")
        _read_unknown(store, found.ids, offline=args.offline)
    finally:
        store.close()
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from .replay import replay
    profile = _profile(args, example_default=True)
    if args.json and args.json.is_dir():  # before hours of replay, not after (replay makes its folder)
        print(f"paperradar: error: {args.json} is a folder: give a file, e.g. {args.json / 'replay.json'}",
              file=sys.stderr)
        return 1
    replay(args.days_dir, warmup_dir=args.warmup, use_feedback=not args.no_feedback, profile=profile,
           json_path=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
