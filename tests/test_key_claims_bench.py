"""The key-claims benchmark's earlier choice, kept to count what changed: the first sentence one regex matched."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from key_claims import earlier_claim  # noqa: E402

# the opening of 2511.19995 and the end of 2511.18643 (seed days)
CREWARD = ("Creativity is a complex phenomenon. When it comes to representing and assessing creativity, treating it as "
           "a single undifferentiated quantity would appear naive and underwhelming. In this work, we learn the first "
           "type-specific creativity reward model, coined CREward.")
KITTY = ("We close this gap via an algorithm-system co-design for mixed-precision KV caching: Kitty. We release the full "
         "implementation of Kitty at https://github.com/Summer-Summer/Kitty.")


def test_the_earlier_choice_is_what_reasons_quoted_before() -> None:
    assert earlier_claim(CREWARD) == ("Creativity is a complex phenomenon.", True)  # no "we" right before its verb
    assert earlier_claim(KITTY) == ("We release the full implementation of Kitty at "
                                    "https://github.com/Summer-Summer/Kitty.", False)
    assert earlier_claim("") == ("", False)

