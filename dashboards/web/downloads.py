"""File downloads, all through dashboards.store.export:

    /download/<chart_id>.<csv|xlsx>?<the page's query>   exactly the rows a chart shows
    /data/<table>.<csv|xlsx|json|parquet>               a whole published table
    /data/theme/<theme>.<fmt>, /data/goal/<goal>.<fmt>   a theme's observations, a goal's indicators
    /data/datapackage.json                               the Frictionless descriptor of the version

Names in the URL are looked up among known charts, tables, themes and goals; nothing from the
URL reaches the file system. The /data/ files are built once per version and served as files
with an ETag and Last-Modified (dashboards/web/table_files.py): a burst of them costs file reads.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request, send_file

from dashboards import site
from dashboards.store import current
from dashboards.ui.charts import about_for, chart_data
from dashboards.store.export import MEDIA_TYPES, ascii_name, file_name, render
from dashboards.store.query import rows_where, where
from dashboards.i18n import lang_of, t
from dashboards.web.table_files import built_file, digest_of
from etl.contract import BULGARIA, TABLES

downloads_blueprint = Blueprint("downloads", __name__)
CHART_FORMATS = ("csv", "xlsx")
TABLE_FORMATS = ("csv", "xlsx", "json", "parquet")


def _send(body: bytes, fmt: str, name: str, version: str) -> Response:
    response = Response(body, mimetype=MEDIA_TYPES[fmt].split(";")[0])
    response.headers["Content-Type"] = MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = _disposition(name)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Data-Version"] = version
    return response


def _file_about(snap, key: tuple, make) -> tuple:
    """A whole-table file's About and its digest, made once per version, file, language and site
    URL (a request for the file then costs its headers and a file read)."""
    def about_and_digest():
        about = make()
        return about, digest_of(about)
    return snap.cached(("file-about", site.site_url(), *key), about_and_digest)


def _send_built(about_digest: tuple, fmt: str, name: str, snap, build) -> Response:
    """A whole-table file: built once per version and About (see table_files.py), then a file read."""
    about, digest = about_digest
    built = built_file(snap.version, name, digest, lambda: build(about))
    if isinstance(built, bytes):
        return _send(built, fmt, name, snap.version)
    response = send_file(built, mimetype=MEDIA_TYPES[fmt], etag=f"{snap.version}-{digest}", conditional=True,
                         max_age=300)
    response.headers["Content-Disposition"] = _disposition(name)
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Data-Version"] = snap.version
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    fallback = ascii_name(name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


@downloads_blueprint.route("/download/<chart_id>.<fmt>")
def chart_file(chart_id: str, fmt: str):
    if fmt not in CHART_FORMATS:
        abort(404)
    query = {k: v for k, v in list(request.args.items())[:20]}
    data = chart_data(chart_id, query)
    if data is None:
        abort(404)
    return _send(render(data.frame, fmt, data.about), fmt, file_name(data.about.title, fmt), data.about.version)


@downloads_blueprint.route("/data/<table>.<fmt>")
def table_file(table: str, fmt: str):
    snap = current.snapshot()
    if table == "datapackage" and fmt == "json":
        response = send_file(snap.folder / "datapackage.json", mimetype="application/json",
                             etag=f"{snap.version}-datapackage", conditional=True, max_age=300)
        response.headers["Cache-Control"] = "public, max-age=300"
        response.headers["X-Data-Version"] = snap.version
        return response
    if fmt not in TABLE_FORMATS or table not in TABLES or table not in snap.tables:
        abort(404)
    lang = lang_of(request.args.get("lang"))

    def make():
        spec = TABLES[table]
        about = about_for(snap, lang, spec.en if lang == "en" else spec.bg, list(snap["sources"]["source_id"]),
                          "/data", {"lang": lang} if lang != "bg" else {}, shared=True)
        about.definition = "; ".join(f"{c.name}: {c.en if lang == 'en' else c.bg}" for c in spec.columns)
        return about
    return _send_built(_file_about(snap, ("table", table, lang), make), fmt, f"{table}.{fmt}", snap,
                       lambda about: render(snap.rows(table), fmt, about))


@downloads_blueprint.route("/data/theme/<theme>.<fmt>")
def theme_file(theme: str, fmt: str):
    snap = current.snapshot()
    series = snap["series"]
    if fmt not in TABLE_FORMATS or theme not in set(series["theme"]):
        abort(404)
    lang = lang_of(request.args.get("lang"))

    def frame():
        chosen = rows_where(series, "series", [where("theme", value=theme)])
        part = rows_where(snap["observations"], "observations",        # the theme files stay Bulgaria's
                          [where("series", "in", chosen["series"]), where("geo", value=BULGARIA)],
                          snap.compact.get("observations"))
        return snap.rows("observations", part).merge(chosen[["series", "name_bg", "name_en"]], on="series", how="left")

    def make():
        sources = snap.cached(("theme-sources", theme), lambda: list(dict.fromkeys(frame()["source_id"])))
        return about_for(snap, lang, t("data.theme_title", lang, theme=t(f"theme.{theme}", lang)), sources, "/data",
                         {}, shared=True)
    return _send_built(_file_about(snap, ("theme", theme, lang), make), fmt, f"observations-{theme}.{fmt}", snap,
                       lambda about: render(frame(), fmt, about))


@downloads_blueprint.route("/data/goal/<goal>.<fmt>")
def goal_file(goal: str, fmt: str):
    snap = current.snapshot()
    if fmt not in TABLE_FORMATS or goal not in set(snap["goals"]["goal"]):
        abort(404)
    lang = lang_of(request.args.get("lang"))

    def frame():
        measures = rows_where(snap["measures"], "measures", [where("goal", value=goal)])
        return snap["indicators"].merge(measures[["measure_id", "number", "goal", "title", "title_en", "budget_bgn",
                                                  "budget_eur", "deadline_text", "deadline_date"]], on="measure_id")

    def make():
        return about_for(snap, lang, t("data.goal_title", lang, goal=goal), list(snap["plans"]["source_id"]), "/data",
                         {}, shared=True)
    return _send_built(_file_about(snap, ("goal", goal, lang), make), fmt, f"plan-goal-{goal}.{fmt}", snap,
                       lambda about: render(frame(), fmt, about))
