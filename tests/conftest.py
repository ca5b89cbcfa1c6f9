"""Shared fixtures: the embedded raw data, a published copy of it in a temporary data folder,
and the browser options for dash.testing (Debian's chromium)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
RAW = PROJECT / "data" / "raw"
PLAN_TXT = RAW / "plan" / "plan-2024-draft.txt"
SHARED = PROJECT.parent / "shared"
REAL_DATA = SHARED / "real-data"


def pytest_setup_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    if Path("/usr/bin/chromium").exists():
        options.binary_location = "/usr/bin/chromium"
    for arg in ("--window-size=1280,900", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--lang=bg"):
        options.add_argument(arg)
    return options


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A data folder with a copy of data/raw, built and published once per test session."""
    from etl.build import build

    folder = tmp_path_factory.mktemp("data")
    shutil.copytree(RAW, folder / "raw")
    os.environ["MIGDASH_DATA_DIR"] = str(folder)
    build()
    return folder


@pytest.fixture(scope="session")
def snap(data_dir):
    from dashboards.store import current

    current.reset()
    return current.snapshot()


@pytest.fixture(scope="session")
def dash_app(snap):
    """The Dash application, imported once the test data is published (pages need the app first)."""
    import app as application

    return application.app


@pytest.fixture
def fresh_data_dir(tmp_path, monkeypatch) -> Path:
    """An empty-processed data folder with a copy of data/raw, for tests that publish."""
    shutil.copytree(RAW, tmp_path / "raw")
    monkeypatch.setenv("MIGDASH_DATA_DIR", str(tmp_path))
    yield tmp_path


@pytest.fixture(scope="session")
def plan_tables():
    """The 2024 plan parsed straight from the document (no publishing)."""
    from etl.plan.cells import read_document
    from etl.plan.parse import parse_plan

    return parse_plan(read_document(PLAN_TXT), 2024, "draft")


def real_file(relative: str) -> Path:
    """A file from ../shared/real-data, or skip the test when it is not there (a user's clone)."""
    path = REAL_DATA / relative
    if not path.exists():
        pytest.skip(f"real data file not available: {path}")
    return path


@pytest.fixture
def server_port(worker_id) -> int:
    """A port per xdist worker, so browser tests can run in parallel; MIGDASH_TEST_PORT moves the
    base, so that two checkouts can run their suites at the same time."""
    base = int(os.environ.get("MIGDASH_TEST_PORT", "58050"))
    return base + (0 if worker_id in ("master", "gw0") else int(worker_id[2:]) * 10) + 1


def components(tree):
    """Every component of a Dash component tree, depth first (children only, not other properties),
    including parts the browser draws later (a component held in a dcc.Store, ui/components/deferred)."""
    if isinstance(tree, (list, tuple)):
        for item in tree:
            yield from components(item)
    elif hasattr(tree, "to_plotly_json"):
        yield tree
        yield from components(getattr(tree, "children", None))
        if hasattr(getattr(tree, "data", None), "to_plotly_json"):
            yield from components(tree.data)


def words(tree) -> str:
    """The text of a component tree as read out: its strings in children, no properties."""
    if isinstance(tree, str):
        return tree
    if isinstance(tree, (list, tuple)):
        return "".join(words(item) for item in tree)
    return words(getattr(tree, "children", None) or "")


def text_of(component) -> str:
    """All text and property values of a Dash component tree, as one string (for content checks)."""
    parts: list[str] = []

    def walk(node):
        if node is None:
            return
        if isinstance(node, (str, int, float)):
            parts.append(str(node))
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif hasattr(node, "to_plotly_json"):
            props = node.to_plotly_json().get("props", {})
            for key, value in props.items():
                if key != "figure":
                    walk(value)
    walk(component)
    return " ".join(parts)


def choose(dash_duo, selector: str, label: str) -> None:
    """Pick an option of a native <select> filter by its visible text, as a user would."""
    from selenium.webdriver.support.select import Select

    Select(dash_duo.wait_for_element(selector, timeout=10)).select_by_visible_text(label)


def wait_live(dash_duo, timeout: float = 15) -> None:
    """Wait until Dash has replaced the pre-rendered HTML with the live page (elements found before
    that are gone once it has)."""
    from dash.testing.wait import until

    until(lambda: dash_duo.driver.execute_script("return !document.querySelector('._dash-loading')"), timeout=timeout)
