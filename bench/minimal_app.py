"""A bare Dash page with one chart: the yardstick for bench/page_timing.py and bench/lighthouse.py."""
import dash
import plotly.graph_objects as go
from dash import dcc, html

app = dash.Dash(__name__, title="Minimal Dash page")
app.layout = html.Div([
    html.H1("Minimal Dash page"),
    dcc.Graph(figure=go.Figure(go.Bar(x=[str(y) for y in range(2008, 2025)], y=list(range(17))))),
])
server = app.server
# Dash's first-request setup races under gunicorn's threads ("not a registered library" for the
# page's parallel script requests); one request at import avoids it, as app.py does. It changes
# nothing the browser measures.
server.test_client().get("/_dash-layout")
