"""What a person sees when a callback fails: a short Indonesian message in place of each
thing the callback should have drawn (never a stale map under a new title), while the
error and the inputs that caused it go to the server's log."""

from __future__ import annotations

import logging
import uuid

from dash import ctx, html, no_update

_log = logging.getLogger("kantong.callbacks")

MESSAGE = "Bagian ini tidak dapat ditampilkan karena terjadi kesalahan pada server."
MAP_MESSAGE = "Peta tidak dapat digambar karena terjadi kesalahan pada server."
HINT = "Coba lagi, atau pilih tampilan lain. Kesalahan ini sudah dicatat"


def message_figure(text: str, reference: str) -> dict:
    """An empty figure that says what went wrong, in the place of a map or chart."""
    return {
        "data": [],
        "layout": {
            "xaxis": {"visible": False},
            "yaxis": {"visible": False},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "annotations": [
                {
                    "text": f"<b>{text}</b><br>{HINT} (kode {reference}).",
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "font": {"size": 15, "color": "#842029"},
                }
            ],
            "meta": {"kantong_galat": reference},
        },
    }


def message_block(reference: str):
    return html.Div(
        [MESSAGE + " ", f"{HINT} (kode {reference})."],
        className="alert alert-danger small py-2 mb-0 kantong-galat",
        role="alert",
    )


def _replacement(output: dict, reference: str):
    prop = output.get("property")
    if prop == "figure":
        return message_figure(MAP_MESSAGE if "peta" in str(output.get("id")) else MESSAGE, reference)
    if prop == "children":
        return message_block(reference)
    if prop == "data" and str(output.get("id")).endswith("-tampil"):
        return None  # the store of what a figure shows: it now shows nothing, so redraw whole next time
    return no_update  # stores, addresses, values: leave them as they were


def _described(inputs) -> list:
    """The inputs as the log may hold them: component, property and the size of the value,
    never the value (an upload's content, a typed reason: personal data, UU 27/2022)."""
    out = []
    for item in inputs if isinstance(inputs, list) else [inputs]:
        if isinstance(item, list):
            out.append(_described(item))
        elif isinstance(item, dict):
            value = item.get("value")
            size = len(value) if isinstance(value, (str, list, dict)) else (0 if value is None else 1)
            out.append({"id": item.get("id"), "property": item.get("property"), "ukuran": size})
    return out


def on_error(error: Exception):
    """The app's callback error handler (dash.Dash(on_error=...)): logs the error with a
    short reference the message repeats, so a report from the field can be found in the
    log, and returns a message for every output that shows something."""
    reference = uuid.uuid4().hex[:8]
    try:
        outputs = ctx.outputs_list
        inputs = ctx.inputs_list
    except Exception:  # no callback context: log what there is
        outputs, inputs = [], []
    _log.error("callback error %s; outputs %s; inputs %s", reference, outputs, _described(inputs), exc_info=error)
    if isinstance(outputs, dict):
        return _replacement(outputs, reference)
    return [
        [_replacement(o, reference) for o in out] if isinstance(out, list) else _replacement(out, reference)
        for out in outputs
    ]
