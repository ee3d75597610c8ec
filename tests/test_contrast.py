"""The navigation bar is readable: its texts against the bar reach WCAG AA (4.5:1), its focus
ring the 3:1 of a control's outline, computed from the colours in assets/kantong/kantong.css."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[1] / "assets" / "kantong" / "kantong.css"


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over(colour: str, alpha: float, background: str) -> str:
    """A translucent colour as it shows over a background."""
    mixed = [
        round(alpha * int(colour[i : i + 2], 16) + (1 - alpha) * int(background[i : i + 2], 16)) for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{v:02x}" for v in mixed)


def variables() -> dict[str, str]:
    return dict(re.findall(r"(--kantong-[\w-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))


def test_the_contrast_formula_on_known_pairs():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_bootstrap_s_own_colours_were_too_faint_on_the_bar():
    bar = variables()["--kantong-biru"]
    assert contrast(over("#ffffff", 0.55, bar), bar) == pytest.approx(3.8, abs=0.05)  # navbar links
    assert contrast(over("#ffffff", 0.50, bar), bar) == pytest.approx(3.4, abs=0.1)  # text-white-50


def test_bar_texts_reach_aa_and_the_focus_ring_shows():
    css = variables()
    bar = css["--kantong-biru"]
    ratios = {
        name: contrast(css[name], bar) for name in ("--kantong-bar-tautan", "--kantong-bar-teks", "--kantong-bar-aktif")
    }
    assert all(r >= 4.5 for r in ratios.values()), ratios
    assert ratios["--kantong-bar-tautan"] == pytest.approx(6.85, abs=0.01)
    assert ratios["--kantong-bar-teks"] == pytest.approx(6.23, abs=0.01)
    assert contrast(css["--kantong-fokus-gelap"], bar) >= 3.0
    text = CSS.read_text()
    assert "--bs-navbar-color: var(--kantong-bar-tautan)" in text
    assert ".navbar-info { color: var(--kantong-bar-teks); }" in text
    assert re.search(r"kantong-navbar a:focus-visible.*?outline: 3px solid var\(--kantong-fokus-gelap\)", text, re.S)


def test_navbar_uses_those_colours():
    from layouts.main import shell

    bar = shell([("/", "Peta", "nav-peta")], None, "Snapshot uji", "Sumber: uji")
    navbar = bar.children[1]
    assert "kantong-navbar" in navbar.className
    info = navbar.children.children[-1]
    assert "navbar-info" in info.className and "text-white-50" not in info.className
