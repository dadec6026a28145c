"""``python -m numerapi_gen.testing``: run the fake Numerai API in the foreground."""

from __future__ import annotations

import argparse
import sys

from ._auth import DEFAULT_PUBLIC_ID, DEFAULT_SECRET_KEY
from ._server import serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m numerapi_gen.testing",
        description="Serve a local fake of the Numerai tournament API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind")
    parser.add_argument(
        "--port", type=int, default=8765, help="port (0 = any free port)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the fake world")
    parser.add_argument("--public-id", default=DEFAULT_PUBLIC_ID)
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    serve(
        args.host,
        args.port,
        public_id=args.public_id,
        secret_key=args.secret_key,
        seed=args.seed,
        verbose=args.verbose,
        echo=lambda line: print(line, flush=True),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
