"""`python -m etl fetch eurostat`: against a local HTTP server on 127.0.0.1 serving a real Eurostat file
(MIGDASH_EUROSTAT_API moves the base address); tests never leave the machine."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml

from etl.__main__ import main
from etl.provenance import sha256
from tests.conftest import real_file

SAMPLE = ("STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,freq,Time frequency,citizen,Country of citizenship,sex,Sex,unit,"
          "Unit of measure,age,Age class,asyl_app,Applicant type,geo,Geopolitical entity (reporting),TIME_PERIOD,Time,"
          "OBS_VALUE,Observation value,OBS_FLAG,Observation status (Flag) V2 structure,CONF_STATUS,Confidentiality "
          "status (flag)\ndataflow,ESTAT:MIGR_ASYAPPCTZA(1.0),x,A,Annual,TOTAL,Total,T,Total,PER,Person,TOTAL,Total,"
          "ASY_APP,Asylum applicant,BG,Bulgaria,2023,,22510,,,,,\n").encode()


@pytest.fixture
def server(request):
    """A server answering every GET with `request.param` (status, body); yields (base url, paths asked)."""
    status, body = getattr(request, "param", (200, SAMPLE))
    if isinstance(body, str) and body.startswith("real:"):
        body = real_file(body[5:]).read_bytes()
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            asked.append(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/api", asked
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("MIGDASH_DATA_DIR", str(tmp_path))
    return tmp_path


def test_fetch_eurostat_writes_file_and_sidecar(server, data, monkeypatch):
    base, asked = server
    monkeypatch.setenv("MIGDASH_EUROSTAT_API", base)
    assert main(["fetch", "eurostat", "MIGR_ASYAPPCTZA", "--geo", "BG"]) == 0
    target = data / "raw" / "eurostat" / "migr_asyappctza.csv"
    assert target.read_bytes() == SAMPLE
    assert [unquote(a) for a in asked] == ["/api/sdmx/3.0/data/dataflow/ESTAT/MIGR_ASYAPPCTZA/1.0/*?c[geo]=BG&format=csvdata"
                     "&formatVersion=2.0&compress=false&lang=en&labels=name"]
    meta = yaml.safe_load((target.parent / "migr_asyappctza.csv.meta.yml").read_text(encoding="utf-8"))
    assert meta["provider"] == "Eurostat" and meta["dataset"] == "MIGR_ASYAPPCTZA" and meta["license"] == "CC BY 4.0"
    assert meta["url"].startswith(base) and meta["sha256"] == sha256(target) and meta["retrieved"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["migr_asyappctza.csv", "migr_asyappctza.csv.meta.yml"]


REAL_TP = "eurostat-sdmx-csv/migr_asytpsm__temporary_protection_beneficiaries_monthly__BG.csv"


@pytest.mark.realdata
@pytest.mark.parametrize("server", [(200, f"real:{REAL_TP}")], indirect=True)
def test_fetch_eurostat_real_file_replaces_embedded_copy(server, data, monkeypatch):
    """A real Eurostat file served locally is fetched, and the build uses it instead of the embedded copy."""
    import shutil

    from etl.fetch import fetch_eurostat
    from etl.steps import statistics

    base, _ = server
    monkeypatch.setenv("MIGDASH_EUROSTAT_API", base)
    target = fetch_eurostat("MIGR_ASYTPSM", "BG")
    assert target.read_bytes() == real_file(REAL_TP).read_bytes()
    shutil.copytree(Path(__file__).parent.parent / "data" / "raw" / "statistics", data / "raw" / "statistics")
    result = statistics.run(data / "raw")
    obs = result.tables["observations"]
    files = {s["source_id"]: s["file"] for s in result.sources}
    assert files["eurostat-migr_asytpsm"].endswith("raw/eurostat/migr_asytpsm.csv")
    tp = obs.query("series == 'temporary_protection_beneficiaries' and period == '2022-03'")
    assert tp[["value", "flag", "source_id"]].values.tolist() == [[30505.0, "definition_differs", "eurostat-migr_asytpsm"]]
    assert tp["source_ref"].tolist() == ["MIGR_ASYTPSM migr_asytpsm.csv row 2"]
    assert any("replaces this embedded copy" in str(w) for w in result.warnings)


@pytest.mark.parametrize("server", [(503, b"Service Unavailable")], indirect=True)
def test_fetch_eurostat_server_error_exit_1_nothing_written(server, data, monkeypatch, capsys):
    base, _ = server
    monkeypatch.setenv("MIGDASH_EUROSTAT_API", base)
    assert main(["fetch", "eurostat", "MIGR_ASYAPPCTZA"]) == 1
    assert not (data / "raw" / "eurostat").exists() or list((data / "raw" / "eurostat").iterdir()) == []
    assert "503" in capsys.readouterr().err


@pytest.mark.parametrize("server", [(200, b"<html>maintenance</html>")], indirect=True)
def test_fetch_eurostat_not_csv_answer_leaves_nothing(server, data, monkeypatch, capsys):
    base, _ = server
    monkeypatch.setenv("MIGDASH_EUROSTAT_API", base)
    assert main(["fetch", "eurostat", "MIGR_ASYAPPCTZA"]) == 1
    assert list((data / "raw" / "eurostat").iterdir()) == []
    assert "not SDMX-CSV" in capsys.readouterr().err


def test_fetch_eurostat_connection_refused_exit_1(data, monkeypatch, capsys):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MIGDASH_EUROSTAT_API", f"http://127.0.0.1:{port}")
    assert main(["fetch", "eurostat", "MIGR_ASYAPPCTZA"]) == 1
    assert not (data / "raw" / "eurostat" / "migr_asyappctza.csv").exists()
    assert "cannot connect" in capsys.readouterr().err


def test_fetch_eurostat_bad_dataset_code(data, capsys):
    assert main(["fetch", "eurostat", "../etc"]) == 1
    assert "not a Eurostat dataset code" in capsys.readouterr().err
