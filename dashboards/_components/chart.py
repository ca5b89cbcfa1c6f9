"""A chart as the site shows it everywhere: title, subtitle, the figure, a generated text summary,
definition and source, tools (download the data, save the image, share, cite, embed), and the
same rows as a table (the non-visual alternative)."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboards._charts import ChartData, view_query
from dashboards._components.deferred import deferred, opener
from dashboards._export import file_name
from dashboards._i18n import number, t

# The table view is the chart's non-visual alternative, not the data file: a long table is not
# read row by row, it is downloaded (every row is in the CSV/Excel, and the note under the table
# says so). Each shown row also costs ~60 us to build and encode, so a 5-million-row version's
# monthly tables (up to 300 rows before) made its pages 2-5x slower than the embedded ones.
# 60 rows: five years of one monthly line, or every annual value of a few breakdowns.
MAX_TABLE_ROWS = 60


def graph_config(filename: str, lang: str) -> dict:
    return {
        "displaylogo": False, "responsive": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d", "toImage"],
    }


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def data_table(data: ChartData | pd.DataFrame, caption: str, lang: str) -> html.Div:
    """The rows as an HTML table, numbers formatted by locale (the file keeps them as numbers);
    at most MAX_TABLE_ROWS rows, with a note giving how many there are in all."""
    shown, total = data.head(MAX_TABLE_ROWS) if isinstance(data, ChartData) else (data.head(MAX_TABLE_ROWS), len(data))
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])}
    columns = []                        # cells column by column: one pass per column, no per-row Series
    for c in shown.columns:
        values = shown[c].tolist()
        if c in numeric:
            texts = {v: number(v, lang, None) for v in set(values) if not _is_missing(v)}   # each value once
            columns.append([html.Td("" if _is_missing(v) else texts[v], className="num") for v in values])
        else:
            columns.append([html.Td("" if _is_missing(v) else str(v)) for v in values])
    head = html.Thead(html.Tr([html.Th(c, scope="col", className="num" if c in numeric else None) for c in shown.columns]))
    body = html.Tbody([html.Tr(list(cells)) for cells in zip(*columns)])
    note = [html.P(t("chart.table_truncated", lang, shown=number(len(shown), lang), total=number(total, lang)),
                   className="small table-note")] if total > len(shown) else []
    return html.Div([html.Table([html.Caption(caption), head, body], className="table table-sm data-table")] + note,
                    className="table-responsive")


def _copy_field(cid: str, label: str, text: str, multiline: bool = False) -> html.Div:
    field = (dcc.Textarea(id=cid, value=text, readOnly=True, className="form-control copy-text", rows=3)
             if multiline else dcc.Input(id=cid, value=text, readOnly=True, className="form-control copy-text"))
    return html.Div([html.Label(label, htmlFor=cid, className="form-label"),
                     html.Div([field, dcc.Clipboard(target_id=cid, className="btn btn-outline-primary btn-sm copy-button",
                                                    title=label)],
                              className="copy-row")], className="copy-field")


def chart_tools(chart_id: str, data: ChartData, query: dict, lang: str, figure_title: str, source_text: str) -> html.Div:
    q = view_query(query)
    about = data.about
    embed_src = about.url.replace(data.page_path, f"/embed/{chart_id}", 1) if about.url else f"/embed/{chart_id}{q}"
    embed = (f'<iframe src="{embed_src}" title="{figure_title}" width="100%" height="560" '
             f'style="border:0" loading="lazy"></iframe>')
    image = {"data-graph": f"{chart_id}-graph", "data-title": figure_title,
             "data-source": f"{t('chart.source', lang)} {source_text} · {t('chart.version', lang)} {about.version} · {about.published}",
             "data-filename": file_name(figure_title, "x")[:-2]}
    return html.Div([
        html.Div([
            html.Span(t("chart.download", lang), className="tools-label"),
            html.A("CSV", href=f"/download/{chart_id}.csv{q}", className="btn btn-sm btn-outline-primary", download=""),
            html.A("Excel", href=f"/download/{chart_id}.xlsx{q}", className="btn btn-sm btn-outline-primary", download=""),
            html.Span(t("chart.image", lang), className="tools-label"),
            html.Button("PNG", type="button", className="btn btn-sm btn-outline-primary", **image, **{"data-image-format": "png"}),
            html.Button("SVG", type="button", className="btn btn-sm btn-outline-primary", **image, **{"data-image-format": "svg"}),
        ], className="tools-row"),
        html.Details([html.Summary(t("chart.share", lang)),
                      _copy_field(f"{chart_id}-link", t("chart.link", lang), about.url or q),
                      _copy_field(f"{chart_id}-cite", t("chart.cite", lang), about.citation or "", multiline=True),
                      _copy_field(f"{chart_id}-embed", t("chart.embed", lang), embed, multiline=True)],
                     className="tools-share"),
    ], className="chart-tools")


def chart_block(chart_id: str, lang: str, title: str, subtitle: str, figure: go.Figure, summary: str,
                data: ChartData, source: list, definition: str | None = None, extra: list | None = None,
                query: dict | None = None, tools: bool = True) -> html.Section:
    """`source`: components (text and links) naming where the numbers come from."""
    heading_id = f"{chart_id}-title"
    source_text = "; ".join(s["title"] for s in data.about.sources) or "".join(x for x in source if isinstance(x, str))
    return html.Section([
        html.H2(title, id=heading_id, className="chart-title"),
        html.P(subtitle, className="chart-subtitle"),
        dcc.Graph(id=f"{chart_id}-graph", figure=figure, config=graph_config(chart_id, lang), className="chart-graph"),
        html.P(summary, id=f"{chart_id}-summary", className="chart-summary"),
        html.Div(([html.P([html.Strong(t("chart.definition", lang) + " "), definition])] if definition else [])
                 + [html.P([html.Strong(t("chart.source", lang) + " ")] + source)], className="chart-meta"),
        *(extra or []),
        chart_tools(chart_id, data, query or {}, lang, title, source_text) if tools else None,
        html.Details([opener("on-open", chart_id, t("chart.table_view", lang)),
                      *deferred("on-open", chart_id, data_table(data, title, lang))], className="chart-table"),
    ], className="chart-block", id=chart_id, **{"aria-labelledby": heading_id})
