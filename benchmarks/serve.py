"""The fake Numerai server for the benchmarks, in its own process.

``python -m benchmarks.serve --leaderboard N --scores N`` builds a
:class:`numerapi_gen.testing.FakeNumerai` on an ephemeral port, seeds it
through its Python API, prints one JSON line (``url``, keys, model ids) and
then answers control commands, one JSON object per line on stdin, with one
JSON line on stdout each. It stops when stdin closes, so it never outlives
the runner.

Commands (``op``): ``add_dataset`` (``name``, ``path``), ``fault`` (the
keyword arguments of ``Faults.add``), ``clear_faults``, ``requests``
(summary of what was received since the last call; clears the log),
``last_upload`` (length and SHA-256 of the last body received), ``drop_blobs``
(delete received bodies), ``public_url`` (``url``: the base of every URL the
server hands out, e.g. a shaping proxy in front of it).

``python -m numerapi_gen.testing`` can neither be seeded nor steered from
another process, hence this small control loop.

``--canned`` serves something else: a plain ``http.server`` that answers
every POST with the same current-round body and does no GraphQL work at all.
It shows what the clients do when the server is not the bottleneck, as the
real API is not; only the ``requests`` command is understood.
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from numerapi_gen.testing import FakeNumerai

#: The model whose submission scores the parsing case asks for.
SCORES_MODEL = "bench_scores"


def _seed(server: FakeNumerai, leaderboard: int, scores: int) -> dict[str, Any]:
    world = server.world
    missing = leaderboard - len(world.leaderboards["classic"])
    if missing > 0:
        world.add_leaderboard_entries("classic", missing)
    scored = world.add_model(SCORES_MODEL)
    world.submission_scores[scored.id] = []
    world.add_submission_scores(scored.id, scores)
    own = [m for m in world.own_models(8) if m.id != scored.id]
    return {"scores_model_id": scored.id, "upload_model_id": own[0].id}


class _BehindProxy(FakeNumerai):
    """The fake server seen through a proxy (benchmarks/shaper.py): the URLs
    it hands out (downloads, upload targets) name the proxy, so every byte a
    client moves crosses the shaped link."""

    public_base: str | None = None

    @property
    def base_url(self) -> str:
        return self.public_base or super().base_url


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)


def _handle(server: FakeNumerai, command: dict[str, Any]) -> dict[str, Any]:
    op = command.pop("op")
    if op == "add_dataset":
        server.world.add_dataset(command["name"], command["path"], tournament=8)
        return {"url": server.dataset_url(command["name"])}
    if op == "fault":
        server.faults.add(**command)
        return {}
    if op == "clear_faults":
        server.faults.clear()
        return {}
    if op == "requests":
        seen = list(server.requests)
        server.requests.clear()
        return {
            "count": len(seen),
            "statuses": sorted({r.status for r in seen}),
            "faults": sum(r.fault for r in seen),
            "seconds": sum(r.duration for r in seen),
            "ranges": [_header(r.headers, "range") for r in seen if r.method == "GET"],
        }
    if op == "last_upload":
        uploads = [u for u in server.world.uploads.values() if u.complete]
        if not uploads:
            return {"length": None, "sha256": None}
        last = max(uploads, key=lambda u: u.uploaded_at or 0.0)
        return {"length": last.length, "sha256": last.sha256}
    if op == "public_url":
        assert isinstance(server, _BehindProxy)
        server.public_base = command["url"]
        return {}
    if op == "drop_blobs":
        server.world.blobs.cleanup()  # upload bodies: a GiB each
        return {}
    raise ValueError(f"unknown command {op!r}")


def _canned_round() -> bytes:
    """What the canned server answers: the fake server's own answer to
    numerapi-gen's current-round query (a superset of what numerapi's reads),
    made once at start, so it has every field the generated client expects."""
    import urllib.request

    from ._documents import operation_document

    body = json.dumps(
        {
            "query": operation_document("get_current_round"),
            "variables": {"tournament": 8},
        }
    ).encode()
    with FakeNumerai() as fake:
        request = urllib.request.Request(
            fake.url, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request) as response:
            answer: bytes = response.read()
    if b'"errors"' in answer or not json.loads(answer)["data"]["rounds"]:
        raise RuntimeError(f"the fake server's current round: {answer[:300]!r}")
    return answer


def _serve_canned() -> int:
    """The ``--canned`` server: keep-alive HTTP/1.1, one fixed answer."""
    count = 0
    canned_round = _canned_round()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self) -> None:
            nonlocal count
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            count += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(canned_round)))
            self.end_headers()
            self.wfile.write(canned_round)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

    httpd = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    hello = {"url": url, "public_id": "CANNED", "secret_key": "CANNED"}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        op = json.loads(line).get("op")
        if op == "requests":
            reply: dict[str, Any] = {"ok": True, "count": count}
            count = 0
        else:
            reply = {"ok": False, "error": f"the canned server has no {op!r}"}
        print(json.dumps(reply), flush=True)
    httpd.shutdown()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve")
    parser.add_argument("--leaderboard", type=int, default=0)
    parser.add_argument("--scores", type=int, default=0)
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate")
    parser.add_argument("--tls-key", help="the certificate's private key")
    parser.add_argument(
        "--canned", action="store_true", help="one fixed answer, no GraphQL work"
    )
    args = parser.parse_args(argv)
    if args.canned:
        return _serve_canned()
    # lenient: accept numerapi 3.1.1's snake_case fields, as the real API does
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    with _BehindProxy(lenient=True, ssl_context=context) as server:
        hello = {
            "url": server.url,
            "public_id": server.public_id,
            "secret_key": server.secret_key,
            **_seed(server, args.leaderboard, args.scores),
        }
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            try:
                reply = {"ok": True, **_handle(server, json.loads(line))}
            except Exception as exc:
                reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
