"""Secrets never leave: a server that echoes the request cannot put the secret key
into an exception, a traceback, a log record or the CLI's --debug output."""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from numerapi_gen import AsyncNumerAPI, NumeraiError, NumerAPI
from numerapi_gen.cli import cli

PUBLIC_ID = "PUBLICIDOFTHEKEY"
#: Short keys were not masked before (only 8 characters or more were).
SECRETS = ["Zq7Xw", "S" * 64]


class EchoHandler(BaseHTTPRequestHandler):
    """Answers like a proxy or error page that quotes the request back."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = self.headers.get("Authorization", "")
        body = json.dumps(
            {
                "data": None,
                "errors": [
                    {
                        "message": f"cannot parse header {token!r}",
                        "extensions": {"code": "BAD", "header": token},
                    }
                ],
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def everything_about(exc: BaseException) -> str:
    """Every text a user could see of ``exc``: message, repr, chained traceback."""
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    for detail in getattr(exc, "errors", ()):
        texts += [str(detail), repr(detail)]
    return "\n".join(texts)


@pytest.mark.parametrize("secret", SECRETS)
def test_echoed_secrets_are_masked_in_exceptions(
    echo_url: str, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api = NumerAPI(PUBLIC_ID, secret, api_url=echo_url)
    with api, pytest.raises(NumeraiError) as info:
        api.get_account()
    seen = everything_about(info.value)
    assert "***" in seen  # the echo arrived, masked
    assert secret not in seen
    assert f"{PUBLIC_ID}$" not in seen
    assert secret not in caplog.text


def test_async_clients_mask_echoed_secrets_too(echo_url: str) -> None:
    import asyncio

    async def call() -> BaseException:
        async with AsyncNumerAPI(PUBLIC_ID, SECRETS[0], api_url=echo_url) as api:
            try:
                await api.get_account()
            except NumeraiError as exc:
                return exc
        raise AssertionError("no error")

    seen = everything_about(asyncio.run(call()))
    assert "***" in seen
    assert SECRETS[0] not in seen


def test_cli_debug_output_masks_short_secret_keys(echo_url: str) -> None:
    secret = SECRETS[0]
    result = CliRunner().invoke(
        cli,
        ["--debug", "account"],
        env={
            "NUMERAI_API_URL": echo_url,
            "NUMERAI_PUBLIC_ID": PUBLIC_ID,
            "NUMERAI_SECRET_KEY": secret,
        },
    )
    assert result.exit_code != 0
    assert "***" in result.stderr
    assert secret not in result.output + result.stderr
