"""A chart as the site shows it everywhere: title, subtitle, the figure, a generated text summary,
definition and source, and the same numbers as a table (the non-visual alternative)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboards._i18n import t

MAX_TABLE_ROWS = 300


def graph_config(filename: str, lang: str) -> dict:
    return {
        "displaylogo": False, "responsive": True, "locale": "en",
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }


def data_table(frame: pd.DataFrame, caption: str, lang: str) -> html.Div:
    shown = frame.head(MAX_TABLE_ROWS)
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])}
    head = html.Thead(html.Tr([html.Th(c, scope="col", className="num" if c in numeric else None) for c in shown.columns]))
    body = html.Tbody([
        html.Tr([html.Td("" if v is None or v != v else str(v), className="num" if c in numeric else None)
                 for c, v in zip(shown.columns, row)])
        for row in shown.itertuples(index=False)
    ])
    note = [html.P(t("chart.table_truncated", lang, shown=MAX_TABLE_ROWS, total=len(frame)), className="small")] \
        if len(frame) > MAX_TABLE_ROWS else []
    return html.Div([html.Table([html.Caption(caption), head, body], className="table table-sm data-table")] + note,
                    className="table-responsive")


def chart_block(chart_id: str, lang: str, title: str, subtitle: str, figure: go.Figure, summary: str,
                table: pd.DataFrame, source: list, definition: str | None = None, extra: list | None = None) -> html.Section:
    """`source`: components (text and links) naming where the numbers come from."""
    heading_id = f"{chart_id}-title"
    return html.Section([
        html.H2(title, id=heading_id, className="chart-title"),
        html.P(subtitle, className="chart-subtitle"),
        dcc.Graph(id=f"{chart_id}-graph", figure=figure, config=graph_config(chart_id, lang),
                  className="chart-graph"),
        html.P(summary, id=f"{chart_id}-summary", className="chart-summary"),
        html.Div(([html.P([html.Strong(t("chart.definition", lang) + " "), definition])] if definition else [])
                 + [html.P([html.Strong(t("chart.source", lang) + " ")] + source)], className="chart-meta"),
        *(extra or []),
        html.Details([html.Summary(t("chart.table_view", lang)), data_table(table, title, lang)],
                     className="chart-table"),
    ], className="chart-block", id=chart_id, **{"aria-labelledby": heading_id})
