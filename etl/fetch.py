"""Download a Eurostat dataset (every reporting country, or one) into data/raw/eurostat/, with its provenance sidecar.

`python -m etl fetch eurostat MIGR_ASYAPPCTZA [--geo BG]` asks Eurostat's SDMX 3.0 dissemination API for
SDMX-CSV 2.0 with codes and labels (the layout the data browser downloads and etl/sources/eurostat.py
reads), for every reporting country unless --geo names one. The base address can be moved with MIGDASH_EUROSTAT_API (tests run
against a local server; a mirror or proxy can be used). The file is written to a temporary name and
renamed only when complete, so a failed download leaves nothing behind.
"""
from __future__ import annotations

import os
import re
import tempfile
from datetime import date
from pathlib import Path

import requests

from etl import paths
from etl.problems import EtlError, Problem
from etl.provenance import write_meta

DEFAULT_API = "https://ec.europa.eu/eurostat/api/dissemination"
# SDMX 3.0 data query (Eurostat API user guide, "SDMX3.0 API - data query"): dataflow ESTAT/<id>/1.0, all keys,
# every reporting country unless one geo is asked for; csvdata formatVersion 2.0 with labels = the data
# browser's "SDMX-CSV 2.0" download.
QUERY = "{base}/sdmx/3.0/data/dataflow/ESTAT/{dataset}/1.0/*?{geo}format=csvdata&formatVersion=2.0&compress=false&lang=en&labels=name"
TIMEOUT = 60  # seconds to connect and between bytes
LICENCE = "CC BY 4.0"


def api_base() -> str:
    return os.environ.get("MIGDASH_EUROSTAT_API", DEFAULT_API).rstrip("/")


def eurostat_url(dataset: str, geo: str | None) -> str:
    return QUERY.format(base=api_base(), dataset=dataset.upper(), geo=f"c[geo]={geo.upper()}&" if geo else "")


def fetch_eurostat(dataset: str, geo: str | None = None, folder: Path | None = None) -> Path:
    """Download one dataset (every reporting country, or `geo`); return the file written. Raises EtlError
    with a clear message on failure."""
    if not re.fullmatch(r"[A-Za-z0-9_]+", dataset):
        raise EtlError([Problem(dataset, "not a Eurostat dataset code (letters, digits and _ only, e.g. MIGR_ASYAPPCTZA)")])
    if geo is not None and not re.fullmatch(r"[A-Za-z0-9_]{2,12}", geo):
        raise EtlError([Problem(geo, "not a Eurostat geo code (e.g. BG, EL, EU27_2020)")])
    folder = folder or paths.raw_dir() / "eurostat"
    url = eurostat_url(dataset, geo)
    target = folder / f"{dataset.lower()}.csv"
    try:
        response = requests.get(url, timeout=TIMEOUT, stream=True)
        response.raise_for_status()
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in response.iter_content(1 << 16):
                    out.write(chunk)
            first = Path(temp).read_bytes()[:200].decode("utf-8", errors="replace")
            if not first.lstrip("\ufeff").startswith(("STRUCTURE", "DATAFLOW")):
                raise EtlError([Problem(url, "the answer is not SDMX-CSV (first line: "
                                             f"{first.splitlines()[0][:80] if first else 'empty'!r}); nothing was saved")])
            os.replace(temp, target)
        finally:
            if os.path.exists(temp):
                os.unlink(temp)
    except requests.RequestException as exc:
        raise EtlError([Problem(url, f"download failed: {_reason(exc)}; nothing was saved")]) from None
    write_meta(target, {
        "title": f"Eurostat {dataset.upper()} ({geo.upper() if geo else 'every reporting country'})",
        "dataset": dataset.upper(), "provider": "Eurostat", "url": url, "license": LICENCE,
        "retrieved": date.today().isoformat(), "geo": geo.upper() if geo else "all",
        "format": "SDMX-CSV 2.0 (codes and labels)",
    })
    return target


def _reason(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"the server answered {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.Timeout):
        return f"no answer within {TIMEOUT} s"
    if isinstance(exc, requests.ConnectionError):
        return "cannot connect (no network, or the address is wrong)"
    return str(exc)
