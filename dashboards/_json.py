"""JSON for Dash's responses (layouts and callback answers), written by orjson in one pass.

Dash encodes its responses with plotly's `to_json_plotly`. With orjson installed, that first tries
orjson on the object as it is, which fails on the first Dash component (orjson does not know
them), and then rebuilds the whole tree in Python (`clean_to_json_compatible`) before encoding
it: about a third of a page render here (6 of 19 ms for the plan page's layout). Here orjson
encodes the tree directly and asks `default` only for what it does not know — components and the
odd value plotly's cleaner handles — so the output is the same JSON, made faster. The same
escaping as plotly's is applied (`<`, `>`, `/` and line separators), so the JSON stays safe
inside HTML.
"""
from __future__ import annotations

import dash
import dash._callback
import dash._utils
import dash._validate
import dash.dash
import numpy as np
import orjson
import pandas as pd
from plotly.io._json import _safe, _swap_orjson, clean_to_json_compatible

OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
MODULES = {"sage_all": None, "np": np, "pd": pd, "image": None}


def _default(value):
    if hasattr(value, "to_plotly_json"):      # Dash components, plotly figures
        return value.to_plotly_json()
    if isinstance(value, np.ndarray) and value.dtype.kind == "O":  # e.g. labels: orjson takes the items
        return value.tolist()
    # what plotly's cleaner converts: arrays orjson does not take (object, datetime64, strided…),
    # pandas' missing values, Decimal…
    cleaned = clean_to_json_compatible(value, numpy_allowed=False, datetime_allowed=True, modules=MODULES)
    if cleaned is value:      # nothing to make of it: say so (orjson would retry until its recursion limit)
        raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")
    return cleaned


def to_json(value) -> str:
    return _safe(orjson.dumps(value, default=_default, option=OPTIONS).decode("utf8"), _swap_orjson)


def install() -> None:
    """Use `to_json` wherever Dash encodes a response (each Dash module holds its own reference)."""
    for module in (dash._utils, dash.dash, dash._callback, dash._validate):
        module.to_json = to_json
