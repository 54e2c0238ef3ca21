"""The quality benchmark scores picks as `paperradar replay` does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from quality import main  # noqa: E402

SOURCE = Path(__file__).parents[1].parent / "shared" / "data" / "seed-days" / "2026-02-05"


def test_picks_of_a_field_the_profile_lacks_are_said_and_left_out_of_field_agreement(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # a day picked for another profile's fields gave 'field agreement 0.000 (0/3)' in silence, as replay once did
    records = [json.loads(line) for line in (SOURCE / "input.jsonl").read_text(encoding="utf-8").splitlines()][:30]
    ids = {r["id"] for r in records}
    picks = [json.loads(line) for line in (SOURCE / "picks.jsonl").read_text(encoding="utf-8").splitlines()]
    picks = [p for p in picks if p["id"] in ids]
    day = tmp_path / "days" / "2026-02-05"
    day.mkdir(parents=True)
    (day / "input.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (day / "picks.jsonl").write_text("".join(json.dumps({**p, "field": ["Robotics", "Vision"][n % 2]}) + "\n"
                                             for n, p in enumerate(picks)), encoding="utf-8")
    main([str(tmp_path / "days")])
    out = capsys.readouterr().out.splitlines()
    assert len(picks) > 1
    assert out[0] == (f"{len(picks)} picks name 2 fields the profile does not have ('Robotics', 'Vision'): counted "
                      "as picks with no field, left out of field agreement; give the profile they were picked for "
                      "with --profile")
    mean = next(line for line in out if line.startswith("mean "))
    assert "field agreement n/a (0/0)" in mean, mean
