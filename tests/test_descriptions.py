"""The schema's descriptions reach the generated models and client methods."""

from __future__ import annotations

import json
from pathlib import Path

from numerai_graphql import AsyncClient, Client
from numerai_graphql.fragments import ComputePickle

ROOT = Path(__file__).resolve().parent.parent


def _descriptions() -> dict[str, dict[str, str]]:
    result = json.loads((ROOT / "schema" / "numerai-introspection.json").read_text())
    return {
        t["name"]: {
            f["name"]: f["description"]
            for f in t.get("fields") or ()
            if f.get("description")
        }
        for t in result.get("data", result)["__schema"]["types"]
    }


def test_field_descriptions_come_from_the_schema() -> None:
    schema = _descriptions()["ComputePickleUpload"]
    assert schema  # the introspection result describes this type's fields
    described = 0
    for name, field in ComputePickle.model_fields.items():
        key = field.alias or name
        if key in schema:
            assert field.description == schema[key], name
            described += 1
        else:
            assert field.description is None, name
    assert described >= 5


def test_client_methods_name_their_operation_and_describe_the_root_field() -> None:
    root = _descriptions()["RootQueryType"]
    for client in (Client, AsyncClient):
        doc = client.get_account.__doc__ or ""
        assert "GetAccount" in doc and "account" in doc
        assert " ".join(root["account"].split()) in " ".join(doc.split())
        assert "CreateSubmission" in (client.create_submission.__doc__ or "")
