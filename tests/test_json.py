"""Dash's responses are encoded by dashboards/web/dash_compat.py: the same JSON as plotly's encoder gives,
safe inside HTML, for every kind of value the pages use."""
from __future__ import annotations

import datetime
import decimal
import json

import numpy as np
import pandas as pd
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly


def test_json_odd_values_encode_as_plotly_does(dash_app):
    from dashboards.web.dash_compat import to_json

    value = {
        "component": html.Div([html.Span("Миграция </script>"), dcc.Store(id="s", data={"a": 1})], id="x"),
        "numbers": np.arange(3, dtype="int64"), "strided": np.arange(10.0)[::2], "objects": np.array(["a", None], dtype=object),
        "dates": np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[D]"), "missing": [pd.NaT, pd.NA, float("nan")],
        "scalars": [np.int64(7), np.float32(0.5), np.bool_(True), decimal.Decimal("1.5")],
        "when": datetime.datetime(2024, 5, 6, 7, 8, 9), "series": pd.Series([1.5, 2.5]), "separators": "\u2028",
    }
    ours = to_json(value)
    mine, theirs = json.loads(ours), json.loads(to_json_plotly(value))
    # datetime64 arrays: orjson writes the time of day too; plotly.js reads both as the same dates
    assert mine.pop("dates") == ["2024-01-01T00:00:00", "2024-02-01T00:00:00"] and theirs.pop("dates") == ["2024-01-01", "2024-02-01"]
    assert mine == theirs
    assert "</" not in ours and "\u2028" not in ours  # stays inert inside a <script> in HTML


@pytest.mark.parametrize("path", ["/", "/plan?goal=II&lang=en", "/statistics/protection?by=citizenship",
                                  "/plan/measure/2024-038", "/institutions/DAB", "/data", "/embed/statistics-protection"])
def test_json_page_layouts_same_as_plotly_encoding(dash_app, path):
    import dash.dash

    from dashboards.web.dash_compat import to_json
    from dashboards.web.router import render

    assert dash.dash.to_json is to_json  # installed where Dash encodes layouts (and callback answers)
    pathname, _, search = path.partition("?")
    with dash_app.server.test_request_context(path):
        page = render(pathname, f"?{search}" if search else "")
    assert json.loads(to_json(page)) == json.loads(to_json_plotly(page))


@pytest.mark.parametrize("path", ["/", "/plan?goal=II&lang=en", "/statistics/protection?by=citizenship",
                                  "/statistics/asylum?by=citizenship", "/statistics/trafficking?by=sex",
                                  "/plan/measure/2024-038", "/embed/statistics-protection"])
def test_json_figures_sent_as_plotly_would_send_them(dash_app, path):
    """Figures skip plotly's deep copy on the way out; what is sent is what plotly's to_dict gives."""
    import plotly.graph_objects as go
    from dash import dcc

    from dashboards.web.dash_compat import to_json
    from dashboards.web.router import render
    from tests.conftest import components

    pathname, _, search = path.partition("?")
    with dash_app.server.test_request_context(path):
        graphs = [c for c in components(render(pathname, f"?{search}" if search else "")) if isinstance(c, dcc.Graph)]
    assert graphs
    for graph in graphs:
        assert json.loads(to_json(graph.figure)) == json.loads(to_json_plotly(go.Figure.to_dict(graph.figure)))


def test_json_unknown_type_is_named(dash_app):
    from dashboards.web.dash_compat import to_json

    with pytest.raises(TypeError, match="not JSON serializable: set"):
        to_json({"a": {1, 2}})


def test_json_cached_figures_unchanged_by_printing_them(dash_app):
    """plotly's repr writes into the dict to_plotly_json gives; a kept figure must not change."""
    from dashboards.ui.plan_figures import measures_per_goal_figure

    fig = measures_per_goal_figure(pd.DataFrame({"goal_label": ["I. x"], "measures": [3]}), "en")
    repr(fig)
    assert fig.to_plotly_json()["layout"]["template"] == "none"
