"""No English left in what the libraries draw: plotly's toolbar and messages (the locale in
assets/kantong/plotly_id.js) and AG Grid's texts (layouts/priority.py GRID_LOCALE), checked
against the very library versions installed."""

from __future__ import annotations

import re
from pathlib import Path

import dash_ag_grid
import plotly

from layouts.priority import GRID_LOCALE

ROOT = Path(__file__).resolve().parents[1]
PLOTLY_LOCALE = ROOT / "assets" / "kantong" / "plotly_id.js"
# Capitalised words in plotly.js that are map style fields, not texts shown.
NOT_TEXT = {"Glyphs", "Image", "Source", "Style", "Tile"}


def plotly_dictionary() -> dict[str, str]:
    text = PLOTLY_LOCALE.read_text(encoding="utf-8")
    body = text[text.index("dictionary: {") : text.index("format: {")]
    pairs = re.findall(r"""(?:'([^']+)'|"([^"]+)"):\s*'([^']*)'""", body)  # 'key': 'text' or "key": 'text'
    return {single or double: value for single, double, value in pairs}


def plotly_texts() -> set[str]:
    """The texts plotly.js translates: the first argument after the graph of its `_()`."""
    bundle = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(encoding="utf-8")
    return set(re.findall(r'\((?:[a-zA-Z]|this\.graphInfo),"([A-Z][^"]{2,90})"\)', bundle)) - NOT_TEXT


def test_plotly_locale_translates_every_toolbar_text_of_the_installed_plotly():
    dictionary = plotly_dictionary()
    texts = plotly_texts()
    assert {"Download plot as a PNG", "Zoom in", "Reset view", "Share chart..."} <= texts
    assert sorted(texts - set(dictionary)) == []
    assert dictionary["Download plot as a PNG"] == "Unduh grafik sebagai PNG"
    assert all(v and v != k for k, v in dictionary.items() if k not in ("lat", "lon"))


def test_plotly_locale_is_the_default_of_every_graph_and_hides_the_cloud_button():
    script = PLOTLY_LOCALE.read_text(encoding="utf-8")
    assert "name: 'id'" in script
    assert "var DEFAULTS = { locale: 'id', showSendToCloud: false" in script
    assert "setPlotConfig(DEFAULTS)" in script and "register(LOCALE)" in script
    assert "decimal: ','" in script and "thousands: '.'" in script


def ag_grid_texts() -> dict[str, str]:
    """{key: English default} of every text the installed AG Grid asks its locale for."""
    bundle = (Path(dash_ag_grid.__file__).parent / "dash_ag_grid.min.js").read_text(encoding="utf-8")
    pairs = re.findall(r'[\w$]\("([a-z][A-Za-z]{1,40})",["`]([^"`$]{1,90})["`][,)]', bundle)
    return {k: v for k, v in pairs if re.match(r"[A-Z(]", v) or " " in v}


def test_grid_locale_translates_every_text_of_the_installed_ag_grid():
    texts = ag_grid_texts()
    assert texts["pageSizeSelectorLabel"] == "Page Size:"  # what the users saw
    assert sorted(set(texts) - set(GRID_LOCALE)) == []
    assert GRID_LOCALE["pageSizeSelectorLabel"] == "Baris per halaman:"
    for key in ("page", "of", "to", "more", "firstPage", "nextPage", "previousPage", "lastPage"):
        assert key in GRID_LOCALE
    assert (GRID_LOCALE["thousandSeparator"], GRID_LOCALE["decimalSeparator"]) == (".", ",")


def dropdown_defaults() -> dict[str, str]:
    """dcc.Dropdown's English texts, which it puts in place of any key a layout leaves out."""
    import dash

    bundle = (Path(dash.__file__).parent / "dcc" / "dash_core_components.js").read_text(encoding="utf-8")
    found = re.search(r'\{(select_all:"Select All",(?:\w+:"[^"]*",?)*)\}', bundle)
    return dict(re.findall(r'(\w+):"([^"]*)"', found.group(1)))


def test_map_dropdowns_name_everything_in_indonesian_including_the_clear_button():
    from layouts.main import DROPDOWN_LABELS, controls

    defaults = dropdown_defaults()
    assert defaults["clear_selection"] == "Clear selection"  # the "×" button's aria-label
    assert set(DROPDOWN_LABELS) == set(defaults)
    assert all(DROPDOWN_LABELS[k] != v for k, v in defaults.items())
    assert DROPDOWN_LABELS["clear_selection"] == "Hapus pilihan"
    assert "{num_selected}" in DROPDOWN_LABELS["selected_count"]

    def dropdowns(node):
        if type(node).__name__ == "Dropdown":
            yield node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children] if children is not None else []:
            yield from dropdowns(child)

    found = list(dropdowns(controls()))
    assert [d.id for d in found] == ["cari", "indikator"]
    assert all(d.labels == DROPDOWN_LABELS for d in found)
