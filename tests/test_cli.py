"""The `paperradar` command end to end: real store, real bundled day, real embedded model, real local arXiv."""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from paperradar import cli
from paperradar.cli import build_parser, main
from paperradar.sources import http as arxiv_http
from sources.arxiv_server import ArxivServer

from _folder import front_page as _front_page
from _paths import FIXTURES, SEED_DAYS


def _subparsers(parser: argparse.ArgumentParser, prefix: str = "") -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                assert helps.get(name), f"`paperradar {prefix}{name}` has no help line"
                found.append((prefix + name, sub))
                found += _subparsers(sub, prefix + name + " ")
    return found


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = _subparsers(build_parser())
    names = {n for n, _ in commands}
    assert {"init", "run", "demo", "render", "history", "feedback", "feedback like", "feedback dislike",
            "feedback undo", "feedback list", "feedback import", "replay"} <= names
    for name, sub in commands:
        assert sub.description, f"`paperradar {name}` has no description"
        for arg in sub._actions:  # `feedback import`'s FILE and `replay`'s DAYS_DIR had none
            assert arg.help or isinstance(arg, argparse._SubParsersAction), f"`paperradar {name}` {arg.dest}: no help"
        with pytest.raises(SystemExit) as done:
            main([*name.split(), "--help"])
        assert done.value.code == 0
        assert "usage: paperradar " + name in capsys.readouterr().out


def test_every_help_that_names_data_dir_says_where_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    for name, _ in [("", None), *_subparsers(build_parser())]:
        with pytest.raises(SystemExit):
            main([*name.split(), "--help"])
        said = " ".join(capsys.readouterr().out.split())
        if "DATA_DIR" in said:
            assert "PAPERRADAR_HOME" in said and "~/.local/share/paperradar" in said, f"paperradar {name} --help"


def _a_done_run() -> None:
    """One run in the store, done: 40 papers of 2026-02-05 read."""
    from datetime import date

    from paperradar.models import RunFacts
    from paperradar.store import Store
    store = Store.open()
    try:
        store.finish_run(store.start_run("day.jsonl"), "done", RunFacts(date(2026, 2, 5), papers_read=40, scorer="s"))
    finally:
        store.close()


