"""Proxies from the environment (and NO_PROXY) are httpx's business: the
clients use httpx's own handling of them, sync, async and for file transfers."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from numerapi_gen import APIConnectionError, AsyncNumerAPI, NumerAPI
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


def test_requests_go_through_the_proxy(
    dead_proxy: str, fake_numerai: FakeNumerai
) -> None:
    with NumerAPI(api_url=fake_numerai.url, max_retries=0) as api:
        with pytest.raises(APIConnectionError):  # the proxy is not there
            api.get_current_round()
        with pytest.raises(httpx.ConnectError):  # the file pool uses it too
            api._transfers.get(fake_numerai.dataset_url("v5.0/features.json"))
    assert len(fake_numerai.requests) == 0  # nothing went direct


async def test_async_requests_go_through_the_proxy(
    dead_proxy: str, fake_numerai: FakeNumerai
) -> None:
    async with AsyncNumerAPI(api_url=fake_numerai.url, max_retries=0) as api:
        with pytest.raises(APIConnectionError):
            await api.get_current_round()
    assert len(fake_numerai.requests) == 0


async def test_no_proxy_goes_direct(
    dead_proxy: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake_numerai: FakeNumerai,
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    number = fake_numerai.world.current_round(8).number
    with NumerAPI(api_url=fake_numerai.url, show_progress_bars=False) as api:
        assert api.get_current_round() == number
        path = api.download_dataset("v5.0/features.json", str(tmp_path / "f.json"))
    assert Path(path).stat().st_size > 0
    async with AsyncNumerAPI(api_url=fake_numerai.url) as aapi:
        assert await aapi.get_current_round() == number
