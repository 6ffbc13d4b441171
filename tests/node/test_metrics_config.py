"""The metrics endpoint's setting (init, casusnet.toml, environment) and its health answer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from fed import make_federation

from node.app import open_node
from node.config import ConfigError, load
from node.faces.metrics import create_metrics_app
from node.tools import cli, provision


def init(tmp_path: Path, *more: str) -> tuple[int, Path]:
    info = provision.create_authority(tmp_path / "authority", "testregio")
    data = tmp_path / "gemeente"
    code = cli.main([
        "--data", str(data), "init", "--node", "gemeente", "--org", "gemeente",
        "--listen", "127.0.0.1:8443", "--url", "http://127.0.0.1:8443",
        "--roster", str(tmp_path / "roster.msgpack"), "--authority", info["public"], *more,
    ])  # fmt: skip
    return code, data


def test_init_writes_the_metrics_address_and_the_environment_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASUSNET_METRICS", raising=False)
    code, data = init(tmp_path, "--metrics", "127.0.0.1:9464")
    assert code == 0
    assert "[metrics]\n# health and Prometheus metrics" in (data / "casusnet.toml").read_text()
    assert load(data).metrics_listen == "127.0.0.1:9464"
    monkeypatch.setenv("CASUSNET_METRICS", "127.0.0.1:9500")
    assert load(data).metrics_listen == "127.0.0.1:9500"
    monkeypatch.setenv("CASUSNET_METRICS", "off")
    assert load(data).metrics_listen == ""
    monkeypatch.setenv("CASUSNET_METRICS", "no-port")
    with pytest.raises(ConfigError):
        load(data)


def test_without_the_setting_there_is_no_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASUSNET_METRICS", raising=False)
    code, data = init(tmp_path)
    assert code == 0
    assert "[metrics]" not in (data / "casusnet.toml").read_text()
    assert load(data).metrics_listen == ""


def test_a_node_under_a_path_with_a_quote_and_a_backslash_reads_its_config_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASUSNET_METRICS", raising=False)
    odd = tmp_path / 'O\'Brien "zaak" \\ 2026'
    info = provision.create_authority(odd / "authority", "testregio")
    data, roster = odd / "gemeente", odd / 'roster "v1" \\.msgpack'
    url = 'http://127.0.0.1:8443/"casus"\\net'
    code = cli.main([
        "--data", str(data), "init", "--node", "gemeente", "--org", "gemeente",
        "--listen", "127.0.0.1:8443", "--url", url, "--roster", str(roster),
        "--authority", info["public"], "--metrics", "127.0.0.1:9464",
    ])  # fmt: skip
    assert code == 0
    config = load(data)
    assert config.data_dir == data.resolve()
    assert config.roster_path == roster.resolve()
    assert config.master_file == (data / "master.key").resolve()
    assert config.public_url == url
    assert config.authority == bytes.fromhex(info["public"])
    assert (config.listen_host, config.listen_port) == ("127.0.0.1", 8443)
    assert config.metrics_listen == "127.0.0.1:9464"


@pytest.mark.parametrize("bad", ["9464", "localhost:", "127.0.0.1:http", "127.0.0.1:70000"])
def test_init_refuses_a_metrics_address_that_is_not_host_and_port(tmp_path: Path, bad: str) -> None:
    code, data = init(tmp_path, "--metrics", bad)
    assert code == 2
    assert not (data / "casusnet.toml").exists()


async def test_health_answers_503_when_the_database_cannot_be_read(tmp_path: Path) -> None:
    fed = make_federation(tmp_path, {"gemeente": "gemeente"}, int(time.time()))
    node = open_node(fed.config("gemeente"))
    client = TestClient(TestServer(create_metrics_app(node)))
    await client.start_server()
    try:
        r = await client.get("/v1/health")
        assert r.status == 200
        assert (await r.json())["ok"] is True
        node.store.close()  # a database that cannot be read any more
        r = await client.get("/v1/health")
        body = await r.json()
        assert (r.status, body["ok"], body["node"]) == (503, False, "gemeente")
        assert (await client.get("/metrics")).status == 503
    finally:
        await client.close()


async def test_two_nodes_in_one_process_each_report_their_own_metrics(tmp_path: Path) -> None:
    nodes = {"gemeente": "gemeente", "politie": "politie"}
    fed = make_federation(tmp_path, nodes, int(time.time()))
    texts = {}
    for name in ("gemeente", "politie"):
        client = TestClient(TestServer(create_metrics_app(open_node(fed.config(name)))))
        await client.start_server()
        try:
            r = await client.get("/metrics")
            assert r.status == 200
            assert "version=0.0.4" in r.headers["Content-Type"]
            texts[name] = await r.text()
        finally:
            await client.close()
    for me, other in (("gemeente", "politie"), ("politie", "gemeente")):
        series = [line for line in texts[me].splitlines() if not line.startswith("#")]
        assert len(series) == len(set(series))  # no series twice, from another app's node
        depths = [line for line in series if line.startswith("casusnet_outbox_depth")]
        assert depths == [f'casusnet_outbox_depth{{peer="{other}"}} 0.0']
        assert "casusnet_up 1.0" in series
        assert "# TYPE casusnet_delivery_failures_total counter" in texts[me]
