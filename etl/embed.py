"""Write the embedded default data: public datasets read by the project's own importers and saved in
the project format (data/raw/statistics/*.csv, UTF-8 with BOM) with a provenance sidecar.

Why: a fresh clone has no copy of the providers' files (they are not ours to commit), yet must show
Bulgaria's real figures. Running the importers here, instead of typing numbers, keeps every value
traceable: its source_ref names the dataset, the original file and row.

    python -m etl.embed                      # rebuild every file declared in EMBEDDED from ../shared/real-data
    python -m etl.embed unhcr FILE --out data/raw/statistics/x.csv --dataset ... --title ... --url ...
"""
from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import yaml

from etl import paths
from etl.problems import EtlError, Problem
from etl.provenance import write_meta
from etl.sources import eurostat, eurostat_legacy, unhcr, unodc
from etl.sources.staff_template import OBSERVATION_HEADERS
from etl.statistics.checks import Context, check
from etl.statistics.registry import registry

IMPORTERS = {"eurostat": eurostat, "eurostat-legacy": eurostat_legacy, "unhcr": unhcr, "unodc": unodc}
REAL_DATA = paths.PROJECT_DIR.parent / "shared" / "real-data"
EUROSTAT = {"provider": "Eurostat", "license": "CC BY 4.0"}
# Output file -> importer, input files (relative to the real-data folder) and what the sidecar says.
EMBEDDED = {
    "eurostat-migr_asyappctza.csv": ("eurostat", ["eurostat-sdmx-csv/migr_asyappctza__asylum_applicants_total.csv"], {
        **EUROSTAT, "dataset": "MIGR_ASYAPPCTZA",
        "title": "Asylum applicants by type, citizenship, age and sex - annual aggregated data (every reporting country)",
        "url": "https://ec.europa.eu/eurostat/databrowser/view/migr_asyappctza/default/table",
        "via": "public repository natix-x/Data-mining-in-Migration-Analysis (data/), SDMX-CSV 2.0"}),
    "eurostat-migr_asytpsm.csv": ("eurostat", ["eurostat-sdmx-csv/migr_asytpsm__temporary_protection_beneficiaries_monthly.csv"], {
        **EUROSTAT, "dataset": "MIGR_ASYTPSM",
        "title": "Beneficiaries of temporary protection at the end of the month by citizenship, age and sex - monthly data (every reporting country)",
        "url": "https://ec.europa.eu/eurostat/databrowser/view/migr_asytpsm/default/table",
        "via": "public repository natix-x/Data-mining-in-Migration-Analysis (data/), SDMX-CSV 2.0"}),
    "eurostat-migr_eipre.csv": ("eurostat", ["eurostat-sdmx-csv/migr_eipre__migrants_illegally_present.csv"], {
        **EUROSTAT, "dataset": "MIGR_EIPRE",
        "title": "Third-country nationals found to be illegally present - annual data (every reporting country and the EU)",
        "url": "https://ec.europa.eu/eurostat/databrowser/view/migr_eipre/default/table",
        "via": "public repository natix-x/Data-mining-in-Migration-Analysis (data/), SDMX-CSV labels only"}),
    "eurostat-migr_asydcfstq-2008-2016.csv": ("eurostat-legacy", [
        "eurostat-legacy-csv/migr_asydcfstq_geneva_status_2008-2016__BG.csv",
        "eurostat-legacy-csv/migr_asydcfstq_total_positive_2008-2016__BG.csv",
        "eurostat-legacy-csv/migr_asydcfstq_rejected_2008-2016__BG.csv"], {
        **EUROSTAT, "dataset": "MIGR_ASYDCFSTQ",
        "title": "First instance decisions on applications by citizenship, age and sex - quarterly data (Bulgaria, 2008-2016, export of about 2017)",
        "url": "https://ec.europa.eu/eurostat/databrowser/view/migr_asydcfstq/default/table",
        "via": "public repository Alexandre223/asylum-project (src/original_data/asylum_data/), legacy Data Explorer CSV"}),
    "unhcr-asylum-decisions.csv": ("unhcr", ["unhcr/asylum-decisions.csv"], {
        "dataset": "UNHCR-ASYLUM-DECISIONS", "provider": "UNHCR", "license": "CC BY 4.0",
        "title": "UNHCR Refugee Data Finder: asylum decisions, Bulgaria as country of asylum, by country of origin",
        "url": "https://www.unhcr.org/refugee-statistics/download/",
        "via": "public repository tjkartha/stats-file"}),
    "unodc-glotip.csv": ("unodc", ["unodc-glotip/data_glotip.xlsx"], {
        "dataset": "UNODC-GLOTIP", "provider": "UNODC",
        "license": "UNODC data portal terms of use: reuse with the source acknowledged",
        "title": "UNODC Global Report on Trafficking in Persons data (GLOTIP), Bulgaria",
        "url": "https://dataunodc.un.org/dp-trafficking-persons",
        "via": "public repository SophiaCKJ/ChildTraffickingData"}),
}


