"""The site's colours stay readable in both schemes it declares (WCAG AA, 4.5:1), as a phone in dark mode shows it."""

from __future__ import annotations

import re

import pytest

from paperradar.render.env import TEMPLATE_DIR

CSS = (TEMPLATE_DIR / "site.css").read_text(encoding="utf-8")
LIGHT_CANVAS = "#ffffff"
DARK_CANVASES = ("#121212", "#1c1b22", "#1e1e1e")  # what Chrome, Firefox and Safari paint under `color-scheme: dark`


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", block))


def _schemes() -> tuple[dict[str, str], dict[str, str]]:
    light = _variables(CSS.split("@media", 1)[0])
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{(.*?\})\s*\}", CSS, re.S)
    assert "color-scheme: light dark" in CSS and dark_block, "a site that declares dark mode needs its dark colours"
    return light, {**light, **_variables(dark_block.group(1))}


def test_text_colours_are_set_from_variables() -> None:
    assert re.search(r"\ba\s*\{[^}]*color:\s*var\(--link\)", CSS)
    assert "color: var(--accent)" in CSS and "color: var(--muted)" in CSS


@pytest.mark.parametrize("name", ["link", "accent", "muted"])
def test_readable_in_light_and_dark(name: str) -> None:
    light, dark = _schemes()
    assert _contrast(light[name], LIGHT_CANVAS) >= 4.5
    for canvas in DARK_CANVASES:
        assert _contrast(dark[name], canvas) >= 4.5, f"--{name} {dark[name]} on {canvas}"
