"""The fake server speaks HTTPS when given a server-side SSL context."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import pytest

from numerapi_gen import APIConnectionError, AsyncNumerAPI, NumerAPI
from numerapi_gen.testing import FakeNumerai, self_signed_certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl CLI)."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


def test_https_queries_and_downloads(
    certificate: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with FakeNumerai(ssl_context=context) as server:
        assert server.url.startswith("https://127.0.0.1:")
        untrusting = NumerAPI(api_url=server.url, max_retries=0)
        with untrusting, pytest.raises(APIConnectionError):
            untrusting.get_current_round()
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # httpx trusts it now
        with NumerAPI(
            server.public_id,
            server.secret_key,
            api_url=server.url,
            show_progress_bars=False,
        ) as api:
            assert api.get_current_round() == server.world.current_round(8).number
            path = api.download_dataset(
                "v5.0/live.parquet", str(tmp_path / "live.parquet")
            )

        async def current_round_async() -> int | None:
            async with AsyncNumerAPI(api_url=server.url) as api:
                return await api.get_current_round()

        assert (
            asyncio.run(current_round_async()) == server.world.current_round(8).number
        )
        served = server.world.blobs.get(
            server.world.datasets["v5.0/live.parquet"].blob_key
        )
        assert served is not None
        assert Path(path).read_bytes() == served.path.read_bytes()
