"""The page as plain HTML inside the first response, before any JavaScript runs.

Dash pages are drawn by JavaScript; until it has loaded (seconds on a slow phone) visitors would
see nothing, and crawlers little. The same component tree the page renders is written out here as
HTML, placed where Dash mounts, and replaced by the live page once the scripts run. Charts get a
placeholder of their height (so nothing jumps) and their text summary stays readable.
"""
from __future__ import annotations

from html import escape

VOID = {"br", "hr", "img", "input", "meta", "link"}
SKIP = {"Store", "Clipboard", "Location", "Interval", "Download", "AgGrid"}  # no visible content of their own
ATTRIBUTES = {"id": "id", "href": "href", "lang": "lang", "role": "role", "title": "title", "hidden": "hidden",
              "htmlFor": "for", "scope": "scope", "colSpan": "colspan", "rel": "rel", "target": "target",
              "src": "src", "alt": "alt"}
CLASS_OF = {"Row": "row", "Container": "container-lg", "Navbar": "navbar navbar-expand-lg navbar-dark",
            "Collapse": "collapse navbar-collapse", "Nav": "navbar-nav", "NavItem": "nav-item", "NavLink": "nav-link"}
TAG_OF = {"Nav": "ul", "NavItem": "li", "Link": "a", "NavLink": "a"}


def _style(style: dict) -> str:
    def css(key: str) -> str:
        return "".join("-" + ch.lower() if ch.isupper() else ch for ch in key)
    return "; ".join(f"{css(k)}: {v}" for k, v in style.items())


def to_html(node) -> str:
    if node is None or node is False:
        return ""
    if isinstance(node, (str, int, float)):
        return escape(str(node))
    if isinstance(node, (list, tuple)):
        return "".join(to_html(child) for child in node)
    kind = type(node).__name__
    props = node.to_plotly_json().get("props", {}) if hasattr(node, "to_plotly_json") else {}
    if kind == "Store" and hasattr(props.get("data"), "to_plotly_json"):
        return to_html(props["data"])  # a part the browser draws later (ui/components/deferred): here now
    if kind == "Store" and isinstance(props.get("id"), dict) and props["id"].get("deferred") == "table-view":
        return _table(props["data"])
    if kind in SKIP:
        return ""
    if kind == "Graph":
        figure = props.get("figure")
        layout = figure.layout if hasattr(figure, "layout") else (figure or {}).get("layout") or {}
        height = (layout.height if hasattr(layout, "height") else layout.get("height")) or 400
        return f'<div class="dash-graph chart-graph" style="height: {int(height)}px" aria-hidden="true"></div>'
    namespace = type(node).__module__.split(".")[0]
    if namespace == "dash" and type(node).__module__.startswith("dash.html"):
        tag = kind.lower()
    elif kind in TAG_OF:
        tag = TAG_OF[kind]
    elif kind in ("Select", "Input", "Textarea", "Label"):
        return _control(kind, props)
    else:
        tag = "div"
    attrs = []
    classes = " ".join(filter(None, [CLASS_OF.get(kind, ""), props.get("className") or props.get("class_name") or ""]))
    if kind == "NavLink" and props.get("active"):
        classes += " active"
    if kind == "Col":
        classes = " ".join(filter(None, ["col"] + [f"col-{bp}-{props[bp]}" for bp in ("sm", "md", "lg") if props.get(bp)]
                                   + [classes]))
    if classes:
        attrs.append(f'class="{escape(classes)}"')
    for prop, attr in ATTRIBUTES.items():
        value = props.get(prop)
        if value not in (None, False, ""):
            attrs.append(attr if value is True else f'{attr}="{escape(str(value))}"')
    for key, value in props.items():
        if key.startswith(("aria-", "data-")) and value is not None:
            attrs.append(f'{key}="{escape(str(value))}"')
    if isinstance(props.get("style"), dict):
        attrs.append(f'style="{escape(_style(props["style"]))}"')
    opening = f"<{tag}{' ' if attrs else ''}{' '.join(attrs)}>"
    if tag in VOID:
        return opening
    return f"{opening}{to_html(props.get('children'))}</{tag}>"


def _control(kind: str, props: dict) -> str:
    cid = escape(str(props.get("id", "")))
    if kind == "Label":
        return f'<label class="form-label" for="{escape(str(props.get("html_for", "")))}">{to_html(props.get("children"))}</label>'
    if kind == "Select":
        value = str(props.get("value", ""))
        options = "".join(f'<option value="{escape(str(o["value"]))}"{" selected" if str(o["value"]) == value else ""}>'
                          f'{escape(str(o["label"]))}</option>' for o in props.get("options") or [])
        return f'<select id="{cid}" class="form-select" disabled>{options}</select>'
    value = escape(str(props.get("value") or ""))
    placeholder = escape(str(props.get("placeholder") or ""))
    return f'<input id="{cid}" class="form-control" value="{value}" placeholder="{placeholder}" disabled>'


def _table(table: dict) -> str:
    """A chart's table view from its data (ui/components/chart.data_table), as the browser draws it."""
    cls = [' class="num"' if n else "" for n in table["numeric"]]
    head = "".join(f'<th scope="col"{c}>{escape(name)}</th>' for name, c in zip(table["columns"], cls))
    body = "".join("<tr>" + "".join(f"<td{c}>{escape(v)}</td>" for v, c in zip(row, cls)) + "</tr>" for row in table["rows"])
    note = f'<p class="small table-note">{escape(table["note"])}</p>' if table["note"] else ""
    return (f'<div class="table-responsive"><table class="{escape(table["className"])}"><caption>{escape(table["caption"])}'
            f"</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}</div>")
