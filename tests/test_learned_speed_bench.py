"""The speed benchmark as a reader runs it: `python benchmarks/learned_speed.py CORPUS`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "learned_speed.py"


def test_a_corpus_folder_that_is_not_there_is_named_not_called_too_small(tmp_path: Path) -> None:
    # run from the wrong folder, `../shared/data/corpus` points nowhere: say so, before any encoding
    missing = tmp_path / "shared" / "data" / "corpus"
    done = subprocess.run([sys.executable, str(SCRIPT), str(missing)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert str(missing) in done.stderr and "fewer than" not in done.stderr
