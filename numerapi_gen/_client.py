"""The sync and async client cores: configuration, connections, running plans.

One HTTP stack: ``SyncAPIClient`` talks to the GraphQL API through an
``httpx.Client``, ``AsyncAPIClient`` through an ``httpx.AsyncClient`` on the
httpx-aiohttp transport (aiohttp's pool, about half the CPU of httpx's own
under concurrency). Both are authenticated by default, so ``.graphql`` works
directly; public operations opt out per request. File transfers use a
separate, never-authenticated ``httpx.Client``, so API keys never travel to a
file host. httpx reads proxies (and ``NO_PROXY``) from the environment.

Retries happen in the generated client's ``execute`` (see ``_retrying``),
with the budget of each step (the step says whether it may be sent twice),
so calls made straight through ``.graphql`` get the same policy. Both
clients run the same plans (see ``_plan``); only the I/O differs.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from . import _plan, _redact
from ._answers import AnswerReader, AsyncAnswerReader
from ._config import (
    DEFAULT_DOWNLOAD_CONNECTIONS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    LOGGER_NAME,
    ClientOptions,
    Credentials,
    TokenAuth,
    log_level,
    resolve_api_url,
    resolve_credentials,
)
from ._errors import (
    APIConnectionError,
    MissingCredentialsError,
    NumeraiError,
    TransferError,
)
from ._retry import Attempts, RetryPolicy
from ._version import __version__

if TYPE_CHECKING:
    from numerai_graphql import AsyncClient, Client

T = TypeVar("T")
SelfT = TypeVar("SelfT", bound="_APICore")

USER_AGENT = f"numerapi-gen/{__version__}"


class _APICore:
    """What the sync and async clients share: options, identity, helpers."""

    #: Numerai tournament number: 8 Classic, 11 Signals, 12 Crypto.
    tournament_id: int = 0

    def __init__(
        self,
        public_id: str | None = None,
        secret_key: str | None = None,
        *,
        api_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        show_progress_bars: bool = True,
        verbosity: str | int = "INFO",
        download_connections: int = DEFAULT_DOWNLOAD_CONNECTIONS,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._options = ClientOptions(
            api_url=resolve_api_url(api_url),
            credentials=resolve_credentials(public_id, secret_key),
            timeout=timeout,
            max_retries=max_retries,
            show_progress_bars=show_progress_bars,
            download_connections=download_connections,
            max_response_bytes=max_response_bytes,
        )
        self.logger = logging.getLogger(LOGGER_NAME)
        _redact.install_log_filter(LOGGER_NAME, f"{LOGGER_NAME}.transfer")
        self.logger.setLevel(log_level(verbosity))
        self.global_data_dir = "."
        self._owns_connections = True
        self._pools = {}

    def __repr__(self) -> str:
        keys = (
            f"public_id={self._options.credentials.public_id!r}"
            if self._options.credentials
            else "anonymous"
        )
        return f"{type(self).__name__}({keys}, api_url={self._options.api_url!r})"

    # --- settings numerapi users know ---------------------------------------

    @property
    def api_url(self) -> str:
        return self._options.api_url

    @property
    def public_id(self) -> str | None:
        return (
            self._options.credentials.public_id if self._options.credentials else None
        )

    @property
    def show_progress_bars(self) -> bool:
        return self._options.show_progress_bars

    @show_progress_bars.setter
    def show_progress_bars(self, value: bool) -> None:
        self._options = self._options.copy(show_progress_bars=value)

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    @property
    def timeout(self) -> float:
        return self._options.timeout

    @property
    def download_connections(self) -> int:
        return self._options.download_connections

    def set_global_data_dir(self, directory: str) -> None:
        """Download into ``directory`` unless a call names another path.

        Args:
            directory: The directory; created now if missing.

        Returns:
            None.

        Raises:
            NumeraiValidationError: an argument is invalid; nothing was sent.
            OSError: the directory cannot be created.

        Example:
            >>> api.set_global_data_dir("data")
        """
        Path(directory).mkdir(parents=True, exist_ok=True)
        self.global_data_dir = directory

    def with_options(
        self: SelfT,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        show_progress_bars: bool | None = None,
        download_connections: int | None = None,
    ) -> SelfT:
        """A copy of this client with other options, sharing its connections.

        Args:
            timeout: Seconds per request.
            max_retries: Retries of a failed query.
            show_progress_bars: Show transfer progress.
            download_connections: Parallel connections per download.

        Returns:
            A new client of the same class; closing it leaves this one's connections
            open.

        Raises:
            NumeraiValidationError: an argument is invalid; nothing was sent.

        Example:
            >>> api.with_options(timeout=60).list_rounds()
        """
        clone = copy.copy(self)
        clone._options = self._options.copy(
            timeout=timeout,
            max_retries=max_retries,
            show_progress_bars=show_progress_bars,
            download_connections=download_connections,
        )
        clone._owns_connections = False
        clone._graphql = None  # its own, with these options, on the same pool
        return clone

    # --- helpers for the runners -------------------------------------------

    _owns_connections: bool
    #: The generated client (``graphql``), made on first use.
    _graphql: Any

    @property
    def _credentials(self) -> Credentials | None:
        return self._options.credentials

    def _policy(self, step: _plan.Step | None = None) -> RetryPolicy:
        policy = RetryPolicy(max_retries=self._options.max_retries)
        if isinstance(step, _plan.RawQuery):
            changes: dict[str, Any] = {}
            if step.max_retries is not None:
                changes["max_retries"] = step.max_retries
            if step.backoff_factor is not None:
                changes["backoff_factor"] = step.backoff_factor
            if step.multiplier is not None:
                changes["multiplier"] = step.multiplier
            policy = RetryPolicy(**{**policy.__dict__, **changes})
        return policy

    def _tournament(self, tournament: int | None) -> int:
        """The tournament a call names (checked), else this client's."""
        from . import _validate

        return (
            self.tournament_id
            if tournament is None
            else _validate.tournament(tournament)
        )

    def _check_credentials(self, operation: str, authenticated: bool) -> None:
        if authenticated and self._options.credentials is None:
            raise MissingCredentialsError(
                f"{operation} needs API keys: pass public_id and secret_key, or set "
                "NUMERAI_PUBLIC_ID and NUMERAI_SECRET_KEY (environment or .env)"
            )

    def _request_options(
        self, authenticated: bool, attempts: Attempts
    ) -> dict[str, Any]:
        """Keyword arguments for one GraphQL call: its step's retry budget
        (read by ``_retrying``), then httpx's."""
        options: dict[str, Any] = {
            "attempts": attempts,
            "timeout": self._options.timeout,
        }
        if not authenticated:
            options["auth"] = None  # the client default would add the key
        return options

    def _attempts(
        self, step: _plan.GraphQLCall | _plan.RawQuery, *, closed: bool
    ) -> Attempts:
        """The retry budget of a GraphQL step; a closed client sends nothing."""
        name = step.method if isinstance(step, _plan.GraphQLCall) else "raw_query"
        if closed:
            raise APIConnectionError(f"{name}: the client is closed")
        return Attempts(self._policy(step), name, repeatable=step.repeatable)

    def _api_client_kwargs(self) -> dict[str, Any]:
        credentials = self._options.credentials
        return {
            "auth": TokenAuth(credentials) if credentials else None,
            "timeout": self._options.timeout,
            "headers": {"User-Agent": USER_AGENT},
        }

    #: Pools shared with ``with_options`` copies (a copy shares this dict).
    _pools: dict[str, httpx.Client]
    #: Whether ``close()`` closes the API connection (not when it was given).
    _owns_http: bool = True

    @property
    def _transfers(self) -> httpx.Client:
        """The pool for file transfers: never authenticated, long read timeout.

        Sync in both clients: transfers are disk-bound, and the async client runs
        them in a worker thread with the same code.
        """
        pool = self._pools.get("transfers")
        if pool is None:
            # ``timeout`` is per read here: a transfer fails when it stalls,
            # however long the file takes as a whole.
            pool = self._pools["transfers"] = httpx.Client(
                timeout=self._options.timeout,
                headers={"User-Agent": USER_AGENT},
                follow_redirects=True,
            )
        return pool

    def _close_transfers(self) -> None:
        pool = self._pools.pop("transfers", None)
        if pool is not None:
            pool.close()

    def _transfer(self, step: _plan.Download | _plan.Upload) -> Callable[[], Any]:
        """The blocking call that performs a transfer step."""
        return functools.partial(_typed_transfer_errors, self._transfer_call(step))

    def _transfer_call(self, step: _plan.Download | _plan.Upload) -> Callable[[], Any]:
        from . import _transfer

        if isinstance(step, _plan.Download) and step.filters is not None:
            return functools.partial(
                _transfer.download_parquet_subset,
                self._transfers,
                step.url,
                step.dest,
                filters=step.filters,
                max_retries=self._options.max_retries,
            )
        if isinstance(step, _plan.Download):
            return functools.partial(
                _transfer.download_file,
                self._transfers,
                step.url,
                step.dest,
                show_progress=self._options.show_progress_bars,
                max_retries=self._options.max_retries,
                description=step.description,
                connections=self._options.download_connections,
            )
        return functools.partial(
            _transfer.upload_file,
            self._transfers,
            step.url,
            step.source,
            headers=step.headers,
            show_progress=self._options.show_progress_bars,
            max_retries=self._options.max_retries,
            timeout=step.timeout,
        )


