"""Scale: a synthetic version (bench/synthetic.py; 50,000 rows here, 5 million in bench/scale.py) is
published in the contract's format and served through the same code paths as the embedded data —
observations held compactly, the per-series index of the statistics pages, the API's query on
codes, downloads rebuilt in their published form — with the answers plain pandas gives on the
published Parquet file, worked out independently here.
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboards.store import current
from dashboards.i18n import t
from etl.schemas import FLAGS, TABLES, arrow_schema

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import synthetic  # noqa: E402

ROWS = 50_000
DIMENSIONS = ("decision", "return_type", "citizenship", "sex", "age_group", "category")


@pytest.fixture(scope="module")
def scaled(data_dir, dash_app, tmp_path_factory):
    """The synthetic version, served: (snapshot, the published observations read plainly, test client)."""
    out = tmp_path_factory.mktemp("synthetic")
    version = synthetic.build(ROWS, out, data_dir, log=lambda message: None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MIGDASH_DATA_DIR", str(out))
        current.reset()
        snap = current.snapshot()
        assert snap.version == version
        published = pq.read_table(snap.folder / "observations.parquet").to_pandas()
        yield snap, published, dash_app.server.test_client()
    current.reset()  # the rest of the suite reloads the session's data


def reference_select(obs: pd.DataFrame, series: str, by, years, lang: str, top: int = 8):
    """The chart rows as plain pandas gives them from the published rows (the pages' contract)."""
    from dashboards.store.stats import OTHER, value_label

    obs = obs[obs["series"] == series]
    if years:
        obs = obs[(obs["year"] >= years[0]) & (obs["year"] <= years[1])]

    def only(dim):
        others = [d for d in DIMENSIONS if d != dim]
        return obs[obs[dim].notna() & obs[others].isna().all(axis=1)] if dim else obs[obs[list(DIMENSIONS)].isna().all(axis=1)]

    if by in DIMENSIONS and len(only(by)):
        rows, used = only(by), by
    else:
        rows, used = only(None), None
        if not len(rows):
            rows, used = next(((only(d), d) for d in DIMENSIONS if len(only(d))), (rows, None))
    rows = rows.copy()
    rows["key"] = rows[used] if used else "total"
    if used == "citizenship" and rows["key"].nunique() > top:
        ranking = rows.groupby("key")["value"].sum().sort_values(ascending=False)
        keep = set(ranking.index[:top])
        other = rows[~rows["key"].isin(keep)]
        summed = other.groupby(["period", "year"], as_index=False).agg(
            value=("value", "sum"), unit=("unit", "first"), source_id=("source_id", "first"))
        summed = summed.assign(key=OTHER, flag=None, freq=other["freq"].iloc[0],
                               source_ref=t("stats.other_ref", lang, n=len(ranking) - top))
        rows = pd.concat([rows[rows["key"].isin(keep)], summed], ignore_index=True)
        rows = rows.astype({"flag": obs["flag"].dtype})  # summed rows have no flag; the column keeps its type
    rows["label"] = pd.Series([t("stats.total", lang) if k == "total" else value_label(used, k, lang) for k in rows["key"]],
                              index=rows.index, dtype="str")  # text, even when there are no rows
    order = {k: i for i, k in enumerate(rows.groupby("key")["value"].sum().sort_values(ascending=False).index)}
    rows = rows.assign(_o=rows["key"].map(order)).sort_values(["period", "_o"]).drop(columns="_o")
    columns = ["period", "year", "freq", "key", "label", "value", "flag", "unit", "source_id", "source_ref"]
    return rows.reindex(columns=columns).reset_index(drop=True), used


def test_scale_synthetic_version_follows_the_contract(scaled):
    from etl.publish import verify
    from etl.statistics.registry import registry

    snap, published, _ = scaled
    assert verify(snap.folder) == []
    assert snap.manifest["tables"]["observations"]["rows"] == len(published) == ROWS
    handle = pq.ParquetFile(snap.folder / "observations.parquet")
    assert handle.schema_arrow.remove_metadata() == arrow_schema(TABLES["observations"])
    assert max(handle.metadata.row_group(i).num_rows for i in range(handle.num_row_groups)) <= 100_000
    table = TABLES["observations"]
    assert published.equals(published.sort_values(list(table.sort), kind="stable").reset_index(drop=True))
    assert not published.duplicated(list(table.key)).any()
    monthly = published[published["freq"] == "M"]
    assert len(monthly) > 0.9 * ROWS and monthly["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert set(published["series"]) <= set(registry())
    assert published["citizenship"].dropna().str.fullmatch(r"[A-Z]{3}").all()
    assert set(published["flag"].dropna()) <= set(FLAGS)
    assert set(published["source_id"]) <= set(snap["sources"]["source_id"])
    assert published["source_ref"].notna().all()
    package = json.loads((snap.folder / "datapackage.json").read_text(encoding="utf-8"))
    assert next(r for r in package["resources"] if r["name"] == "observations")["rows"] == ROWS


def test_scale_held_compactly_and_rebuilt_exactly(scaled):
    snap, published, _ = scaled
    compact = snap["observations"]
    assert "source_ref" not in compact and isinstance(compact["series"].dtype, pd.CategoricalDtype)
    assert compact.memory_usage(deep=True).sum() < published.memory_usage(deep=True).sum() / 4
    assert snap.compact["observations"].ordered
    rebuilt = snap.rows("observations")
    assert rebuilt.equals(published) and (rebuilt.dtypes == published.dtypes).all()
    part = compact[compact["citizenship"] == "SYR"].iloc[::7]
    assert snap.rows("observations", part).equals(published.loc[part.index])


def test_scale_chart_rows_are_the_published_rows(scaled):
    from dashboards.store.stats import breakdowns_for, select, year_span

    snap, published, _ = scaled
    for series in synthetic.SPECS:
        code = series.series
        mine = published[published["series"] == code]
        assert year_span(snap, code) == (int(mine["year"].min()), int(mine["year"].max()))
        assert set(breakdowns_for(snap, code)) == set(series.dims)
        for by, years, lang, top in [(None, None, "bg", 8), ("citizenship", None, "en", 8),
                                     ("citizenship", (2020, 2022), "bg", 3), ("sex", (2024, 2025), "en", 8),
                                     ("age_group", (2008, 2008), "bg", 8), ("decision", None, "en", 8),
                                     ("category", None, "bg", 8)]:
            got, used = select(snap, code, by, years, lang, top)
            want, want_used = reference_select(published, code, by, years, lang, top)
            assert used == want_used, (code, by)
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{code} by {by} {years}")


API_QUERIES = ["", "?series=readmissions&year=2024", "?series=asylum_applicants&citizenship__isnull=true&_sort=-value",
               "?citizenship__in=SYR,AFG&sex=F&_limit=50&_offset=10", "?period__gte=2025-06&decision__isnull=false",
               "?value__gt=100.5&_sort=-value,period&_limit=20", "?source_ref__contains=ROW 1&_limit=5",
               "?source_ref=MIGR_ASYAPPCTZM migr_asyappctzm__synthetic.csv row 100", "?flag=provisional&_sort=source_ref",
               "?_sort=-citizenship,sex&_limit=max&_offset=900", "?year__in=2010,2011,99999&_lang=en", "?source_ref=", "?source_ref__in=,007,row 0&series__in=,readmissions", "?citizenship=&_limit=3"]


@pytest.mark.parametrize("query", API_QUERIES)
def test_scale_api_answers_as_plain_pandas(scaled, query):
    from dashboards.store.query import query_table
    from dashboards.store.export import to_json

    snap, published, client = scaled
    body = client.get(f"/api/v1/observations.json{query}").get_json()
    params = [tuple(p.split("=", 1)) for p in query.lstrip("?").split("&") if p]
    page, total, _ = query_table(published, "observations", params)   # the plain pandas path
    assert body["total"] == total
    assert body["rows"] == json.loads(to_json(page))["rows"]


def test_scale_pages_and_downloads(scaled):
    snap, published, client = scaled
    for path in ("/", "/statistics/asylum?by=citizenship", "/statistics/protection?by=decision&lang=en",
                 "/statistics/readmissions", "/data", "/embed/statistics-protection?by=citizenship"):
        response = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
        assert response.status_code == 200, path
    assert "2025-12" in client.get("/_dash-layout", headers={"Referer": "http://localhost/statistics/readmissions"}).get_data(as_text=True)
    csv = pd.read_csv(io.BytesIO(client.get("/download/statistics-asylum.csv?by=citizenship&lang=en").data),
                      encoding="utf-8-sig")
    want, _ = reference_select(published, "asylum_applicants", "citizenship", None, "en")
    assert len(csv) == len(want) and csv.iloc[:, -1].tolist() == want["source_ref"].tolist()
    whole = pd.read_parquet(io.BytesIO(client.get("/data/observations.parquet").data))
    assert whole.equals(published)
    theme = pd.read_csv(io.BytesIO(client.get("/data/theme/readmissions.csv").data), encoding="utf-8-sig")
    mine = published[published["series"] == "readmissions"]
    assert len(theme) == len(mine) and theme["source_ref"].tolist() == mine["source_ref"].tolist()
