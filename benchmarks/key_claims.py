"""How often an offline reason's key claim is the abstract's first sentence for want of a sentence stating what the
paper does or finds, and how many quoted sentences the current choice changed from the earlier one.

  python benchmarks/key_claims.py [../shared/data/seed-days]

Every paper of every day counts (a paper listed on two days counts twice), as a reader meets them. The earlier
choice, kept here only to count what changed, quoted the first sentence matching one regex (`we`, `this
paper/work/study` or `our method/...` right before one of twenty verbs), else the first sentence, of sentences cut
only at a space after .!? Prints how many papers each choice left on the first sentence, how many quoted claims
hold two sentences (cut where the abstract forgot a space: 'tasks.In this work'), how many quoted sentences
changed, how many are cut at an abbreviation or run on past one ('we introduce Mr.', '..., etc. To bridge this gap,
we introduce ...'), and last the line `first sentence for want of a claim X.XXX`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from paperradar.scorers.reasons import MAX_CLAIM_CHARS, claim_index, own_name, paper_claim, sentences, trim
from paperradar.seeddays import load_days
from paperradar.sources.jsonl import detex

SEED_DAYS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seed-days"
EARLIER_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$\\(\"'])")
EARLIER_ABBREV = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|etc|Fig|Eq|resp|approx)\.$", re.IGNORECASE)
# a quote ending where its sentence goes on ('we introduce Mr.', '... pretraining on U.S.'), or going on where it ended
# ('..., etc. To bridge this gap, ...', '... proposed by Rusch et al. By formalizing ...')
CUT_AT_ABBREVIATION = re.compile(r"(?<![^\s(\[])(?:(?-i:Mrs?|Ms|Dr|DR|St|Prof)|U\.S|viz|a\.k\.a|w\.r\.t|avg|"
                                 r"i\.i\.d)\.$|\b(?:etc|et al)\.\s+[A-Z][a-z]*\b", re.IGNORECASE)
EARLIER_CUE = re.compile(
    r"\b(?:we|this (?:paper|work|study)|our (?:method|approach|framework|model|results?))\s+"
    r"(?:\w+ly\s+)?(?:propose|introduce|present|develop|design|show|demonstrate|achieve|find|prove|establish|"
    r"reveal|release|build|derive|provide|offer|formulate|identify|report)s?\b",
    re.IGNORECASE)


def earlier_sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in EARLIER_SENTENCE_END.split(" ".join(text.split())):
        if out and EARLIER_ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def earlier_claim(abstract: str) -> tuple[str, bool]:
    """The sentence the earlier choice quoted, and whether it was the first sentence for want of a cue."""
    parts = earlier_sentences(abstract)
    if not parts:
        return "", False
    cued = next((s for s in parts if EARLIER_CUE.search(s)), None)
    return trim(cued or parts[0], MAX_CLAIM_CHARS), cued is None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("days", nargs="*", type=Path, default=[SEED_DAYS], help="folders of DAY/input.jsonl")
    args = ap.parse_args()
    papers = earlier_wanting = wanting = changed = changed_wanting = earlier_joined = joined = earlier_cut = cut = 0
    for day in load_days(*args.days):
        for paper in day.papers:
            abstract = detex(paper.abstract)
            before, was_wanting = earlier_claim(abstract)
            parts = sentences(abstract)
            now_wanting = bool(parts) and claim_index(parts, own_name(detex(paper.title))) is None
            now = paper_claim(paper)
            papers += 1
            earlier_wanting += was_wanting
            wanting += now_wanting
            earlier_joined += len(sentences(before)) > 1
            joined += len(sentences(now)) > 1
            earlier_cut += bool(CUT_AT_ABBREVIATION.search(before))
            cut += bool(CUT_AT_ABBREVIATION.search(now))
            if now != before:
                changed += 1
                changed_wanting += was_wanting
    print(f"{papers} papers; first sentence for want of a claim: {earlier_wanting} with the earlier choice, "
          f"{wanting} now")
    print(f"quoted claims holding two sentences: {earlier_joined} with the earlier choice, {joined} now")
    print(f"quoted claims cut at an abbreviation or run on past one: {earlier_cut} with the earlier choice, {cut} now")
    print(f"quoted sentence changed for {changed} papers ({changed / papers:.3f}): {changed_wanting} that had their "
          f"first sentence for want of a claim, {changed - changed_wanting} that had a sentence the earlier cue matched")
    print(f"earlier first sentence for want of a claim {earlier_wanting / papers:.3f}")
    print(f"first sentence for want of a claim {wanting / papers:.3f}")


if __name__ == "__main__":
    main()
