"""Indicators of a measure, read from its baseline and target cells.

The plan writes indicators as free text: "Брой проверки-0" / "Брой проверки 12", several per cell,
names on one side only ("0" / "1"), values first ("894 деца ... и 3021 ученици"), values on a
continuation line ("Брой обучени служители –" / "0"), headers ("Брой ... напуснали страната:" then
"- в изпълнение ...-0"), and lists that do not pair one to one. Three steps:

1. `split_items`: cell -> items (wrapped lines joined, bullets and ';' split, headers carried).
2. `read_item`: item -> readings (name, value, unit, comparison). Dates, years, legal references
   and remarks in parentheses are never values.
3. `pair_indicators`: baseline readings x target readings -> indicators: by position when both
   lists have the same length and agree, else by the similarity of their names. An unmatched
   reading keeps a null on the other side: values never move between indicators.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.numbers import NUMBER_PATTERN, number_from_match

DASHES = "-–—"
NOT_VALUES_RE = re.compile("|".join([
    r"\b\d{1,2}\.\d{1,2}\.\s*\d{4}\s*(?:г\b\.?)?",     # 01.01.2024 г.
    r"\b\d{1,2}\.\d{1,2}\.(?=\s|$)",                   # 31.12.  (year on the next line)
    r"\b(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}\b",     # 2024-2025
    r"\b(?:19|20)\d{2}\s*(?:г\b\.?|година|год\.)",      # 2023 г.
    r"(?:през|за|от|към|до)\s+(?:19|20)\d{2}\b",        # през 2023
    r"\b(?:чл|ал|т)\.\s*\d+\s*[а-я]?",                  # чл.21а
    r"№\s*[\w/.-]+",                                    # рег. № 8121з-2155/29.12.2023
    r"\b[А-ЯA-Z]\d\b",                                  # A2, B1 (language levels)
    r"\([^)]*\)",                                       # remarks in parentheses
]))
VALUE_RE = re.compile(rf"(?<![\d.,])(?P<num>{NUMBER_PATTERN})(?![\d])\s*(?P<pct>%)?")
CONNECTOR_END_RE = re.compile(r"(?:[,–—-]|\b(?:в|във|на|и|или|които|който|която|за|с|със|от|по|към|до|между|чрез))$",
                              re.IGNORECASE)
AT_MOST_RE = re.compile(r"^\s*(?:до|не повече от|максимум)\s+\d", re.IGNORECASE)
AT_LEAST_RE = re.compile(r"(?:минимум|не по-малко от|поне|над)\s+\d", re.IGNORECASE)
KEEP_RE = re.compile(r"\bподдържане\b", re.IGNORECASE)
TIME_QUALIFIER_RE = re.compile(r"^(?:към|за|през|в началото на)\b[^А-Яа-я]*(?:г\.?)?\s*$", re.IGNORECASE)
TIME_LEAD_RE = re.compile(r"^(?:към|за|през)\s+\d", re.IGNORECASE)
SEPARATOR_RE = re.compile(r",\s|;|(?:^|\s)и\s")  # between two values of one item
UNIT_WORDS_RE = re.compile(r"^(?:бр\.?|броя|души)$", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    text: str               # the item as written (whitespace tidied)
    name: str               # what is measured, without the value ("" when the item is only a value)
    value: float | None
    unit: str               # count | percent | BGN | EUR
    comparison: str | None  # at least | at most | keep | None


@dataclass(frozen=True)
class Indicator:
    name: str
    baseline_text: str | None
    baseline_value: float | None
    target_text: str | None
    target_value: float | None
    unit: str
    comparison: str | None


def tidy(text: str) -> str:
    text = " ".join(text.split())
    return text.strip(" ;,").rstrip(".").strip(" ;,„\"")


def _mask(text: str) -> str:
    return NOT_VALUES_RE.sub(lambda m: "§" * len(m.group()), text)


def _has_value(text: str) -> bool:
    return bool(VALUE_RE.search(_mask(text)))


def _is_bullet(line: str) -> bool:
    return line[:1] in DASHES


def split_items(cell: str | None) -> list[str]:
    """A baseline/target cell -> items, joining the lines the document wrapped."""
    lines = [" ".join(line.split()) for line in (cell or "").split("\n")]
    items: list[str] = []
    for line in filter(None, lines):
        if _is_bullet(line):
            body = line.lstrip(DASHES + " ")
            if items and items[-1] == "":
                items[-1] = body
            else:
                items.append(body)
            continue
        if items:
            prev = items[-1]
            if (prev == "" or CONNECTOR_END_RE.search(prev) or line[:1].islower()
                    or (line[:1].isdigit() and not _has_value(prev) and not prev.endswith(":"))):
                items[-1] = f"{prev} {line}".strip()
                continue
        items.append(line)
    out: list[str] = []
    header = ""
    for item in items:
        for part in re.split(r";\s*", item):
            part = part.strip(" " + DASHES) if part.strip() in DASHES else part.strip()
            if not part:
                continue
            if part.endswith(":") and not _has_value(part):
                header = part[:-1].strip()
                continue
            out.append(f"{header}: {part}" if header else part)
    return out


def _unit(after: str, pct: bool) -> str:
    if pct:
        return "percent"
    if re.match(r"^\s*(?:лв\.?|лева)", after, re.IGNORECASE):
        return "BGN"
    if re.match(r"^\s*(?:евро|eur|€)", after, re.IGNORECASE):
        return "EUR"
    return "count"


def _comparison(text: str) -> str | None:
    if AT_MOST_RE.search(text):
        return "at most"
    if AT_LEAST_RE.search(text):
        return "at least"
    if KEEP_RE.search(text):
        return "keep"
    return None


def _segments(text: str) -> list[tuple[str, re.Match]]:
    """Cut an item into pieces holding one value each.

    Values are separated by ',', ';' or ' и ' ("894 деца и 3021 ученици"). Where two numbers
    stand with no separator between them, the one after a dash is the value and the other is
    part of the name ("под 3 % - 0%", "в 25 консулски служби -29%") or a stray repeat glued to
    a word ("0 аудио спот0").
    """
    masked = _mask(text)
    matches = list(VALUE_RE.finditer(masked))
    groups: list[list[re.Match]] = [[matches[0]]]
    for prev, m in zip(matches, matches[1:]):
        between = masked[prev.end():m.start()]
        if SEPARATOR_RE.search(between):
            groups.append([m])
        else:
            groups[-1].append(m)
    pieces: list[tuple[str, re.Match]] = []
    start = 0
    for k, group in enumerate(groups):
        after_dash = [m for m in group if re.search(rf"[{DASHES}:]\s*$", masked[:m.start()])]
        chosen = after_dash[-1] if after_dash else group[0]
        if k + 1 < len(groups):
            sep = SEPARATOR_RE.search(masked[group[-1].end():groups[k + 1][0].start()])
            end = group[-1].end() + sep.start()
            next_start = group[-1].end() + sep.end()
        else:
            end, next_start = len(text), len(text)
        pieces.append((text[start:end], _shift(chosen, -start, text[start:end])))
        start = next_start
    return pieces


class _Match:
    """A value match re-based on a piece of the item."""

    def __init__(self, num: str, pct: bool, start: int, end: int):
        self._num, self._pct, self._start, self._end = num, pct, start, end

    def group(self, name: str):
        return self._num if name == "num" else ("%" if self._pct else None)

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def _shift(m: re.Match, offset: int, piece: str) -> _Match:
    start, end = m.start() + offset, m.end() + offset
    return _Match(piece[start:start + len(m.group("num"))], bool(m.group("pct")), start, end)


def read_item(item: str) -> list[Reading]:
    """An item -> readings; an item that lists several values gives one reading per value."""
    text = tidy(item)
    comparison = _comparison(text)
    if not _has_value(text):
        return [Reading(text, text, None, "count", comparison)]
    readings: list[Reading] = []
    pieces = _segments(text)
    head = ""
    for k, (piece, m) in enumerate(pieces):
        before, after = piece[: m.start()], piece[m.end():]
        value = number_from_match(m.group("num"))
        lead = tidy(before.rstrip(" " + DASHES + ":"))
        lead = re.sub(r"^\d+\s+(?=[А-ЯA-Z])", "", lead)  # a stray number before the name ("0 Брой ...")
        lead = re.split(r"(?<!\sг)(?<!т)\.\s+(?=[А-ЯA-Z])", lead)[-1]  # the sentence that holds the value
        rest = tidy(re.sub(r"^\s*[А-Яа-яA-Za-z]*\d+\b", "", after) if re.match(r"^\s*\S*\d", after) else after)
        rest = re.sub(r"(?<=[а-яa-z]{2})\d+$", "", rest.lstrip(DASHES + " "))  # "аудио спот0": a stray repeat
        if TIME_QUALIFIER_RE.match(lead) or TIME_LEAD_RE.match(lead):
            lead = ""
        if re.match(r"^(?:до|над|под|минимум|поне|по)$", lead, re.IGNORECASE):
            lead = ""
        if lead and re.search(rf"[{DASHES}:]\s*$", before):
            short = rest and len(rest) <= 30 and not UNIT_WORDS_RE.match(rest) and not rest.startswith("(")
            name = f"{lead} ({rest})" if short else lead
            head = head or lead
        elif lead and not rest:
            name = lead  # value glued to the end: "Брой проверки 12"
            head = head or lead
        elif lead:
            name = tidy(piece)  # value inside a sentence: keep the sentence as the name
        else:
            name = rest
            if k > 0 and head and rest:
                name = f"{head} – {rest}"
        readings.append(Reading(tidy(piece), name, value, _unit(after, m.group("pct") is not None), comparison))
    return readings


def read_cell(cell: str | None) -> list[Reading]:
    """All readings of a baseline or target cell.

    A reading with no value followed by a time-qualified value ("Брой договори ..." then
    "Към 01.01.2024 г. – 7") is one indicator: the name from the first, the value from the second.
    """
    readings: list[Reading] = []
    for item in split_items(cell):
        for reading in read_item(item):
            if (readings and readings[-1].value is None and reading.value is not None
                    and (not reading.name or TIME_LEAD_RE.match(reading.text))):
                prev = readings.pop()
                reading = Reading(f"{prev.text} {reading.text}", prev.name, reading.value, reading.unit,
                                  reading.comparison or prev.comparison)
            readings.append(reading)
    return readings


def _tokens(name: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[а-яa-z]+", name.lower()) if len(w) >= 3}


def similarity(a: str, b: str) -> float:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _name_rank(reading: Reading) -> tuple:
    """Prefer a name that states what is counted over a sentence that embeds its value."""
    return (reading.value is not None, not re.search(r"\d", reading.name), len(reading.name))


def _merge(b: Reading | None, t: Reading | None, name_from: Reading | None = None) -> Indicator:
    named = [r for r in (b, t) if r is not None and r.name]
    if name_from is not None and name_from.name:
        name = name_from.name
    else:
        name = max(named, key=_name_rank).name if named else ""
    unit = next((r.unit for r in (t, b) if r is not None and r.value is not None), "count")
    comparison = next((r.comparison for r in (t, b) if r is not None and r.comparison), None)
    return Indicator(
        name=name,
        baseline_text=b.text if b else None, baseline_value=b.value if b else None,
        target_text=t.text if t else None, target_value=t.value if t else None,
        unit=unit, comparison=comparison,
    )


def pair_indicators(baseline: list[Reading], target: list[Reading]) -> list[Indicator]:
    """Pair baseline and target readings into indicators (see the module docstring)."""
    if not baseline and not target:
        return []
    if not baseline or not target:
        return [_merge(b, None) for b in baseline] + [_merge(None, t) for t in target]
    # One side a single reading with no value: its text describes every reading of the other side.
    if len(target) == 1 and target[0].value is None and len(baseline) > 1:
        return [_merge(b, target[0], name_from=b) for b in baseline]
    if len(baseline) == 1 and baseline[0].value is None and len(target) > 1:
        return [_merge(baseline[0], t, name_from=t) for t in target]
    if len(baseline) == len(target):
        agree = all(
            not b.name or not t.name or similarity(b.name, t.name) >= 0.2
            or max(similarity(b.name, o.name) for o in target) < 0.5
            for b, t in zip(baseline, target)
        )
        if agree:
            return [_merge(b, t) for b, t in zip(baseline, target)]
    # Pair by meaning: greedily take the most similar pairs; keep the rest unpaired.
    candidates = sorted(
        ((similarity(b.name, t.name), i, j) for i, b in enumerate(baseline) for j, t in enumerate(target)),
        reverse=True,
    )
    used_b: set[int] = set()
    used_t: set[int] = set()
    pairs: dict[int, int] = {}
    for score, i, j in candidates:
        if score < 0.5:
            break
        if i not in used_b and j not in used_t:
            pairs[i] = j
            used_b.add(i)
            used_t.add(j)
    out: list[Indicator] = []
    for i, b in enumerate(baseline):
        out.append(_merge(b, target[pairs[i]]) if i in pairs else _merge(b, None))
    # unpaired targets go after the baseline reading that precedes them in document order
    for j, t in enumerate(target):
        if j not in used_t:
            out.append(_merge(None, t))
    return out


SENTENCE_END_RE = re.compile(r"(?<!\sг\.)(?<!т\.)(?<=[.;])\s+(?=[А-ЯA-Z])")


def qualitative(baseline: str | None, target: str | None) -> list[Indicator]:
    """Cells with no values at all: one indicator per target sentence (or one for the cell)."""
    b_text = tidy(" ".join(split_items(baseline))) or None
    sentences = [tidy(s) for item in split_items(target) for s in SENTENCE_END_RE.split(item)]
    unique = list(dict.fromkeys(s for s in sentences if s))
    if not unique:
        return [Indicator(b_text or "", b_text, None, None, None, "count", _comparison(b_text or ""))]
    return [Indicator(s, b_text, None, s, None, "count", _comparison(s)) for s in unique]


def read_indicators(baseline: str | None, target: str | None) -> list[Indicator]:
    b, t = read_cell(baseline), read_cell(target)
    if not any(r.value is not None for r in b + t):
        return qualitative(baseline, target)
    return pair_indicators(b, t)
