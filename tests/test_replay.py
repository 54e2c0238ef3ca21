"""Replay on small real days cut from a seed day: the report's shape, the no-feedback path, the JSON file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperradar.embedding import MemoryVectorCache
from paperradar.errors import BadInputFile
from paperradar.replay import replay
from tests._paths import SEED_DAYS

SOURCE = SEED_DAYS / "2026-02-05"


def make_days(root: Path, names: list[str], size: int, start: int = 0) -> Path:
    """Consecutive slices of a real seed day, each with its own real picks, from its slice `start` on (slices that
    days elsewhere hold are evidence of those days' picks)."""
    records = [json.loads(line) for line in (SOURCE / "input.jsonl").read_text(encoding="utf-8").splitlines()]
    picks = {json.loads(line)["id"]: line for line in (SOURCE / "picks.jsonl").read_text(encoding="utf-8").splitlines()}
    for n, name in enumerate(names):
        day = root / name
        day.mkdir(parents=True)
        chunk = records[(start + n) * size:(start + n + 1) * size]
        (day / "input.jsonl").write_text("".join(json.dumps(r) + "\n" for r in chunk), encoding="utf-8")
        (day / "picks.jsonl").write_text("".join(picks[r["id"]] + "\n" for r in chunk if r["id"] in picks),
                                         encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def cache() -> MemoryVectorCache:
    return MemoryVectorCache()


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("days")
    make_days(root / "warm", ["2026-01-01", "2026-01-02"], 30)
    make_days(root / "test", ["2026-02-01", "2026-02-02", "2026-02-03"], 30, start=2)
    return root


def test_replay_prints_each_day_the_means_and_last_the_r_precision(days: Path, cache: MemoryVectorCache,
                                                                   tmp_path: Path) -> None:
    lines: list[str] = []
    result = replay(days / "test", warmup_dir=days / "warm", json_path=tmp_path / "r.json", out=lines.append,
                    cache=cache)
    assert re.fullmatch(r"R-precision \d\.\d{3}", lines[-1])
    assert float(lines[-1].split()[1]) == pytest.approx(result.r_precision, abs=5e-4)
    assert [d.name for d in result.days] == ["2026-02-01", "2026-02-02", "2026-02-03"]
    assert any(line.startswith("2026-02-02 ") for line in lines)
    assert any("re-train and rank the largest day" in line for line in lines)
    assert result.evidence_at_largest_day >= 60  # the warm-up days are in the evidence from the first day on
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert saved["r_precision"] == pytest.approx(result.r_precision)
    assert len(saved["days"]) == 3


def test_every_vector_is_encoded_before_the_first_day_is_timed(days: Path) -> None:
    fresh = MemoryVectorCache()
    progress: list[str] = []
    first = replay(days / "test", warmup_dir=days / "warm", out=lambda _: None, cache=fresh, progress=progress.append)
    texts = {json.loads(line)["title"] for folder in ("warm", "test") for f in (days / folder).glob("*/input.jsonl")
             for line in f.read_text(encoding="utf-8").splitlines()}
    assert first.encoded_papers == len(texts) == 150  # every distinct paper of the five days, up front
    # minutes of encoding on a first replay are not silent, nor is each day
    # and not "(150 encoded so far, the others from the cache)", of no others
    assert progress[0] == "paper vectors: 150 of 150 ready (150 encoded so far)"
    assert [line.split(" (")[0] for line in progress[1:]] == ["2026-02-01: ranked", "2026-02-02: ranked",
                                                               "2026-02-03: ranked"]
    lines: list[str] = []
    replay(days / "test", warmup_dir=days / "warm", out=lines.append, cache=MemoryVectorCache(), progress=None)
    assert [line for line in lines if line.startswith("paper vectors:")][0].endswith(" s)")  # all 150 encoded
    lines.clear()
    progress.clear()
    again = replay(days / "test", warmup_dir=days / "warm", out=lines.append, cache=fresh, progress=progress.append)
    assert again.encoded_papers == 0
    assert "paper vectors: 0 of 150 encoded before the first day" in "\n".join(lines)
    assert len(progress) == 3 and progress[2].startswith("2026-02-03: ranked (3 of 3 days, ")  # nothing encoded


def test_a_replay_stopped_while_encoding_keeps_what_it_encoded(days: Path, isolated_home: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C during the first minutes of a new warm-up: the chunks already encoded are in the vector cache
    from paperradar import embedding
    from paperradar.embedding import Encoder
    monkeypatch.setattr(embedding, "SAVE_EVERY", 40)
    real_run, calls = Encoder._run, []

    def interrupted_on_the_second_chunk(self: Encoder, texts: list[str]):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_run(self, texts)

    monkeypatch.setattr(Encoder, "_run", interrupted_on_the_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        replay(days / "test", warmup_dir=days / "warm", out=lambda _: None)
    monkeypatch.setattr(Encoder, "_run", real_run)
    again = replay(days / "test", warmup_dir=days / "warm", out=lambda _: None)
    assert again.encoded_papers == 150 - 40


def test_the_json_file_is_checked_before_the_replay_not_after(days: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from paperradar.cli import main
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    assert main(["replay", str(days / "test"), "--json", str(blocked / "r.json")]) == 1
    said = capsys.readouterr()
    assert "paperradar: error: " in said.err and "a-file" in said.err and "R-precision" not in said.out
    nested = tmp_path / "results" / "2026" / "r.json"
    assert main(["replay", str(days / "test"), "--no-feedback", "--json", str(nested)]) == 0
    assert json.loads(nested.read_text(encoding="utf-8"))["days"]


def test_a_replay_refused_for_its_input_leaves_no_folder_for_its_json(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # the --json file's folder was made before the days were read: a typo in a day left results/2026/ behind, empty
    from paperradar.cli import main
    bad = tmp_path / "days" / "2026-01-01"
    bad.mkdir(parents=True)
    (bad / "input.jsonl").write_text("{bad\n", encoding="utf-8")
    (bad / "picks.jsonl").write_text("", encoding="utf-8")
    assert main(["replay", str(tmp_path / "days"), "--json", str(tmp_path / "results" / "2026" / "r.json")]) == 1
    assert "input.jsonl:1: not valid JSON" in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


def test_without_feedback_every_day_is_ranked_by_the_profile_alone(days: Path, cache: MemoryVectorCache) -> None:
    plain = replay(days / "test", use_feedback=False, out=lambda _: None, cache=cache)
    fed = replay(days / "test", out=lambda _: None, cache=cache)
    # the first day has no earlier evidence either way; later days learn from the days before them
    assert fed.days[0] == plain.days[0]
    assert plain.evidence_at_largest_day == 0
    assert 0.0 <= plain.prefilter_recall <= 1.0


def test_the_readers_data_dir_is_left_alone(days: Path, cache: MemoryVectorCache, isolated_home: Path) -> None:
    replay(days / "test", out=lambda _: None, cache=cache)
    assert not isolated_home.exists()


def test_a_folder_without_days_is_one_clear_error(tmp_path: Path, isolated_home: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from paperradar.cli import main

    (tmp_path / "empty").mkdir()
    assert main(["replay", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"paperradar: error: {tmp_path / 'empty'}: no day folders in it (DAY/input.jsonl, DAY/picks.jsonl)"]


def test_picks_named_with_a_version_are_the_papers_of_the_input(tmp_path: Path) -> None:
    from paperradar.seeddays import load_day
    day = make_days(tmp_path, ["2026-01-01"], 30) / "2026-01-01"
    records = [json.loads(line) for line in (day / "input.jsonl").read_text(encoding="utf-8").splitlines()]
    records[0]["id"], records[1]["id"] = "solv-int/9901001", "hep-th/9901002"  # old-style ids, one with a 'v'
    (day / "input.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (day / "picks.jsonl").write_text(
        json.dumps({"id": "solv-int/9901001v2", "score": 8, "field": None}) + "\n"
        + json.dumps({"id": " hep-th/9901002 ", "score": 7, "field": None}) + "\n"
        + json.dumps({"id": f"{records[2]['id']}v3", "score": 9, "field": None}) + "\n", encoding="utf-8")
    assert sorted(load_day(day).picks) == sorted(["solv-int/9901001", "hep-th/9901002", records[2]["id"]])


def test_a_day_with_no_papers_is_reported_not_a_crash(days: Path, cache: MemoryVectorCache, tmp_path: Path) -> None:
    # a holiday: the seed's job read nothing that day, so its input is empty; the days after it are still replayed
    test = make_days(tmp_path / "test", ["2026-02-01", "2026-02-03"], 30, start=2)
    (test / "2026-02-02").mkdir()
    (test / "2026-02-02" / "input.jsonl").write_text("", encoding="utf-8")
    (test / "2026-02-02" / "picks.jsonl").write_text("", encoding="utf-8")
    lines: list[str] = []
    result = replay(test, warmup_dir=days / "warm", out=lines.append, cache=cache)
    assert [d.name for d in result.days] == ["2026-02-01", "2026-02-02", "2026-02-03"]
    assert result.days[1].picks == 0 and result.days[1].recommended == 0
    assert re.fullmatch(r"R-precision \d\.\d{3}", lines[-1])
    # its figures are none, said so: the table printed 'nan' in every column of its row
    assert next(line for line in lines if line.startswith("2026-02-02 ")).split() == [
        "2026-02-02", "0", "0", "n/a", "n/a", "n/a", "n/a"]
    assert "nan" not in " ".join(lines)


def test_picks_saved_with_a_utf8_bom_are_read(tmp_path: Path) -> None:
    from paperradar.seeddays import load_day
    day = make_days(tmp_path, ["2026-01-01"], 30) / "2026-01-01"
    picks = day / "picks.jsonl"
    wanted = [json.loads(line)["id"] for line in picks.read_text(encoding="utf-8").splitlines()]
    picks.write_bytes(b"\xef\xbb\xbf" + picks.read_bytes())
    assert sorted(load_day(day).picks) == sorted(wanted) and wanted


def test_a_warm_up_day_that_is_also_replayed_is_not_evidence_for_itself(days: Path, cache: MemoryVectorCache) -> None:
    # `replay DAYS --warmup DAYS`: each day would be ranked with its own picks already learned (R-precision ~1)
    lines: list[str] = []
    same = replay(days / "test", warmup_dir=days / "test", out=lines.append, cache=cache)
    plain = replay(days / "test", out=lambda _: None, cache=cache)
    assert same.days == plain.days
    assert lines[0] == ("warm-up: left out 3 days that are replayed too (2026-02-01, 2026-02-02, 2026-02-03): a day's "
                        "own picks are never evidence for it")
    lines.clear()  # one day: not '1 day that are replayed too'
    replay(days / "test", warmup_dir=days / "test" / "2026-02-02", out=lines.append, cache=cache)
    assert lines[0].startswith("warm-up: left out 1 day that is replayed too (2026-02-02)")


def test_a_json_path_that_is_a_folder_is_refused_before_the_replay(days: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from paperradar.cli import main
    folder = tmp_path / "results"
    folder.mkdir()
    assert main(["replay", str(days / "test"), "--no-feedback", "--json", str(folder)]) == 1
    said = capsys.readouterr()
    assert "paperradar: error: " in said.err and str(folder) in said.err and "replay of" not in said.out


def test_a_pick_line_that_is_not_an_object_names_the_file_and_line(tmp_path: Path) -> None:
    from paperradar.errors import BadInputFile
    from paperradar.seeddays import load_day
    day = make_days(tmp_path, ["2026-01-01"], 30) / "2026-01-01"
    picks = day / "picks.jsonl"
    n = len(picks.read_text(encoding="utf-8").splitlines())
    for line in ('"2602.03878"', "null", '["2602.03878", 9]'):
        picks.write_text(picks.read_text(encoding="utf-8").splitlines()[0] + "\n" * n + line + "\n", encoding="utf-8")
        with pytest.raises(BadInputFile, match=rf"picks\.jsonl:{n + 1}: not a pick record"):
            load_day(day)


def test_a_paper_without_its_published_date_is_of_the_day_its_folder_names(tmp_path: Path) -> None:
    # replay never needs the date; a checker's export that leaves it out must not stop the whole replay
    from datetime import date

    from paperradar.errors import BadInputFile
    from paperradar.seeddays import load_day
    day = make_days(tmp_path, ["2026-03-02"], 30) / "2026-03-02"
    records = [json.loads(line) for line in (day / "input.jsonl").read_text(encoding="utf-8").splitlines()]
    del records[1]["published"]
    records[2]["published"] = None
    (day / "input.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    papers = load_day(day).papers
    assert len(papers) == 30 and papers[1].announce_date == papers[2].announce_date == date(2026, 3, 2)
    unnamed = day.rename(tmp_path / "latest")
    with pytest.raises(BadInputFile, match=r"input.jsonl:2: not a paper record: missing published \(the listing"):
        load_day(unnamed)


def test_one_day_is_counted_as_one_day(days: Path, cache: MemoryVectorCache) -> None:
    lines: list[str] = []
    progress: list[str] = []
    replay(days / "test" / "2026-02-01", warmup_dir=days / "warm" / "2026-01-01", out=lines.append,
           progress=progress.append, cache=cache)
    assert lines[0] == "replay of 1 day (warm-up 1 day, then feedback)"
    assert progress[-1].startswith("2026-02-01: ranked (1 of 1 day, ")


def test_what_of_the_folders_a_replay_cannot_use_is_said_not_dropped_in_silence(days: Path, cache: MemoryVectorCache,
                                                                                tmp_path: Path) -> None:
    # a pick whose paper is not in the day's input, a day without picks.jsonl and a link to a day that is not there
    # were all left out without a word: the last made a day "0 picks" where the picks were never given
    test = make_days(tmp_path / "test", ["2026-02-01", "2026-02-02", "2026-02-03"], 30, start=2)
    with (test / "2026-02-01" / "picks.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "2602.99999", "title": "not in the input", "score": 8, "field": None}) + "\n")
    (test / "2026-02-02" / "picks.jsonl").unlink()
    (test / "2026-01-31").symlink_to(tmp_path / "nowhere")
    lines: list[str] = []
    result = replay(test, warmup_dir=days / "warm", out=lines.append, cache=cache)
    assert lines[:3] == [
        f"{test / '2026-01-31'}: skipped, no input.jsonl in it (a broken link)",
        "2026-02-01: 1 pick is not among the day's 30 papers (2602.99999): left out",
        "2026-02-02: no picks.jsonl beside its input.jsonl: left out, neither scored nor evidence for later days (an "
        "empty picks.jsonl is a day with nothing picked)"]
    assert [d.name for d in result.days] == ["2026-02-01", "2026-02-03"]
    kept = replay(test / "2026-02-01", warmup_dir=days / "warm", out=lambda _: None, cache=cache)
    assert result.days[0] == kept.days[0]  # scored on the picks of its papers
    (test / "2026-02-01" / "picks.jsonl").unlink()
    (test / "2026-02-03" / "picks.jsonl").unlink()
    with pytest.raises(BadInputFile, match="no day in it has a picks.jsonl"):
        replay(test, out=lambda _: None, cache=cache)


def test_a_day_whose_files_are_gzipped_is_read_as_its_plain_copy(tmp_path: Path) -> None:
    # input.jsonl.gz, as the year-long corpus ships its days: the folder was 'no day folders in it'
    import gzip

    from paperradar.seeddays import load_days
    plain = make_days(tmp_path / "plain", ["2026-02-01", "2026-02-02"], 30)
    packed = tmp_path / "packed"
    for day in sorted(plain.iterdir()):
        (packed / day.name).mkdir(parents=True)
        for name in ("input.jsonl", "picks.jsonl") if day.name == "2026-02-01" else ("input.jsonl",):
            (packed / day.name / f"{name}.gz").write_bytes(gzip.compress((day / name).read_bytes()))
        if day.name == "2026-02-02":  # one gzipped, one not
            (packed / day.name / "picks.jsonl").write_bytes((day / "picks.jsonl").read_bytes())
    assert load_days(packed) == load_days(plain)
    assert sum(len(d.picks) for d in load_days(packed)) > 0
    (packed / "2026-02-01" / "picks.jsonl.gz").write_bytes(b"\x1f\x8b" + b"not gzip")
    with pytest.raises(BadInputFile, match=r"picks\.jsonl\.gz: "):
        load_days(packed)


def test_picks_of_a_field_the_profile_lacks_are_said_and_left_out_of_field_agreement(
        days: Path, cache: MemoryVectorCache, tmp_path: Path) -> None:
    # days picked for another profile's fields, replayed with the bundled one: field agreement was 0.000 in silence,
    # every such pick counted as a disagreement no ranker could avoid
    test = make_days(tmp_path / "test", ["2026-02-01", "2026-02-02", "2026-02-03"], 30, start=2)
    picks = test / "2026-02-02" / "picks.jsonl"
    mine = [json.loads(line) for line in picks.read_text(encoding="utf-8").splitlines()]
    picks.write_text("".join(json.dumps({**p, "field": ["Robotics", "Vision"][n % 2]}) + "\n"
                             for n, p in enumerate(mine)), encoding="utf-8")
    lines: list[str] = []
    result = replay(test, warmup_dir=days / "warm", out=lines.append, cache=cache)
    plain = replay(days / "test", warmup_dir=days / "warm", out=lambda _: None, cache=cache)
    assert lines[0] == (f"{len(mine)} picks name 2 fields the profile does not have ('Robotics', 'Vision'): counted "
                        "as picks with no field, left out of field agreement; give the profile they were picked for "
                        "with --profile")
    assert result.days[1].field_compared == 0 and result.days[1].picks == len(mine) > 1
    assert [d.field_compared for d in (result.days[0], result.days[2])] == [plain.days[0].field_compared,
                                                                            plain.days[2].field_compared]
    assert [d.r_precision for d in result.days] == [d.r_precision for d in plain.days]


def test_a_pick_line_cut_short_is_named_by_its_own_line_alone(tmp_path: Path) -> None:
    # 'picks.jsonl:29: not a pick record: Unterminated string starting at: line 1 column 92 (char 91)': two lines named
    from paperradar.seeddays import load_day
    day = make_days(tmp_path, ["2026-01-01"], 30) / "2026-01-01"
    picks = day / "picks.jsonl"
    n = len(picks.read_text(encoding="utf-8").splitlines())
    picks.write_text(picks.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    with pytest.raises(BadInputFile) as caught:
        load_day(day)
    assert re.fullmatch(rf"{re.escape(str(picks))}:{n}: not valid JSON \([A-Za-z ]+\)", str(caught.value))


def test_day_folders_not_named_by_date_are_walked_in_the_order_of_their_papers_dates(tmp_path: Path) -> None:
    # day1, day2, day10 were walked day1, day10, day2: day2 ranked with the evidence of the day after it
    from paperradar.seeddays import load_days
    test = make_days(tmp_path / "test", ["day1", "day2", "day10"], 10)
    for n, name in enumerate(["day1", "day2", "day10"], 1):
        path = test / name / "input.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        path.write_text("".join(json.dumps({**r, "published": f"2026-03-0{n}"}) + "\n" for r in records),
                        encoding="utf-8")
    assert [d.name for d in load_days(test)] == ["day1", "day2", "day10"]
    make_days(test, ["2026-03-02"], 10)  # a folder named by its date takes the date it names
    assert [d.name for d in load_days(test)] == ["day1", "2026-03-02", "day2", "day10"]


def test_a_day_holding_papers_an_earlier_day_listed_says_it_is_ranked_knowing_their_picks(
        cache: MemoryVectorCache, tmp_path: Path) -> None:
    # the seed's job read part of a listing again the next day (54 of 2025-11-27's papers were 2025-11-26's), and a
    # checker's day copied under another name was ranked knowing its own picks (R-precision near 1), all in silence
    warm = make_days(tmp_path / "warm", ["2026-01-01", "2026-01-02"], 30)
    test = make_days(tmp_path / "test", ["2026-02-01", "2026-02-02"], 30, start=2)
    again = [line for line in (test / "2026-02-01" / "input.jsonl").read_text(encoding="utf-8").splitlines()[:10]]
    with (test / "2026-02-02" / "input.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in again))
    (test / "copy").symlink_to(warm / "2026-01-02")
    lines: list[str] = []
    replay(test, warmup_dir=warm, out=lines.append, cache=cache)
    assert lines[:2] == [
        "2026-02-02: 10 of its 40 papers were on an earlier day too (2026-02-01): ranked knowing whether that day "
        "picked them",
        "copy: 30 of its 30 papers were on an earlier day too (2026-01-02): ranked knowing whether that day picked "
        "them"]
    lines.clear()
    replay(test, warmup_dir=warm, use_feedback=False, out=lines.append, cache=cache)
    assert not any("earlier day" in line for line in lines)  # nothing is learned, so nothing is known


def test_days_that_are_not_there_or_a_days_input_given_for_its_folder_are_said_so(
        days: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # both were 'not a directory of days (DAY/input.jsonl, DAY/picks.jsonl)', of a typo in the path too
    from paperradar.cli import main
    missing = tmp_path / "seed-dyas"
    assert main(["replay", str(days / "test"), "--warmup", str(missing)]) == 1
    assert capsys.readouterr().err.strip() == f"paperradar: error: {missing}: no such folder"
    given = days / "test" / "2026-02-01" / "input.jsonl"
    assert main(["replay", str(given)]) == 1
    assert capsys.readouterr().err.strip() == (f"paperradar: error: {given}: a day's input: give the day's folder, "
                                               f"{given.parent}")


def test_days_none_of_whose_picks_are_among_their_papers_are_one_error_not_a_table_of_nothing(
        days: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # picks named 'arXiv:2602.04929': each day's line said so, then a table of n/a, 'R-precision nan' and exit 0
    from paperradar.cli import main
    test = make_days(tmp_path / "test", ["2026-02-01", "2026-02-02"], 30, start=2)
    for day in test.iterdir():
        picks = [json.loads(line) for line in (day / "picks.jsonl").read_text(encoding="utf-8").splitlines()]
        (day / "picks.jsonl").write_text("".join(json.dumps({**p, "id": f"arXiv:{p['id']}"}) + "\n" for p in picks),
                                         encoding="utf-8")
    assert main(["replay", str(test), "--warmup", str(days / "warm")]) == 1
    said = capsys.readouterr()
    assert said.out.splitlines()[0].startswith("2026-02-01: ") and "R-precision" not in said.out
    assert said.err.strip() == (f"paperradar: error: {test}: none of its days has a pick among its papers: nothing to "
                                "score (a replay scores each day against its picks)")
