"""The SQLite store: papers, listings, runs, judgements, feedback, token spend, embedding vectors.

The only module that touches the database. One file, `paperradar.db`, in the data directory:
`$PAPERRADAR_HOME` when set (tests use it to isolate themselves), else `~/.local/share/paperradar`.
Schema changes go through the numbered migrations below, recorded in the `migrations` table.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, replace
from datetime import date, datetime, timezone
from pathlib import Path

import numpy as np

from .causes import Cause
from .errors import StoreError
from .filelock import locked
from .models import (Author, BatchResult, FailedBatches, Field, Judgement, LLMSettings, Paper, Profile, RunFacts,
                     TokenUsage)

MIGRATIONS: list[tuple[str, str]] = [
    ("create core tables", """
        CREATE TABLE papers (
            id TEXT PRIMARY KEY, version INTEGER NOT NULL, title TEXT NOT NULL, authors TEXT NOT NULL,
            abstract TEXT NOT NULL, categories TEXT NOT NULL, announce_date TEXT NOT NULL,
            announce_type TEXT NOT NULL, comment TEXT, updated_at TEXT NOT NULL);
        CREATE TABLE listings (
            announce_date TEXT NOT NULL, paper_id TEXT NOT NULL, position INTEGER NOT NULL,
            PRIMARY KEY (announce_date, paper_id));
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, announce_date TEXT, source TEXT NOT NULL,
            status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, facts TEXT, message TEXT);
        CREATE TABLE judgements (
            paper_id TEXT NOT NULL, paper_version INTEGER NOT NULL, scorer TEXT NOT NULL,
            profile_version TEXT NOT NULL, score REAL NOT NULL, field TEXT, reason TEXT NOT NULL,
            run_id INTEGER, created_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, paper_version, scorer, profile_version));
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL, announce_date TEXT NOT NULL,
            scorer TEXT NOT NULL, model TEXT, paper_ids TEXT NOT NULL, failure TEXT,
            prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT, paper_id TEXT NOT NULL, kind TEXT NOT NULL,
            source TEXT NOT NULL, created_at TEXT NOT NULL, undone_at TEXT);
        CREATE INDEX feedback_paper ON feedback (paper_id);
        CREATE TABLE shown (
            announce_date TEXT NOT NULL, paper_id TEXT NOT NULL, PRIMARY KEY (announce_date, paper_id));
        CREATE TABLE vectors (
            model TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (model, key));
    """),
    ("record which papers had their affiliations looked up", """
        CREATE TABLE affiliation_checks (
            paper_id TEXT NOT NULL, version INTEGER NOT NULL, found INTEGER NOT NULL, checked_at TEXT NOT NULL,
            PRIMARY KEY (paper_id, version));
    """),
    ("record the liked or disliked ids that the arXiv API did not know", """
        CREATE TABLE unknown_ids (paper_id TEXT PRIMARY KEY, checked_at TEXT NOT NULL);
    """),
    ("count the requests whose endpoint reported no token usage", """
        ALTER TABLE batches ADD COLUMN unreported_requests INTEGER NOT NULL DEFAULT 0;
    """),
    ("index the listings by paper, for the date of a paper's first listing", """
        CREATE INDEX listings_paper ON listings (paper_id, announce_date);
    """),
    ("record the announce type and version each listing gave its papers", """
        ALTER TABLE listings ADD COLUMN announce_type TEXT;
        ALTER TABLE listings ADD COLUMN version INTEGER;
    """),
    ("record the profile each day was published with", """
        ALTER TABLE runs ADD COLUMN profile TEXT;
    """),
    ("record which disliked paper lowered a local judgement, and by how many points", """
        ALTER TABLE judgements ADD COLUMN disliked TEXT;
        ALTER TABLE judgements ADD COLUMN dislike_drop REAL NOT NULL DEFAULT 0;
    """),
    ("record the file each import read, to tell apart two files of one name", """
        ALTER TABLE feedback ADD COLUMN import_path TEXT;
    """),
    ("record which words the reader took back, apart from those a later word replaced", """
        ALTER TABLE feedback ADD COLUMN taken_back INTEGER NOT NULL DEFAULT 0;
    """),
]


# a stored paper's date: its first listing's, or where no listing read it, the date its source stated (the API's
# submission date of a paper liked before it was listed); `papers` and `announce_dates` must agree on it
_DATED = "COALESCE((SELECT MIN(l.announce_date) FROM listings l WHERE l.paper_id = p.id), p.announce_date)"
PAGE_SIZE = 16384  # 2,000 vectors took 4,217 bytes each on disk with 4 KB pages, 2,580 with these

def data_dir() -> Path:
    """Where paperradar keeps its state; one environment variable moves it."""
    home = os.environ.get("PAPERRADAR_HOME")
    return Path(home) if home else Path.home() / ".local" / "share" / "paperradar"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    FILENAME = "paperradar.db"
    BUSY_TIMEOUT_S = 5.0  # how long a write waits for another program's lock before saying so

    def __init__(self, path: Path):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            why = "a file is in the way" if isinstance(e, (FileExistsError, NotADirectoryError)) else e.strerror
            raise StoreError(f"cannot keep the store in {path.parent} ({why}): set PAPERRADAR_HOME to a folder "
                             f"you can write") from e
        try:
            self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # a vector (2 KB) fills half a 4 KB page alone, leaving the rest empty; a store made earlier keeps its own
            self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA busy_timeout={int(self.BUSY_TIMEOUT_S * 1000)}")
            self._migrate()
        except sqlite3.DatabaseError as e:
            raise self._plainly(e) or StoreError(f"{path}: not a usable paperradar database ({e})") from e
        self.db.row_factory = sqlite3.Row

    def _plainly(self, e: sqlite3.DatabaseError) -> StoreError | None:
        """What the reader can do about an SQLite error that is not paperradar's bug, or None for one that is."""
        if e.sqlite_errorname.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(f"{self.path}: locked by another program for over {self.BUSY_TIMEOUT_S:g} s (a sqlite3 "
                              f"shell or a database browser in the middle of a change?): close it, then run again; "
                              f"what was saved before is kept")
        if e.sqlite_errorname.startswith("SQLITE_CORRUPT"):
            return StoreError(f"{self.path}: the database file is damaged ({e}); keep a copy of it: sqlite3's .recover "
                              f"command may save what it holds")
        return None

    @classmethod
    def open(cls, directory: Path | None = None) -> Store:
        return cls((directory or data_dir()) / cls.FILENAME)

    @classmethod
    def exists(cls, directory: Path | None = None) -> bool:
        """Whether a store was ever opened there (`open` would create one)."""
        return ((directory or data_dir()) / cls.FILENAME).exists()

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Every statement inside committed together, or none of them: the connection autocommits each statement
        otherwise (isolation_level=None), and `with self.db` alone begins no transaction. IMMEDIATE takes the write
        lock at once, so a second process waits its busy_timeout for it instead of failing half-way."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            yield

    def one_run_at_a_time(self, waiting: Callable[[], None]) -> contextlib.AbstractContextManager[int | None]:
        """Hold this store's run lock (a locked file beside the database) while a run judges and publishes, so two
        runs on one store (cron's and one by hand) never judge the same papers twice: the second calls `waiting`,
        waits, and then judges only what the first left. Where no lock can be had, runs are not serialised."""
        return locked(self.path.with_name(self.path.name + ".run-lock"), waiting=waiting)

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "applied_at TEXT NOT NULL)")
        done = {r[0] for r in self.db.execute("SELECT id FROM migrations")}
        if done and max(done) > len(MIGRATIONS):
            raise StoreError(f"{self.path}: written by a newer paperradar (schema {max(done)}); upgrade paperradar")
        for number, (name, sql) in enumerate(MIGRATIONS, 1):
            if number in done:
                continue
            with self._transaction():
                for statement in filter(str.strip, sql.split(";")):
                    self.db.execute(statement)
                self.db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (number, name, _now()))

    # papers and listings

    def upsert_papers(self, papers: Iterable[Paper]) -> None:
        """Insert or update papers; affiliations a source stated earlier survive a feed that lacks them."""
        papers = list(papers)
        known = self.papers([p.id for p in papers])
        papers = [_keep_affiliations(p, known.get(p.id)) for p in papers]
        rows = [(p.id, p.version, p.title, _authors_json(p.authors),
                 p.abstract, json.dumps(list(p.categories)), p.announce_date.isoformat(), p.announce_type,
                 p.comment, _now()) for p in papers]
        with self._transaction():
            self.db.executemany(
                "INSERT INTO papers VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "version=excluded.version, title=excluded.title, authors=excluded.authors, "
                "abstract=excluded.abstract, categories=excluded.categories, comment=excluded.comment, "
                "updated_at=excluded.updated_at WHERE excluded.version >= papers.version", rows)

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        """The stored papers, each dated by the first listing that announced it (the date its source stated, the
        API's submission date say, only for a paper no listing read)."""
        out: dict[str, Paper] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT p.*, {_DATED} AS dated FROM papers p WHERE p.id IN ({marks})", chunk):
                out[r["id"]] = _paper(r, date.fromisoformat(r["dated"]))
        return out

    def announce_dates(self, ids: Sequence[str]) -> dict[str, date]:
        """paper id -> its date as `papers` gives it (its first listing's), without reading the papers themselves."""
        out: dict[str, date] = {}
        for chunk in _chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            for pid, day in self.db.execute(f"SELECT p.id, {_DATED} FROM papers p WHERE p.id IN ({marks})", chunk):
                out[pid] = date.fromisoformat(day)
        return out

    def unchecked_affiliations(self, papers: Sequence[Paper]) -> list[Paper]:
        """The papers whose affiliations were never looked up at their current version."""
        done = {(r[0], r[1]) for r in self.db.execute("SELECT paper_id, version FROM affiliation_checks")}
        return [p for p in papers if (p.id, p.version) not in done]

    def record_affiliations(self, checked: Sequence[Paper], found: dict[str, tuple[Author, ...]]) -> None:
        """Keep the authors a source stated; papers whose source could not be read are asked again next time."""
        with self._transaction():
            for p in checked:
                if p.id not in found:
                    continue
                self.db.execute("UPDATE papers SET authors = ? WHERE id = ? AND version = ?",
                                (_authors_json(found[p.id]), p.id, p.version))
                self.db.execute("INSERT OR REPLACE INTO affiliation_checks VALUES (?,?,?,?)",
                                (p.id, p.version, int(any(a.affiliations for a in found[p.id])), _now()))

    def record_listing(self, announce_date: date, papers: Sequence[Paper]) -> None:
        day = announce_date.isoformat()
        with self._transaction():
            self.db.execute("DELETE FROM listings WHERE announce_date = ?", (day,))
            self.db.executemany("INSERT INTO listings VALUES (?,?,?,?,?)",
                                [(day, p.id, i, p.announce_type, p.version) for i, p in enumerate(papers)])

    def listing(self, announce_date: date) -> list[Paper]:
        """The papers of a day's listing, in its order, as that listing gave them: its date, its announce type (a
        paper new one day is a replacement another) and its version (the judgements of that day are of it)."""
        rows = self.db.execute("SELECT p.*, l.announce_type AS listed_type, l.version AS listed_version "
                               "FROM listings l JOIN papers p ON p.id = l.paper_id "
                               "WHERE l.announce_date = ? ORDER BY l.position", (announce_date.isoformat(),))
        return [replace(_paper(r, announce_date), announce_type=r["listed_type"] or r["announce_type"],
                        version=r["listed_version"] or r["version"]) for r in rows]  # NULL: recorded before both

    def listing_dates(self) -> list[date]:
        rows = self.db.execute("SELECT DISTINCT announce_date FROM listings ORDER BY announce_date")
        return [date.fromisoformat(r[0]) for r in rows]

    def published_date_of(self, ids: Sequence[str]) -> date | None:
        """The date of an already published listing with exactly these papers, if any."""
        wanted = sorted(set(ids))
        if not wanted:
            return None
        for (day,) in self.db.execute("SELECT DISTINCT announce_date FROM runs WHERE status = 'done' "
                                      "AND announce_date IS NOT NULL ORDER BY announce_date DESC"):
            have = [r[0] for r in self.db.execute(
                "SELECT paper_id FROM listings WHERE announce_date = ? ORDER BY paper_id", (day,))]
            if have == wanted:
                return date.fromisoformat(day)
        return None

    # judgements

    def judgements(self, papers: Sequence[Paper], scorer: str, profile_version: str) -> dict[str, Judgement]:
        """The stored judgements of these papers at their current version, by this scorer and profile."""
        versions = {p.id: p.version for p in papers}
        out: dict[str, Judgement] = {}
        for chunk in _chunks(list(versions), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT * FROM judgements WHERE scorer = ? AND profile_version = ? "
                                   f"AND paper_id IN ({marks})", [scorer, profile_version, *chunk])
            for r in rows:
                if r["paper_version"] == versions[r["paper_id"]]:
                    out[r["paper_id"]] = Judgement(r["paper_id"], r["score"], r["field"], r["reason"],
                                                   r["scorer"], r["paper_version"], r["profile_version"],
                                                   r["disliked"], r["dislike_drop"])
        return out

    def put_batch(self, run_id: int, announce_date: date, scorer: str, batch: BatchResult) -> None:
        """Commit one batch's judgements and its token spend together, as soon as it arrives."""
        rows = [(j.paper_id, j.paper_version, j.scorer, j.profile_version, j.score, j.field, j.reason, run_id,
                 _now(), j.disliked, j.dislike_drop) for j in batch.judgements]
        u = batch.usage
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO judgements VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            self.db.execute(
                "INSERT INTO batches (run_id, announce_date, scorer, model, paper_ids, failure, prompt_tokens, "
                "completion_tokens, reasoning_tokens, unreported_requests, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, announce_date.isoformat(), scorer, batch.model,
                 json.dumps(list(batch.paper_ids or [j.paper_id for j in batch.judgements])), batch.failure,
                 u.prompt, u.completion, u.reasoning, u.unreported, _now()))

    def spend(self, announce_date: date, scorer_prefix: str = "llm:") -> tuple[TokenUsage, str | None]:
        """Tokens spent on a listing by every run so far, and the last model the endpoint named."""
        row = self.db.execute(
            "SELECT COALESCE(SUM(prompt_tokens),0), COALESCE(SUM(completion_tokens),0), "
            "COALESCE(SUM(reasoning_tokens),0), COALESCE(SUM(unreported_requests),0) FROM batches "
            "WHERE announce_date = ? AND scorer LIKE ?",
            (announce_date.isoformat(), scorer_prefix + "%")).fetchone()
        model = self.db.execute("SELECT model FROM batches WHERE announce_date = ? AND scorer LIKE ? AND "
                                "model IS NOT NULL ORDER BY id DESC LIMIT 1",
                                (announce_date.isoformat(), scorer_prefix + "%")).fetchone()
        return TokenUsage(*row), (model[0] if model else None)

    def models_of(self, judgements: Iterable[Judgement]) -> list[str]:
        """The models the endpoint named in the answers that gave these judgements (verdicts carried over from an
        earlier day's run too), the model of the most judgements first."""
        runs: dict[tuple[int, str], set[str]] = {}  # (run, scorer) -> the papers it judged among these
        for paper_id, scorer, run_id in self._made_by(judgements):
            runs.setdefault((run_id, scorer), set()).add(paper_id)
        counts: dict[str, int] = {}
        for chunk in _chunks(sorted({run for run, _ in runs}), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute("SELECT run_id, scorer, model, paper_ids FROM batches WHERE failure IS NULL AND "
                                     f"model IS NOT NULL AND run_id IN ({marks})", chunk):
                judged = runs.get((r["run_id"], r["scorer"]), set()) & set(json.loads(r["paper_ids"]))
                counts[r["model"]] = counts.get(r["model"], 0) + len(judged)
        return sorted((m for m, n in counts.items() if n), key=lambda m: (-counts[m], m))

    def judged_on_other_days(self, judgements: Iterable[Judgement], announce_date: date) -> int:
        """How many of these judgements a run gave for another day's listing: a paper listed again (a cross-list, a
        listing re-read) keeps its verdict, whose tokens that day paid."""
        made = self._made_by(judgements)
        days: dict[int, str | None] = {}
        for chunk in _chunks(sorted({run_id for _, _, run_id in made}), 500):
            marks = ",".join("?" * len(chunk))
            days.update(self.db.execute(f"SELECT id, announce_date FROM runs WHERE id IN ({marks})", chunk).fetchall())
        return sum(days.get(run_id) not in (None, announce_date.isoformat()) for _, _, run_id in made)

    def _made_by(self, judgements: Iterable[Judgement]) -> list[tuple[str, str, int]]:
        """(paper id, scorer, run id) of each of these judgements that a run of this store made."""
        made = {(j.paper_id, j.paper_version, j.scorer, j.profile_version) for j in judgements}
        out: list[tuple[str, str, int]] = []
        for chunk in _chunks(sorted({key[0] for key in made}), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute("SELECT paper_id, paper_version, scorer, profile_version, run_id FROM judgements "
                                     f"WHERE paper_id IN ({marks})", chunk):
                if r["run_id"] is not None and tuple(r)[:4] in made:
                    out.append((r["paper_id"], r["scorer"], r["run_id"]))
        return out

    def spend_by_run(self, run_ids: Sequence[int], scorer_prefix: str = "llm:") -> dict[int, tuple[int, TokenUsage]]:
        """run id -> (papers judged, tokens spent) by that run alone: a re-run that sent nothing spent nothing."""
        out: dict[int, tuple[int, TokenUsage]] = {}
        for chunk in _chunks(list(run_ids), 500):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                    "SELECT run_id, COALESCE(SUM(CASE WHEN failure IS NULL THEN json_array_length(paper_ids) END), 0), "
                    "SUM(prompt_tokens), SUM(completion_tokens), SUM(reasoning_tokens), SUM(unreported_requests) "
                    "FROM batches "
                    f"WHERE scorer LIKE ? AND run_id IN ({marks}) GROUP BY run_id", [scorer_prefix + "%", *chunk]):
                out[r[0]] = (r[1], TokenUsage(r[2], r[3], r[4], r[5]))
        return out

    def tokens_spent_on(self, day: date) -> int:
        """Tokens sent and received on a calendar day (UTC), for the daily budget."""
        row = self.db.execute("SELECT COALESCE(SUM(prompt_tokens + completion_tokens), 0) FROM batches "
                              "WHERE substr(created_at, 1, 10) = ?", (day.isoformat(),)).fetchone()
        return int(row[0])

    # runs

    def start_run(self, source: str, announce_date: date | None = None) -> int:
        cur = self.db.execute("INSERT INTO runs (announce_date, source, status, started_at) VALUES (?,?,?,?)",
                              (announce_date.isoformat() if announce_date else None, source, "running", _now()))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, facts: RunFacts | None = None, message: str = "",
                   profile: Profile | None = None) -> None:
        """`profile`: the one the day was published with, which re-renders it after the reader edits theirs."""
        blob = json.dumps(_facts_to_json(facts), ensure_ascii=False) if facts else None
        day = facts.announce_date.isoformat() if facts else None
        kept = json.dumps(asdict(profile), ensure_ascii=False) if profile else None
        self.db.execute("UPDATE runs SET status = ?, finished_at = ?, facts = ?, message = ?, profile = ?, "
                        "announce_date = COALESCE(?, announce_date) WHERE id = ?",
                        (status, _now(), blob, message, kept, day, run_id))

    def close_dead_runs(self) -> None:
        """Mark the runs still 'running' as died: called while holding the run lock, so no process is running them
        (the OOM killer, a power cut); without this `paperradar history` showed them running for ever."""
        said = "stopped before it finished: killed, or the machine went down; what it judged is kept"
        self.db.execute("UPDATE runs SET status = 'died', finished_at = ?, message = ? WHERE status = 'running'",
                        (_now(), said))

    def last_facts(self, announce_date: date, profile_version: str | None = None) -> RunFacts | None:
        row = self._last_published(announce_date, profile_version)
        return _facts_from_json(json.loads(row["facts"])) if row else None

    def published_profile(self, announce_date: date, profile_version: str | None = None) -> Profile | None:
        """The profile the day's last published run used; None for a day published before runs recorded it."""
        row = self._last_published(announce_date, profile_version)
        return _profile_from_json(json.loads(row["profile"])) if row and row["profile"] else None

    def _last_published(self, announce_date: date, profile_version: str | None = None) -> sqlite3.Row | None:
        """The day's last run that published it (with that profile version, when given: two profiles on one store
        publish the same day into two folders): its facts and profile are what the day's pages show."""
        where, args = "announce_date = ? AND status = 'done' AND facts IS NOT NULL", [announce_date.isoformat()]
        if profile_version is not None:
            where += " AND json_extract(facts, '$.profile_version') = ?"
            args.append(profile_version)
        return self.db.execute(f"SELECT facts, profile FROM runs WHERE {where} ORDER BY id DESC LIMIT 1",
                               args).fetchone()

    def runs(self, limit: int = 30) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)))

    def published_dates(self) -> list[date]:
        rows = self.db.execute("SELECT DISTINCT announce_date FROM runs WHERE status = 'done' AND facts IS NOT "
                               "NULL ORDER BY announce_date")
        return [date.fromisoformat(r[0]) for r in rows]

    # feedback and what the reader was shown

    def mark_shown(self, announce_date: date, ids: Iterable[str]) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR IGNORE INTO shown VALUES (?, ?)",
                                [(announce_date.isoformat(), i) for i in ids])

    def add_feedback(self, paper_ids: Iterable[str], kind: str, source: str, import_path: str | None = None) -> int:
        """Record likes or dislikes (those an import read from the file at `import_path`); a new word on a paper
        replaces the reader's earlier one."""
        ids, now = list(dict.fromkeys(paper_ids)), _now()
        with self._transaction():
            for pid in ids:  # the word replaced ends when the new one starts: `undo_import` finds it by that
                self.db.execute("UPDATE feedback SET undone_at = ? WHERE paper_id = ? AND undone_at IS NULL",
                                (now, pid))
                self.db.execute("INSERT INTO feedback (paper_id, kind, source, created_at, import_path) "
                                "VALUES (?,?,?,?,?)", (pid, kind, source, now, import_path))
        return len(ids)

    def undo_feedback(self, paper_ids: Iterable[str]) -> list[str]:
        """Takes back what the reader said of these papers; returns those it had said something of."""
        taken = []
        with self._transaction():
            for pid in dict.fromkeys(paper_ids):
                if self.db.execute("UPDATE feedback SET undone_at = ?, taken_back = 1 WHERE paper_id = ? AND "
                                   "undone_at IS NULL", (_now(), pid)).rowcount:
                    taken.append(pid)
        return taken

    def undo_import(self, source: str, import_path: str | None = None) -> tuple[list[str], dict[str, str]]:
        """Takes back the words `source` (an import, of the file at `import_path` when given, and those an import of
        that name recorded before paths were) said that still stand, and says again the word each one replaced, said
        elsewhere; returns the papers taken back, and those whose earlier word came back with it."""
        def same_import(row: sqlite3.Row) -> bool:
            return row["source"] == source and (import_path is None or row["import_path"] in (None, import_path))

        taken, restored = [], {}
        now = _now()
        with self._transaction():
            for row in list(self.db.execute("SELECT * FROM feedback WHERE source = ? AND undone_at IS NULL "
                                            "ORDER BY id", (source,))):
                if not same_import(row):
                    continue
                self.db.execute("UPDATE feedback SET undone_at = ?, taken_back = 1 WHERE id = ?", (now, row["id"]))
                taken.append(row["paper_id"])
                replaced = row  # past the words of the same import done again, and those taken back since
                while replaced is not None and (same_import(replaced) or replaced["taken_back"]):
                    replaced = self.db.execute("SELECT * FROM feedback WHERE paper_id = ? AND id < ? AND undone_at = ? "
                                               "ORDER BY id DESC LIMIT 1",
                                               (row["paper_id"], replaced["id"], replaced["created_at"])).fetchone()
                if replaced is not None:  # said again now, so that the history of what stood when is kept
                    self.db.execute("INSERT INTO feedback (paper_id, kind, source, created_at, import_path) "
                                    "VALUES (?,?,?,?,?)", (row["paper_id"], replaced["kind"], replaced["source"], now,
                                                           replaced["import_path"]))
                    restored[row["paper_id"]] = replaced["kind"]
        return taken, restored

    def import_sources(self) -> set[str]:
        """The sources of the imports ever made: 'import:zotero.bib'."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT source FROM feedback WHERE source LIKE 'import:%'")}

    def import_paths(self, source: str) -> dict[str | None, int]:
        """The files the imports named `source` read ('/home/ana/zotero.bib', None for those recorded before paths
        were) -> how many of the words each said still stand."""
        return {r[0]: r[1] for r in self.db.execute("SELECT import_path, COUNT(*) - COUNT(undone_at) FROM feedback "
                                                    "WHERE source = ? GROUP BY import_path", (source,))}

    def words(self) -> dict[str, str]:
        """paper id -> the reader's standing word on it, "like" or "dislike"."""
        return {r["paper_id"]: r["kind"] for r in self.feedback()}

    def liked(self, at: datetime | None = None) -> set[str]:
        """The papers the reader liked, as their words stood `at` (now when None)."""
        if at is None:
            return {pid for pid, word in self.words().items() if word == "like"}
        moment = at.astimezone(timezone.utc).isoformat(timespec="seconds")
        rows = self.db.execute("SELECT paper_id FROM feedback WHERE kind = 'like' AND created_at <= ? AND "
                               "(undone_at IS NULL OR undone_at > ?)", (moment, moment))
        return {r[0] for r in rows}

    def feedback(self) -> list[sqlite3.Row]:
        """The reader's standing word on each paper, newest first."""
        return list(self.db.execute("SELECT f.*, p.title FROM feedback f LEFT JOIN papers p ON p.id = f.paper_id "
                                    "WHERE f.undone_at IS NULL ORDER BY f.id DESC"))

    def papers_said_of(self) -> int:
        """How many papers the reader ever liked or disliked, their word standing or taken back since."""
        return int(self.db.execute("SELECT COUNT(DISTINCT paper_id) FROM feedback").fetchone()[0])

    def mark_unknown_ids(self, paper_ids: Iterable[str]) -> None:
        """Ids the arXiv API answered for and did not know (a typo that still looks like an id)."""
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO unknown_ids VALUES (?, ?)", [(i, _now()) for i in paper_ids])

    def unknown_ids(self, since: datetime | None = None) -> set[str]:
        """The ids `mark_unknown_ids` recorded (since `since`, when given)."""
        rows = self._where("SELECT paper_id FROM unknown_ids", "checked_at >= ?",
                           since and since.isoformat(timespec="seconds"))
        return {r[0] for r in rows}

    def listed_before(self, day: date | None) -> set[str]:
        """Every paper of the listings paperradar read before `day` (all of them when None)."""
        return {r[0] for r in self._where("SELECT DISTINCT paper_id FROM listings", "announce_date < ?",
                                          day and day.isoformat())}

    def shown_before(self, day: date | None) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._where("SELECT announce_date, paper_id FROM shown", "announce_date < ?",
                                                  day and day.isoformat())]

    def _where(self, sql: str, condition: str, value: str | None) -> sqlite3.Cursor:
        """`sql` over the rows that meet `condition` (one `?`, bound to `value`), or over all rows when `value` is
        None: the optional date bound of `listed_before`, `shown_before` and `unknown_ids`."""
        return self.db.execute(f"{sql} WHERE {condition}", (value,)) if value is not None else self.db.execute(sql)

    def llm_verdicts(self, profile_version: str, before: date | None) -> dict[str, tuple[float, str | None, str]]:
        """paper id -> (score, field, profile version) of the LLM judgement of papers listed before `before`, made
        by a run of a day before it (a paper listed again on `before` and judged by that day's run is not evidence
        for that day): the newest made under `profile_version`, else the newest under an earlier version."""
        sql = ("SELECT j.paper_id, j.score, j.field, j.profile_version FROM judgements j WHERE j.scorer LIKE 'llm:%' "
               "AND EXISTS (SELECT 1 FROM listings l WHERE l.paper_id = j.paper_id")
        args: list[str] = []
        if before:
            sql += (" AND l.announce_date < ?) AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = j.run_id "
                    "AND r.announce_date >= ?")
            args += [before.isoformat()] * 2
        rows = self.db.execute(sql + ") ORDER BY j.profile_version = ?, j.created_at", [*args, profile_version])
        return {r["paper_id"]: (r["score"], r["field"], r["profile_version"]) for r in rows}  # a paper's last row wins

    # embedding vectors, keyed by a hash of their text (the VectorCache protocol)

    def get_vectors(self, model: str, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for chunk in _chunks(keys, 500):
            marks = ",".join("?" * len(chunk))
            for k, blob in self.db.execute(f"SELECT key, data FROM vectors WHERE model = ? AND key IN ({marks})",
                                           [model, *chunk]):
                out[k] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?)",
                                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in vectors.items()])


