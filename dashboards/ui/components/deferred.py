"""Parts of a page the browser draws only when they are wanted.

Dash draws every component of a page as it loads, whether it is shown or not. On the plan page the
closed table views under the charts and the list of measures for phones (hidden on wide screens)
were most of its components, and a large part of its time to the first chart (docs/DEPLOY.md).
Such a part is sent as
data (a dcc.Store holding the component, or what it is made of) next to an empty slot; a
clientside callback puts it in the slot when it is wanted: a table view when it is first opened
(ui/components/chart.py), the phone list on narrow screens (at once, or when the window becomes
narrow). The page's pre-rendered HTML (web/static_html.py) writes the part in place, for the first paint
and for readers without JavaScript.
"""
from __future__ import annotations

from dash import MATCH, Input, Output, State, clientside_callback, dcc, html


def deferred(kind: str, key: str, content, class_name: str | None = None) -> list:
    """[data, slot] for `content` (a component, or data its kind's callback makes one of), drawn
    into the slot by the callback for `kind`: "when-narrow" and "when-open" below, "table-view" in chart.py."""
    store = dcc.Store(id={"deferred": kind, "key": key})
    # Set after construction: Dash's constructor refuses a component outside `children`, but sends
    # one in any property as its JSON, which is what the callback puts in the slot.
    store.data = content
    return [store, html.Div(id={"deferred-slot": kind, "key": key}, className=class_name)]


def opener(kind: str, key: str, *children, **props) -> html.Summary:
    """The <summary> whose first click draws the deferred part of `kind` and `key` (inside a <details>)."""
    return html.Summary(list(children), id={"deferred-open": kind, "key": key}, **props)


# Shown on narrow screens only (Bootstrap's md breakpoint): drawn there, or when the window narrows
# (then only if its slot is still on the page; a later page with the same slot replaces the content).
clientside_callback(
    """function (content) {
        var narrow = window.matchMedia("(max-width: 767.98px)");
        if (narrow.matches) { return content; }
        var out = window.dash_clientside.callback_context.outputs_list;
        var id = Array.isArray(out) ? out[0].id : out.id;
        var key = JSON.stringify(id, Object.keys(id).sort());  // how Dash writes a dict id in the page
        var waiting = window.migdashWhenNarrow = window.migdashWhenNarrow || {};
        if (!(key in waiting)) {
            narrow.addEventListener("change", function draw(e) {
                if (!e.matches) { return; }
                narrow.removeEventListener("change", draw);
                var later = waiting[key];
                delete waiting[key];
                if (document.getElementById(key)) { window.dash_clientside.set_props(id, {children: later}); }
            });
        }
        waiting[key] = content;
        return window.dash_clientside.no_update;
    }""",
    Output({"deferred-slot": "when-narrow", "key": MATCH}, "children"),
    Input({"deferred": "when-narrow", "key": MATCH}, "data"),
)


# Drawn when its <details> is first opened (`opener` is its <summary>): a long list most visitors
# never open (the measures carried over unchanged on /plan/compare: most of the page; docs/DEPLOY.md).
clientside_callback(
    """function (clicks, content, drawn) {
        if (!clicks || drawn) { return window.dash_clientside.no_update; }
        return content;
    }""",
    Output({"deferred-slot": "when-open", "key": MATCH}, "children"),
    Input({"deferred-open": "when-open", "key": MATCH}, "n_clicks"),
    State({"deferred": "when-open", "key": MATCH}, "data"),
    State({"deferred-slot": "when-open", "key": MATCH}, "children"),
    prevent_initial_call=True,
)
