"""Pages of one shape: every page module registered with Dash Pages declares its URL parameters
(`PARAMS`, a list of `query.Param`) and renders from them (`layout(**query)`), and no page module
imports another page module (what two pages share lives in a module prefixed `_`)."""
from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# issue 16: pages not of the shape yet, named so that the list can only shrink (each one fixed
# must leave it, a new page must be of the shape)
NO_PARAMS_YET = {"dashboards.pages.about", "dashboards.pages.data", "dashboards.pages.embed", "dashboards.pages.home",
                 "dashboards.pages.institution", "dashboards.pages.measure", "dashboards.pages.not_found_404"}
IMPORTS_A_PAGE_YET = {"dashboards.pages.measure": {"dashboards.pages.plan"}, "dashboards.pages.institution": {"dashboards.pages.measure"},
                      "dashboards.pages.plan": {"dashboards.pages.plan_compare"}}


def page_modules(dash_app) -> dict:
    import dash

    modules = {page["module"]: sys.modules[page["module"]] for page in dash.page_registry.values()}
    assert len(modules) >= 12 and "dashboards.pages.plan" in modules
    return modules


def test_page_shape_layout_from_the_query(dash_app):
    for name, module in page_modules(dash_app).items():
        layout = getattr(module, "layout", None)
        assert callable(layout), f"{name}: no layout function"
        inner = inspect.unwrap(layout)
        kinds = [p.kind for p in inspect.signature(inner).parameters.values()]
        assert inspect.Parameter.VAR_KEYWORD in kinds, f"{name}: layout(**query) takes the query string"
        assert inspect.Parameter.VAR_POSITIONAL not in kinds, name


def test_page_shape_params_declared(dash_app):
    from dashboards.ui.params import Param

    missing = set()
    for name, module in page_modules(dash_app).items():
        params = getattr(module, "PARAMS", None)
        if params is None:
            missing.add(name)
            continue
        assert isinstance(params, (list, tuple)) and all(isinstance(p, Param) for p in params), name
        assert len({p.name for p in params}) == len(params), f"{name}: a parameter declared twice"
    assert missing == NO_PARAMS_YET


def test_page_shape_no_page_imports_another(dash_app):
    pages = set(page_modules(dash_app))
    found = {}
    for name in pages:
        tree = ast.parse((ROOT / (name.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {node.module} | {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names}
            else:
                continue
            if names & (pages - {name}):
                found.setdefault(name, set()).update(names & pages)
    assert found == IMPORTS_A_PAGE_YET
