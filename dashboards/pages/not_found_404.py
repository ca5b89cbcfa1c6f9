"""Any unknown address: a 404 page in the language of the URL."""
from __future__ import annotations

import dash

from dashboards.ui.components.common import not_found
from dashboards.ui.params import Param, parse

dash.register_page(__name__, path="/404", title="404")
PARAMS: list[Param] = []   # the query holds only `lang`


def layout(**query):
    return not_found(parse(query, PARAMS)["lang"], "/404", query)
