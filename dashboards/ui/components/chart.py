"""A chart as the site shows it everywhere: title, subtitle, the figure, a generated text summary,
definition and source, tools (download the data, save the image, share, cite, embed), and the
same rows as a table (the non-visual alternative)."""
from __future__ import annotations

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import MATCH, Input, Output, State, clientside_callback, dcc, html

from dashboards.ui.charts import ChartData, sources_of, view_query
from dashboards.ui.components.deferred import deferred, opener
from dashboards.store.export import file_name
from dashboards.i18n import day, number, t
from dashboards.store.plans import present

# The table view is the chart's non-visual alternative, not the data file: a long table is not
# read row by row, it is downloaded (every row is in the CSV/Excel, and the note under the table
# says so). Each shown row also costs time to build and encode, so a 5-million-row version's
# monthly tables (hundreds of rows before this bound) made its pages several times slower than
# the embedded ones (docs/DEPLOY.md).
# 60 rows: five years of one monthly line, or every annual value of a few breakdowns.
MAX_TABLE_ROWS = 60


def source_parts(snap, source_ids, lang: str) -> list:
    """Components naming a chart's sources: title (linked), provider, licence, retrieval date."""
    sources = sources_of(snap)
    out: list = []
    for i, sid in enumerate(sid for sid in source_ids if sid in sources):
        s = sources[sid]
        title = html.A(s["title"], href=s["url"], rel="noopener") if (s["url"] or "").startswith("http") else s["title"]
        retrieved = t("stats.retrieved", lang, date=day(s["retrieved"], lang)) if s["retrieved"] else ""
        licence = f", {s['license']}" if s["license"] else ""
        out += (["; "] if i else []) + [title, f" ({s['provider']}{licence}{retrieved})"]
    return out


def is_map(figure: go.Figure | dict) -> bool:
    layout = (figure if isinstance(figure, dict) else figure.to_plotly_json()).get("layout") or {}
    return bool(layout.get("geo"))


def graph_config(filename: str, lang: str, geo: bool = False) -> dict:
    config = {
        "displaylogo": False, "responsive": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "zoomIn2d", "zoomOut2d", "toImage"],
    }
    if geo:  # the map geometry from this site (assets/topojson/), not plotly's CDN
        config["topojsonURL"] = dash.get_asset_url("topojson/")
    return config


def data_table(data: ChartData | pd.DataFrame, caption: str, lang: str) -> dict:
    """The table view's content, as data: the browser draws it (TABLE_VIEW) when it is opened, and
    web/static_html.py writes it into the pre-rendered page. Cells as shown, numbers formatted by locale
    (the files keep them as numbers); at most MAX_TABLE_ROWS rows, with a note giving how many there
    are in all. Keys: caption, columns, numeric (per column), rows (lists of cell texts), note."""
    shown, total = data.head(MAX_TABLE_ROWS) if isinstance(data, ChartData) else (data.head(MAX_TABLE_ROWS), len(data))
    numeric = [pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c]) for c in shown.columns]
    columns = []                        # cells column by column: one pass per column, no per-row Series
    for c, is_number in zip(shown.columns, numeric):
        values = shown[c].tolist()
        if is_number:
            texts = {v: number(v, lang, None) for v in set(values) if present(v)}   # each value once
            columns.append([texts[v] if present(v) else "" for v in values])
        else:
            columns.append([str(v) if present(v) else "" for v in values])
    note = t("chart.table_truncated", lang, shown=number(len(shown), lang), total=number(total, lang)) \
        if total > len(shown) else None
    return table_data(caption, [str(c) for c in shown.columns], [list(cells) for cells in zip(*columns)], numeric, note)


def table_data(caption: str, columns: list[str], rows: list[list[str]], numeric: list[bool] | None = None,
               note: str | None = None, class_name: str = "table table-sm data-table") -> dict:
    """A table as data for TABLE_VIEW: cell texts as shown, which columns are numbers (aligned right)."""
    return {"caption": caption, "columns": columns, "numeric": numeric or [False] * len(columns), "rows": rows,
            "note": note, "className": class_name}


def table_view(key: str, label: str, table: dict, class_name: str = "chart-table") -> html.Details:
    """A closed <details> whose table (`table_data`) is drawn in the browser when first opened."""
    return html.Details([opener("table-view", key, label), *deferred("table-view", key, table)], className=class_name)


# Draws a table view (data_table's data) as Dash components when it is first opened (its
# <summary> clicked, by mouse or keyboard). Made in the browser: as Python components, a full
# table was a large share of a statistics page's server time, for a part most visitors never open
# (docs/DEPLOY.md).
TABLE_VIEW = """function (clicks, table, drawn) {
    if (!clicks || drawn || !table) { return window.dash_clientside.no_update; }
    function el(type, props, children) {
        return {type: type, namespace: "dash_html_components", props: Object.assign({children: children}, props)};
    }
    var numeric = table.numeric;
    var head = el("Thead", {}, el("Tr", {}, table.columns.map(function (c, i) {
        return el("Th", numeric[i] ? {scope: "col", className: "num"} : {scope: "col"}, c);
    })));
    var body = el("Tbody", {}, table.rows.map(function (row) {
        return el("Tr", {}, row.map(function (v, i) { return el("Td", numeric[i] ? {className: "num"} : {}, v); }));
    }));
    var parts = [el("Table", {className: table.className}, [el("Caption", {}, table.caption), head, body])];
    if (table.note) { parts.push(el("P", {className: "small table-note"}, table.note)); }
    return el("Div", {className: "table-responsive"}, parts);
}"""
clientside_callback(
    TABLE_VIEW,
    Output({"deferred-slot": "table-view", "key": MATCH}, "children"),
    Input({"deferred-open": "table-view", "key": MATCH}, "n_clicks"),
    State({"deferred": "table-view", "key": MATCH}, "data"),
    State({"deferred-slot": "table-view", "key": MATCH}, "children"),
    prevent_initial_call=True,
)


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
        dcc.Graph(id=f"{chart_id}-graph", figure=figure, config=graph_config(chart_id, lang, is_map(figure)),
                  className="chart-graph"),
        html.P(summary, id=f"{chart_id}-summary", className="chart-summary"),
        html.Div(([html.P([html.Strong(t("chart.definition", lang) + " "), definition])] if definition else [])
                 + [html.P([html.Strong(t("chart.source", lang) + " ")] + source)], className="chart-meta"),
        *(extra or []),
        chart_tools(chart_id, data, query or {}, lang, title, source_text) if tools else None,
        table_view(chart_id, t("chart.table_view", lang), data_table(data, title, lang)),
    ], className="chart-block", id=chart_id, **{"aria-labelledby": heading_id})