def _said_plainly(method: Callable) -> Callable:
    """`method`, raising a StoreError the reader can act on (see Store._plainly) in place of such an SQLite error."""
    @functools.wraps(method)
    def wrapper(self: Store, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as e:
            if (plain := self._plainly(e)) is None:
                raise
            raise plain from e
    return wrapper


# every public method: a lock or a damaged file can stop any of them, and each reads its rows before returning
for _name, _method in list(vars(Store).items()):
    if not _name.startswith("_") and inspect.isfunction(_method):
        setattr(Store, _name, _said_plainly(_method))


def _chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _authors_json(authors: Sequence[Author]) -> str:
    return json.dumps([asdict(a) for a in authors], ensure_ascii=False)


def _keep_affiliations(new: Paper, old: Paper | None) -> Paper:
    if old is None or old.version != new.version or any(a.affiliations for a in new.authors):
        return new
    if [a.name for a in old.authors] != [a.name for a in new.authors]:
        return new
    return replace(new, authors=old.authors)


def _paper(r: sqlite3.Row, dated: date) -> Paper:
    """A stored paper, dated as its caller reads it: by a listing (see `_DATED`), not by its stored column alone."""
    authors = tuple(Author(a["name"], tuple(a.get("affiliations") or ())) for a in json.loads(r["authors"]))
    return Paper(id=r["id"], title=r["title"], authors=authors, abstract=r["abstract"],
                 categories=tuple(json.loads(r["categories"])),
                 announce_date=dated,
                 announce_type=r["announce_type"], comment=r["comment"], version=r["version"])


def _facts_to_json(f: RunFacts) -> dict:
    d = asdict(f)
    d["announce_date"] = f.announce_date.isoformat()
    for k in ("started_at", "finished_at"):
        d[k] = d[k].isoformat() if d[k] else None
    d["failed_batches"] = [{**asdict(b), **({"cause": b.failure.to_json()} if isinstance(b.failure, Cause) else {})}
                           for b in f.failed_batches]
    return d


def failed_batches_from_json(recorded: str | dict) -> FailedBatches:
    """One entry of a run's recorded `failed_batches`: its cause where the run recorded one this version can say,
    else its English line."""
    if isinstance(recorded, str):  # earlier versions kept one English line per failure
        return FailedBatches(recorded)
    failure = recorded["failure"]
    if recorded.get("cause") is not None:
        try:
            failure = Cause.from_json(recorded["cause"])
        except (KeyError, ValueError, TypeError):  # a newer version's cause: its English line says it
            pass
    return FailedBatches(failure, recorded["batches"], tuple(recorded["paper_ids"]), recorded.get("unsent", 0))


def _profile_from_json(d: dict) -> Profile:
    d = dict(d)
    for k in ("fields", "avoid"):
        d[k] = tuple(Field(f["name"], tuple(f["about"]), f["description"]) for f in d[k])
    for k in ("categories", "announce_types"):
        d[k] = tuple(d[k])
    d["llm"] = LLMSettings(**d["llm"]) if d.get("llm") else None
    return Profile(**d)


def _facts_from_json(d: dict) -> RunFacts:
    d = dict(d)
    d["announce_date"] = date.fromisoformat(d["announce_date"])
    for k in ("started_at", "finished_at"):
        d[k] = datetime.fromisoformat(d[k]) if d.get(k) else None
    d["tokens"] = TokenUsage(**d["tokens"])
    d["failed_batches"] = tuple(failed_batches_from_json(b) for b in d.get("failed_batches") or ())
    return RunFacts(**d)
