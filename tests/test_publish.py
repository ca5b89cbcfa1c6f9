"""Publishing: versions, the atomic `current` pointer, manifest, change log, rollback, datapackage."""
from __future__ import annotations

import json
import os
import threading

import pandas as pd
import pytest

from etl import paths, publish
from etl.build import build
from etl.problems import EtlError
from etl.provenance import sha256

PLAN = "raw/plan/plan-2024-draft.txt"


def current_files(data_dir):
    link = data_dir / "processed" / "current"
    return os.readlink(link), sorted(p.name for p in link.resolve().iterdir())


def test_publish_build_makes_a_version_current(fresh_data_dir):
    result = build()
    link = paths.current_link()
    assert link.is_symlink() and os.readlink(link) == f"versions/{result.version}"
    manifest = json.loads((link / "manifest.json").read_text())
    assert manifest["tables"]["measures"]["rows"] == 85
    for name, entry in manifest["tables"].items():
        assert sha256(link / entry["file"]) == entry["sha256"], name
    assert publish.verify(link.resolve()) == []


def test_publish_failed_build_leaves_current_untouched(fresh_data_dir):
    build()
    before = current_files(fresh_data_dir)
    plan = fresh_data_dir / PLAN
    plan.write_text(plan.read_text(encoding="utf-8").replace("\tДАНС\n", "\tНепозната агенция\n", 1), encoding="utf-8")
    with pytest.raises(EtlError) as exc:
        build()
    assert "'Непозната агенция' names no known institution" in str(exc.value)
    assert current_files(fresh_data_dir) == before
    assert not [p for p in (fresh_data_dir / "processed" / "versions").iterdir() if p.name.startswith(".staging")]


def test_publish_change_log_shows_revised_values_old_to_new(fresh_data_dir):
    first = build().version
    plan = fresh_data_dir / PLAN
    text = plan.read_text(encoding="utf-8")
    assert "Брой върнати от страната незаконно пребиваващи чужденци – 178" in text
    plan.write_text(text.replace("Брой върнати от страната незаконно пребиваващи чужденци – 178",
                                 "Брой върнати от страната незаконно пребиваващи чужденци – 190"), encoding="utf-8")
    second = build().version
    changes = pd.read_parquet(paths.current_link() / "changes.parquet")
    mine = changes[changes["version"] == second]
    revised = mine[(mine["change"] == "revised") & (mine["table"] == "indicators")]
    assert revised[["field", "old", "new"]].values.tolist() == [["target_value", "178", "190"]]
    assert json.loads(revised["key"].iloc[0]) == {"indicator_id": "2024-038-01"}
    manifest = json.loads((paths.current_link() / "manifest.json").read_text())
    assert manifest["previous"] == first and manifest["summary"]["changes"] == {"indicators.revised": 1}


def test_publish_change_log_keeps_history_newest_first(fresh_data_dir):
    build()
    plan = fresh_data_dir / PLAN
    for old, new in (("чужденци – 178", "чужденци – 190"), ("чужденци – 190", "чужденци – 200")):
        plan.write_text(plan.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        build()
    changes = pd.read_parquet(paths.current_link() / "changes.parquet")
    revisions = changes[changes["change"] == "revised"][["old", "new"]].values.tolist()
    assert revisions == [["190", "200"], ["178", "190"]]


def test_publish_rollback_to_previous_and_named_version(fresh_data_dir):
    first = build().version
    second = build().version
    assert publish.current_version() == second
    assert publish.rollback() == first and publish.current_version() == first
    assert publish.rollback(second) == second
    with pytest.raises(EtlError) as exc:
        publish.rollback("19990101T000000Z")
    assert "no version '19990101T000000Z'" in str(exc.value)


def test_publish_rollback_without_earlier_version(fresh_data_dir):
    build()
    with pytest.raises(EtlError) as exc:
        publish.rollback()
    assert "no earlier version" in str(exc.value)


def test_publish_readers_never_see_half_a_version(fresh_data_dir):
    """While versions are published in a loop, every read of `current` is a complete version."""
    build()
    errors: list[str] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            folder = paths.current_link().resolve()
            problems = publish.verify(folder)
            if problems:
                errors.extend(problems)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):
            build()
    finally:
        stop.set()
        thread.join()
    assert errors == []


def test_publish_datapackage_is_valid_frictionless(fresh_data_dir, tmp_path):
    """datapackage.json describes every table; its schemas validate the data (via CSV copies)."""
    frictionless = pytest.importorskip("frictionless")
    build()
    folder = paths.current_link()
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert {r["name"] for r in descriptor["resources"]} >= {"measures", "indicators", "institutions", "changes"}
    for resource in descriptor["resources"]:
        frame = pd.read_parquet(folder / resource["path"])
        for field in resource["schema"]["fields"]:
            if field["type"] == "array":
                frame[field["name"]] = frame[field["name"]].map(lambda v: json.dumps(list(v), ensure_ascii=False))
        csv = tmp_path / f"{resource['name']}.csv"
        frame.to_csv(csv, index=False)
        resource = {**resource, "path": csv.name, "format": "csv", "mediatype": "text/csv"}
        resource.pop("hash")
        report = frictionless.validate(frictionless.Resource(resource, basepath=str(tmp_path)))
        assert report.valid, (resource["name"], report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])


def test_publish_change_log_revised_observation_in_staff_file(fresh_data_dir):
    """A staff member corrects one figure in a raw statistics file; the next build says old -> new."""
    build()
    path = fresh_data_dir / "raw" / "statistics" / "plan-2024-section-i.csv"
    text = path.read_text(encoding="utf-8-sig")
    assert "readmissions,2023,,,,,,,243,persons" in text
    path.write_text("\ufeff" + text.replace("readmissions,2023,,,,,,,243,persons", "readmissions,2023,,,,,,,245,persons"),
                    encoding="utf-8")
    result = build()
    changes = pd.read_parquet(paths.current_link() / "changes.parquet")
    mine = changes[(changes["version"] == result.version) & (changes["table"] == "observations")]
    assert mine[["change", "field", "old", "new"]].values.tolist() == [["revised", "value", "243", "245"]]
    assert json.loads(mine["key"].iloc[0]) == {"series": "readmissions", "geo": "BGR", "period": "2023"}
