"""Links into the statistics pages: which page shows a theme, and the list of related series that a
measure's page and an institution's page end with (each series linked to its statistics page)."""
from __future__ import annotations

from dash import dcc, html

from dashboards.ui.components.shell import href
from dashboards.store.plans import label_column


def theme_path(theme: str) -> str:
    """The statistics page that shows a theme."""
    return {"temporary_protection": "asylum", "irregular_migration": "returns"}.get(theme, theme)


def related_series(related: list | None, lang: str, none_text: str):
    """The series (registry rows) as links to their statistics pages, or `none_text` when there are none."""
    if related is not None and len(related):
        return html.Ul([html.Li(dcc.Link(r[label_column(lang)], href=href(f"/statistics/{theme_path(r['theme'])}", lang, series=r["series"])))
                        for r in related])
    return html.P(none_text)
