"""Step: action-plan documents in data/raw/plan/ -> plans, goals, measures, indicators, institutions.

One document per plan year. When a year has several (a draft and the final version, or the .docx
and its text export of the same plan), the final beats the draft and the .docx beats the text
export; the others are reported and left out. Any other second plan of a year is an error.
With several years, `measure_changes` compares each plan with the one before (etl/plan/changes.py).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl.plan.budget import funding_sources
from etl.plan.cells import PlanDocument, read_document
from etl.plan.changes import measure_changes
from etl.plan.matching import read_pins
from etl.plan.structure import find_structure
from etl.plan.parse import parse_plan, plan_year_and_status
from etl.plan.translations import apply_translations
from etl.problems import EtlError, Problem, rel
from etl.provenance import read_meta
from etl.schemas import TABLES
from etl.steps import StepResult

FORMATS = (".docx", ".txt")
MEASURES_STATED_RE = re.compile(r"изпълнението на (\d+) мерки", re.IGNORECASE)


def discover(raw_dir: Path) -> list[Path]:
    folder = raw_dir / "plan"
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in FORMATS and p.is_file()) if folder.exists() else []


def same_plan(a: PlanDocument, b: PlanDocument) -> bool:
    """Two documents hold the same plan when their measures' texts are the same, row by row."""
    def titles(doc):
        return [" ".join(r.cells["title"].flat.split()) for r in find_structure(doc).rows]
    return titles(a) == titles(b)


def run(raw_dir: Path, progress=lambda message: None) -> StepResult:
    result = StepResult()
    problems: list[Problem] = []
    # Load
    candidates: dict[int, list[tuple]] = {}
    for path in discover(raw_dir):
        progress(f"plan: reading {rel(path)}")
        meta, meta_problems = read_meta(path)
        problems += [p for p in meta_problems if p.severity == "error"]
        result.warnings += [p for p in meta_problems if p.severity == "warning"]
        doc = read_document(path)
        year, status = plan_year_and_status(doc)
        if year is None:
            problems.append(Problem(rel(path), "cannot find the plan year: expected a title line like 'ПЛАН за 2024 г.'"))
            continue
        if meta.get("year") and int(meta["year"]) != year:
            problems.append(Problem(rel(path), f"the document is the plan for {year} but its sidecar says year {meta['year']}"))
        if meta.get("status") and meta["status"] != status:
            result.warnings.append(Problem(rel(path), f"the sidecar says status {meta['status']!r}; the document reads "
                                                      f"as {status!r} (the document wins)", severity="warning"))
        candidates.setdefault(year, []).append((status == "final", path.suffix.lower() == ".docx", path, doc, meta, status))
    if problems:
        raise EtlError(problems)
    if not candidates:
        raise EtlError([Problem(rel(raw_dir / "plan"), "no action-plan document (.docx or .txt) found")])

    # Process
    tables: dict[str, list] = {k: [] for k in ("plans", "goals", "measures", "indicators", "institutions", "measure_institutions")}
    for year in sorted(candidates):
        ranked = sorted(candidates[year], key=lambda c: (c[0], c[1]), reverse=True)
        is_final, is_docx, path, doc, meta, status = ranked[0]
        for other in ranked[1:]:
            if other[0] == is_final and (other[1] == is_docx or not same_plan(doc, other[3])):
                # Only a final replacing a draft, or one plan in both formats, is two documents of a year.
                raise EtlError([Problem(rel(other[2]), f"a second {status} plan for {year}: {rel(path)} and "
                                                       f"{rel(other[2])} are both {status} and differ; a second plan "
                                                       f"of a year is accepted only as the final replacing a draft "
                                                       f"(or the same plan as .docx and text export): keep one")])
            result.warnings.append(Problem(rel(other[2]), f"not used: {rel(path)} is the {status} plan for {year}",
                                           severity="warning"))
        progress(f"plan: parsing the {year} plan ({status})")
        parsed = parse_plan(doc, year, status)
        result.warnings += parsed.warnings
        source_id = f"plan-{year}"
        stated = next((int(m.group(1)) for _, t in doc.narrative if (m := MEASURES_STATED_RE.search(t))), None)
        if stated is not None and stated != len(parsed.measures):
            result.warnings.append(Problem(rel(path), f"the text says the plan has {stated} measures; the table has "
                                                      f"{len(parsed.measures)} rows (each row is published as a measure)",
                                           severity="warning"))
        tables["plans"].append({
            "plan_year": year, "status": status, "source_id": source_id, "measures_stated": stated,
            "title": meta.get("title") or " ".join(t for _, t in doc.narrative[1:7]),
            "issuer": meta.get("issuer") or "Национален съвет по миграция, граници, убежище и интеграция",
        })
        for name in ("goals", "measures", "indicators", "measure_institutions"):
            tables[name] += getattr(parsed, name)
        known = {r["code"] for r in tables["institutions"]}
        tables["institutions"] += [r for r in parsed.institutions if r["code"] not in known]
        result.sources.append({
            "source_id": source_id, "provider": meta.get("issuer") or meta.get("provider") or "",
            "title": meta.get("title") or path.stem, "url": meta.get("url"), "license": meta.get("license"),
            "retrieved": meta.get("retrieved"), "sha256": meta["sha256"], "file": meta["file"],
            "kind": "plan_document",
        })

    frames = {name: pd.DataFrame(rows) for name, rows in tables.items()}
    ids = set(frames["measures"]["measure_id"]) if len(frames["measures"]) else set()
    progress("plan: matching measures across years")
    changes, found = measure_changes(frames["measures"], frames["indicators"], frames["measure_institutions"],
                                     read_pins(raw_dir, ids), rel(raw_dir / "plan"))
    result.warnings += found
    frames["measure_changes"] = changes.reindex(columns=TABLES["measure_changes"].names)
    frames["measures"], frames["indicators"], unknown = apply_translations(frames["measures"], frames["indicators"])
    if unknown:
        result.warnings.append(Problem("etl/plan/translations", f"translations for ids the plans do not have: "
                                                               f"{', '.join(unknown[:10])}", severity="warning"))
    frames["funding_sources"] = pd.DataFrame(
        [{"code": f["code"], "name_bg": f["name_bg"], "name_en": f["name_en"]} for f in funding_sources()])
    result.tables = frames
    return result
