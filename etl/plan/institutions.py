"""Institutions named in a plan, matched against the reviewed registry `institutions.yml`."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

REGISTRY = Path(__file__).with_name("institutions.yml")
QUOTES = {"“": "“", "”": "“", "\"": "“", "„": "„", "«": "„", "»": "“"}
LETTER = r"А-Яа-яA-Za-z"


def normalise(text: str) -> str:
    """One spelling for quotes, dashes and spaces, so aliases stay few."""
    text = text.replace("\u00a0", " ")
    for k, v in QUOTES.items():
        text = text.replace(k, v)
    text = re.sub(r"\s*[–—]\s*", " – ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Registry:
    rows: list[dict]
    alias_re: re.Pattern
    alias_code: dict[str, str]
    typos: dict[str, str]
    filler_re: re.Pattern

    def match(self, text: str) -> tuple[list[str], list[str]]:
        """Codes named in `text` (in order, unique) and the leftover text that names nothing known."""
        for wrong, right in self.typos.items():
            text = text.replace(wrong, right)
        text = normalise(text)
        codes: list[str] = []
        leftovers: list[str] = []
        last = 0
        for m in self.alias_re.finditer(text):
            leftovers.append(text[last:m.start()])
            last = m.end()
            code = self.alias_code[m.group(0).lower()]
            if code not in codes:
                codes.append(code)
        leftovers.append(text[last:])
        unknown = []
        for piece in leftovers:
            rest = self.filler_re.sub(" ", piece)
            rest = re.sub(r"[\s,;/.()\-–]+", " ", rest).strip()
            if rest:
                unknown.append(rest)
        return codes, unknown


@lru_cache(maxsize=1)
def registry() -> Registry:
    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    alias_code: dict[str, str] = {}
    for row in data["institutions"]:
        for alias in row["aliases"]:
            key = normalise(alias).lower()
            if key in alias_code and alias_code[key] != row["code"]:
                raise ValueError(f"{REGISTRY.name}: alias {alias!r} given to both {alias_code[key]} and {row['code']}")
            alias_code[key] = row["code"]
    aliases = sorted(alias_code, key=len, reverse=True)  # longest first: "Дирекция „Миграция“ – МВР" before "МВР"
    alias_re = re.compile(
        "|".join(rf"(?<![{LETTER}]){re.escape(a)}(?![{LETTER}])" for a in aliases), re.IGNORECASE
    )
    fillers = sorted(data.get("fillers", []), key=len, reverse=True)
    filler_re = re.compile("|".join(rf"(?<![{LETTER}]){re.escape(f)}(?![{LETTER}])" for f in fillers), re.IGNORECASE)
    return Registry(data["institutions"], alias_re, alias_code, data.get("typos", {}), filler_re)
