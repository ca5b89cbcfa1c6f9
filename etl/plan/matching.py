"""Measure identity across yearly plans: which measure of one year continues which of the year before.

Numbers are no identity (rows are added and removed, a № can be printed twice), so a pair is
scored by what the measure says: its text (rapidfuzz token-set ratio), its objective, its
responsible institutions, and its strategic goal. Pairs are taken best first, one to one, above
`THRESHOLD`; a measure whose best two candidates score within `AMBIGUOUS_GAP` of each other is
reported as a warning (the better one is still taken, and staff can pin or break it in
data/raw/plan/matches.yml, see `read_pins`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from etl.problems import EtlError, Problem, rel

PINS_FILE = "matches.yml"
THRESHOLD = 0.6      # a pair below this is no continuation: the measures are added / dropped
AMBIGUOUS_GAP = 0.03  # a runner-up this close to the best is reported
WEIGHTS = {"text": 0.7, "objective": 0.1, "institutions": 0.15, "goal": 0.05}


@dataclass(frozen=True)
class Match:
    from_id: str
    to_id: str
    score: float   # 0..1
    explanation: str


@dataclass(frozen=True)
class Pins:
    pin: tuple[tuple[str, str], ...] = ()
    broken: tuple[tuple[str, str], ...] = ()


def _norm(text: str | None) -> str:
    return " ".join(str(text or "").lower().split())


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _parts(m: dict, responsible: dict[str, frozenset]) -> tuple:
    return _norm(m["title"]), _norm(m["objective"]), responsible.get(m["measure_id"], frozenset()), m["goal"]


def match_years(old: list[dict], new: list[dict], responsible: dict[str, frozenset], pins: Pins,
                where: str) -> tuple[list[Match], list[Problem]]:
    """Pairs (old measure -> new measure) and the ambiguity warnings."""
    warnings: list[Problem] = []
    if not old or not new:
        return [], warnings
    old_p = [_parts(m, responsible) for m in old]
    new_p = [_parts(m, responsible) for m in new]
    text = process.cdist([p[0] for p in old_p], [p[0] for p in new_p], scorer=fuzz.token_set_ratio, workers=1)
    objective = process.cdist([p[1] for p in old_p], [p[1] for p in new_p], scorer=fuzz.token_set_ratio, workers=1)
    broken = set(pins.broken)
    scored: list[tuple[float, int, int]] = []
    score = {}
    for i, (_, _, inst_a, goal_a) in enumerate(old_p):
        for j, (_, _, inst_b, goal_b) in enumerate(new_p):
            if (old[i]["measure_id"], new[j]["measure_id"]) in broken:
                continue
            parts = {"text": text[i][j] / 100, "objective": objective[i][j] / 100,
                     "institutions": _jaccard(inst_a, inst_b), "goal": float(goal_a == goal_b)}
            s = sum(WEIGHTS[k] * v for k, v in parts.items())
            score[i, j] = (s, parts)
            if s >= THRESHOLD:
                scored.append((s, i, j))
    matches: list[Match] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    index_old = {m["measure_id"]: i for i, m in enumerate(old)}
    index_new = {m["measure_id"]: j for j, m in enumerate(new)}
    for a, b in pins.pin:
        i, j = index_old[a], index_new[b]
        used_old.add(i)
        used_new.add(j)
        s = score.get((i, j), (0.0, {}))[0]
        matches.append(Match(a, b, round(s, 3), f"pinned in {PINS_FILE}"))
    for s, i, j in sorted(scored, key=lambda x: (-x[0], x[1], x[2])):
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        parts = score[i, j][1]
        matches.append(Match(old[i]["measure_id"], new[j]["measure_id"], round(s, 3), _explain(parts)))
        rivals = sorted((score[i, k][0] for k in range(len(new)) if k != j and (i, k) in score), reverse=True)[:1]
        rivals += sorted((score[k, j][0] for k in range(len(old)) if k != i and (k, j) in score), reverse=True)[:1]
        close = [r for r in rivals if r >= THRESHOLD and s - r <= AMBIGUOUS_GAP]
        if close:
            warnings.append(Problem(where, f"measure {new[j]['measure_id']} is matched to {old[i]['measure_id']} "
                                           f"(score {s:.2f}) but another measure scores {max(close):.2f}: check it, "
                                           f"and pin or break the match in data/raw/plan/{PINS_FILE}",
                                    severity="warning"))
    return matches, warnings


def _explain(parts: dict) -> str:
    said = [f"text {parts['text']:.0%}", f"objective {parts['objective']:.0%}",
            f"institutions {parts['institutions']:.0%}", "same goal" if parts["goal"] else "other goal"]
    return ", ".join(said)


def read_pins(raw_dir: Path, measure_ids: set[str]) -> Pins:
    """data/raw/plan/matches.yml: reviewed pins and breaks, e.g.

        pin:                     # these two are the same measure, whatever the scores say
          - {from: 2024-044, to: 2025-040}
        break:                   # these two are not, however alike they read
          - {from: 2024-012, to: 2025-012}

    Every problem is an error naming the entry: nothing is published from a wrong pin.
    """
    path = raw_dir / "plan" / PINS_FILE
    if not path.exists():
        return Pins()
    where = rel(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise EtlError([Problem(where, f"not valid YAML: {exc}")])
    if not isinstance(data, dict) or set(data) - {"pin", "break"}:
        raise EtlError([Problem(where, "expected a mapping with the lists 'pin' and/or 'break'")])
    problems: list[Problem] = []
    years = sorted({int(x[:4]) for x in measure_ids})
    out: dict[str, list] = {"pin": [], "break": []}
    seen: dict[str, str] = {}
    for kind in ("pin", "break"):
        entries = data.get(kind) or []
        if not isinstance(entries, list):
            problems.append(Problem(where, f"'{kind}' must be a list of {{from: <measure id>, to: <measure id>}}"))
            continue
        for k, entry in enumerate(entries, start=1):
            label = f"{kind} entry {k}"
            if not isinstance(entry, dict) or set(entry) != {"from", "to"}:
                problems.append(Problem(where, f"{label}: expected {{from: <measure id>, to: <measure id>}}"))
                continue
            a, b = str(entry["from"]), str(entry["to"])
            bad = [x for x in (a, b) if x not in measure_ids]
            if bad:
                problems.append(Problem(where, f"{label}: no published plan has the measure {', '.join(map(repr, bad))}"))
                continue
            earlier = [y for y in years if y < int(b[:4])]
            if not earlier or int(a[:4]) != earlier[-1]:
                problems.append(Problem(where, f"{label}: 'from' ({a}) must be a measure of the plan just before "
                                               f"the one of 'to' ({b})"))
                continue
            if kind == "pin":
                for x in (a, b):
                    if x in seen:
                        problems.append(Problem(where, f"{label}: {x} is already pinned in {seen[x]}"))
                    seen[x] = label
            out[kind].append((a, b))
    if problems:
        raise EtlError(problems)
    return Pins(tuple(out["pin"]), tuple(out["break"]))
