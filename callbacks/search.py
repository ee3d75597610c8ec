"""Region search: options computed on the server, tolerant of spelling variants."""

from __future__ import annotations

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

import ids
from kantong import search


def register(app, store) -> None:
    @app.callback(Output(ids.CARI, "options"), Input(ids.CARI, "search_value"), State(ids.CARI, "value"))
    def search_options(query, value):
        if not query or len(query.strip()) < 2:
            raise PreventUpdate
        hits = search.search(store.latest(), query)
        # `search` carries the typed text, so the dropdown's own filter keeps every hit,
        # including those found through a spelling variant.
        return [
            {"label": search.label(row), "value": row["kode"], "search": f"{query} {row['nama']}"}
            for _, row in hits.iterrows()
        ]