def observations(kind: str, files: list[Path]) -> tuple[pd.DataFrame, list[Problem]]:
    """Read `files` with the importer `kind` and check them; errors raise EtlError."""
    from etl.steps.statistics import _institutions

    importer = IMPORTERS[kind]
    frames, warnings, errors = [], [], []
    for path in files:
        frame, problems = importer.read(path, {})
        problems += check(frame, Context(str(path), frame.attrs.get("columns", {}), registry(), _institutions()))
        errors += [p for p in problems if p.severity == "error"]
        warnings += [p for p in problems if p.severity == "warning"]
        frames.append(frame)
    if errors:
        raise EtlError(errors)
    return pd.concat(frames, ignore_index=True), warnings


def write_project_csv(frame: pd.DataFrame, out: Path) -> Path:
    """The observations in the staff template's CSV layout, UTF-8 with BOM (Excel opens Cyrillic correctly)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    frame = frame.sort_values(["series", "geo", "period", "citizenship", "sex", "age_group", "decision", "category"],
                              na_position="first", kind="stable")
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(OBSERVATION_HEADERS)
        for _, r in frame.iterrows():
            row = []
            for name in OBSERVATION_HEADERS:
                value = r.get(name)
                if name == "value" and pd.notna(value):
                    value = f"{value:.0f}" if float(value).is_integer() else f"{value}".replace(".", ",")
                row.append("" if value is None or (not isinstance(value, str) and pd.isna(value)) else value)
            writer.writerow(row)
    return out


def embed(kind: str, files: list[Path], out: Path, meta: dict) -> tuple[Path, int, list[Problem]]:
    frame, warnings = observations(kind, files)
    write_project_csv(frame, out)
    retrieved = meta.get("retrieved") or _retrieved_before(out) or min(
        datetime.fromtimestamp(p.stat().st_mtime, tz=timezone.utc).date() for p in files).isoformat()
    write_meta(out, {**meta, "retrieved": retrieved, "derived_from": [p.name for p in files],
                     "produced_by": f"python -m etl.embed ({kind} importer); values unchanged, every reporting country",
                     "format": "project statistics template, CSV UTF-8 with BOM"})
    return out, len(frame), warnings


def _retrieved_before(out: Path) -> str | None:
    """The retrieval date an earlier embed of `out` recorded: re-embedding the same files does not move it."""
    sidecar = out.with_name(out.name + ".meta.yml")
    if not sidecar.exists():
        return None
    return (yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}).get("retrieved")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.embed", description=__doc__.splitlines()[0])
    parser.add_argument("kind", nargs="?", choices=sorted(IMPORTERS))
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--from", dest="source", type=Path, default=REAL_DATA, help="folder of the provider files")
    for name in ("dataset", "title", "provider", "url", "license", "retrieved", "via"):
        parser.add_argument(f"--{name}")
    args = parser.parse_args(argv)
    try:
        if args.kind:
            if not args.files or not args.out:
                parser.error("give the input file(s) and --out")
            meta = {k: getattr(args, k) for k in ("dataset", "title", "provider", "url", "license", "retrieved", "via")}
            jobs = [(args.kind, args.files, args.out, {k: v for k, v in meta.items() if v})]
        else:
            folder = paths.raw_dir() / "statistics"
            jobs = [(kind, [args.source / f for f in files], folder / name, meta)
                    for name, (kind, files, meta) in EMBEDDED.items()]
        for kind, files, out, meta in jobs:
            missing = [str(f) for f in files if not f.exists()]
            if missing:
                print(f"missing input: {', '.join(missing)}", file=sys.stderr)
                return 1
            path, rows, warnings = embed(kind, files, out, meta)
            print(f"{path}: {rows} observations")
            for w in warnings:
                print(f"  ! {w}")
    except EtlError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
