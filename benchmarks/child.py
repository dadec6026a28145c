"""One client measurement, run in a fresh interpreter by the runner.

``python -m benchmarks.child TASK PARAMS_JSON`` runs one task with one client
and prints its result as the last line of stdout, a JSON object. Only the
standard library is imported here at module level: the client under test is
imported inside the task, so the process holds nothing else of note and its
peak RSS (measured by the parent) is the client's.

Clients: ``ours`` (numerapi-gen ``NumerAPI``), ``ours-async``
(``AsyncNumerAPI``), ``numerapi`` (numerapi 3.1.1, pointed at the fake server
through ``numerapi.base_api.API_TOURNAMENT_URL``), ``numerapi-threads``
(numerapi from a thread pool), ``raw`` (keep-alive POSTs with ``http.client``
that read the body and parse nothing: the server's floor) and ``raw-threads``
(the same from a thread pool: the server's throughput ceiling).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

Params = dict[str, Any]


def _ours(params: Params) -> Any:
    from numerapi_gen import NumerAPI

    options: dict[str, Any] = {}
    if params.get("connections") is not None:
        options["download_connections"] = int(params["connections"])
    return NumerAPI(
        params["public_id"],
        params["secret_key"],
        api_url=params["url"],
        show_progress_bars=False,
        verbosity="WARNING",
        **options,
    )


def _ours_async(params: Params) -> Any:
    from numerapi_gen import AsyncNumerAPI

    return AsyncNumerAPI(
        params["public_id"],
        params["secret_key"],
        api_url=params["url"],
        show_progress_bars=False,
        verbosity="WARNING",
    )


def _numerapi(params: Params) -> Any:
    import numerapi
    from numerapi import base_api

    base_api.API_TOURNAMENT_URL = params["url"]
    client: Any = numerapi.NumerAPI  # untyped constructor
    return client(
        params["public_id"],
        params["secret_key"],
        verbosity="WARNING",
        show_progress_bars=False,
    )


class _RawClient:
    """Keep-alive GraphQL POSTs that only read the body: what the server costs."""

    def __init__(self, url: str) -> None:
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        self._path = parts.path or "/"
        self._conn = http.client.HTTPConnection(parts.hostname or "", parts.port)
        self._queries: dict[str, str] = {}

    def post(self, operation: str, variables: Params) -> int:
        query = self._queries.get(operation)
        if query is None:
            from benchmarks._documents import operation_document

            query = self._queries[operation] = operation_document(operation)
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self._conn.request("POST", self._path, body, headers)
        response = self._conn.getresponse()
        data = response.read()
        if response.status != 200 or b'"errors"' in data:
            raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
        return len(data)


class _Clock:
    """Times a block: wall and CPU seconds of this process, and how much of
    it the garbage collector took (and how many full passes it made).

    With ``BENCH_PROFILE=path`` in the environment the block also runs under
    cProfile and the stats go to ``path`` (the times are then inflated).
    """

    def __init__(self) -> None:
        self.seconds = self.cpu = self.gc = 0.0
        self.full_collections = 0
        self._gc_started = 0.0
        self._profile_to = os.environ.get("BENCH_PROFILE")
        self._profiler: Any = None

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        self.gc += time.perf_counter() - self._gc_started
        self.full_collections += info["generation"] == 2

    def __enter__(self) -> _Clock:
        if self._profile_to:
            import cProfile

            self._profiler = cProfile.Profile()
            self._profiler.enable()
        gc.callbacks.append(self._on_gc)
        self._cpu = time.process_time()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start
        self.cpu = time.process_time() - self._cpu
        gc.callbacks.remove(self._on_gc)
        if self._profiler is not None:
            self._profiler.disable()
            self._profiler.dump_stats(self._profile_to)

    def result(self, **extra: Any) -> Params:
        return {
            "seconds": self.seconds,
            "cpu": self.cpu,
            "gc": self.gc,
            "full_collections": self.full_collections,
            **extra,
        }


def _timed(call: Callable[[], Any]) -> tuple[_Clock, Any]:
    with _Clock() as clock:
        value = call()
    return clock, value


# --- tasks -------------------------------------------------------------------


def task_queries(params: Params) -> Params:
    """``n`` x ``get_current_round()``; ``concurrency`` for the parallel clients."""
    client, n = params["client"], int(params["n"])
    concurrency = int(params.get("concurrency", 1))
    if client == "ours":
        api = _ours(params)
        api.get_current_round()  # warm-up: lazy imports, first connection
        clock, rounds = _timed(lambda: [api.get_current_round() for _ in range(n)])
        api.close()
    elif client == "numerapi":
        napi = _numerapi(params)
        napi.get_current_round()
        clock, rounds = _timed(lambda: [napi.get_current_round() for _ in range(n)])
    elif client == "ours-async":
        import asyncio

        async def run() -> tuple[_Clock, list[Any]]:
            async with _ours_async(params) as aapi:
                # warm-up: lazy imports, and one connection (or, with
                # ``warm``, ``concurrency`` of them: a pool in steady use)
                warm = concurrency if params.get("warm") else 1
                await asyncio.gather(*(aapi.get_current_round() for _ in range(warm)))
                gate = asyncio.Semaphore(concurrency)

                async def one() -> Any:
                    async with gate:
                        return await aapi.get_current_round()

                with _Clock() as clock:
                    found = await asyncio.gather(*(one() for _ in range(n)))
                return clock, list(found)

        clock, rounds = asyncio.run(run())
    elif client == "numerapi-threads":
        from concurrent.futures import ThreadPoolExecutor

        tapi = _numerapi(params)
        tapi.get_current_round()
        with ThreadPoolExecutor(concurrency) as pool:
            if params.get("warm"):  # its threads; numerapi keeps no connections
                list(pool.map(lambda _: tapi.get_current_round(), range(concurrency)))
            clock, rounds = _timed(
                lambda: list(pool.map(lambda _: tapi.get_current_round(), range(n)))
            )
    elif client == "raw-threads":
        import threading
        from concurrent.futures import ThreadPoolExecutor

        local = threading.local()

        def post(_: int) -> int:
            if not hasattr(local, "raw"):
                local.raw = _RawClient(params["url"])
            size: int = local.raw.post("get_current_round", {"tournament": 8})
            return size

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(post, range(concurrency)))  # warm-up: one connection each
            clock, rounds = _timed(lambda: list(pool.map(post, range(n))))
    elif client == "raw":
        raw = _RawClient(params["url"])
        raw.post("get_current_round", {"tournament": 8})
        clock, rounds = _timed(
            lambda: [raw.post("get_current_round", {"tournament": 8}) for _ in range(n)]
        )
    else:
        raise ValueError(f"unknown client {client!r}")
    if len(rounds) != n or not all(rounds):
        raise RuntimeError(f"{client}: expected {n} answers, got {rounds[:3]}...")
    return clock.result()


def task_leaderboard(params: Params) -> Params:
    """``get_leaderboard(limit=...)`` once, after a small warm-up call."""
    client, limit = params["client"], int(params["limit"])
    if client == "raw":
        raw = _RawClient(params["url"])
        raw.post("get_classic_leaderboard", {"limit": 10, "offset": 0})
        variables = {"limit": limit, "offset": 0}
        clock, size = _timed(lambda: raw.post("get_classic_leaderboard", variables))
        return clock.result(bytes=size)
    api = _ours(params) if client == "ours" else _numerapi(params)
    api.get_leaderboard(limit=10)
    clock, board = _timed(lambda: api.get_leaderboard(limit=limit))
    if len(board) != limit:
        raise RuntimeError(f"{client}: {len(board)} entries, expected {limit}")
    return clock.result()


def task_scores(params: Params) -> Params:
    """``submission_scores(model_id)`` once, after a warm-up call."""
    client, model_id = params["client"], params["model_id"]
    expected = int(params["count"])
    if client == "raw":
        raw = _RawClient(params["url"])
        variables: Params = {"modelId": model_id, "tournament": 8}
        raw.post("get_submission_scores", {**variables, "displayName": "none"})
        clock, size = _timed(lambda: raw.post("get_submission_scores", variables))
        return clock.result(bytes=size)
    api = _ours(params) if client == "ours" else _numerapi(params)
    api.submission_scores(model_id, display_name="none")  # warm-up, empty answer
    clock, scores = _timed(lambda: api.submission_scores(model_id))
    if len(scores) != expected:
        raise RuntimeError(f"{client}: {len(scores)} scores, expected {expected}")
    return clock.result()


def _download_client(params: Params) -> Callable[[], str]:
    """A ready client (imported, connected, warmed up) and its download call."""
    api = _ours(params) if params["client"] == "ours" else _numerapi(params)
    api.list_datasets()  # warm-up: imports, first connection

    def download() -> str:
        path: str = api.download_dataset(params["filename"], dest_path=params["dest"])
        return path

    return download


def task_download(params: Params) -> Params:
    """``download_dataset(filename, dest)`` with ``ours`` or ``numerapi``."""
    clock, _ = _timed(_download_client(params))
    return clock.result()


def task_resume(params: Params) -> Params:
    """A download whose first connection the server drops (fault armed by the
    runner). numerapi raises; like a user, the task then calls it once more."""
    download = _download_client(params)
    attempts: list[str] = []
    with _Clock() as clock:
        for _ in range(2):
            try:
                download()
            except Exception as exc:
                attempts.append(type(exc).__name__)
            else:
                attempts.append("ok")
                break
    return clock.result(attempts=attempts)


def task_upload(params: Params) -> Params:
    """``upload_predictions(path, model_id=...)``: auth, PUT, create submission."""
    api = _ours(params) if params["client"] == "ours" else _numerapi(params)
    api.list_datasets()  # warm-up: imports, first connection
    clock, submission_id = _timed(
        lambda: api.upload_predictions(params["path"], model_id=params["model_id"])
    )
    if not submission_id:
        raise RuntimeError(f"{params['client']}: no submission id")
    return clock.result()


def task_workflow(params: Params) -> Params:
    """A weekly script, cold: current round, models, datasets, one dataset
    download, a predictions upload, then the model's submissions (its status).
    Timed from the first call on a freshly made client (imports excluded:
    numpy too, which a script that made predictions has loaded, and which
    numerapi's import loads through pandas)."""
    import numpy  # noqa: F401

    client, model_id = params["client"], params["model_id"]
    api = _ours(params) if client == "ours" else _numerapi(params)

    def week() -> str:
        if not api.get_current_round():
            raise RuntimeError(f"{client}: no current round")
        if not api.get_models():
            raise RuntimeError(f"{client}: no models")
        if params["filename"] not in api.list_datasets():
            raise RuntimeError(f"{client}: {params['filename']} not listed")
        api.download_dataset(params["filename"], dest_path=params["dest"])
        submission_id: str = api.upload_predictions(params["path"], model_id=model_id)
        listed = api.submission_ids(model_id)  # ours: models; numerapi: dicts
        ids = [getattr(s, "id", None) or s["id"] for s in listed]
        if submission_id not in ids:
            raise RuntimeError(f"{client}: the new submission is not listed")
        return submission_id

    clock, _ = _timed(week)
    return clock.result()


TASKS: dict[str, Callable[[Params], Params]] = {
    "workflow": task_workflow,
    "queries": task_queries,
    "leaderboard": task_leaderboard,
    "scores": task_scores,
    "download": task_download,
    "resume": task_resume,
    "upload": task_upload,
}


def main(argv: list[str]) -> int:
    task, params = argv[0], json.loads(argv[1])
    if params.get("ca_file"):  # a self-signed HTTPS fake server: trust it
        os.environ["SSL_CERT_FILE"] = params["ca_file"]  # httpx
        os.environ["REQUESTS_CA_BUNDLE"] = params["ca_file"]  # requests
    result = TASKS[task](params)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
