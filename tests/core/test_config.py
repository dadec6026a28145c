"""Keys, URLs and options are resolved before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from numerapi_gen import (
    AsyncNumerAPI,
    MissingCredentialsError,
    NumeraiValidationError,
    NumerAPI,
    SignalsAPI,
)
from numerapi_gen._config import DEFAULT_API_URL, Credentials

SECRET = "S3CR3T-never-print-me"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NUMERAI_PUBLIC_ID", "NUMERAI_SECRET_KEY", "NUMERAI_API_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's tree


def test_keys_from_arguments() -> None:
    with NumerAPI("PUBLIC", SECRET) as api:
        assert api.public_id == "PUBLIC"
        assert api.api_url == DEFAULT_API_URL
        assert api.tournament_id == 8


def test_keys_and_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMERAI_PUBLIC_ID", "ENVPUBLIC")
    monkeypatch.setenv("NUMERAI_SECRET_KEY", SECRET)
    monkeypatch.setenv("NUMERAI_API_URL", "http://127.0.0.1:9/")
    with SignalsAPI() as api:
        assert api.public_id == "ENVPUBLIC"
        assert api.api_url == "http://127.0.0.1:9/"
        assert api.tournament_id == 11


def test_keys_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f'NUMERAI_PUBLIC_ID=DOTENVPUBLIC\nNUMERAI_SECRET_KEY="{SECRET}"\n'
    )
    nested = tmp_path / "project" / "notebooks"
    nested.mkdir(parents=True)
    import os

    os.chdir(nested)  # found by searching upwards, as numerapi does
    with NumerAPI() as api:
        assert api.public_id == "DOTENVPUBLIC"
    assert "NUMERAI_SECRET_KEY" not in os.environ  # read, not exported


def test_environment_wins_over_dotenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "NUMERAI_PUBLIC_ID=FILE\nNUMERAI_SECRET_KEY=FILESECRET\n"
    )
    monkeypatch.setenv("NUMERAI_PUBLIC_ID", "ENV")
    monkeypatch.setenv("NUMERAI_SECRET_KEY", SECRET)
    with NumerAPI() as api:
        assert api.public_id == "ENV"


@pytest.mark.parametrize(
    ("public_id", "secret_key", "missing"),
    [("PUBLIC", None, "secret_key"), (None, SECRET, "public_id")],
)
def test_half_a_key_pair_is_an_error(
    public_id: str | None, secret_key: str | None, missing: str
) -> None:
    with pytest.raises(MissingCredentialsError, match=f"{missing} is missing") as info:
        NumerAPI(public_id, secret_key)
    assert SECRET not in str(info.value)


def test_half_a_key_pair_in_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("NUMERAI_SECRET_KEY", SECRET)
    with pytest.raises(MissingCredentialsError, match="public_id is missing"):
        AsyncNumerAPI()


def test_no_keys_is_anonymous() -> None:
    with NumerAPI() as api:
        assert api.public_id is None
        assert "anonymous" in repr(api)


def test_secret_never_in_reprs() -> None:
    credentials = Credentials("PUBLIC", SECRET)
    assert SECRET not in repr(credentials)
    assert SECRET not in str(credentials)
    with NumerAPI("PUBLIC", SECRET) as api:
        assert SECRET not in repr(api)
        assert SECRET not in repr(vars(api))


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"api_url": "ftp://example"}, "api_url"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"verbosity": "loud"}, "verbosity"),
    ],
)
def test_bad_options_are_validation_errors(
    kwargs: dict[str, object], argument: str
) -> None:
    with pytest.raises(NumeraiValidationError) as info:
        NumerAPI(**kwargs)  # type: ignore[arg-type]
    assert info.value.argument == argument
    assert isinstance(info.value, ValueError)  # what numerapi users catch today


def test_with_options_shares_connections() -> None:
    api = NumerAPI("PUBLIC", SECRET, max_retries=3)
    patient = api.with_options(max_retries=9, timeout=120)
    assert (patient.max_retries, patient.timeout) == (9, 120)
    assert (api.max_retries, api.timeout) == (3, 30.0)
    assert patient._http is api._http
    patient.close()  # a copy does not close what it shares
    assert not api._http.is_closed
    api.close()
    assert api._http.is_closed


def test_set_global_data_dir_creates_it(tmp_path: Path) -> None:
    with NumerAPI() as api:
        api.set_global_data_dir(str(tmp_path / "data" / "v5"))
        assert (tmp_path / "data" / "v5").is_dir()
        assert api.global_data_dir == str(tmp_path / "data" / "v5")


def test_copies_share_the_transfer_pool_and_given_clients_stay_open() -> None:
    import httpx

    mine = httpx.Client()
    api = NumerAPI(http_client=mine)
    copy = api.with_options(max_retries=1)
    assert copy._transfers is api._transfers  # created by the copy, shared
    transfers = api._transfers
    copy.close()
    assert not transfers.is_closed
    api.close()
    assert transfers.is_closed
    assert not mine.is_closed  # the caller's client is the caller's to close
    mine.close()


def test_download_connections_option(tmp_path: Path) -> None:
    from numerapi_gen.testing import FakeNumerai

    big = tmp_path / "big.bin"
    with big.open("wb") as handle:  # sparse: above the segmenting threshold
        handle.truncate(80 * 1024 * 1024)
    with FakeNumerai() as server:
        server.world.add_dataset("v5.0/big.bin", big, tournament=8)
        keys = (server.public_id, server.secret_key)
        for connections in (1, 4):
            server.requests.clear()
            with NumerAPI(
                *keys,
                api_url=server.url,
                show_progress_bars=False,
                download_connections=connections,
            ) as api:
                assert api.download_connections == connections
                api.download_dataset(
                    "v5.0/big.bin", str(tmp_path / f"out{connections}")
                )
            gets = [r for r in server.requests if r.method == "GET"]
            # one stream, growing to at most ``connections`` while it pays
            assert 1 <= len(gets) <= connections
            assert connections > 1 or len(gets) == 1
        assert (tmp_path / "out1").stat().st_size == big.stat().st_size
        assert (tmp_path / "out4").read_bytes() == (tmp_path / "out1").read_bytes()
    with pytest.raises(NumeraiValidationError):
        NumerAPI(download_connections=0)
