"""Page state in the URL query string: parse it safely, and write it back when controls change.

Query values come from users and are never trusted: each page declares its parameters; unknown
parameters are ignored, values are bounded in length and checked against the allowed choices,
and anything invalid falls back to the default.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

from dash import Input, Output, State, clientside_callback

from dashboards.i18n import lang_of

MAX_VALUE_LENGTH = 200
MAX_LIST_ITEMS = 30
DECLARED: set[str] = {"lang"}   # every parameter name some page reads (links to a view keep only these)


@dataclass(frozen=True)
class Param:
    name: str
    default: object = None
    many: bool = False                       # comma-separated list
    choices: Callable[[], set] | None = None  # allowed values (called lazily: data-dependent)
    kind: type = str                          # str or int
    low: int | None = None
    high: int | None = None

    def __post_init__(self) -> None:
        DECLARED.add(self.name)


def _one(param: Param, raw: str):
    raw = raw.strip()[:MAX_VALUE_LENGTH]
    if not raw:
        return None
    if param.kind is int:
        try:
            value = int(raw)
        except ValueError:
            return None
        if (param.low is not None and value < param.low) or (param.high is not None and value > param.high):
            return None
        return value
    if param.choices is not None and raw not in param.choices():
        return None
    return raw


def parse(query: dict, params: list[Param]) -> dict:
    """Validated state: {name: value} for every declared parameter, plus `lang`."""
    state = {"lang": lang_of(query.get("lang"))}
    for param in params:
        raw = query.get(param.name)
        if isinstance(raw, list):  # repeated parameter: take the first
            raw = raw[0] if raw else None
        if raw is None:
            state[param.name] = param.default
            continue
        raw = str(raw)[: MAX_VALUE_LENGTH * 4]
        if param.many:
            values = [v for v in (_one(param, part) for part in raw.split(",")[:MAX_LIST_ITEMS]) if v is not None]
            state[param.name] = list(dict.fromkeys(values)) or param.default
        else:
            value = _one(param, raw)
            state[param.name] = param.default if value is None else value
    return state


def search_of(state: dict, params: list[Param]) -> str:
    """The query string for a state (defaults left out), e.g. '?goal=II&lang=en'."""
    pairs = []
    for param in params:
        value = state.get(param.name)
        if value in (None, "", []) or value == param.default:
            continue
        pairs.append((param.name, ",".join(map(str, value)) if isinstance(value, list) else str(value)))
    if state.get("lang", "bg") != "bg":
        pairs.append(("lang", state["lang"]))
    return "?" + urlencode(pairs, safe=",") if pairs else ""


def sync_url(params: list[Param], controls: dict[str, tuple[str, str]]) -> None:
    """Register a clientside callback that writes the controls' values into the URL.

    Writing `_pages_location.search` pushes a history entry and makes Dash Pages render the
    page again from the URL, so a copied link, reload, back and forward all give the same view.
    `controls` maps parameter names to (component id, property).
    """
    names = list(controls)
    defaults = {p.name: p.default for p in params if p.name in controls}
    js = (
        "function(){const a=Array.from(arguments);const search=a.pop();"
        f"return window.migdash.toSearch({json.dumps(names)},{json.dumps(defaults)},a,search);}}"
    )
    clientside_callback(
        js,
        Output("_pages_location", "search", allow_duplicate=True),
        [Input(cid, prop) for cid, prop in controls.values()],
        State("_pages_location", "search"),
        prevent_initial_call=True,
    )
