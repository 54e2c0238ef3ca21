"""Time publish() over the 23 real seed days, as the pipeline calls it each day: `python tests/render/bench_publish.py`."""
import time, tomllib, tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from paperradar.models import Digest, DigestEntry, Field, Judgement, Profile, RunFacts, TokenUsage
from paperradar.render.publish import publish
from paperradar.seeddays import load_days
shared = Path(__file__).parents[2].parent / 'shared'
raw = tomllib.loads((shared/'profiles/seed-interests.toml').read_text())
profile = Profile(fields=tuple(Field(f['name'], tuple(f['about'])) for f in raw['fields']))
digests = []
for day in load_days(shared/'data/seed-days'):
    d = date.fromisoformat(day.name)
    entries = tuple(DigestEntry(p, Judgement(p.id, day.picks[p.id].score if p.id in day.picks else 0.0,
                    day.picks[p.id].field if p.id in day.picks else None, "理由" * 30, "llm:x"), p.id in day.picks)
                    for p in day.papers)
    digests.append(Digest(d, profile, entries, RunFacts(d, len(day.papers), "embedded:usem3",
                   finished_at=datetime(d.year, d.month, d.day, 5, tzinfo=UTC))))
out = Path(tempfile.mkdtemp())
t = time.perf_counter()
paths = publish(digests[-1], out, digests[:-1], now=datetime.now(UTC))
dt = time.perf_counter() - t
size = sum(p.stat().st_size for p in paths)
print(f"{len(digests)} days, {sum(len(d.entries) for d in digests)} papers: publish wrote {len(paths)} files, "
      f"{size/1e6:.1f} MB in {dt:.2f} s ({dt/len(digests)*1000:.0f} ms/day)")
