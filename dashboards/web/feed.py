"""/data/feed.atom — an Atom 1.0 feed of data updates (Flask blueprint `feed_blueprint`).

One entry per published version, newest first, following the `previous` chain of manifests from
the version being served (a rollback shows the history of the version served, not of abandoned
ones). Each entry names the version and date, summarises what changed (rows added, removed and
revised per table, the largest revisions old → new) in the request's language, and links to that
version's change log on /data. `?series=<id>` keeps only the changes to one statistical series
(the id is looked up among the published series; anything else is a 404).
"""
from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pandas as pd
from flask import Blueprint, Response, abort, request

from dashboards.store import current
from dashboards import site
from dashboards.i18n import lang_of, number, t
from etl.contract import MANIFEST, paths

feed_blueprint = Blueprint("feed", __name__)
ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50          # the feed is bounded whatever the history
LARGEST_SHOWN = 3         # revisions named in an entry's summary
MAX_SERIES_CHARS = 80


def version_chain(snap, limit: int = MAX_ENTRIES) -> list[dict]:
    """The manifests of the version served and its predecessors, newest first."""
    out, manifest, seen = [snap.manifest], snap.manifest, {snap.version}
    while manifest.get("previous") and len(out) < limit:
        previous = manifest["previous"]
        path = paths.versions_dir() / previous / MANIFEST
        if previous in seen or not path.exists():
            break
        manifest = json.loads(path.read_text(encoding="utf-8"))
        seen.add(previous)
        out.append(manifest)
    return out


def _series_of(keys: pd.Series) -> pd.Series:
    """The series named in each change's key (JSON text); one vectorised pass, as the changes of a
    large revision can be millions of rows."""
    return keys.astype(str).str.extract(r'"series": "([^"]*)"', expand=False)


def _key_text(key: str) -> str:
    try:
        return ", ".join(f"{k}={v}" for k, v in json.loads(key).items())
    except (ValueError, AttributeError):
        return str(key)


def _sizes(revised: pd.DataFrame) -> pd.Series:
    """How large each revision is: the absolute difference of numbers (text changes count as 0)."""
    old = pd.to_numeric(revised["old"], errors="coerce")
    new = pd.to_numeric(revised["new"], errors="coerce")
    return (new - old).abs().fillna(0.0)


def summary_text(changes: pd.DataFrame, manifest: dict, lang: str) -> str:
    """What one version changed, as one paragraph in `lang`."""
    if changes.empty:
        if not manifest.get("previous"):
            rows = manifest.get("tables", {})
            tables = ", ".join(t("feed.table_rows", lang, table=name, rows=number(entry.get("rows", 0), lang))
                               for name, entry in rows.items() if name != "changes")
            return t("feed.first", lang, tables=tables)
        return t("feed.nothing", lang)
    counts = changes.groupby(["table", "change"], sort=True).size()
    parts = [t("data.change_count", lang, n=number(n, lang), table=table, change=t(f"data.change_{change}", lang))
             for (table, change), n in counts.items()]
    text = t("feed.changed", lang, changes=", ".join(parts))
    revised = changes[changes["change"] == "revised"]
    if len(revised):
        sizes = _sizes(revised)
        largest = revised.loc[sizes.sort_values(ascending=False, kind="stable").index[:LARGEST_SHOWN]]
        named = "; ".join(f"{r['table']} {_key_text(r['key'])} {r['field']}: {r['old'] or '–'} → {r['new'] or '–'}"
                          for r in largest.to_dict("records"))
        text += " " + t("feed.largest", lang, revisions=named)
    return text


def feed_xml(snap, base: str, lang: str, series: str | None = None) -> bytes:
    changes = snap.get("changes")
    if changes is None:
        changes = pd.DataFrame(columns=["version", "table", "change", "key", "field", "old", "new"])
    if series:
        keyed = snap.cached(("feed-series-of-changes",), lambda: _series_of(changes["key"]))
        changes = changes[(changes["table"] == "observations") & (keyed == series)]
    suffix = "?lang=en" if lang == "en" else ""
    self_query = "&".join(p for p in ((f"series={series}" if series else ""), ("lang=en" if lang == "en" else "")) if p)
    self_url = f"{base}/data/feed.atom" + (f"?{self_query}" if self_query else "")
    feed = ET.Element("feed", xmlns=ATOM)
    feed.set("xml:lang", lang)
    if series:
        row = snap["series"][snap["series"]["series"] == series].iloc[0]
        title = t("feed.series_title", lang, series=row["name_en" if lang == "en" else "name_bg"] or series)
    else:
        title = t("feed.title", lang)
    ET.SubElement(feed, "title").text = title
    ET.SubElement(feed, "subtitle").text = t("feed.subtitle", lang)
    ET.SubElement(feed, "id").text = self_url
    ET.SubElement(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=f"{base}/data{suffix}#changes")
    author = ET.SubElement(feed, "author")
    ET.SubElement(author, "name").text = t("shell.product", lang)
    ET.SubElement(feed, "updated").text = snap.published or "1970-01-01T00:00:00+00:00"
    by_version = dict(tuple(changes.groupby("version", sort=False))) if len(changes) else {}
    for manifest in version_chain(snap):
        version = manifest["version"]
        mine = by_version.get(version, changes.iloc[0:0])
        if series and mine.empty:
            continue   # a series feed has an entry only when that series changed
        # /data has a section per version with changes; the first publication has none to point at
        link = f"{base}/data{suffix}#" + (f"version-{version}" if len(mine) else "changes")
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "title").text = t("data.version_heading", lang, version=version,
                                               date=manifest.get("published", "")[:10])
        ET.SubElement(entry, "id").text = f"{base}/data/feed.atom#{version}" + (f"-{series}" if series else "")
        ET.SubElement(entry, "link", rel="alternate", type="text/html", href=link)
        ET.SubElement(entry, "updated").text = manifest.get("published") or "1970-01-01T00:00:00+00:00"
        ET.SubElement(entry, "summary").text = summary_text(mine, manifest, lang)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8", xml_declaration=False)


@feed_blueprint.route("/data/feed.atom")
def feed():
    snap = current.snapshot()
    lang = lang_of(request.args.get("lang"))
    series = request.args.get("series")
    if series is not None:
        if len(series) > MAX_SERIES_CHARS or series not in set(snap["series"]["series"]):
            abort(404)
    body = feed_xml(snap, site.base_url().rstrip("/"), lang, series)   # the configured site URL, never an untrusted Host
    response = Response(body, mimetype="application/atom+xml")
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
