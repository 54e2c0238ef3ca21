"""Digest -> files people read: Markdown (README/history), a static HTML site, JSON.

    view.py      the day laid out once (sections, anchors, sentences) for every renderer
    wording.py   every sentence of a digest, zh/en, numbers from RunFacts only
    markdown.py  render_markdown(digest, now)           escaped by mdescape, anchors by anchors (GitHub's rule)
    html.py      site_pages(digests, now) / render_site(digests, out_dir, now)   jinja2 autoescape
    jsonout.py   render_json(digest)
    publish.py   publish(digest, out_dir, history, now) every file written atomically by files.write_atomic
"""

from .html import render_site, site_pages
from .jsonout import render_json
from .markdown import render_markdown
from .publish import publish

__all__ = ["publish", "render_json", "render_markdown", "render_site", "site_pages"]
