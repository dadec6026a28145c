"""Every public method of the six clients documents itself in help()."""

from __future__ import annotations

import inspect
import pydoc

import pytest

from numerapi_gen import (
    AsyncCryptoAPI,
    AsyncNumerAPI,
    AsyncSignalsAPI,
    CryptoAPI,
    NumerAPI,
    SignalsAPI,
)

CLIENTS = [
    NumerAPI,
    SignalsAPI,
    CryptoAPI,
    AsyncNumerAPI,
    AsyncSignalsAPI,
    AsyncCryptoAPI,
]
METHODS = [
    (client, name)
    for client in CLIENTS
    for name, member in inspect.getmembers(client, inspect.isfunction)
    if not name.startswith("_")
]


@pytest.mark.parametrize(
    ("client", "name"), METHODS, ids=[f"{c.__name__}.{n}" for c, n in METHODS]
)
def test_public_method_documents_args_returns_raises_and_an_example(
    client: type, name: str
) -> None:
    method = getattr(client, name)
    doc = inspect.getdoc(method) or ""
    for section in ("Returns:", "Raises:", "Example:"):
        assert section in doc, f"{client.__name__}.{name}: no {section}"
    parameters = [
        p
        for p in inspect.signature(method).parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    if parameters:
        args = (
            doc.split("Args:", 1)[1].split("Returns:", 1)[0] if "Args:" in doc else ""
        )
        for parameter in parameters:
            assert f"{parameter.name}:" in args, f"{client.__name__}.{name}"
    # and help() shows it
    assert doc.splitlines()[0] in pydoc.render_doc(method, renderer=pydoc.plaintext)


def test_every_client_has_its_methods_checked() -> None:
    assert len({n for c, n in METHODS if c is NumerAPI}) >= 80
    async_names = {n for c, n in METHODS if c is AsyncNumerAPI}
    assert {n for c, n in METHODS if c is NumerAPI} <= async_names | {"close"}
