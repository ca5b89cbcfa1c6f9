"""The staff command line: python -m etl build | validate | rollback | versions."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT


def run_etl(data_dir, *args):
    env = {**os.environ, "MIGDASH_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_build_prints_summary_and_publishes(fresh_data_dir):
    done = run_etl(fresh_data_dir, "build")
    assert done.returncode == 0, done.stderr
    assert "Published version" in done.stderr and "measures" in done.stderr and "85" in done.stderr
    assert "measure № 64 is printed twice" in done.stderr  # warnings are shown
    assert "No changes against the previous version." not in done.stderr  # the first publish
    assert (fresh_data_dir / "processed" / "current").is_symlink()
    again = run_etl(fresh_data_dir, "build", "--if-missing")
    assert again.returncode == 0 and "not rebuilding" in again.stderr
    rebuilt = run_etl(fresh_data_dir, "build")
    assert "No changes against the previous version." in rebuilt.stderr


def test_cli_build_error_names_file_line_and_reason_without_traceback(fresh_data_dir):
    plan = fresh_data_dir / "raw" / "plan" / "plan-2024-draft.txt"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("\tII. Сигурност", "\tIII. Сигурност", 1), encoding="utf-8")
    done = run_etl(fresh_data_dir, "build")
    assert done.returncode == 1
    assert "raw/plan/plan-2024-draft.txt, line 619: goal heading 'III' out of order: expected 'II'" in done.stderr
    assert "nothing was published" in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert not (fresh_data_dir / "processed" / "current").exists()


def test_cli_validate_does_not_publish(fresh_data_dir):
    done = run_etl(fresh_data_dir, "validate")
    assert done.returncode == 0, done.stderr
    assert "Valid (nothing published)" in done.stderr
    assert not (fresh_data_dir / "processed" / "current").exists()


def test_cli_rollback_and_versions(fresh_data_dir):
    assert run_etl(fresh_data_dir, "build").returncode == 0
    assert run_etl(fresh_data_dir, "build").returncode == 0
    listing = run_etl(fresh_data_dir, "versions").stdout.splitlines()
    assert len(listing) == 2 and listing[1].startswith("*")
    back = run_etl(fresh_data_dir, "rollback")
    assert back.returncode == 0 and "Current version is now" in back.stderr
    assert run_etl(fresh_data_dir, "versions").stdout.splitlines()[0].startswith("*")
