"""A self-signed certificate for serving the fake API over HTTPS on 127.0.0.1."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["self_signed_certificate"]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """Write a certificate and key for 127.0.0.1 (valid two days) into
    ``directory`` with the ``openssl`` CLI; returns ``(cert, key)``.

    Load them into a server-side context for ``FakeNumerai(ssl_context=...)``
    and trust ``cert`` in the client (``SSL_CERT_FILE`` or a client context).
    Raises ``FileNotFoundError`` without openssl on the PATH.
    """
    cert, key = directory / "tls-cert.pem", directory / "tls-key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key
