"""Anchors as GitHub makes them, so the field navigation of a README works there."""

from __future__ import annotations

import dataclasses
import html as htmllib
import re
import tomllib
from pathlib import Path
from urllib.parse import unquote

import pytest
from render_samples import NOW, SAFETY, THEORY, llm_zh_digest

from paperradar.render.anchors import Slugger, github_slug
from paperradar.render.markdown import render_markdown

cmarkgfm = pytest.importorskip("cmarkgfm", reason="cmarkgfm (GitHub's cmark) renders the Markdown as GitHub does")

SEED_PROFILE = Path(__file__).parents[2].parent / "shared" / "profiles" / "seed-interests.toml"


def test_seven_chinese_field_names_keep_their_characters() -> None:
    names = [f["name"] for f in tomllib.loads(SEED_PROFILE.read_text(encoding="utf-8"))["fields"]]
    assert len(names) == 7
    assert [github_slug(n) for n in names] == [
        "深度学习理论", "深度学习可解释性", "原生多模态大模型", "高效大模型训练与推理", "多模态智能体", "大模型安全与对齐", "大模型新技术"]


@pytest.mark.parametrize("heading, slug", [
    ("Hello World!", "hello-world"),
    ("C++ & Rust", "c--rust"),
    ("API_v2 — notes", "api_v2--notes"),
    ("深度学习（理论）与 LLM", "深度学习理论与-llm"),
    ("ArXiv 每日推荐 - 2026-02-05", "arxiv-每日推荐---2026-02-05"),
    ("[Score: 8.0/10] Attention Is All You Need", "score-8010-attention-is-all-you-need"),
    ("Émile's café 🚀", "émiles-café-"),
])
def test_github_slug_rule(heading: str, slug: str) -> None:
    assert github_slug(heading) == slug


def test_repeated_headings_are_numbered_like_github() -> None:
    s = Slugger()
    assert [s.slug(h) for h in ["Intro", "Intro", "Intro-1", "intro"]] == ["intro", "intro-1", "intro-1-1", "intro-2"]


def test_every_navigation_link_reaches_a_heading() -> None:
    md = render_markdown(llm_zh_digest(), NOW)
    slugger = Slugger()
    # GitHub slugs the rendered heading text; our escapes render back to the raw characters.
    headings = [re.sub(r"\\(.)", r"\1", line.lstrip("#").strip()).replace("&lt;", "<").replace("&gt;", ">")
                for line in md.splitlines() if line.startswith("#")]
    anchors = {slugger.slug(h) for h in headings}
    targets = re.findall(r"^- \[[^\]]+\]\(#([^)]+)\)", md, re.M)
    assert len(targets) == 3 and set(targets) <= anchors


def _navigation_reaches_headings(md: str) -> None:
    html = cmarkgfm.github_flavored_markdown_to_html(md)
    slugger = Slugger()
    anchors = {slugger.slug(htmllib.unescape(re.sub(r"<[^>]+>", "", h)))
               for h in re.findall(r"<h[1-6]>(.*?)</h[1-6]>", html)}  # GitHub slugs the heading as rendered
    targets = re.findall(r'<li><a href="#([^"]+)">', html)
    assert targets and {unquote(t) for t in targets} <= anchors


def test_field_names_with_inner_spaces_keep_working_links() -> None:
    # a reader may type two spaces, or a space between Chinese words; the heading GitHub shows has neither
    digest = llm_zh_digest()
    renamed = {THEORY: "深度学习 理论", SAFETY: "Safety  and   alignment"}
    fields = tuple(dataclasses.replace(f, name=renamed.get(f.name, f.name)) for f in digest.profile.fields)
    entries = tuple(dataclasses.replace(e, judgement=dataclasses.replace(
        e.judgement, field=renamed.get(e.judgement.field, e.judgement.field))) for e in digest.entries)
    _navigation_reaches_headings(render_markdown(
        dataclasses.replace(digest, profile=dataclasses.replace(digest.profile, fields=fields), entries=entries), NOW))


@pytest.mark.parametrize("ascii_text", ["Hello, World! (v2) a_b-c", "Tabs\tand ~tildes~ & 100% <tags>", "  x  "])
def test_ascii_fast_path_agrees_with_the_unicode_rule(ascii_text: str) -> None:
    assert github_slug(ascii_text + "é") == github_slug(ascii_text) + "é"  # é forces the per-character path
