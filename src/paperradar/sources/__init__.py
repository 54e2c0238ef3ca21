"""Where papers come from: arXiv's RSS feed (what is new today), its export API (full metadata), a JSONL file.

All arXiv traffic goes through one polite client, `http.ArxivClient` (spaced, one at a time, bounded retries).
"""

from .api import enrich, fetch_by_ids
from .http import ArxivClient
from .jsonl import read_jsonl
from .rss import Listing, fetch_listing, parse_rss

__all__ = ["ArxivClient", "Listing", "enrich", "fetch_by_ids", "fetch_listing", "parse_rss", "read_jsonl"]