def _typed_transfer_errors(call: Callable[[], T]) -> T:
    """``call()``; an httpx error the transfer code did not map (a body that
    does not decode, endless redirects on a HEAD) becomes a TransferError."""
    try:
        return call()
    except httpx.HTTPError as exc:
        raise TransferError(
            f"file transfer failed: {type(exc).__name__}: {exc}"
        ) from exc


class SyncAPIClient(_APICore):
    """Runs plans with blocking I/O over an ``httpx.Client``."""

    def __init__(
        self,
        public_id: str | None = None,
        secret_key: str | None = None,
        *,
        api_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        show_progress_bars: bool = True,
        verbosity: str | int = "INFO",
        download_connections: int = DEFAULT_DOWNLOAD_CONNECTIONS,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            public_id,
            secret_key,
            api_url=api_url,
            timeout=timeout,
            max_retries=max_retries,
            show_progress_bars=show_progress_bars,
            verbosity=verbosity,
            download_connections=download_connections,
            max_response_bytes=max_response_bytes,
        )
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(**self._api_client_kwargs())
        self._graphql: Client | None = None

    @property
    def graphql(self) -> Client:
        """The generated typed client, on this object's connection and keys."""
        if self._graphql is None:
            from ._retrying import RetryingClient

            reader = AnswerReader(
                self._http,
                timeout=self._options.timeout,
                max_response_bytes=self._options.max_response_bytes,
            )
            self._graphql = RetryingClient(
                url=self._options.api_url, http_client=reader, policy=self._policy
            )
        return self._graphql

    def close(self) -> None:
        """Close the connection pools this client opened.

        An ``http_client`` passed in stays open: it belongs to the caller.

        Returns:
            None. Copies made with ``with_options`` share the pools and do not close
            them.

        Raises:
            Nothing: closing twice is harmless.

        Example:
            >>> api.close()  # or use ``with NumerAPI() as api:``
        """
        if not self._owns_connections:
            return
        if self._owns_http:
            self._http.close()
        self._close_transfers()

    def __enter__(self: SelfT) -> SelfT:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _run(self, plan: _plan.Plan[T]) -> T:
        """Drive a plan: execute each step, send its result back, return."""
        try:
            step = next(plan)
            while True:
                try:
                    result = self._execute(step)
                except NumeraiError as exc:
                    step = plan.throw(exc)
                else:
                    step = plan.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        except BaseException as exc:
            _redact.redact_exception(exc, _redact.known_secrets())
            raise
        finally:
            plan.close()

    def _execute(self, step: _plan.Step) -> Any:
        if isinstance(step, _plan.Offload):
            return step.function()
        if isinstance(step, (_plan.Download, _plan.Upload)):
            return self._transfer(step)()
        from ._translate import translated_errors

        attempts = self._attempts(step, closed=self._http.is_closed)
        self._check_credentials(attempts.what, step.authenticated)
        options = self._request_options(step.authenticated, attempts)
        with translated_errors(attempts.what, sent_credentials=step.authenticated):
            if isinstance(step, _plan.GraphQLCall):
                method = getattr(self.graphql, step.method)
                return method(**step.variables, **options)
            response = self.graphql.execute(
                query=step.query, variables=dict(step.variables or {}), **options
            )
            return {"data": self.graphql.get_data(response)}


