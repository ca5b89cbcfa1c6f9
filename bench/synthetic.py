"""A synthetic published version with a large monthly `observations` table (load and memory tests).

    python bench/synthetic.py --rows 5000000 --out /tmp/migdash-5m [--from data]

Writes a complete published version into `<out>/processed/` through etl.publish (manifest with
checksums, datapackage.json, the `current` symlink): every table of the embedded version (the
`current` one under `--from`), with `observations` replaced by N rows in all —

- the embedded observations of the series not simulated here, kept as they are;
- for eight series of the registry (asylum applicants, decisions, temporary protection, returns,
  readmissions, illegally present, trafficking victims), a synthetic monthly table: every month,
  citizenship (ISO 3166-1 alpha-3), sex, age group and — for decision series — decision, with the
  totals and every single breakdown present (what the pages show) and a random sample of the
  cross-tabulations (what the API and downloads give) filling the table up to N rows.

Values are plausible, not real: a level per series with a trend and a season, shared out by
country (Zipf), sex, age and decision, so parts add up to their totals before rounding. Eurostat
series are rounded to 5 and flagged; the last three months are provisional; a few cells are
suppressed. Each synthetic row cites a synthetic dataset and its row (`source_ref`), and those
datasets are added to `sources`, labelled as synthetic. The table goes through
`etl.publish.write_table`, so it is sorted by the declared sort keys and written with zstd and
100k-row groups like any published table. The change log is the embedded version's history (a
synthetic table is not a revision of the real one, so no 5-million-row diff is itemised). The site
search index (etl/search_index.py) is written into the version as `etl build` does.

Deterministic for a given --rows and --seed. 5 million rows take about 20 s and 3.5 GB at peak here.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from etl import paths  # noqa: E402

SEXES = ("F", "M", "U")
SEX_SHARE = (0.31, 0.66, 0.03)
AGES = ("0-13", "14-17", "18-34", "35-64", "65+")
AGE_SHARE = (0.14, 0.09, 0.49, 0.26, 0.02)
DECISIONS = ("humanitarian_status", "refugee_status", "rejected", "terminated")
DECISION_SHARE = (0.24, 0.08, 0.28, 0.40)
# Main countries of origin first (they get the largest shares); the rest follow from Babel's list.
LEADING = ("SYR", "AFG", "IRQ", "MAR", "UKR", "PAK", "TUR", "IRN", "BGD", "DZA", "EGY", "LBY", "PSE", "SOM",
           "TUN", "IND", "NGA", "RUS", "CMR", "LKA", "YEM", "ERI", "SDN", "GEO", "ARM", "AZE", "KAZ", "MDA",
           "CHN", "VNM", "NPL", "LBN", "JOR", "ETH", "COD", "GIN", "MLI", "SEN", "CIV", "GHA")


@dataclass(frozen=True)
class Spec:
    series: str
    dims: tuple[str, ...]          # of citizenship, sex, age_group, decision
    level: float                   # monthly total at the start
    trend: float                   # yearly growth
    source_id: str
    dataset: str
    file: str
    rounded: bool                  # Eurostat rounds to 5
    first: str = "2008-01"         # first month


SPECS = (
    Spec("asylum_applicants", ("citizenship", "sex", "age_group"), 110, 0.12, "synthetic-eurostat-migr_asyappctzm",
         "MIGR_ASYAPPCTZM", "migr_asyappctzm__synthetic.csv", True),
    Spec("asylum_first_instance_decisions", ("citizenship", "sex", "age_group", "decision"), 60, 0.12,
         "synthetic-eurostat-migr_asydcfstm", "MIGR_ASYDCFSTM", "migr_asydcfstm__synthetic.csv", True),
    Spec("asylum_decisions_unhcr", ("citizenship", "decision"), 70, 0.10, "synthetic-unhcr-asylum-decisions-monthly",
         "UNHCR-RDF-M", "unhcr_asylum_decisions_monthly__synthetic.csv", False),
    Spec("temporary_protection_beneficiaries", ("citizenship", "sex", "age_group"), 30000, 0.02,
         "synthetic-eurostat-migr_asytpsm", "MIGR_ASYTPSM", "migr_asytpsm__synthetic.csv", True, "2022-03"),
    Spec("returns", ("citizenship", "sex", "age_group"), 120, 0.03, "synthetic-mvr-returns-monthly",
         "MVR-DM-RETURNS", "mvr_returns_monthly__synthetic.xlsx", False),
    Spec("readmissions", ("citizenship", "sex"), 25, 0.02, "synthetic-mvr-readmissions-monthly",
         "MVR-GDGP-READM", "mvr_readmissions_monthly__synthetic.xlsx", False),
    Spec("tcn_illegally_present", ("citizenship", "sex", "age_group"), 900, 0.05, "synthetic-eurostat-migr_eipre-m",
         "MIGR_EIPRE_M", "migr_eipre_monthly__synthetic.csv", True),
    Spec("trafficking_victims_detected", ("citizenship", "sex", "age_group"), 30, 0.0,
         "synthetic-nkbth-victims-monthly", "NKBTH-VICTIMS", "nkbth_victims_monthly__synthetic.xlsx", False),
)
DIM_VALUES = {"sex": SEXES, "age_group": AGES, "decision": DECISIONS}
DIM_SHARES = {"sex": SEX_SHARE, "age_group": AGE_SHARE, "decision": DECISION_SHARE}
BREAKDOWNS = ("citizenship", "sex", "age_group", "decision")
LAST_MONTH = "2025-12"


def countries() -> list[str]:
    from babel import Locale
    from babel.core import get_global

    aliases, names = get_global("territory_aliases"), Locale.parse("en").territories
    known = sorted(a for a, b in aliases.items()   # current ISO 3166-1 alpha-3 codes with a name the pages show
                   if len(a) == 3 and a.isalpha() and a.isupper() and len(b) == 1 and b[0] in names)
    return list(LEADING) + [c for c in known if c not in LEADING and c != "BGR"]


def months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    ly, lm = map(int, last.split("-"))
    out = []
    while (y, m) <= (ly, lm):
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _sizes(spec: Spec, n_countries: int, first_year: int) -> tuple[int, int, int]:
    """(months, cells per month, marginal cells per month) of one series."""
    first = max(spec.first, f"{first_year}-01")
    n_months = len(months(first, LAST_MONTH))
    levels = [n_countries if d == "citizenship" else len(DIM_VALUES[d]) for d in spec.dims]
    cells = math.prod(n + 1 for n in levels)
    marginal = 1 + sum(levels)
    return n_months, cells, marginal


def plan_scale(target: int, max_countries: int) -> tuple[int, int]:
    """(countries, first year): the smallest grid holding `target` rows with every marginal row in it."""
    for first_year in (2008, 2000, 1995, 1990):
        for n in sorted({5, 10, 20, 30, 40, 60, 80, 100, 120, 150, 180, max_countries}):
            n = min(n, max_countries)
            sizes = [_sizes(s, n, first_year) for s in SPECS]
            grid = sum(m * c for m, c, _ in sizes)
            marginal = sum(m * k for m, _, k in sizes)
            if grid >= target and marginal <= target:
                return n, first_year
            if marginal > target:  # fewer years for a small table
                for later in range(2009, 2026):
                    sizes = [_sizes(s, n, later) for s in SPECS]
                    if sum(m * k for m, _, k in sizes) <= target <= sum(m * c for m, c, _ in sizes):
                        return n, later
                raise SystemExit(f"--rows {target} is too small for a synthetic table (at least a few thousand)")
    raise SystemExit(f"--rows {target} is more than this generator's grid holds")


def series_rows(spec: Spec, codes: list[str], first_year: int, rng: np.random.Generator, keep_share: float | None,
                registry: dict) -> tuple[dict, int]:
    """One series' cells as arrays of codes (index into each dimension's values, -1 = total), values and flags."""
    period = months(max(spec.first, f"{first_year}-01"), LAST_MONTH)
    levels = {d: (len(codes) if d == "citizenship" else len(DIM_VALUES[d])) for d in spec.dims}
    # every combination of breakdown values per month, -1 standing for "all" (the total)
    axes = [np.arange(-1, levels[d], dtype=np.int16) for d in spec.dims]
    grids = np.meshgrid(*axes, indexing="ij")
    combo = {d: g.ravel() for d, g in zip(spec.dims, grids)}
    depth = sum((combo[d] >= 0).astype(np.int8) for d in spec.dims)
    marginal = depth <= 1
    n_cells = len(depth)
    # which cross-tabulated cells exist (the same every month would be unrealistic: drawn per month)
    month_idx = np.repeat(np.arange(len(period), dtype=np.int32), n_cells)
    cell_idx = np.tile(np.arange(n_cells, dtype=np.int32), len(period))
    deep = ~marginal[cell_idx]
    chosen = ~deep
    if keep_share is not None:
        chosen |= deep & (rng.random(len(cell_idx)) < keep_share)
    month_idx, cell_idx = month_idx[chosen], cell_idx[chosen]
    out = {"month": month_idx}
    for d in BREAKDOWNS:
        out[d] = combo[d][cell_idx] if d in spec.dims else np.full(len(cell_idx), -1, np.int16)
    # values: level x trend x season x noise, shared out by each breakdown set
    t = np.arange(len(period)) / 12.0
    month_of_year = np.array([int(p[5:]) for p in period])
    total = spec.level * (1 + spec.trend) ** t * (1 + 0.25 * np.sin((month_of_year - 3) / 12 * 2 * np.pi))
    total *= rng.lognormal(0, 0.15, len(period))
    value = total[month_idx]
    zipf = 1.0 / np.arange(1, len(codes) + 1) ** 1.1
    shares = {"citizenship": zipf / zipf.sum(), **{d: np.array(DIM_SHARES[d]) for d in DIM_SHARES}}
    for d in spec.dims:
        idx = out[d]
        value = value * np.where(idx >= 0, shares[d][np.maximum(idx, 0)], 1.0)
    value = value * rng.lognormal(0, 0.1, len(value))
    value = np.round(value / 5) * 5 if spec.rounded else np.round(value)
    flag = np.full(len(value), -1, np.int8)  # index into FLAG_CODES
    if spec.rounded:
        flag[:] = 0
    flag[month_idx >= len(period) - 3] = 1
    suppressed = (rng.random(len(value)) < 0.003) & (out["citizenship"] >= 0) & (value < 20)
    flag[suppressed] = 2
    value[suppressed] = np.nan
    out["value"] = value
    out["flag"] = flag
    out["period"] = month_idx + (len(months(f"{first_year}-01", LAST_MONTH)) - len(period))  # into all months
    out["row"] = np.arange(len(value), dtype=np.int64) + 2   # the row in the (synthetic) source file
    return out, len(value)


FLAG_CODES = ("rounded", "provisional", "suppressed")


def synthetic_observations(n_rows: int, seed: int, registry: dict) -> tuple[pd.DataFrame, dict]:
    """Exactly `n_rows` synthetic monthly observations (as a frame in the published columns)."""
    all_codes = countries()
    n_countries, first_year = plan_scale(n_rows, len(all_codes))
    codes = all_codes[:n_countries]
    sizes = [_sizes(s, n_countries, first_year) for s in SPECS]
    grid = sum(m * c for m, c, _ in sizes)
    marginal = sum(m * k for m, _, k in sizes)
    keep_share = min(1.0, (n_rows - marginal) / max(1, grid - marginal) * 1.02)
    rng = np.random.default_rng(seed)
    parts = [(spec, *series_rows(spec, codes, first_year, rng, keep_share, registry)) for spec in SPECS]
    total = sum(n for _, _, n in parts)
    if total < n_rows:
        raise SystemExit(f"could not draw {n_rows} rows (got {total})")
    # drop surplus cross-tabulated rows at random, never a marginal one, to hit n_rows exactly
    surplus = total - n_rows
    deep_positions = []
    offset = 0
    for _, arrays, n in parts:
        depth = sum((arrays[d] >= 0).astype(np.int8) for d in BREAKDOWNS)
        deep_positions.append(np.flatnonzero(depth > 1) + offset)
        offset += n
    drop = rng.choice(np.concatenate(deep_positions), size=surplus, replace=False) if surplus else np.array([], int)
    keep = np.ones(total, bool)
    keep[drop] = False

    def column(name, mapper):
        return np.concatenate([mapper(spec, arrays) for spec, arrays, _ in parts])[keep]

    def coded(values: tuple | list, key: str):
        lookup = np.asarray(list(values) + [None], dtype=object)
        idx = column(key, lambda s, a: a[key].astype(np.int32))
        return pa.DictionaryArray.from_arrays(pa.array(np.where(idx < 0, len(values), idx), pa.int32()),
                                              pa.array(lookup, pa.string()))

    spec_index = column("spec", lambda s, a: np.full(len(a["value"]), SPECS.index(s), np.int16))
    per_spec = {f: [getattr(s, f) for s in SPECS] for f in ("series", "source_id")}
    units = [registry[s.series].unit for s in SPECS]
    institutions = [registry[s.series].institution_code for s in SPECS]
    prefix = [f"{s.dataset} {s.file} row " for s in SPECS]
    all_months = months(f"{first_year}-01", LAST_MONTH)
    month = column("period", lambda s, a: a["period"]).astype(np.int32)
    rows = column("row", lambda s, a: a["row"])
    n = len(month)

    def by_spec(values):
        return pa.DictionaryArray.from_arrays(pa.array(spec_index.astype(np.int32)), pa.array(values, pa.string()))

    flags = column("flag", lambda s, a: a["flag"]).astype(np.int32)
    table = pa.table({
        "series": by_spec(per_spec["series"]).cast(pa.string()),
        "geo": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array(["BGR"])).cast(pa.string()),
        "period": pa.DictionaryArray.from_arrays(pa.array(month), pa.array(all_months)).cast(pa.string()),
        "year": pa.array(np.array([int(p[:4]) for p in all_months], np.int64)[month]),
        "freq": pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array(["M"])).cast(pa.string()),
        "citizenship": coded(codes, "citizenship").cast(pa.string()),
        "sex": coded(SEXES, "sex").cast(pa.string()),
        "age_group": coded(AGES, "age_group").cast(pa.string()),
        "decision": coded(DECISIONS, "decision").cast(pa.string()),
        "return_type": pa.nulls(n, pa.string()),
        "category": pa.nulls(n, pa.string()),
        "value": pa.array(column("value", lambda s, a: a["value"]), pa.float64(), from_pandas=True),
        "unit": by_spec(units).cast(pa.string()),
        "flag": pa.DictionaryArray.from_arrays(pa.array(np.where(flags < 0, len(FLAG_CODES), flags), pa.int32()),
                                               pa.array(list(FLAG_CODES) + [None], pa.string())).cast(pa.string()),
        "institution_code": by_spec(institutions).cast(pa.string()),
        "source_id": by_spec(per_spec["source_id"]).cast(pa.string()),
        "source_ref": pc.binary_join_element_wise(by_spec(prefix).cast(pa.string()),
                                                  pc.cast(pa.array(rows), pa.string()), ""),
    })
    info = {"countries": n_countries, "first_year": first_year, "last_month": LAST_MONTH,
            "series": [s.series for s in SPECS], "cross_tab_share": round(keep_share, 4)}
    return table.to_pandas(), info


def synthetic_sources() -> pd.DataFrame:
    return pd.DataFrame([{
        "source_id": s.source_id, "kind": "dataset", "provider": "Synthetic (bench/synthetic.py)",
        "title": f"SYNTHETIC load-test data, not real figures: {s.series}, monthly, by {', '.join(s.dims)}",
        "url": None, "license": None, "retrieved": None, "sha256": "0" * 64, "file": f"bench/synthetic.py ({s.file})",
    } for s in SPECS])


def build(n_rows: int, out: Path, source: Path, seed: int = 1, log=print) -> str:
    """Publish the synthetic version under `out` (a data folder); returns the version id."""
    from etl import changelog, publish, search_index
    from etl.statistics.registry import registry

    started = time.perf_counter()
    folder = source / "processed" / "current"
    manifest = publish.json.loads((folder / publish.MANIFEST).read_text(encoding="utf-8"))
    tables = {name: pq.read_table(folder / entry["file"]).to_pandas() for name, entry in manifest["tables"].items()}
    simulated = {s.series for s in SPECS}
    kept = tables["observations"][~tables["observations"]["series"].isin(simulated)]
    if n_rows <= len(kept):
        raise SystemExit(f"--rows must be more than the {len(kept)} embedded rows kept")
    synthetic, info = synthetic_observations(n_rows - len(kept), seed, registry())
    log(f"generated {len(synthetic):,} synthetic rows in {time.perf_counter() - started:.1f} s "
        f"({info['countries']} countries, {info['first_year']}-01..{info['last_month']})")
    tables["observations"] = pd.concat([kept.astype(synthetic.dtypes.to_dict()), synthetic], ignore_index=True)
    del synthetic, kept
    tables["sources"] = pd.concat([tables["sources"], synthetic_sources()], ignore_index=True)
    history = tables.pop("changes")
    previous = os.environ.get("MIGDASH_DATA_DIR")
    os.environ["MIGDASH_DATA_DIR"] = str(out)
    try:
        # the change log keeps the embedded history: a synthetic table is not a revision of the real one
        with mock.patch.object(changelog, "changes", lambda version, published, old, new: history):
            version = publish.publish(tables, summary={"synthetic": {**info, "rows": n_rows, "seed": seed}},
                                      derived=[search_index.build_for])
    finally:
        if previous is None:
            os.environ.pop("MIGDASH_DATA_DIR", None)
        else:
            os.environ["MIGDASH_DATA_DIR"] = previous
    log(f"published {version} with {n_rows:,} observations to {out / 'processed'} "
        f"in {time.perf_counter() - started:.1f} s")
    return version


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the observations table")
    parser.add_argument("--out", type=Path, required=True, help="data folder to publish into (MIGDASH_DATA_DIR)")
    parser.add_argument("--from", dest="source", type=Path, default=paths.data_dir(),
                        help="data folder whose current version is copied (default: the project's)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    build(args.rows, args.out, args.source, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
