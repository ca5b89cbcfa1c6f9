"""Small building blocks shared by pages: not-found content, definition lists, links, table cells."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards.ui.components.deferred import deferred
from dashboards.ui.components.shell import href, page
from dashboards.i18n import t


def labelled(label: str, children, **attrs) -> html.Td:
    """A cell of a `table-stacked` table: on a phone each row is a block and each value is named by
    its column (assets/10-theme.css), so that nothing scrolls sideways and the caption is whole."""
    return html.Td(children, **attrs, **{"data-label": label})


def not_found(lang: str, path: str, query: dict) -> html.Div:
    """The 404 page, for unknown addresses and for unknown ids in a known address."""
    return page(lang, path, query, t("not_found.title", lang), [
        html.H1(t("not_found.title", lang)),
        html.P(t("not_found.text", lang)),
        dcc.Link(t("not_found.home", lang), href=href("/", lang), className="btn btn-primary"),
    ], status=404)


def facts(items: list[tuple[str, object]]) -> html.Dl:
    """A definition list of label/value pairs, skipping empty values."""
    children = []
    for label, value in items:
        if value in (None, "", []):
            continue
        children += [html.Dt(label), html.Dd(value)]
    return html.Dl(children, className="facts")


def institution_links(codes: list[str], names: dict[str, str], lang: str) -> list:
    out: list = []
    for i, code in enumerate(codes):
        if i:
            out.append(", ")
        out.append(dcc.Link(names.get(code, code), href=href(f"/institutions/{code}", lang)))
    return out


def measure_card(row: dict) -> html.Li:
    """One measure for phones: `row` has number, title, href and meta (one line of facts)."""
    return html.Li([html.A(f"{row['number']}. {row['title']}", href=row["href"]),
                    html.Div(row["meta"], className="measure-card-meta")], className="measure-card")


def measure_cards(key: str, rows: list, label: str) -> html.Div:
    """Measures as a list for phones: `rows` are rows for `measure_card`, or cards it already made.
    Drawn on narrow screens only (wide ones show a table instead)."""
    cards = html.Ul([r if isinstance(r, html.Li) else measure_card(r) for r in rows],
                    className="measure-cards d-md-none", **{"aria-label": label})
    return html.Div(deferred("when-narrow", key, cards))


def native_select(cid: str, options: list[dict], value, placeholder: str | None = None) -> dbc.Select:
    """A filter as a native <select>: keyboard and screen-reader friendly everywhere, no script to
    load. With a placeholder, its first option ("All …") clears the filter; its value is ALL
    (an empty value would be taken by dbc.Select's own hidden placeholder option)."""
    choices = ([{"label": placeholder, "value": ALL}] if placeholder else []) + [
        {"label": o["label"], "value": str(o["value"])} for o in options]
    return dbc.Select(id=cid, options=choices, value=ALL if value is None else str(value))


ALL = "_all"  # the "All …" option of a filter: written to no URL (see assets/app.js)