class AsyncAPIClient(_APICore):
    """Runs plans with ``await``; file transfers run in a worker thread."""

    def __init__(
        self,
        public_id: str | None = None,
        secret_key: str | None = None,
        *,
        api_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        show_progress_bars: bool = True,
        verbosity: str | int = "INFO",
        download_connections: int = DEFAULT_DOWNLOAD_CONNECTIONS,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            public_id,
            secret_key,
            api_url=api_url,
            timeout=timeout,
            max_retries=max_retries,
            show_progress_bars=show_progress_bars,
            verbosity=verbosity,
            download_connections=download_connections,
            max_response_bytes=max_response_bytes,
        )
        self._owns_http = http_client is None
        self._http = http_client or self._default_http()
        self._graphql: AsyncClient | None = None

    def _default_http(self) -> httpx.AsyncClient:
        """httpx on aiohttp's pool; environment proxies get the same transport."""
        from ._async_http import AsyncHTTPClient

        return AsyncHTTPClient(**self._api_client_kwargs())

    @property
    def graphql(self) -> AsyncClient:
        """The generated typed async client, on this object's connection and keys."""
        if self._graphql is None:
            from ._retrying import AsyncRetryingClient

            reader = AsyncAnswerReader(
                self._http,
                timeout=self._options.timeout,
                max_response_bytes=self._options.max_response_bytes,
            )
            self._graphql = AsyncRetryingClient(
                url=self._options.api_url, http_client=reader, policy=self._policy
            )
        return self._graphql

    async def close(self) -> None:
        """Close the connection pools this client opened.

        An ``http_client`` passed in stays open: it belongs to the caller.

        Returns:
            None. Copies made with ``with_options`` share the pools and do not close
            them.

        Raises:
            Nothing: closing twice is harmless.

        Example:
            >>> await api.close()  # or use ``async with AsyncNumerAPI() as api:``
        """
        if not self._owns_connections:
            return
        if self._owns_http:
            await self._http.aclose()
        self._close_transfers()

    async def __aenter__(self: SelfT) -> SelfT:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _run(self, plan: _plan.Plan[T]) -> T:
        """Drive a plan: execute each step, send its result back, return."""
        try:
            step = next(plan)
            while True:
                try:
                    result = await self._execute(step)
                except NumeraiError as exc:
                    step = plan.throw(exc)
                else:
                    step = plan.send(result)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        except BaseException as exc:
            _redact.redact_exception(exc, _redact.known_secrets())
            raise
        finally:
            plan.close()

    async def _execute(self, step: _plan.Step) -> Any:
        if isinstance(step, _plan.Offload):
            return await asyncio.to_thread(step.function)
        if isinstance(step, (_plan.Download, _plan.Upload)):
            return await asyncio.to_thread(self._transfer(step))
        from ._translate import translated_errors

        attempts = self._attempts(step, closed=self._http.is_closed)
        self._check_credentials(attempts.what, step.authenticated)
        options = self._request_options(step.authenticated, attempts)
        with translated_errors(attempts.what, sent_credentials=step.authenticated):
            if isinstance(step, _plan.GraphQLCall):
                method = getattr(self.graphql, step.method)
                return await method(**step.variables, **options)
            response = await self.graphql.execute(
                query=step.query, variables=dict(step.variables or {}), **options
            )
            return {"data": self.graphql.get_data(response)}
