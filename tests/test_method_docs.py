"""Every public method of the six clients documents itself in help()."""

from __future__ import annotations

import builtins
import inspect
import pydoc

import pytest

import numerapi_gen
from numerapi_gen import (
    AsyncCryptoAPI,
    AsyncNumerAPI,
    AsyncSignalsAPI,
    CryptoAPI,
    NotFoundError,
    NumeraiError,
    NumeraiValidationError,
    NumerAPI,
    SignalsAPI,
    UploadError,
)
from numerapi_gen._methods._docs import REQUEST, with_raises

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


def _raised(doc: str) -> list[str]:
    lines = doc.splitlines()
    start = lines.index("Raises:") + 1
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    return [line.split(":")[0].strip() for line in lines[start:end] if line[4] != " "]


def test_every_raised_name_is_a_real_error() -> None:
    """A public NumeraiError, a built-in exception, or ``Nothing``."""
    for client, name in METHODS:
        for raised in _raised(inspect.getdoc(getattr(client, name)) or ""):
            if raised == "Nothing":
                continue
            error = getattr(numerapi_gen, raised, getattr(builtins, raised, None))
            assert isinstance(error, type) and issubclass(error, Exception), (
                f"{client.__name__}.{name}: {raised}"
            )
            if not hasattr(builtins, raised):
                assert issubclass(error, NumeraiError), raised


def test_common_raises_lines_join_the_methods_own() -> None:
    doc = """Do it.

        Returns:
            Nothing.

        Example:
            >>> api.do()
    """
    made = with_raises(doc, (NumeraiValidationError, *REQUEST))
    assert made.index("Returns:") < made.index("Raises:") < made.index("Example:")
    assert _raised(made) == [
        "NumeraiValidationError",
        "APIConnectionError",
        "GraphQLError",
    ]
    assert "    GraphQLError: the API answered with an error.\n\nExample:" in made
    own = made.replace(
        "Raises:\n", "Raises:\n    NotFoundError: no such thing (own words).\n"
    )
    assert _raised(with_raises(own, (UploadError,)))[0] == "NotFoundError"
    assert "no such thing (own words)." in with_raises(own, (UploadError,))
    with pytest.raises(ValueError, match="already"):
        with_raises(own, (NotFoundError,))
    with pytest.raises(ValueError, match="no common reason"):
        with_raises(doc, (NumeraiError,))
