"""Digest -> files people read: Markdown (README/history), a static HTML site, JSON.

    view.py      the day laid out once (sections, anchors, sentences) for every renderer
    wording.py   every sentence of a digest, zh/en, numbers from RunFacts only
    markdown.py  render_markdown(digest, now, nav)      escaped by mdescape, anchors by anchors (GitHub's rule);
                 days_nav(prev, next, at_root)          a page's relative links to its days and history/README.md
    html.py      render_page / render_archive / site_pages(digests, now)   jinja2 autoescape; a day page links
                 only its previous and next day and archive.html, so a new day never changes the other pages
    jsonout.py   render_json(digest); recorded_entry(path) / recorded_profile_version(path) read a published
                 day's index_entry (date, file, counts, scorer, model, profile) and profile from its head;
                 render_index(entries) json/index.json, a line a day
    days.py      one digest per day, the time each says it was made, a day's neighbours
    publish.py   publish(digest, out_dir, dates, neighbours, now)  the daily call: only the files that change
                 neighbour_dates(dates, day)                         which digests to pass as neighbours
                 front_date(dates, listed)                           the day on the front page: the last one
                                                                     with papers, not a weekend's empty listing
                 held_dates(out_dir) / held_front(out_dir, ...)      the days a folder holds, and its front day
                 publish_all(digests, out_dir, now)                 every day at once, in one linear pass
    files.py     the only disk access: write_atomic, read_head
"""

from .html import site_pages
from .jsonout import render_json
from .markdown import render_markdown
from .publish import neighbour_dates, publish, publish_all

__all__ = ["neighbour_dates", "publish", "publish_all", "render_json", "render_markdown", "site_pages"]
