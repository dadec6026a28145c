"""What users see of the typed face: every class a public method returns.

The classes are found by walking the six clients' return annotations: generic
arguments, union members, model fields and base classes, down to the last
nested model. The exported names (``numerapi_gen.types``) are checked too.
"""

from __future__ import annotations

import enum
import inspect
import types as pytypes
import typing
from pathlib import Path

import pandas
from numerai_graphql.base_model import BaseModel as GeneratedBaseModel
from pydantic import BaseModel

import numerapi_gen.types as exported
from numerapi_gen import (
    AsyncCryptoAPI,
    AsyncNumerAPI,
    AsyncSignalsAPI,
    CryptoAPI,
    NumerAPI,
    SignalsAPI,
)

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = [NumerAPI, SignalsAPI, CryptoAPI, AsyncNumerAPI, AsyncSignalsAPI]
CLIENTS.append(AsyncCryptoAPI)
OURS = ("numerapi_gen", "numerai_graphql")


def _operation_names() -> set[str]:
    return {
        "".join(part.capitalize() for part in path.stem.split("_"))
        for path in (ROOT / "queries").glob("*.graphql")
    }


def _walk(annotation: object, where: str, found: dict[type, str]) -> None:
    args = typing.get_args(annotation)
    origin = typing.get_origin(annotation)
    if args or isinstance(annotation, pytypes.UnionType):
        for argument in args:
            _walk(argument, where, found)
        if origin is not None:
            _walk(origin, where, found)
        return
    if not isinstance(annotation, type) or annotation in found:
        return
    if not annotation.__module__.startswith(OURS):
        return
    if annotation in (GeneratedBaseModel, BaseModel):
        return
    found[annotation] = where
    for base in annotation.__mro__[1:]:
        _walk(base, f"{where} (a base of {annotation.__name__})", found)
    if issubclass(annotation, BaseModel):
        hints = typing.get_type_hints(annotation)  # resolves forward references
        for name in annotation.model_fields:
            _walk(hints[name], f"{where}.{name}", found)


def public_classes() -> dict[type, str]:
    """Each class a user meets, with one place it is met (for the message)."""
    found: dict[type, str] = {}
    for client in CLIENTS:
        for name, method in inspect.getmembers(client, inspect.isfunction):
            if name.startswith("_"):
                continue
            hints = typing.get_type_hints(method, localns={"pd": pandas})
            _walk(hints.get("return"), f"{client.__name__}.{name}()", found)
    for name in exported.__all__:
        _walk(getattr(exported, name), f"numerapi_gen.types.{name}", found)
    return found


def test_the_walk_reaches_nested_models_bases_and_generic_arguments() -> None:
    found = public_classes()
    assert exported.ComputePickle in found  # through Records[...]
    assert exported.ComputePickleTrigger in found  # a base of a nested field
    assert exported.RoundScoreConfig in found  # a base of a nested field
    assert len(found) > len(exported.__all__)


def test_no_public_class_is_named_for_an_operation() -> None:
    """A rename in queries/ must not rename a type users annotate with."""
    operations = _operation_names()
    named = {
        f"{cls.__name__} ({where})"
        for cls, where in public_classes().items()
        if any(cls.__name__.startswith(op) for op in operations)
    }
    assert not named


def test_exported_types_keep_their_names() -> None:
    for name in exported.__all__:
        assert getattr(exported, name).__name__ == name, name


def _own_docstring(cls: type) -> str:
    doc = vars(cls).get("__doc__") or ""
    return "" if doc in (BaseModel.__doc__, enum.Enum.__doc__) else doc.strip()


def test_every_public_class_has_its_own_docstring() -> None:
    """help() on a result, or on any model nested in it, says what it is."""
    bare = sorted(
        f"{cls.__name__} ({where})"
        for cls, where in public_classes().items()
        if not _own_docstring(cls)
    )
    assert not bare


def test_every_generated_model_and_enum_has_its_own_docstring() -> None:
    """Also the classes only ``api.graphql`` (the generated client) returns."""
    import numerai_graphql

    bare = sorted(
        name
        for name in numerai_graphql.__all__
        if isinstance(value := getattr(numerai_graphql, name), type)
        and issubclass(value, (BaseModel, enum.Enum))
        and value.__module__ != "numerai_graphql.base_model"
        and not _own_docstring(value)
    )
    assert not bare


def test_operation_classes_that_only_name_a_fragment_are_the_fragment_class() -> None:
    """``GetAccountAccount`` is ``Account`` itself, not a subclass: a result
    built from it is then of the stable type at run time, not only in
    annotations (a docstring added to such a class would make it a subclass)."""
    import numerai_graphql
    import numerai_graphql.fragments as fragments

    fragment_classes = {
        value
        for value in vars(fragments).values()
        if isinstance(value, type) and value.__module__ == fragments.__name__
    }
    subclasses = sorted(
        name
        for name in numerai_graphql.__all__
        if isinstance(value := getattr(numerai_graphql, name), type)
        and value.__module__ != fragments.__name__
        and set(value.__bases__) & fragment_classes
        and not vars(value).get("__annotations__")
    )
    assert not subclasses
    assert numerai_graphql.GetAccountAccount is numerai_graphql.Account
