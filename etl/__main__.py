"""Command line: python -m etl build | validate | rollback [ID] | versions | template [PATH] | fetch eurostat DATASET

Exit status 0 on success, 1 when the input has errors (nothing is published), 2 on wrong usage.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from etl import paths, publish
from etl.problems import EtlError

console = Console(stderr=True)


def _progress(message: str) -> None:
    console.print(f"[dim]…[/dim] {message}")


def _report_errors(exc: EtlError) -> int:
    console.print(f"[bold red]{len(exc.problems)} problem(s) in the input; nothing was published.[/bold red]")
    for problem in exc.problems:
        console.print(f"  [red]✗[/red] {problem}", highlight=False, soft_wrap=True)
    console.print(f"The published data is unchanged (current version: {publish.current_version() or 'none'}).")
    return 1


def _summary(result, title: str) -> None:
    table = Table(title=title)
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, frame in sorted(result.tables.items()):
        table.add_row(name, f"{len(frame):,}")
    console.print(table)
    for warning in result.warnings:
        console.print(f"  [yellow]![/yellow] {warning}", highlight=False, soft_wrap=True)
    if result.warnings:
        console.print(f"{len(result.warnings)} warning(s).")


def cmd_build(args) -> int:
    from etl.build import build

    if args.if_missing and publish.current_version():
        problems = publish.verify(paths.current_link().resolve())
        if not problems:
            console.print(f"Published data present (version {publish.current_version()}); not rebuilding.")
            return 0
    try:
        result = build(progress=_progress)
    except EtlError as exc:
        return _report_errors(exc)
    _summary(result, f"Published version {result.version}")
    changes = result.tables.get("changes")
    if changes is not None:
        mine = changes[changes["version"] == result.version]
        counts = mine.groupby(["table", "change"]).size()
        if len(counts):
            console.print("Changes against the previous version: " + ", ".join(
                f"{table} {change} {n}" for (table, change), n in counts.items()))
            for row in mine[mine["change"] == "revised"].head(20).itertuples():
                console.print(f"  {row.table} {row.key} {row.field}: {row.old} → {row.new}", highlight=False)
        elif publish.list_versions() and publish.list_versions()[-1].get("previous"):
            console.print("No changes against the previous version.")
        else:
            console.print("First published version: nothing to compare with.")
    return 0


def cmd_validate(args) -> int:
    from etl.build import collect

    try:
        result = collect(progress=_progress)
    except EtlError as exc:
        console.print(f"[bold red]{len(exc.problems)} problem(s) in the input.[/bold red]")
        for problem in exc.problems:
            console.print(f"  [red]✗[/red] {problem}", highlight=False, soft_wrap=True)
        return 1
    _summary(result, "Valid (nothing published)")
    return 0


def cmd_rollback(args) -> int:
    try:
        version = publish.rollback(args.version)
    except EtlError as exc:
        return _report_errors(exc)
    console.print(f"Current version is now {version}.")
    return 0


def cmd_versions(args) -> int:
    current = publish.current_version()
    for manifest in publish.list_versions():
        mark = "*" if manifest["version"] == current else " "
        rows = sum(t["rows"] for t in manifest["tables"].values())
        print(f"{mark} {manifest['version']}  published {manifest['published']}  {rows} rows")
    return 0


def cmd_template(args) -> int:
    from etl.template import write_template

    path = write_template(Path(args.path))
    console.print(f"Wrote the staff template {path}. Fill it in and save it in data/raw/statistics/.")
    return 0


def cmd_fetch(args) -> int:
    from etl.fetch import fetch_eurostat

    try:
        path = fetch_eurostat(args.dataset, args.geo)
    except EtlError as exc:
        console.print("[bold red]Download failed; nothing was saved.[/bold red]")
        for problem in exc.problems:
            console.print(f"  [red]✗[/red] {problem}", highlight=False, soft_wrap=True)
        return 1
    console.print(f"Saved {path} and its provenance sidecar. Run 'python -m etl build' to publish it.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Build and publish the dashboard's data.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="rebuild all tables from data/raw and publish a new version")
    p.add_argument("--if-missing", action="store_true", help="do nothing when a valid version is already published")
    p.set_defaults(func=cmd_build)
    sub.add_parser("validate", help="check data/raw without publishing").set_defaults(func=cmd_validate)
    p = sub.add_parser("rollback", help="make an earlier version current again")
    p.add_argument("version", nargs="?", help="version id (default: the one before the current)")
    p.set_defaults(func=cmd_rollback)
    sub.add_parser("versions", help="list published versions").set_defaults(func=cmd_versions)
    p = sub.add_parser("template", help="write the staff statistics template (XLSX)")
    p.add_argument("path", nargs="?", default="staff-template.xlsx", help="where to write it (default: %(default)s)")
    p.set_defaults(func=cmd_template)
    p = sub.add_parser("fetch", help="download a dataset into data/raw with its provenance sidecar")
    p.add_argument("provider", choices=["eurostat"])
    p.add_argument("dataset", help="dataset code, e.g. MIGR_ASYAPPCTZA")
    p.add_argument("--geo", default=None, help="one reporting country, e.g. BG (default: every reporting country)")
    p.set_defaults(func=cmd_fetch)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
