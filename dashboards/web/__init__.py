"""The web process's glue to Dash, Flask and plotly (see dash_compat.py).

Dash Pages walks dashboards/ for page modules; a module here is never taken for a page because
it does not name Dash's page registration call (Dash only imports files that do). A test keeps
it so (tests/test_dash_compat.py).
"""
