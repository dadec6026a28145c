"""Proxies from the environment are honoured by the clients' retrying transports."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from numerapi_gen import APIConnectionError, AsyncNumerAPI, NumerAPI
from numerapi_gen._proxies import environment_proxies
from numerapi_gen.testing import FakeNumerai


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def dead_proxy(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every proxy variable pointing at a port nothing listens on."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        for variant in (name, name.lower()):
            monkeypatch.delenv(variant, raising=False)
    proxy = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("HTTP_PROXY", proxy)
    return proxy


def test_the_mount_patterns_follow_httpx_rules(
    dead_proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "localhost,.example.com,10.0.0.1,::1")
    assert environment_proxies() == {
        "http://": dead_proxy,
        "all://localhost": None,
        "all://*.example.com": None,
        "all://10.0.0.1": None,
        "all://[::1]": None,
    }
    monkeypatch.setenv("NO_PROXY", "*")
    assert environment_proxies() == {}


def test_requests_go_through_the_proxy(dead_proxy: str, tmp_path: Path) -> None:
    with FakeNumerai() as server:
        with NumerAPI(api_url=server.url, max_retries=0) as api:
            with pytest.raises(APIConnectionError):  # the proxy is not there
                api.get_current_round()
            with pytest.raises(httpx.ConnectError):  # the file pool uses it too
                api._transfers.get(server.dataset_url("v5.0/features.json"))
        assert len(server.requests) == 0  # nothing went direct


async def test_async_requests_go_through_the_proxy(dead_proxy: str) -> None:
    with FakeNumerai() as server:
        async with AsyncNumerAPI(api_url=server.url, max_retries=0) as api:
            with pytest.raises(APIConnectionError):
                await api.get_current_round()
        assert len(server.requests) == 0


def test_no_proxy_goes_direct(
    dead_proxy: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with (
        FakeNumerai() as server,
        NumerAPI(api_url=server.url, show_progress_bars=False) as api,
    ):
        assert api.get_current_round() == server.world.current_round(8).number
        path = api.download_dataset("v5.0/features.json", str(tmp_path / "f.json"))
    assert Path(path).stat().st_size > 0
