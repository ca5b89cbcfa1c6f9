"""Step: statistics files in data/raw -> observations, series, indicator_actuals (and their sources).

Load: every file under data/raw/statistics/ (the project's template: .xlsx, .csv), data/raw/eurostat/
(SDMX-CSV or the legacy export, told apart by the first line), data/raw/unhcr/ and data/raw/unodc/,
each read by its importer (etl/sources/). Process: the validation rules of etl/statistics/checks.py on
every file, then duplicates across files; any error stops the step with all problems. A project-format
copy of a public dataset (the embedded data, whose sidecar names the `dataset`) steps aside when the
provider's own download of that dataset is present, so a fresh `fetch` replaces it without clashing.
Series: only the declared series that have observations are published, so every listed series has data.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.problems import EtlError, Problem, rel
from etl.provenance import SUFFIX, read_meta
from etl.schemas import TABLES
from etl.sources import eurostat, eurostat_legacy, staff_template, unhcr, unodc
from etl.sources.common import INTERNAL, slug
from etl.statistics.checks import KEY, Context, check
from etl.statistics.registry import registry, series_table
from etl.steps import StepResult

FOLDERS = {  # folder under data/raw -> (file suffixes, kind of source); downloads first, see run()
    "eurostat": ((".csv",), "dataset"),
    "unhcr": ((".csv",), "dataset"),
    "unodc": ((".xlsx",), "dataset"),
    "statistics": ((".xlsx", ".csv"), "staff_template"),
}
OBSERVATIONS = TABLES["observations"].names
ACTUALS = TABLES["indicator_actuals"].names


@dataclass
class Input:
    path: Path
    folder: str
    importer: object
    dataset: str | None = None


def discover(raw_dir: Path) -> tuple[list[Input], list[Problem]]:
    """Statistics files and the importer for each; problems for files no importer understands."""
    found, problems = [], []
    for folder, (suffixes, _) in FOLDERS.items():
        base = raw_dir / folder
        if not base.exists():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            if path.name.endswith(SUFFIX) or path.name.startswith((".", "~$")) or path.suffix.lower() in (".md", ".txt"):
                continue
            if path.suffix.lower() not in suffixes:
                problems.append(Problem(rel(path), f"not imported: {folder}/ takes {', '.join(suffixes)} files",
                                        severity="warning"))
                continue
            importer = importer_for(path, folder)
            if importer is None:
                problems.append(Problem(rel(path), "not a Eurostat SDMX-CSV or legacy export (first line not recognised)"))
                continue
            found.append(Input(path, folder, importer))
    return found, problems


def importer_for(path: Path, folder: str):
    if folder == "statistics":
        return staff_template
    if folder == "unhcr":
        return unhcr
    if folder == "unodc":
        return unodc
    with path.open("rb") as f:
        first = f.readline().decode("utf-8", errors="replace")
    if eurostat.is_sdmx_csv(first):
        return eurostat
    if eurostat_legacy.is_legacy_csv(first):
        return eurostat_legacy
    return None


def source_id(item: Input) -> str:
    """Stable id from folder and file name: data/raw/eurostat/migr_asyappctza.csv -> eurostat-migr_asyappctza."""
    stem = slug(item.path.stem)
    return stem if item.folder == "statistics" or stem.startswith(item.folder) else f"{item.folder}-{stem}"


def import_file(path: Path, folder: str, meta: dict | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """One file through its importer and every validation rule (used by the step and the tests)."""
    item = Input(path, folder, importer_for(path, folder))
    if item.importer is None:
        return pd.DataFrame(columns=OBSERVATIONS + INTERNAL), [Problem(rel(path), "no importer for this file")]
    if meta is None:
        meta, _ = read_meta(path)
    frame, problems = item.importer.read(path, meta)
    if any(p.severity == "error" for p in problems) and not len(frame):
        return frame, problems
    ctx = Context(rel(path), frame.attrs.get("columns", {}), registry(), _institutions())
    return frame, problems + check(frame, ctx)


def _institutions() -> set[str]:
    from etl.plan.institutions import registry as institutions

    return {row["code"] for row in institutions().rows}


def run(raw_dir: Path, progress=lambda message: None) -> StepResult:
    result = StepResult()
    # Load
    inputs, problems = discover(raw_dir)
    result.warnings += [p for p in problems if p.severity == "warning"]
    problems = [p for p in problems if p.severity == "error"]
    metas = {}
    for item in inputs:
        meta, meta_problems = read_meta(item.path)
        problems += [p for p in meta_problems if p.severity == "error"]
        result.warnings += [p for p in meta_problems if p.severity == "warning"]
        metas[item.path] = meta
        item.dataset = str(meta.get("dataset") or "").upper() or None
    downloaded: set[str] = set()  # datasets present as the provider's own download
    frames, actuals = [], []
    for item in inputs:  # downloads come first (FOLDERS order), so `downloaded` is complete for statistics/
        if item.folder == "statistics" and item.dataset and item.dataset in downloaded:
            result.warnings.append(Problem(rel(item.path), f"not used: a download of {item.dataset} is in data/raw and "
                                                           f"replaces this embedded copy", severity="warning"))
            continue
        progress(f"statistics: reading {rel(item.path)}")
        frame, file_problems = import_file(item.path, item.folder, metas[item.path])
        problems += [p for p in file_problems if p.severity == "error"]
        result.warnings += [p for p in file_problems if p.severity == "warning"]
        if item.folder != "statistics":
            downloaded |= {d for d in (item.dataset, frame.attrs.get("dataset")) if d}
        sid = source_id(item)
        if any(s["source_id"] == sid for s in result.sources):
            problems.append(Problem(rel(item.path), f"source id {sid!r} is already used by another file: rename one"))
        frame = frame.assign(source_id=sid, _file=rel(item.path))
        frames.append(frame)
        if item.importer is staff_template:
            progress_frame, progress_problems = staff_template.read_progress(item.path, metas[item.path])
            problems += [p for p in progress_problems if p.severity == "error"]
            actuals.append(progress_frame.assign(source_id=sid))
        meta = metas[item.path]
        result.sources.append({
            "source_id": sid, "kind": "dataset" if item.folder != "statistics" or item.dataset else "staff_template",
            "provider": meta.get("provider") or meta.get("issuer") or "", "title": meta.get("title") or item.path.stem,
            "url": meta.get("url"), "license": meta.get("license") or meta.get("licence"),
            "retrieved": meta.get("retrieved"), "sha256": meta["sha256"], "file": meta["file"],
        })
    observations = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATIONS + INTERNAL)

    # Process
    problems += duplicates_across_files(observations)
    if problems:
        raise EtlError(problems)
    progress(f"statistics: {len(observations)} observations from {len(frames)} file(s)")
    result.tables = {
        "observations": observations[OBSERVATIONS].reset_index(drop=True),
        "series": series_table(set(observations["series"])),
        "indicator_actuals": (pd.concat(actuals, ignore_index=True)[ACTUALS] if actuals
                              else pd.DataFrame(columns=ACTUALS)),
    }
    return result


def duplicates_across_files(observations: pd.DataFrame) -> list[Problem]:
    """The same series, period and breakdown from two files (each file was checked on its own)."""
    if not len(observations):
        return []
    keyed = observations[KEY].astype(object).where(observations[KEY].notna(), "")
    keyed["_file"] = observations["_file"]
    dup = keyed.duplicated(KEY, keep=False)
    out = []
    for key, group in observations[dup].groupby(keyed[dup][KEY].apply(tuple, axis=1)):
        files = group.drop_duplicates("_file")
        if len(files) < 2:
            continue
        first, *others = [r for _, r in files.iterrows()]
        for other in others:
            out.append(Problem(other["_file"], f"duplicate key: {first['_file']} row {first['_row']} already has series "
                                               f"{key[0]}, period {key[2]} with the same breakdown",
                               line=int(other["_row"]), column="series"))
    return out