def test_history_help_names_only_the_columns_it_prints(capsys: pytest.CaptureFixture[str]) -> None:
    _a_done_run()
    assert main(["history"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    described = dict(_subparsers(build_parser()))["history"].description
    assert "recommended" in header or "recommended" not in described, (described, header)


def test_history_columns_line_up_whatever_the_status(capsys: pytest.CaptureFixture[str]) -> None:
    # "interrupted" is wider than the 7 columns the status had: every later column of its row moved right
    from datetime import date

    from paperradar.models import RunFacts
    from paperradar.store import Store
    store = Store.open()
    try:
        store.finish_run(store.start_run("day.jsonl", date(2026, 2, 4)), "interrupted", message="KeyboardInterrupt")
        store.finish_run(store.start_run("day.jsonl", date(2026, 2, 5)), "done",
                         RunFacts(date(2026, 2, 5), papers_read=40, scorer="s"))
        store.start_run("day.jsonl", date(2026, 2, 6))
    finally:
        store.close()
    assert main(["history"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 3
    for row in rows:
        started = re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", row)
        assert started is not None and started.start() == header.index("started (UTC)"), (header, row)
        assert row[:header.index("read") + 4].endswith(("40", " -")), (header, row)


def test_history_says_which_batches_of_a_done_run_failed(capsys: pytest.CaptureFixture[str]) -> None:
    # every LLM batch of a run failed: it still published (local scores), and history said only 'done'
    from datetime import date

    from paperradar.models import FailedBatches, RunFacts
    from paperradar.store import Store
    failed = (FailedBatches("HTTP 401: invalid api key", 8, ("2602.00001",) * 164),
              FailedBatches("timed out", 1, ("2602.00002",)))
    store = Store.open()
    try:
        store.finish_run(store.start_run("day.jsonl", date(2026, 2, 5)), "done",
                         RunFacts(date(2026, 2, 5), papers_read=287, scorer="s", failed_batches=failed))
        store.finish_run(store.start_run("day.jsonl", date(2026, 2, 6)), "done",
                         RunFacts(date(2026, 2, 6), papers_read=40, scorer="s"))
    finally:
        store.close()
    assert main(["history"]) == 0
    _, newer, older = capsys.readouterr().out.splitlines()
    assert older.endswith("  (8 batches failed: HTTP 401: invalid api key)  (1 batch failed: timed out)"), older
    assert newer.endswith("day.jsonl"), newer


def test_history_of_no_runs_is_refused_not_answered_with_no_runs_yet(capsys: pytest.CaptureFixture[str]) -> None:
    # `history -n 0` said 'no runs yet' of a store with runs; -n -1 listed them all
    _a_done_run()
    for n in ("0", "-1"):
        with pytest.raises(SystemExit) as done:
            main(["history", "-n", n])
        said = capsys.readouterr()
        assert done.value.code == 2 and said.out == "", said
        assert said.err.splitlines()[-1] == (f"paperradar history: error: argument -n: not a number of runs: '{n}' (1 "
                                             "or more, e.g. -n 10)")
    assert main(["history", "-n", "1"]) == 0 and len(capsys.readouterr().out.splitlines()) == 2


def test_feedback_without_an_action_shows_its_own_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback"]) == 2
    out = capsys.readouterr().out
    assert out.startswith("usage: paperradar feedback") and "import" in out and "replay" not in out


@pytest.mark.parametrize("command, handler, said", [
    (["run"], "cmd_run", "interrupted; every batch judged so far is saved, re-run to finish"),
    (["replay", "days"], "cmd_replay", "interrupted; the paper vectors encoded so far are cached: a re-run encodes"),
    (["feedback", "like", "2602.04264"], "cmd_feedback_say", "interrupted; what you said is saved"),
    (["history"], "cmd_history", "interrupted\n"),
])
def test_ctrl_c_says_what_that_command_kept(command: list[str], handler: str, said: str,
                                            monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def pressed(args: argparse.Namespace) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, handler, pressed)
    assert main(command) == 130
    assert capsys.readouterr().err.startswith("paperradar: " + said)


@pytest.mark.parametrize("unbuffered", ["1", None])
def test_output_piped_into_a_reader_that_stops_is_no_error(tmp_path: Path, unbuffered: str | None) -> None:
    # `paperradar feedback list | head -1`: the pipe closes before paperradar is done writing. Unbuffered (as this
    # test ran where PYTHONUNBUFFERED=1 was set) the write fails at once; buffered, as a reader's shell runs it, only
    # when Python flushes stdout at exit, which printed 'Exception ignored ... BrokenPipeError' and exited 120
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update({"PAPERRADAR_HOME": str(tmp_path), **({"PYTHONUNBUFFERED": unbuffered} if unbuffered else {})})
    child = subprocess.Popen([sys.executable, "-c", "import sys; from paperradar.cli import main; sys.exit(main())",
                              "init"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # long before the child's first line
    err = child.stderr.read().decode()
    assert child.wait(timeout=60) == 141
    assert err == ""  # was: paperradar: error: Broken pipe
    assert (tmp_path / "profile.toml").exists()


def test_init_writes_the_example_profile_once(isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init"]) == 0
    written = (isolated_home / "profile.toml").read_text(encoding="utf-8")
    assert "深度学习理论" in written and "[[avoid]]" in written
    assert main(["init"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_init_elsewhere_says_how_run_finds_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `paperradar run` alone reads DATA_DIR/profile.toml: told just that, it said "file not found: paperradar init"
    path = tmp_path / "mine.toml"
    assert main(["init", str(path)]) == 0
    assert capsys.readouterr().out == f"wrote {path}: edit its fields, then `paperradar run --profile {path}`\n"


@pytest.mark.parametrize("command", [["init"], ["init", "--force"], ["run", "--profile"], ["render", "--profile"],
                                     ["replay", "days", "--profile"]], ids=" ".join)
def test_a_folder_given_for_the_profile_is_told_to_give_the_file(tmp_path: Path, command: list[str],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # it said only "Is a directory: DIR", or for init "DIR already exists; edit it"
    folder = tmp_path / "profiles"
    folder.mkdir()
    assert main([*command, str(folder)]) == 1
    said = (f"{folder} is a folder: give the profile TOML file to write" if command[0] == "init" else
            f"{folder}: a folder: give a profile TOML file")
    assert capsys.readouterr().err == f"paperradar: error: {said}, e.g. {folder / 'profile.toml'}\n"


def test_demo_publishes_the_bundled_day_truthfully(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# ArXiv 每日推荐 - 2026-02-05")
    assert "已自动阅读了 287 篇" in readme
    assert "(Unknown)" not in readme and "doubao" not in readme
    assert "embedded" in readme  # the scorer that ran is the one named
    data = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))
    papers = data["papers"]
    assert len(papers) == 287 and all(0 <= p["score"] <= 10 for p in papers)
    recommended = [p for p in papers if p["recommended"]]
    assert 20 <= len(recommended) <= 120
    assert all("Score:" not in p["reason"] and "\n" not in p["reason"] for p in papers)
    assert (out / "site" / "index.html").exists() and (out / "site" / "2026-02-05.html").exists()
    assert "2026-02-05" in capsys.readouterr().out
    # a second run costs nothing and changes nothing
    assert main(["demo", "--out", str(out)]) == 0
    again = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["papers"]
    assert again == papers


def test_the_demo_judges_with_your_own_profile_once_you_wrote_one(tmp_path: Path, isolated_home: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    # it always used the example profile, so a robotics reader trying it saw a Chinese LLM reader's seven fields
    (tmp_path / "robot.toml").write_text(
        'language = "en"\n[[fields]]\nname = "Robot manipulation"\n'
        'about = ["robotic manipulation", "grasping", "dexterous hand"]\n', encoding="utf-8")
    assert main(["init"]) == 0
    mine = isolated_home / "profile.toml"
    mine.write_text((tmp_path / "robot.toml").read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    assert capsys.readouterr().out.startswith(f"profile: {mine}\n")
    fields = {p["field"] for p in json.loads((tmp_path / "demo" / "json" / "2026-02-05.json").read_text(
        encoding="utf-8"))["papers"]}
    assert fields == {"Robot manipulation"}
    mine.unlink()
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    assert capsys.readouterr().out.startswith("profile: the bundled example")
    assert "大模型新技术" in {p["field"] for p in json.loads((tmp_path / "demo" / "json" / "2026-02-05.json").read_text(
        encoding="utf-8"))["papers"]}


def test_the_demo_learns_from_what_you_say_of_its_papers(tmp_path: Path, isolated_home: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from paperradar.store import Store
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    shown = [p for p in json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["papers"]
             if p["recommended"]]
    assert main(["feedback", "like", "--offline", shown[0]["id"], shown[1]["id"]]) == 0
    assert main(["feedback", "dislike", "--offline", shown[2]["id"]]) == 0
    capsys.readouterr()
    assert main(["demo", "--out", str(out)]) == 0
    assert "It learned from 2 papers you liked and 1 paper you disliked." in capsys.readouterr().out
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "本地评分器 learned:v8:" in readme and "它学习了你喜欢的 2 篇和你不喜欢的 1 篇论文。" in readme
    # the papers you liked say so, as the one you disliked does (the demo's store holds none of your words)
    reasons = {p["id"]: p["reason"] for p in json.loads((out / "json" / "2026-02-05.json").read_text("utf-8"))["papers"]}
    assert {pid for pid, r in reasons.items() if "；你喜欢过这篇" in r} == {shown[0]["id"], shown[1]["id"]}
    assert "；你不喜欢这篇，已降分" in reasons[shown[2]["id"]]
    with pytest.raises(SystemExit):  # its help said it ranks "on the embedded model"
        main(["demo", "--help"])
    assert "then with the learned ranker" in " ".join(capsys.readouterr().out.split())
    # take the dislike back: likes alone teach nothing (no unwanted paper), so the digest names the scorer that
    # really decided, the profile-only one, not a learned one whose scores are the same
    assert main(["feedback", "undo", shown[2]["id"]]) == 0
    assert main(["demo", "--out", str(out)]) == 0
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "本地评分器 embedded:" in readme and "learned:v8" not in readme and "它学习了" not in readme
    store = Store.open()  # the reader's own store holds the feedback and its papers, never the demo's day
    try:
        assert store.published_dates() == [] and len(store.papers([p["id"] for p in shown])) == 3
    finally:
        store.close()


def _profile(home: Path) -> Path:
    assert main(["init"]) == 0
    return home / "profile.toml"


def test_run_reads_arxiv_and_dates_the_digest_by_the_feed(isolated_home: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    server = ArxivServer().start()
    try:
        monkeypatch.setenv("PAPERRADAR_ARXIV_RSS_URL", server.rss_url)
        monkeypatch.setenv("PAPERRADAR_ARXIV_API_URL", server.api_url)
        profile = _profile(isolated_home)
        profile.write_text(profile.read_text(encoding="utf-8").replace(
            'categories = ["cs.CV", "cs.LG", "cs.AI", "cs.RO"]', 'categories = ["cs.AI"]'), encoding="utf-8")
        out = tmp_path / "out"
        assert main(["run", "--out", str(out)]) == 0
    finally:
        server.stop()
    assert server.seen[0].path.startswith("/rss/cs.AI")
    assert all(s.headers.get("User-Agent", "").startswith("paperradar/") for s in server.seen)
    digest = json.loads((out / "json" / "2025-09-18.json").read_text(encoding="utf-8"))
    assert digest["announce_date"] == "2025-09-18"  # the feed's date, not today's
    assert [p["id"] for p in digest["papers"]] == ["2509.13332"]  # new only: cross and replace filtered out
    # the recorded API answers lack the feed's paper: said once, in the run's own words
    said = capsys.readouterr()
    assert said.err.splitlines().count("  metadata of 1 paper not enriched: the arXiv API answered without it "
                                       "(2509.13332)") == 1
    assert "2025-09-18: 1 paper read, 0 recommended" in said.out


HOLIDAY_FEED = FIXTURES / "arxiv_rss_empty_holiday_physics_2025-12-31.xml"  # arXiv's real feed of a day without papers


@contextlib.contextmanager
def _local_arxiv(monkeypatch: pytest.MonkeyPatch, rss: Path | None = None) -> Iterator[ArxivServer]:
    """arXiv on 127.0.0.1 (its day 2025-09-18, or the feed `rss`), where paperradar's RSS and API URLs point."""
    server = ArxivServer()
    if rss is not None:
        server.rss = rss.read_bytes()
    server.start()
    monkeypatch.setenv("PAPERRADAR_ARXIV_RSS_URL", server.rss_url)
    monkeypatch.setenv("PAPERRADAR_ARXIV_API_URL", server.api_url)
    try:
        yield server
    finally:
        server.stop()


def _a_day_then_the_holiday(home: Path, out: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str], before: Callable[[], object] = lambda: None) -> str:
    """Runs the local arXiv's day (2025-09-18), then its real holiday feed; what the holiday's run printed."""
    with _local_arxiv(monkeypatch) as server:
        _profile(home)
        before()
        assert main(["run", "--no-affiliations", "--out", str(out)]) == 0
        server.rss = HOLIDAY_FEED.read_bytes()
        capsys.readouterr()
        assert main(["run", "--out", str(out)]) == 0
    return capsys.readouterr().out


def test_the_holiday_feed_gives_an_empty_digest_and_status_0(isolated_home: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "o"
    said = _a_day_then_the_holiday(isolated_home, out, monkeypatch, capsys)
    assert "2025-12-31: no new papers announced" in said
    assert f"digest: {out / 'history' / '2025-12-31.md'}  site: {out / 'site' / '2025-12-31.html'}" in said
    # the last digest keeps the front page through the holiday
    assert _front_page(out) == (out / "history" / "2025-09-18.md").read_text()
    assert (out / "site" / "index.html").read_text() == (out / "site" / "2025-09-18.html").read_text()
    assert 'href="2025-12-31.html"' in (out / "site" / "index.html").read_text()


def test_a_holiday_run_does_not_say_it_learned_from_anything(isolated_home: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # a like (a paper of the bundled day) and the paper read on 2025-09-18: evidence a learned ranker could use,
    # but on a day with no papers nothing is judged, so nothing was learned
    out = tmp_path / "o"
    said = _a_day_then_the_holiday(isolated_home, out, monkeypatch, capsys,
                                   before=lambda: main(["feedback", "like", "--offline", "2602.04264"]))
    assert json.loads((out / "json" / "2025-12-31.json").read_text())["facts"]["scorer"].startswith("learned:")
    assert said.splitlines()[0] == "2025-12-31: no new papers announced"
    assert "learned" not in said


def test_a_run_that_was_killed_is_not_shown_running_for_ever(isolated_home: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date as day
    from paperradar.store import Store
    store = Store.open()  # a run the OOM killer or a power cut stopped: its row says "running", no one holds the lock
    store.start_run("https://rss.arxiv.org/rss/cs.CV", day(2025, 12, 30))
    store.close()
    with _local_arxiv(monkeypatch, rss=HOLIDAY_FEED):
        _profile(isolated_home)
        assert main(["run", "--out", str(tmp_path / "o")]) == 0
    capsys.readouterr()
    assert main(["history"]) == 0
    rows = capsys.readouterr().out.splitlines()[1:]
    assert rows[0].split()[:3] == ["2", "2025-12-31", "done"]
    assert rows[1].split()[:3] == ["1", "2025-12-30", "died"]
    assert rows[1].endswith("(stopped before it finished: killed, or the machine went down; what it judged is kept)")


KEY_LINE = ("  the LLM API key is missing: set the environment variable PAPERRADAR_TEST_UNSET_KEY (in the crontab too, "
            "for cron); the papers the LLM has not judged keep their local judgement, and a run of the day with the "
            "key set sends them to it")


def _with_llm(profile: Path, base_url: str) -> None:
    profile.write_text(profile.read_text(encoding="utf-8") + f"[llm]\nbase_url = '{base_url}'\nmodel = 'fake-model'\n"
                       "api_key_env = 'PAPERRADAR_TEST_UNSET_KEY'\n", encoding="utf-8")


def test_a_missing_llm_key_publishes_the_local_judgements_and_says_what_to_set(isolated_home: Path, tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch,
                                                                                capsys: pytest.CaptureFixture[str]
                                                                                ) -> None:
    # a crontab without the key's variable stopped every run before publishing: the day's digest was lost, while a
    # key the endpoint refused (401) published the local judgements and said what to fix
    from llm.openai_server import FakeOpenAI
    monkeypatch.delenv("PAPERRADAR_TEST_UNSET_KEY", raising=False)
    out = tmp_path / "o"
    with _local_arxiv(monkeypatch), FakeOpenAI() as llm:
        _with_llm(_profile(isolated_home), llm.v1_url)
        capsys.readouterr()
        assert main(["run", "--no-affiliations", "--out", str(out)]) == 3  # published, no paper judged by the LLM
        said = capsys.readouterr()
        assert said.err.splitlines()[0] == KEY_LINE and llm.received == []
        # it said 'failed, sent again by a re-run', and `history` '1 batch failed', of papers never sent
        assert said.out.splitlines()[1] == ("  not sent to the LLM (a re-run of the day sends them): the LLM API key is "
                                            "missing: set the environment variable PAPERRADAR_TEST_UNSET_KEY (1 paper: "
                                            "2509.13332)")
        assert main(["history"]) == 0
        assert capsys.readouterr().out.splitlines()[1].endswith(
            "  (1 paper not sent to the LLM: the LLM API key is missing: set the environment variable "
            "PAPERRADAR_TEST_UNSET_KEY)")
        digest = json.loads((out / "json" / "2025-09-18.json").read_text(encoding="utf-8"))
        assert [p["scorer"].split(":")[0] for p in digest["papers"]] == ["embedded"]
        readme = (out / "README.md").read_text(encoding="utf-8")
        # not '失败的批次：...；再次运行这一天即会重新发送这些论文' (failed batches, sent again): nothing was sent
        assert "> 未发送给 LLM 的论文：缺少 LLM 的 API 密钥：请设置环境变量 PAPERRADAR_TEST_UNSET_KEY（1 篇论文：" in readme
        assert "失败的批次" not in readme
        monkeypatch.setenv("PAPERRADAR_TEST_UNSET_KEY", "sk-test")  # the next run with the key sends the paper
        assert main(["run", "--no-affiliations", "--out", str(out)]) == 0
        assert "1 judged by fake-model" in capsys.readouterr().out and len(llm.received) == 1


def test_a_missing_llm_key_is_said_before_arxiv_is_asked(isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # it was said only after the listing and its API lookups (a dozen seconds of polite requests online), and
    # offline the reader met "arXiv could not be reached" first, the key's problem still hidden behind it
    monkeypatch.delenv("PAPERRADAR_TEST_UNSET_KEY", raising=False)
    monkeypatch.setenv("PAPERRADAR_ARXIV_RSS_URL", f"http://127.0.0.1:{_closed_port()}/rss/")
    fast = lambda *a, **k: arxiv_http.ArxivClient(*a, **{**k, "min_interval": 0.01, "backoff": 0.01})  # noqa: E731
    monkeypatch.setattr("paperradar.sources.rss.ArxivClient", fast)
    _with_llm(_profile(isolated_home), "http://127.0.0.1:9/v1")
    assert main(["run"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == KEY_LINE and err[1].startswith("paperradar: error: arXiv could not be reached")


def _closed_port() -> int:
    with socket.socket() as s:  # bound and closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_network_is_one_clear_line(isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PAPERRADAR_ARXIV_RSS_URL", f"http://127.0.0.1:{port}/rss/")
    fast = lambda *a, **k: arxiv_http.ArxivClient(*a, **{**k, "min_interval": 0.01, "backoff": 0.01})  # noqa: E731
    monkeypatch.setattr("paperradar.sources.rss.ArxivClient", fast)
    _profile(isolated_home)
    assert main(["run"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("paperradar: error: arXiv could not be reached at http://127.0.0.1")


def test_an_unexpected_failure_is_one_line_and_says_how_to_see_more(isolated_home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("something no test foresaw")

    # the one mock here: a bug has to be put in on purpose to see how the CLI reports one
    monkeypatch.setattr("paperradar.cli.Store.open", broken)
    assert main(["history"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("paperradar: error: unexpected ValueError: something no test foresaw")
    assert "PAPERRADAR_DEBUG=1" in err[0]
    monkeypatch.setenv("PAPERRADAR_DEBUG", "1")
    with pytest.raises(ValueError):
        main(["history"])


def test_a_dislike_with_nothing_wanted_to_learn_against_says_it_waits_for_a_like(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Dislikes alone teach the ranker's model nothing (it needs papers wanted and unwanted), though papers like them
    already score lower: the reader is told both once."""
    hint = ("papers like it score lower from the next run on; paperradar learns more from dislikes once it also knows "
            "papers you want: `paperradar feedback like ID...`")
    assert main(["feedback", "dislike", "--offline", "2602.03878"]) == 0
    assert hint in capsys.readouterr().out
    assert main(["feedback", "like", "--offline", "2602.04074"]) == 0
    assert main(["feedback", "dislike", "--offline", "2602.04028"]) == 0
    assert hint not in capsys.readouterr().out


def test_what_feedback_says_of_one_paper_speaks_of_one(isolated_home: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # 'papers like it' of two dislikes, and '1 of them you had liked before' of the one paper just said
    assert main(["feedback", "dislike", "--offline", "2602.03878", "2602.04028"]) == 0
    assert "  papers like them score lower from the next run on;" in capsys.readouterr().out
    assert main(["feedback", "like", "--offline", "2602.03878"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == ("  you had disliked it before, now liked (2602.03878); "
                                                       "`paperradar feedback undo` takes the word back")
    assert main(["feedback", "like", "--offline", "2602.04028", "2602.04074"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("  1 of them you had disliked before, now liked (2602.04028)")


def test_a_library_imported_again_says_its_likes_were_there_already(isolated_home: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # 'imported 2 likes' each time, as if the second import had added two
    library = tmp_path / "ids.txt"
    library.write_text("2602.04074\nhttps://arxiv.org/abs/2602.04028v2\n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(library)]) == 0
    assert "already" not in capsys.readouterr().out
    assert main(["feedback", "import", "--offline", str(library)]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "  2 of them you had liked already (2602.04074, 2602.04028)"
    assert main(["feedback", "like", "--offline", "2602.04028"]) == 0
    assert capsys.readouterr().out == "liked 1 paper\n  you had liked it already\n"


def test_a_first_dislike_sinks_the_demo_paper_and_the_papers_like_it(tmp_path: Path, isolated_home: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """'dislike 2602.04224' with nothing else said: the next digest leaves that paper out and shows the ones like it 2
    points lower, each saying why, and every other paper as it was (the dislike once changed nothing at all)."""
    out = tmp_path / "demo"

    def papers() -> dict[str, dict]:
        day = json.loads((out / "json" / "2026-02-05.json").read_text(encoding="utf-8"))
        return {p["id"]: p for p in day["papers"]}

    assert main(["demo", "--out", str(out)]) == 0
    before = papers()
    assert main(["feedback", "dislike", "--offline", "2602.04224"]) == 0
    capsys.readouterr()
    assert main(["demo", "--out", str(out)]) == 0
    assert "It learned from 1 paper you disliked." in capsys.readouterr().out
    after = papers()
    lower = {i for i in after if after[i]["score"] < before[i]["score"]}
    assert "2602.04224" in lower and len(lower) >= 3
    assert all(after[i]["score"] == before[i]["score"] for i in after if i not in lower)
    assert "；你不喜欢这篇，已降分。" in after["2602.04224"]["reason"] and not after["2602.04224"]["recommended"]
    assert all("；与你不喜欢的 2602.04224 相近，已降分。" in after[i]["reason"] for i in lower - {"2602.04224"})
    assert all(before[i]["score"] - after[i]["score"] == pytest.approx(2.0, abs=0.11) for i in lower - {"2602.04224"})


def test_feedback_list_has_a_header_aligned_with_its_columns(isolated_home: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback", "list"]) == 0
    assert capsys.readouterr().out == ("no feedback yet: `paperradar feedback like ID...` or `paperradar feedback "
                                       "import FILE`\n")  # no header over nothing
    library = tmp_path / "my-zotero-library-export.txt"
    library.write_text("hep-th/9901001\n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(library)]) == 0
    assert main(["feedback", "dislike", "--offline", "2602.03878"]) == 0
    capsys.readouterr()
    assert main(["feedback", "list"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == ["said", "paper", "on", "(UTC)", "from", "title"]
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S", header)]
    del starts[3]  # "(UTC)" belongs to "on"
    for row in rows:  # each column starts under its name
        assert [m.start() for m in re.finditer(r"(?<!\S)\S", row)][:5] == starts, (header, row)
    # the widest source ('import:my-zotero-library-export.txt') left one space before the title, where the date
    # has two: the columns are two spaces apart there too
    assert all(row[starts[-1] - 2:starts[-1]] == "  " for row in [header, *rows]), [header, *rows]


def test_feedback_list_after_every_word_was_taken_back_says_so(isolated_home: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # it said "no feedback yet", as if the reader had never said anything
    assert main(["feedback", "like", "--offline", "2602.04074", "2602.04028"]) == 0
    assert main(["feedback", "dislike", "--offline", "2602.04074"]) == 0  # a word replaced is one paper, not two
    assert main(["feedback", "undo", "2602.04074", "2602.04028"]) == 0
    capsys.readouterr()
    assert main(["feedback", "list"]) == 0
    assert capsys.readouterr().out == ("no likes or dislikes stand: you took back all you said (2 papers); "
                                       "`paperradar feedback like ID...` or `paperradar feedback import FILE`\n")


def test_feedback_like_list_undo_and_import(isolated_home: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback", "like", "--offline", "2602.04074", "https://arxiv.org/abs/2602.04028v2"]) == 0
    said = capsys.readouterr().out
    assert "read 2 papers from the bundled sample day" in said and "not read yet" not in said
    assert main(["feedback", "dislike", "--offline", "arXiv:2602.03878"]) == 0
    assert main(["feedback", "list"]) == 0
    listed = capsys.readouterr().out
    assert "like     2602.04074" in listed and "like     2602.04028" in listed and "dislike  2602.03878" in listed
    capsys.readouterr()
    assert main(["feedback", "undo", "2602.04028", "2602.09999"]) == 0
    said = capsys.readouterr().out
    assert "took back what you said of 1 paper (2602.04028)" in said
    assert "\n  nothing to take back for 2602.09999" in said
    assert main(["feedback", "undo", "2602.09999"]) == 0  # the only line is not indented as if under another
    assert capsys.readouterr().out.startswith("nothing to take back for 2602.09999: `paperradar feedback list`")
    bib = tmp_path / "mine.bib"
    bib.write_text("@article{morris2026,\n  title={Learning to Reason in 13 Parameters},\n  author={Morris, John X.},"
                   "\n  journal={arXiv preprint arXiv:2602.04118},\n  year={2026}\n}\n"
                   "@misc{x, title={No id here}, year={2020}}\n"
                   "@misc{y, title={Once disliked}, eprint={2602.03878}, archivePrefix={arXiv}}\n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(bib)]) == 0
    # a library that holds a paper the reader disliked: the like replaces the dislike, and the import says so
    assert ("  1 of them you had disliked before, now liked (2602.03878); `paperradar feedback undo` takes the word "
            "back") in capsys.readouterr().out
    assert main(["feedback", "like", "--offline", "2104.12255"]) == 0  # not in the bundled day
    # not '1 not read yet (2104.12255): they count once paperradar has read them'
    assert ("  1 not read yet (2104.12255): it counts once paperradar has read it (`paperradar run` reads it from arXiv "
            "when online)") in capsys.readouterr().out
    assert main(["feedback", "list"]) == 0
    listed = capsys.readouterr().out
    assert "2602.04118" in listed and "2602.04028" not in listed.split("imported")[-1]
    assert "Learning to Reason in 13 Parameters" in listed and "2104.12255   " in listed
    assert listed.count("(not read yet)") == 1
    lines = listed.splitlines()[1:]  # one column each for the date and the title, however long an id or a file name
    assert len({re.search(r"\d{4}-\d\d-\d\d", line).start() for line in lines}) == 1
    titles = {line.index(t) for line in lines for t in ("Learning to Reason", "(not read yet)") if t in line}
    assert len(titles) == 1, listed
    assert main(["feedback", "like", "not-an-id"]) == 1


def test_importing_a_file_without_any_arxiv_id_says_so(isolated_home: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # it said "imported 0 like(s)" and exited 0, as if the import had worked
    files = {"empty.txt": "", "notes.txt": "read the attention paper again\n", "empty.json": "",
             "only-comments.bib": "% Encoding: UTF-8\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert main(["feedback", "import", "--offline", str(tmp_path / name)]) == 1, name
        said = capsys.readouterr()
        assert said.out == "" and len(said.err.splitlines()) == 1, said
        assert said.err.startswith(f"paperradar: error: {tmp_path / name}: no arXiv id found in it"), said.err
        assert "BibTeX (.bib), RIS (.ris)" in said.err and "bookmarks (.html)" in said.err
    assert main(["feedback", "list"]) == 0
    assert capsys.readouterr().out.startswith("no feedback yet")


def test_a_library_of_journal_papers_names_and_counts_its_entries(isolated_home: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # a .bib of journal papers alone said 'no arXiv id found in it; `feedback import` reads a list of arXiv ids or
    # URLs, or a library export: BibTeX (.bib), ...', as if it were the wrong file, and named none of its entries
    library = tmp_path / "scholar.bib"
    library.write_text("@article{lecun2015deep,\n  title={Deep learning},\n  author={LeCun, Yann and Bengio, Yoshua"
                       "},\n  journal={nature},\n  volume={521},\n  number={7553},\n  pages={436--444},\n  year={2015}"
                       "\n}\n@inproceedings{he2016deep,\n  title={Deep residual learning for image recognition},\n  "
                       "booktitle={CVPR},\n  pages={770--778},\n  year={2016}\n}\n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(library)]) == 1
    said = capsys.readouterr()
    assert said.out == ("  skipped entry lecun2015deep (line 1): no arXiv id in article 'Deep learning'\n"
                        "  skipped entry he2016deep (line 10): no arXiv id in inproceedings 'Deep residual learning for "
                        "image recognition'\n")
    assert said.err == (f"paperradar: error: {library}: none of its 2 entries holds an arXiv id (each is named above): "
                        "paperradar learns from arXiv papers, known by an arXiv link, an eprint or a 10.48550/arXiv DOI"
                        "\n")
    record = tmp_path / "one.ris"
    record.write_text("TY  - JOUR\nTI  - Deep learning\nDO  - 10.1038/nature14539\nER  - \n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(record)]) == 1
    assert ": its one record holds no arXiv id (named above): " in capsys.readouterr().err
    assert main(["feedback", "list"]) == 0
    assert capsys.readouterr().out.startswith("no feedback yet")
    # among arXiv papers, the count of those skipped comes last, where a long list of them does not hide it
    library.write_text(library.read_text("utf-8") + "@misc{x, eprint={2602.04074}, archiveprefix={arXiv}}\n",
                       encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(library)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"imported 1 like from {library}" and lines[1].startswith("  skipped entry lecun2015deep")
    assert lines[3] == "  skipped 2 of its 3 entries (named above)"


@pytest.mark.parametrize("written, again, undone, arxivs, not_listed", [
    # 'like math.GT/0309136' and 'like math/0309136' were two likes of one paper, and 'undo math/0309136' took back
    # only the second
    ("math.GT/0309136", "https://arxiv.org/abs/math/0309136v2", "arXiv:math.GT/0309136", "math/0309136", "math.GT"),
    # 'like HEP-TH/9901001' was stored so, 'not an arXiv id, not asked', and a second like of hep-th/9901001
    ("HEP-TH/9901001", "hep-th/9901001", "HEP-TH/9901001", "hep-th/9901001", "HEP-TH"),
])
def test_an_old_style_id_as_people_write_it_is_one_paper_with_arxivs_id(
        isolated_home: Path, capsys: pytest.CaptureFixture[str], written: str, again: str, undone: str, arxivs: str,
        not_listed: str) -> None:
    assert main(["feedback", "like", "--offline", written]) == 0
    assert main(["feedback", "like", "--offline", again]) == 0
    assert "  you had liked it already\n" in capsys.readouterr().out
    assert main(["feedback", "list"]) == 0
    listed = capsys.readouterr().out
    assert arxivs in listed and not_listed not in listed
    assert main(["feedback", "undo", undone]) == 0
    assert capsys.readouterr().out == f"took back what you said of 1 paper ({arxivs})\n"


def test_a_library_of_many_journal_papers_names_the_first_and_says_how_to_see_the_rest(
        isolated_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a 5,000-entry library with 1,000 journal papers printed 1,000 'skipped' lines before its count
    journal = "".join(f"@article{{j{i},\n  title={{Journal paper {i}}},\n  journal={{Nature}}\n}}\n" for i in range(12))
    library = tmp_path / "library.bib"
    library.write_text(journal + "@misc{open, title={Open {brace}, eprint={2602.04028}}\n"
                       "@misc{a, eprint={2602.04074}, archiveprefix={arXiv}}\n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(library)]) == 0
    lines = capsys.readouterr().out.splitlines()
    skipped = [line for line in lines if line.startswith("  skipped entry")]
    assert [line.split()[2] for line in skipped] == [f"j{i}" for i in range(10)] + ["open"]  # a brace is to mend
    assert lines[len(skipped) + 1] == ("  skipped 13 of its 14 entries (11 named above; `--all-skipped` names every "
                                       "one)")
    assert main(["feedback", "import", "--offline", "--all-skipped", str(library)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if line.startswith("  skipped entry")]) == 13
    assert "  skipped 13 of its 14 entries (named above)" in lines
    library.write_text(journal, encoding="utf-8")  # none with an arXiv id: the same cut before the error
    assert main(["feedback", "import", "--offline", str(library)]) == 1
    said = capsys.readouterr()
    assert len(said.out.splitlines()) == 10
    assert said.err.startswith(f"paperradar: error: {library}: none of its 12 entries holds an arXiv id (10 named above; "
                               "`--all-skipped` names every one): ")


def test_undo_of_a_file_takes_back_what_its_import_said(isolated_home: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # the wrong library imported: 'feedback undo library.bib' said 'not an arXiv id or URL', and its likes could only
    # be taken back one id at a time
    assert main(["feedback", "dislike", "--offline", "2602.03878"]) == 0
    library = tmp_path / "library.bib"
    library.write_text("@misc{a, eprint={2602.04074}, archiveprefix={arXiv}}\n"
                       "@misc{b, url={https://arxiv.org/abs/2602.03878v1}}\n"
                       "@misc{c, doi={10.48550/arXiv.2602.04028}}\n", encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(library)]) == 0
    assert main(["feedback", "like", "--offline", "2602.04028"]) == 0  # said again since, by the reader
    capsys.readouterr()
    assert main(["feedback", "undo", str(library)]) == 0
    assert capsys.readouterr().out == ("took back the likes imported from library.bib (2602.04074, 2602.03878)\n"
                                       "  1 of them you had disliked before the import: disliked again (2602.03878)\n")
    assert main(["feedback", "list"]) == 0
    listed = capsys.readouterr().out
    assert "dislike  2602.03878" in listed and "like     2602.04028" in listed and "2602.04074" not in listed
    assert main(["feedback", "undo", "library.bib"]) == 0  # as `feedback list` names it, from anywhere
    assert capsys.readouterr().out == "nothing to take back from library.bib: no like it imported still stands\n"
    assert main(["feedback", "undo", "other.bib"]) == 1
    assert capsys.readouterr().err == ("paperradar: error: other.bib: not an arXiv id or URL (e.g. 2602.04074 or "
                                       "https://arxiv.org/abs/2602.04074), nor a file you imported (`paperradar "
                                       "feedback list` names them)\n")


def test_undo_of_one_of_two_files_of_one_name_takes_back_that_files_likes(isolated_home: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # 'feedback undo home/library.bib' took back work/library.bib's likes too: imports were told apart by name alone
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    (tmp_path / "work" / "library.bib").write_text("@misc{a, eprint={2602.04074}, archiveprefix={arXiv}}\n",
                                                   encoding="utf-8")
    (tmp_path / "home" / "library.bib").write_text("@misc{b, eprint={2602.03878}, archiveprefix={arXiv}}\n",
                                                   encoding="utf-8")
    assert main(["feedback", "import", "--offline", str(tmp_path / "work" / "library.bib")]) == 0
    assert main(["feedback", "import", "--offline", str(tmp_path / "home" / "library.bib")]) == 0
    capsys.readouterr()
    assert main(["feedback", "undo", "library.bib"]) == 1  # which one?
    assert capsys.readouterr().err == (f"paperradar: error: library.bib: the likes of 2 files of that name stand "
                                       f"({tmp_path / 'home' / 'library.bib'}, {tmp_path / 'work' / 'library.bib'}): "
                                       "give the path of the one to take back\n")
    assert main(["feedback", "undo", str(tmp_path / "library.bib")]) == 1
    assert "library.bib: not a file you imported: the files named library.bib you imported are " in (
        capsys.readouterr().err)
    monkeypatch.chdir(tmp_path / "home")
    assert main(["feedback", "undo", "library.bib"]) == 0  # the file of that name here
    assert capsys.readouterr().out == "took back the like imported from library.bib (2602.03878)\n"
    assert main(["feedback", "list"]) == 0
    listed = capsys.readouterr().out
    assert "2602.04074" in listed and "2602.03878" not in listed
    monkeypatch.chdir(tmp_path)
    assert main(["feedback", "undo", "library.bib"]) == 0  # the likes of one file of that name stand: its
    assert capsys.readouterr().out == "took back the like imported from library.bib (2602.04074)\n"


def test_a_run_reads_the_papers_liked_while_offline(isolated_home: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback", "like", "--offline", "2104.12255", "2104.99999"]) == 0  # the second: a typo
    with _local_arxiv(monkeypatch, rss=HOLIDAY_FEED) as server:
        _profile(isolated_home)
        assert main(["run", "--out", str(tmp_path / "o")]) == 0
        said = capsys.readouterr()
        assert main(["run", "--out", str(tmp_path / "o")]) == 0  # the typo is not asked again at every run
    assert "read 1 paper from the arXiv API" in said.out
    assert "arXiv does not know 1 of these ids (2104.99999): check it, or take it back" in said.err
    assert said.err.count("2104.99999") == 1, said.err  # once, with what to do about it
    assert [q["id_list"] for q in server.api_requests()] == [["2104.12255,2104.99999"]]
    assert main(["feedback", "list"]) == 0
    listed = capsys.readouterr().out
    assert "(not read yet)" not in listed and "2104.99999   " in listed and "(arXiv did not know this id)" in listed


def test_history_and_render(tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    profile = _profile(isolated_home)
    day = tmp_path / "day.jsonl"
    src = (Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl").read_text(encoding="utf-8")
    day.write_text("\n".join(src.splitlines()[:40]) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    assert main(["history"]) == 0
    assert main(["render", "--profile", str(profile), "--out", str(out)]) == 1
    said = capsys.readouterr()
    assert said.out.splitlines()[-1].startswith("no runs yet: `paperradar run` judges today's listing (the demo keeps its own store")
    assert said.err.startswith("paperradar: error: nothing published yet: `paperradar run` publishes")
    with pytest.raises(SystemExit):
        main(["render", "2026-13-01", "--profile", str(profile)])
    assert "argument date: not a date: '2026-13-01' (YYYY-MM-DD" in capsys.readouterr().err
    assert main(["run", "--profile", str(profile), "--from-jsonl", str(day), "--out", str(out)]) == 0
    assert main(["history"]) == 0
    assert "2026-02-05  done" in capsys.readouterr().out
    (out / "README.md").unlink()
    assert main(["render", "--profile", str(profile), "--out", str(out)]) == 0
    assert (out / "README.md").read_text(encoding="utf-8").startswith("# ArXiv 每日推荐 - 2026-02-05")
    assert main(["render", "2020-01-01", "--profile", str(profile)]) == 1
    # one day or all of them: the day says when its run made it, not when it was rendered again
    time.sleep(1.1)  # the page's time has seconds: a later second shows which time it took
    capsys.readouterr()
    assert main(["render", "2026-02-05", "--profile", str(profile), "--out", str(tmp_path / "one")]) == 0
    assert capsys.readouterr().out == f"rendered 1 day into {tmp_path / 'one'}\n"  # not 'rendered 1 day(s)'
    page = "history/2026-02-05.md"
    assert (tmp_path / "one" / page).read_text(encoding="utf-8") == (out / page).read_text(encoding="utf-8")


def test_a_second_run_on_the_same_store_waits_for_the_first(tmp_path: Path, isolated_home: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    # cron's run and one by hand at the same minute: the second would judge (and pay for) every paper again
    profile = _profile(isolated_home)
    sample = Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl"
    held = os.open(isolated_home / "paperradar.db.run-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(held, fcntl.LOCK_EX)  # the other run, mid-way
    released: list[datetime] = []

    def finish_the_other_run() -> None:
        released.append(datetime.now(UTC))
        os.close(held)

    timer = threading.Timer(1.0, finish_the_other_run)
    timer.start()
    try:
        assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample),
                     "--out", str(tmp_path / "o")]) == 0
    finally:
        timer.join()
    facts = json.loads((tmp_path / "o" / "json" / "2026-02-05.json").read_text(encoding="utf-8"))["facts"]
    assert datetime.fromisoformat(facts["started_at"]) >= released[0]  # it began once the other had finished
    said = capsys.readouterr()
    assert f"another paperradar run is using {isolated_home}: waiting for it to finish" in said.err
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample),
                 "--out", str(tmp_path / "o")]) == 0
    assert "waiting" not in capsys.readouterr().err  # the lock went with the run that held it


def test_a_saved_day_is_read_as_the_profiles_feed_would_list_it(tmp_path: Path, isolated_home: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(isolated_home)
    sample = Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl"
    robotics = [r for r in map(json.loads, sample.read_text(encoding="utf-8").splitlines()) if "cs.RO" in r["categories"]]
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace('categories = ["cs.CV", "cs.LG", "cs.AI", "cs.RO"]', 'categories = ["cs.RO"]'),
                       encoding="utf-8")
    out = tmp_path / "o"
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample), "--out", str(out)]) == 0
    said = capsys.readouterr()
    assert f"left out {287 - len(robotics)} of 287 papers outside the profile's categories (cs.RO) and" in said.err
    assert f"2026-02-05: {len(robotics)} papers read" in said.out
    profile.write_text(text.replace('categories = ["cs.CV", "cs.LG", "cs.AI", "cs.RO"]', 'categories = ["hep-th"]'),
                       encoding="utf-8")
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample), "--out", str(out)]) == 1
    assert "none of its 287 papers is in the profile's categories (hep-th)" in capsys.readouterr().err


def test_the_printed_digest_is_a_file_that_exists(tmp_path: Path, isolated_home: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    # an older day published after a newer one does not become README.md: the line names the day's own page
    profile = _profile(isolated_home)
    out = tmp_path / "o"
    for day in ("2026-02-05", "2025-12-19"):
        lines = (SEED_DAYS / day / "input.jsonl").read_text(encoding="utf-8").splitlines()[:30]
        saved = tmp_path / f"{day}.jsonl"
        saved.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(saved), "--out", str(out)]) == 0
        printed = re.search(r"^digest: (\S+)  site: (\S+)$", capsys.readouterr().out, re.M)
        assert printed and Path(printed[1]).exists() and Path(printed[2]).exists()
    assert printed[1].endswith("history/2025-12-18.md") and printed[2].endswith("site/2025-12-18.html")


def test_render_of_one_day_into_a_folder_shows_the_days_that_folder_holds(tmp_path: Path, isolated_home: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # `render 2025-12-18 --out one` into a new folder made its front page the newer day's page, and wrote no README
    profile = _profile(isolated_home)
    for day in ("2025-12-19", "2026-02-05"):
        lines = (SEED_DAYS / day / "input.jsonl").read_text(encoding="utf-8").splitlines()[:30]
        saved = tmp_path / f"{day}.jsonl"
        saved.write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(saved),
                     "--out", str(tmp_path / "digest")]) == 0
    one = tmp_path / "one"
    assert main(["render", "2025-12-18", "--profile", str(profile), "--out", str(one)]) == 0
    assert sorted(p.name for p in (one / "site").iterdir()) == ["2025-12-18.html", "archive.html", "index.html"]
    assert _front_page(one) == (one / "history/2025-12-18.md").read_text("utf-8")
    assert (one / "site/index.html").read_text(encoding="utf-8") == (one / "site/2025-12-18.html").read_text("utf-8")


def test_render_rebuilds_each_folders_days_with_the_profile_it_published_them_with(tmp_path: Path,
                                                                                    isolated_home: Path) -> None:
    # two profiles publishing from one store, each into its own folder: `render --out mine` rebuilt a day both had
    # published with the other profile's digest (the store's last run of that day)
    from paperradar.config import load_profile
    from paperradar.pipeline import run_listing
    from paperradar.render.publish import publish
    from paperradar.sources import Listing
    from paperradar.sources.jsonl import read_jsonl
    from paperradar.store import Store
    from test_pipeline import KeywordScorer
    mine = load_profile(_profile(isolated_home))
    theirs = load_profile(Path(__file__).parent / "profiles" / "rl-theory.toml")
    papers = read_jsonl(Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl")[:60]
    day = Listing(papers[0].announce_date, tuple(papers), "saved day")
    store = Store.open()
    try:
        run_listing(store, mine, day, KeywordScorer(), None, tmp_path / "mine", publish)
        run_listing(store, theirs, day, KeywordScorer(), None, tmp_path / "theirs", publish)
    finally:
        store.close()
    published = {name: (tmp_path / "mine" / name).read_text("utf-8") for name in ("README.md", "site/2026-02-05.html")}
    assert main(["render", "--out", str(tmp_path / "mine")]) == 0
    assert main(["render", "2026-02-05", "--out", str(tmp_path / "mine")]) == 0
    for name, text in published.items():
        assert (tmp_path / "mine" / name).read_text("utf-8") == text, name


def test_replay_help_says_where_its_vectors_stay(capsys: pytest.CaptureFixture[str]) -> None:
    # it said 'State lives in a throw-away directory': there is none; the evidence is in memory, the vectors it
    # encodes stay in the cache folder
    with pytest.raises(SystemExit):
        main(["replay", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "throw-away" not in said
    assert "your store is neither read nor written" in said
    assert "Only the paper vectors it encodes are kept, in $PAPERRADAR_HOME/cache if set, else ~/.cache/paperradar" in said


def test_run_help_says_a_jsonl_day_asks_nothing_of_arxiv(capsys: pytest.CaptureFixture[str]) -> None:
    # --from-jsonl skips the API lookup and the affiliations too; its help said only "instead of arXiv", beside
    # --no-enrich and --no-affiliations, as if those two were still done
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "nothing is then asked of arXiv (no API lookup, no affiliations from its HTML pages)" in said


def test_render_help_says_which_days_it_rebuilds(capsys: pytest.CaptureFixture[str]) -> None:
    # it said 'one published date, or all of them' and 'default: every published date', though a day only another
    # profile published is left out (below)
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    said = " ".join(capsys.readouterr().out.split())
    assert "every published date" not in said and "all of them" not in said
    assert "a day only another profile published is left to that profile's folder" in said
    assert "(default: every day published with the folder's profiles)" in said


def test_render_gives_a_folder_only_its_own_profiles_days(tmp_path: Path, isolated_home: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    # two profiles publishing from one store: `render --out mine` wrote the other profile's own day into it, on its
    # front page (an English 'RL theory' digest atop a Chinese folder), and a new folder got both profiles' days
    from paperradar.config import load_profile
    from paperradar.pipeline import run_listing
    from paperradar.render.publish import publish
    from paperradar.sources import Listing
    from paperradar.sources.jsonl import read_jsonl
    from paperradar.store import Store
    from test_pipeline import KeywordScorer
    mine = load_profile(_profile(isolated_home))
    theirs = load_profile(Path(__file__).parent / "profiles" / "rl-theory.toml")
    papers = read_jsonl(Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl")
    feb5 = Listing(papers[0].announce_date, tuple(papers[:60]), "saved day")
    feb6 = Listing(date(2026, 2, 6), tuple(replace(p, announce_date=date(2026, 2, 6)) for p in papers[60:90]), "6th")
    store = Store.open()
    try:
        run_listing(store, mine, feb5, KeywordScorer(), None, tmp_path / "mine", publish)
        run_listing(store, theirs, feb5, KeywordScorer(), None, tmp_path / "theirs", publish)
        run_listing(store, theirs, feb6, KeywordScorer(), None, tmp_path / "theirs", publish)
    finally:
        store.close()
    published = {p.relative_to(tmp_path / "mine"): p.read_text("utf-8") for p in (tmp_path / "mine").rglob("*.*")}
    capsys.readouterr()
    assert main(["render", "--out", str(tmp_path / "mine")]) == 0
    assert {p.relative_to(tmp_path / "mine"): p.read_text("utf-8") for p in (tmp_path / "mine").rglob("*.*")} == published
    said = capsys.readouterr()
    assert said.out == f"rendered 1 day into {tmp_path / 'mine'}\n"
    assert said.err == (f"  left out 1 day published with another profile (2026-02-06): `paperradar render --out "
                        f"{tmp_path / 'mine'} DATE` adds one, and the next `paperradar render --out {tmp_path / 'mine'}`"
                        " the other days of its profile\n")
    assert main(["render", "--out", str(tmp_path / "new"), "--profile", str(isolated_home / "profile.toml")]) == 0
    assert f"`paperradar render --out {tmp_path / 'new'} --profile {isolated_home / 'profile.toml'} DATE` adds one" in (
        capsys.readouterr().err)  # a new folder: the days of the profile given
    assert sorted(p.name for p in (tmp_path / "new/history").iterdir()) == ["2026-02-05.md", "README.md"]
    assert _front_page(tmp_path / "new") == _front_page(tmp_path / "mine")
    assert main(["render", "--out", str(tmp_path / "theirs")]) == 0  # theirs: both its days, each its own
    assert _front_page(tmp_path / "theirs").startswith("# ArXiv daily picks - 2026-02-06\n")
    assert (tmp_path / "theirs/history/2026-02-05.md").read_text("utf-8").startswith("# ArXiv daily picks - ")
    # a day named is written whatever its profile; its profile's days are then the folder's too
    assert main(["render", "2026-02-06", "--out", str(tmp_path / "new")]) == 0
    assert _front_page(tmp_path / "new").startswith("# ArXiv daily picks - 2026-02-06\n")


def test_a_bad_jsonl_line_is_named(tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(isolated_home)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "t", "authors": "a", "abstract": "x", "published": "2026-02-05"}\n{oops\n')
    assert main(["run", "--profile", str(profile), "--from-jsonl", str(bad)]) == 1
    assert f"{bad}:2: not valid JSON" in capsys.readouterr().err


def test_an_empty_saved_day_is_named_not_reported_as_a_bug(tmp_path: Path, isolated_home: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(isolated_home)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(empty)]) == 1
    err = capsys.readouterr().err
    assert err == f"paperradar: error: {empty}: no papers in it, so no date for the day; give a file of one day's papers\n"


def test_a_liked_paper_paperradar_never_read_is_fetched_from_the_api(isolated_home: Path,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from paperradar.evidence import gather
    from paperradar.store import Store
    server = ArxivServer().start()
    try:
        monkeypatch.setenv("PAPERRADAR_ARXIV_API_URL", server.api_url)
        assert main(["feedback", "like", "https://arxiv.org/abs/2104.12255v1"]) == 0
    finally:
        server.stop()
    assert "read 1 paper from the arXiv API" in capsys.readouterr().out
    store = Store.open()
    try:
        evidence = gather(store, cli._example_profile())
    finally:
        store.close()
    assert [(e.paper.id, e.label, e.kind) for e in evidence] == [("2104.12255", 1, "like")]
    assert evidence[0].paper.title and evidence[0].paper.abstract


def test_an_import_that_asks_arxiv_many_times_says_how_long_first(isolated_home: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    # a 5,000-entry library's 3,998 arXiv papers took 40 requests 3 s apart: 2 minutes without a word, looking hung
    library = tmp_path / "ids.txt"
    library.write_text("2104.12255\n" + "".join(f"2401.{i:05d}\n" for i in range(1, 101)), encoding="utf-8")
    server = ArxivServer().start()
    try:
        monkeypatch.setenv("PAPERRADAR_ARXIV_API_URL", server.api_url)
        assert main(["feedback", "import", str(library)]) == 0
    finally:
        server.stop()
    said = capsys.readouterr()
    assert len(server.api_requests()) == 2
    assert said.err.splitlines()[0] == ("  asking the arXiv API for 101 papers: 2 requests, 3 s apart as arXiv asks, at "
                                        "least 3 s")
    assert "read 1 paper from the arXiv API" in said.out


def test_an_unreachable_arxiv_is_a_line_of_readable_length_when_a_library_asked_it(
        isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # the failed request's url held its hundred ids: a 1,314-character line, on a machine offline
    library = tmp_path / "ids.txt"
    library.write_text("".join(f"2401.{i:05d}\n" for i in range(1, 101)), encoding="utf-8")
    api = f"http://127.0.0.1:{_closed_port()}/api/query"
    monkeypatch.setenv("PAPERRADAR_ARXIV_API_URL", api)
    assert main(["feedback", "import", str(library)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"  arXiv could not be reached at {api}?id_list=2401.00001,... (100 ids)&start=0&"), err
    assert len(err[0]) < 250


def test_a_long_wait_for_arxiv_is_one_line_on_stderr(isolated_home: Path) -> None:
    # at a terminal a command that waits out arXiv's Retry-After in silence looks hung: it says so, once
    from sources.arxiv_server import Reply
    server = ArxivServer()
    server.script.append(Reply(503, {"Retry-After": "5"}))
    server.start()
    try:
        env = {**os.environ, "PAPERRADAR_ARXIV_API_URL": server.api_url}
        done = subprocess.run([sys.executable, "-m", "paperradar.cli", "feedback", "like", "2104.12255"], env=env,
                              capture_output=True, text=True, timeout=60, check=False)
    finally:
        server.stop()
    assert done.returncode == 0 and "read 1 paper from the arXiv API" in done.stdout
    host = server.url.removeprefix("http://")
    assert done.stderr == f"arXiv at {host} answered HTTP 503: waiting 5 s before asking again (attempt 2 of 4)\n"


def test_python_dash_m_paperradar_is_the_paperradar_command(tmp_path: Path) -> None:
    # where the venv's scripts are not on PATH, `python -m paperradar` is what people type
    env = {**os.environ, "PAPERRADAR_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "paperradar", "history"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == subprocess.run([sys.executable, "-m", "paperradar.cli", "history"], env=env,
                                         capture_output=True, text=True, timeout=60, check=False).stdout


def test_a_file_of_the_readers_in_the_digests_folder_is_not_replaced(tmp_path: Path, isolated_home: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # publishing replaced the reader's own history/README.md with the list of days, and a project that had a history/
    # folder of its own was taken for a digest's: its README.md became the day's digest, without a word
    profile = _profile(isolated_home)
    sample = Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl"
    out = tmp_path / "digest"
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample), "--out", str(out)]) == 0
    archive = (out / "history/README.md").read_text("utf-8")
    capsys.readouterr()
    (out / "history/README.md").write_text("# My reading notes\n", encoding="utf-8")
    assert main(["render", "--profile", str(profile), "--out", str(out)]) == 1
    assert capsys.readouterr().err == (f"paperradar: error: {out / 'history/README.md'} is not the list of days "
                                       "paperradar writes there, and publishing would replace it: rename it (notes "
                                       "beside the days keep any other name) or move it away\n")
    assert (out / "history/README.md").read_text("utf-8") == "# My reading notes\n"
    (out / "history/README.md").rename(out / "history/notes.md")
    assert main(["render", "--profile", str(profile), "--out", str(out)]) == 0
    assert (out / "history/README.md").read_text("utf-8") == archive
    project = tmp_path / "thesis"
    (project / "history").mkdir(parents=True)
    (project / "history/2019.txt").write_text("notes\n", encoding="utf-8")
    (project / "README.md").write_text("# My thesis\n", encoding="utf-8")
    assert main(["render", "--profile", str(profile), "--out", str(project)]) == 1
    assert f"{project} holds README.md that no paperradar digest wrote" in capsys.readouterr().err
    assert (project / "README.md").read_text("utf-8") == "# My thesis\n"


def test_a_folder_that_is_not_a_digests_own_is_refused_before_any_work(tmp_path: Path, isolated_home: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # `--out .` in a project replaced its README.md with the day's digest, without a word
    profile = _profile(isolated_home)
    sample = Path(cli.__file__).parent / "data" / "sample-2026-02-05.jsonl"
    project = tmp_path / "thesis"
    project.mkdir()
    (project / "README.md").write_text("# My thesis\n", encoding="utf-8")
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample),
                 "--out", str(project)]) == 1
    assert capsys.readouterr().err == (f"paperradar: error: {project} holds README.md that no paperradar digest wrote, "
                                       "which publishing would replace: give --out a folder of the digest's own, or "
                                       "move them away\n")
    assert (project / "README.md").read_text(encoding="utf-8") == "# My thesis\n"
    assert not (isolated_home / "paperradar.db").exists()  # refused before the store, the judging and the LLM
    assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample),
                 "--out", str(project / "README.md")]) == 1
    said = capsys.readouterr().err
    assert said == f"paperradar: error: --out {project / 'README.md'} is a file: give a folder for the digest\n"
    from paperradar.errors import RenderError
    with pytest.raises(RenderError, match="is the root of the file system"):  # not run: as root it wrote into /
        cli._digest_folder(Path("/"))
    digest = tmp_path / "digest"  # a digest's own folder, README.md and all, is published again
    for _ in range(2):
        assert main(["run", "--local-only", "--profile", str(profile), "--from-jsonl", str(sample),
                     "--out", str(digest)]) == 0
