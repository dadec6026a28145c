"""The fake server executes the project's operations and rejects invalid ones."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_server_helpers import (
    HTTP,
    GraphQL,
    make_gql,
    post,
    query_documents,
    upload,
)
from graphql import GraphQLError, parse, validate

from numerapi_gen._schema_tools import packaged_schema
from numerapi_gen.testing import (
    ACCOUNT_PASSWORD,
    AUTH_REQUIRED_MESSAGE,
    INVALID_TOKEN_MESSAGE,
    ApiToken,
    FakeNumerai,
    add_pickle,
    seed_world,
)
from numerapi_gen.testing._participant import run_pickle

DOCUMENTS = query_documents()

# Fields the real API documents as always null ("Always nil" in the schema).
ALWAYS_NULL = {("CreateSignalsSubmission", "firstEffectiveDate")}
# Null by meaning: a score config still in force has no last round (numerapi
# 3.1.1's fixtures send ``roundNumberEnd: None``).
NULL_WHEN_OPEN_ENDED = {
    (operation, "roundNumberEnd")
    for operation in ("ListRounds", "GetCurrentRound", "GetCompetitions")
}
# Null by meaning: a pickle nobody labelled; a validation run submits nothing.
NULL_BY_MEANING = {
    ("ListComputePickles", "label"),
    ("TriggerComputePickleUpload", "label"),
    *(
        (operation, "submissionId")
        for operation in (
            "ListComputePickles",
            "TriggerComputePickleUpload",
            "UpdatePickleLabel",
        )
    ),
}
# The upload-auth operation each create-mutation needs a finished upload from.
UPLOAD_BEFORE = {
    "CreateSubmission": "GetSubmissionUploadAuth",
    "CreateSignalsSubmission": "GetSignalsSubmissionUploadAuth",
    "CreateDiagnostics": "GetDiagnosticsUploadAuth",
    "CreateComputePickleUpload": "GetComputePickleUploadAuth",
}
SIGNALS_OPERATIONS = {
    "GetSignalsSubmissionUploadAuth",
    "CreateSignalsSubmission",
    "GetSignalsDailyModelPerformances",
}


@pytest.fixture(scope="module")
def shared_server() -> Iterator[FakeNumerai]:
    """One server for the read-mostly generic checks (keeps the module fast)."""
    with FakeNumerai(seed=11) as fake:
        yield fake


def _variable_defs(document: str) -> list[tuple[str, str]]:
    """(name, type as written) of each variable of the document's operation."""
    definition = parse(document).definitions[0]
    return [
        (v.variable.name.value, document[v.type.loc.start : v.type.loc.end])  # type: ignore[attr-defined, union-attr]
        for v in definition.variable_definitions  # type: ignore[attr-defined]
    ]


def _variables(server: FakeNumerai, operation: str, document: str) -> dict[str, Any]:
    """Sensible variables for an operation, taken from the world or by type."""
    world = server.world
    tournament = 11 if operation in SIGNALS_OPERATIONS else 8
    model = world.own_models(tournament)[0]
    submission = next(s for s in world.submissions_of(model.id) if s.selected)
    resolved = next(
        s
        for s in world.submissions_of(model.id)
        if s.selected and world.round_by_id(s.round_id).resolved(world.clock())  # type: ignore[union-attr]
    )
    diagnostics_id = next(iter(world.diagnostics))
    by_name: dict[str, Any] = {
        "modelId": model.id,
        "modelName": model.name,
        "username": world.account.username,
        "tournament": tournament,
        "tournamentNumber": tournament,
        "submissionId": submission.id,
        "staker": world.account.wallet_address,
        "maxAmount": "10",
        "value": "1.5",
        "type": "increase",
        "amount": "1",
        "drain": True,
        "linkUrl": "https://example.com/model",
        "linkText": "my model",
        "newSubmissionWebhook": "https://example.com/hook",
        "limit": 5,
        "offset": 0,
        "dataVersionId": world.compute_data_versions[0]["id"],
        "dockerImageId": world.compute_docker_images[0]["id"],
        "source": "numerapi-gen-tests",
    }
    by_operation: dict[tuple[str, str], Any] = {
        ("GetDatasetUrl", "filename"): "v5.0/train.parquet",
        ("GetSubmissionDownloadAuth", "id"): submission.id,
        ("GetDiagnostics", "id"): diagnostics_id,
        ("GetV3StakeRound", "roundId"): resolved.round_id,
        ("GetV3StakeClaim", "roundId"): resolved.round_id,
        ("GetPipelineStatus", "tournament"): "classic",
        ("GetDiagnosticsUploadAuth", "filename"): "validation_predictions.csv",
        ("GetComputePickleUploadAuth", "filename"): "model.pkl",
    }
    by_operation.update(_participant_variables(server, operation))
    values: dict[str, Any] = {}
    for name, type_text in _variable_defs(document):
        if (operation, name) in by_operation:
            values[name] = by_operation[(operation, name)]
        elif name in by_name:
            values[name] = by_name[name]
        elif name == "filename":
            values[name] = "predictions.csv"
        elif type_text.endswith("!"):
            raise AssertionError(f"no value for required ${name} of {operation}")
    return values


def _participant_variables(server: FakeNumerai, operation: str) -> dict[Any, Any]:
    """Variables of the participant operations beyond numerapi's (and the state
    they act on: a pickle with a run, a pending release, a spare token)."""
    world = server.world
    model = world.own_models(8)[0]
    unstaked = next(m for m in world.own_models(8) if m.stake == 0)
    pickle = next(iter(world.compute_pickle_uploads.values()), None)
    if pickle is None:
        pickle = add_pickle(world, model.id)
        run_pickle(world, pickle, model, False)
        run_pickle(world, pickle, model, True)
    if operation == "CancelPendingStakeRelease" and model.pending_stake_request is None:
        world.release_stake(model_id=model.id, amount="1", drain=False)
    if operation == "RevokeApiToken":
        world.account.api_tokens.append(ApiToken("spare", "SPAREPUBLICID", ["stake"]))
    if operation in ("TriggerModelWebhook", "TestSubmissionWebhook"):
        model.submission_webhook = "https://example.com/hook"
    values = {
        # a new model in Crypto and a renamed one sorting last keep
        # own_models(8)[0], which the other operations use, in place
        ("AddModel", "name"): "generic_added",
        ("AddModel", "tournament"): 12,
        ("RenameModel", "modelId"): unstaked.id,
        ("RenameModel", "name"): "zz_generic_renamed",
        ("GetModelNameAvailable", "name"): "generic_free",
        ("ArchiveModel", "modelId"): unstaked.id,
        ("UnarchiveModel", "modelId"): unstaked.id,
        ("CreateApiToken", "name"): "generic",
        ("CreateApiToken", "password"): ACCOUNT_PASSWORD,
        ("CreateApiToken", "scopes"): ["stake"],
        ("RevokeApiToken", "publicId"): "SPAREPUBLICID",
        ("DeleteDiagnostics", "v2DiagnosticsIds"): [list(world.diagnostics)[-1]],
        ("GetTriggerLogs", "triggerId"): pickle.triggers[0]["id"],
        ("GetRoundDetails", "roundNumber"): world.rounds_of(8)[3].number,
        ("GetSeasonLeaderboard", "seasonYear"): world.now.year,
        ("GetLatestCurrencyPrice", "baseSymbol"): "NMR",
        ("GetLatestCurrencyPrice", "targetSymbol"): "USD",
        ("V3ChangePayoutSelection", "takeProfit"): True,
        ("ListComputePickles", "unassigned"): False,
        ("UpdatePickleLabel", "label"): "generic label",
        ("ListStakeTransactions", "type"): "stake",
    }
    for op in (
        "GetComputePickleDownloadAuth",
        "GetDiagnosticsTriggerLogs",
        "AssignPickleToModel",
        "TriggerComputePickleUpload",
        "UpdatePickleLabel",
    ):
        values[(op, "pickleId")] = pickle.id
    return values


def _prepare_upload(
    server: FakeNumerai, operation: str, variables: dict[str, Any]
) -> None:
    """Run the upload-auth operation a create-mutation needs, and PUT a body."""
    auth_operation = UPLOAD_BEFORE[operation]
    auth_document = DOCUMENTS[auth_operation]
    auth_variables = _variables(server, auth_operation, auth_document)
    body = make_gql(server)(auth_document, auth_variables)
    assert "errors" not in body, body
    auth = next(iter(body["data"].values()))
    assert upload(server, auth, b"id,prediction\nn1,0.5\n").status_code == 200
    variables["filename"] = auth["filename"]


def _null_paths(value: Any, path: str = "") -> Iterator[str]:
    """Paths of null values, and of empty lists directly under a root field."""
    if value is None:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _null_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        if not value and "." not in path and "[" not in path:
            yield path + "[]"
        for index, item in enumerate(value[:50]):
            yield from _null_paths(item, f"{path}[{index}]")


def test_queries_directory_is_complete() -> None:
    assert len(DOCUMENTS) >= 46
    assert {"GetCurrentRound", "CreateSubmission", "GetV3StakeClaim"} <= set(DOCUMENTS)


@pytest.mark.parametrize("operation", sorted(DOCUMENTS))
def test_every_operation_returns_full_data(
    shared_server: FakeNumerai, operation: str
) -> None:
    document = DOCUMENTS[operation]
    variables = _variables(shared_server, operation, document)
    if operation in UPLOAD_BEFORE:
        _prepare_upload(shared_server, operation, variables)
    body = make_gql(shared_server)(document, variables)
    assert "errors" not in body, body["errors"]
    assert body["data"] is not None
    nulls = [
        p
        for p in _null_paths(body["data"])
        if (operation, p.rsplit(".", 1)[-1])
        not in ALWAYS_NULL | NULL_WHEN_OPEN_ENDED | NULL_BY_MEANING
    ]
    assert not nulls, f"{operation} returned nulls/empty lists at {nulls[:10]}"
    assert shared_server.requests.last.operation == operation


def _documented_operations() -> list[tuple[str, str]]:
    """(method, document) for each GraphQL document of a public numerapi method.

    The source is numerapi 3.1.1's ``base_api`` module (a dev dependency), the
    newest public client of the real API.
    """
    import numerapi.base_api

    text = Path(numerapi.base_api.__file__).read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r'"""(.*?)"""', text, re.S):
        body = match.group(1)
        if not re.match(r"\s*(query|mutation)\b", body):
            continue
        methods = re.findall(r"\bdef ([A-Za-z_][A-Za-z0-9_]*)\(", text[: match.start()])
        method = methods[-1]
        if method.startswith("_"):
            continue  # the private _upload_auth f-string template, not a document
        found.append((method, body))
    return found


def _documented_variables(server: FakeNumerai, document: str) -> dict[str, Any]:
    """Values for a documented operation's variables, by name and declared type."""
    world = server.world
    model = world.own_models(8)[0]
    resolved = next(
        s
        for s in world.submissions_of(model.id)
        if s.selected and world.round_by_id(s.round_id).resolved(world.clock())  # type: ignore[union-attr]
    )
    values: dict[str, Any] = {
        "filename": "v5.0/train.parquet",
        "submissionId": resolved.id,
        "staker": world.account.wallet_address,
        "maxAmount": "10",
        "roundId": resolved.round_id,
        "modelId": model.id,
        "limit": 10,
        "offset": 0,
        "newSubmissionWebhook": "https://example.com/hook",
        "username": world.account.username,
    }
    chosen: dict[str, Any] = {}
    for name, type_text in _variable_defs(document):
        if name == "tournament":
            chosen[name] = "classic" if type_text.startswith("String") else 8
        elif name in values:
            chosen[name] = values[name]
    return chosen


def test_documented_operations_are_validated_like_the_spec(
    shared_server: FakeNumerai,
) -> None:
    """numerapi's invalid documents get errors and ``data: null``.

    graphql-core's own validation is the oracle for which documents are
    invalid; the server must reject exactly those and run the others.
    """
    schema = packaged_schema()
    documents = _documented_operations()
    methods = {method for method, _ in documents}
    rejected: list[str] = []
    for method, document in documents:
        try:
            invalid = bool(validate(schema, parse(document)))
        except GraphQLError:
            invalid = True
        variables = {} if invalid else _documented_variables(shared_server, document)
        response = post(shared_server, document, variables)
        assert response.status_code == 200
        body = response.json()
        if invalid:
            rejected.append(method)
            assert body["data"] is None, (method, body)
            assert body["errors"] and all(
                e["message"] and e["locations"] for e in body["errors"]
            )
        else:
            assert "errors" not in body, (method, body["errors"])
            assert all(v is not None for v in body["data"].values()), method
    # Measured on numerapi 3.1.1: 37 concrete documents in 36 public methods;
    # 17 documents of 16 methods fail against our schema (list_rounds passes
    # through the schema overlay).
    assert (len(documents), len(methods)) == (37, 36)
    assert (len(rejected), len(set(rejected))) == (17, 16)
    assert sorted(set(rejected)) == sorted(
        [
            "diagnostics",
            "download_submission",
            "get_account",
            "intra_round_scores",
            "model_upload",
            "modelid_to_modelname",
            "public_user_profile",
            "round_model_performances_v2",
            "set_bio",
            "set_link",
            "stake_change",
            "stake_drain",
            "stake_get",
            "submission_ids",
            "upload_diagnostics",
            "upload_predictions",
        ]
    )


def test_snake_case_fields_are_rejected(gql: GraphQL) -> None:
    body = gql("{ account { api_tokens { public_id } } }")
    assert body["data"] is None
    assert "Cannot query field 'api_tokens'" in body["errors"][0]["message"]
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 13}]


def test_syntax_error_and_bad_variables(gql: GraphQL) -> None:
    body = gql("query { rounds(tournament: 8 { number } }")
    assert body["data"] is None and "Syntax Error" in body["errors"][0]["message"]
    document = DOCUMENTS["GetCurrentRound"]
    body = gql(document, {"tournament": "eight"})
    assert body["data"] is None
    assert "tournament" in body["errors"][0]["message"]
    body = gql(DOCUMENTS["GetDatasetUrl"], {})
    assert body["data"] is None and "filename" in body["errors"][0]["message"]


def test_malformed_requests_get_400(server: FakeNumerai) -> None:
    response = HTTP.post(server.url, content=b"{not json", headers=server.auth_headers)
    assert response.status_code == 400
    assert "Malformed JSON" in response.json()["errors"][0]["message"]
    response = HTTP.post(server.url, json={"variables": {}})
    assert response.status_code == 400
    response = HTTP.post(
        server.url + "graphql", json={"query": "{ rounds { number } }"}
    )
    assert response.status_code == 200 and response.json()["data"]["rounds"]
    assert HTTP.get(server.url).status_code == 405


def test_scalars_use_the_real_wire_formats(gql: GraphQL) -> None:
    body = gql(
        "{ account { insertedAt availableNmr walletTxns { amount time } } "
        "pendingModelPayouts(tournament: 8) "
        "{ actual { roundResolveTime payoutNmr payoutValue } } }"
    )
    account = body["data"]["account"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", account["insertedAt"])
    assert account["availableNmr"] == "1,234.500000000000000000"
    amounts = [t["amount"] for t in account["walletTxns"]]
    assert "1,234.500000000000000000" in amounts
    assert all(re.fullmatch(r"[\d,]+\.\d{18}", a) for a in amounts)
    payout = body["data"]["pendingModelPayouts"]["actual"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", payout["roundResolveTime"])
    assert re.fullmatch(r"-?\d+\.\d{18}", payout["payoutNmr"])


def test_current_round_is_open_now(gql: GraphQL, server: FakeNumerai) -> None:
    rnd = gql(DOCUMENTS["GetCurrentRound"], {"tournament": 8}, auth=False)["data"][
        "rounds"
    ][0]
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    assert rnd["openTime"] < now < rnd["closeStakingTime"]
    rounds = gql(
        DOCUMENTS["ListRounds"], {"tournament": 8, "status": "RESOLVED", "limit": 3}
    )
    assert len(rounds["data"]["rounds"]) == 3
    assert all(r["resolvedGeneral"] for r in rounds["data"]["rounds"])
    numbers = [
        r["number"]
        for r in gql("{ rounds(tournament: 11) { number } }")["data"]["rounds"]
    ]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 30


def test_authentication_missing_and_invalid(server: FakeNumerai) -> None:
    gql = make_gql(server)
    body = gql(DOCUMENTS["GetModels"], auth=False)
    assert body["data"] == {"account": None}
    (error,) = body["errors"]
    assert error["message"] == AUTH_REQUIRED_MESSAGE
    assert error["path"] == ["account"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    wrong = {"Authorization": f"Token {server.public_id}$WRONGSECRET"}
    body = gql(DOCUMENTS["GetModels"], auth=False, headers=wrong)
    assert body["data"] == {"account": None}
    assert body["errors"][0]["message"] == INVALID_TOKEN_MESSAGE
    assert body["errors"][0]["extensions"]["code"] == "INVALID_TOKEN"
    body = gql(
        DOCUMENTS["GetModels"], auth=False, headers={"Authorization": "Bearer x"}
    )
    assert body["errors"][0]["message"] == INVALID_TOKEN_MESSAGE
    # Mutations and upload auth are protected too; public data is not.
    body = gql(DOCUMENTS["SetBio"], {"value": "x"}, auth=False)
    assert body["data"] == {"setUserBio": None} and body["errors"]
    body = gql(
        DOCUMENTS["GetSubmissionUploadAuth"],
        {"filename": "p.csv", "tournament": 8},
        auth=False,
    )
    assert body["errors"][0]["path"] == ["submissionUploadAuth"]
    mixed = gql(
        "{ account { id } rounds(tournament: 8, number: 0) { number } }", auth=False
    )
    assert mixed["data"]["account"] is None and mixed["data"]["rounds"][0]["number"] > 0
    for public in ("GetClassicLeaderboard", "ListDatasets", "GetV3StakeConfig"):
        assert "errors" not in gql(DOCUMENTS[public], {}, auth=False)


def test_submission_roundtrip_changes_state(server: FakeNumerai, gql: GraphQL) -> None:
    model = server.world.own_models(8)[1]
    auth = gql(
        DOCUMENTS["GetSubmissionUploadAuth"],
        {"filename": "preds.csv", "tournament": 8, "modelId": model.id},
    )["data"]["submissionUploadAuth"]
    assert auth["url"].startswith(server.url + "uploads/")
    payload = b"id,prediction\n" + b"".join(
        b"n%d,0.%d\n" % (i, i % 10) for i in range(500)
    )
    assert upload(server, auth, payload).status_code == 200
    stored = server.world.uploads[auth["filename"]]
    assert stored.length == len(payload) and stored.path is not None
    created = gql(
        DOCUMENTS["CreateSubmission"],
        {"filename": auth["filename"], "tournament": 8, "modelId": model.id},
    )["data"]["createSubmission"]
    listed = gql(DOCUMENTS["GetSubmissionIds"], {"modelId": model.id})["data"][
        "submissions"
    ]
    assert listed[-1]["id"] == created["id"] and listed[-1]["filename"] == "preds.csv"
    download = gql(DOCUMENTS["GetSubmissionDownloadAuth"], {"id": created["id"]})[
        "data"
    ]
    response = HTTP.get(download["submissionDownloadAuth"]["url"])
    assert response.status_code == 200 and response.content == payload
    files = gql(DOCUMENTS["GetSubmissionFilenames"], {"modelId": model.id})["data"][
        "model"
    ]
    current = server.world.current_round(8)
    assert current is not None
    (listed_file,) = [f for f in files["submissions"] if f["id"] == created["id"]]
    assert listed_file["filename"] == "preds.csv" and listed_file["selected"] is True
    assert listed_file["round"] == {"tournament": 8, "number": current.number}
    # An unknown or not-yet-uploaded file is refused like the real API does.
    body = gql(DOCUMENTS["CreateSubmission"], {"filename": "nope.csv", "tournament": 8})
    assert (
        body["data"]["createSubmission"] is None
        and "not found" in body["errors"][0]["message"]
    )


def test_stake_changes_are_visible(server: FakeNumerai, gql: GraphQL) -> None:
    model = server.world.own_models(8)[0]
    stake = gql(DOCUMENTS["GetStake"], {"modelName": model.name})["data"][
        "v3UserProfile"
    ]
    assert stake["stakeValue"] == "12.500000000000000000"
    change = DOCUMENTS["ChangeStake"]
    body = gql(
        change,
        {
            "value": "2.5",
            "type": "increase",
            "tournamentNumber": 8,
            "modelId": model.id,
        },
    )
    assert body["data"]["v2ChangeStake"]["type"] == "increase"
    assert body["data"]["v2ChangeStake"]["requestedAmount"] == "2.5"
    stake = gql(DOCUMENTS["GetStake"], {"modelName": model.name})["data"][
        "v3UserProfile"
    ]
    assert stake["stakeValue"] == "15.000000000000000000"
    body = gql(
        change,
        {"value": "5", "type": "decrease", "tournamentNumber": 8, "modelId": model.id},
    )
    request = body["data"]["v2ChangeStake"]
    assert request["status"] == "pending" and request["dueDate"].endswith("Z")
    stake = gql(DOCUMENTS["GetStake"], {"modelName": model.name})["data"][
        "v3UserProfile"
    ]
    assert stake["stakeValue"] == "10.000000000000000000"
    account = gql("{ account { availableNmr } }")["data"]["account"]
    assert account["availableNmr"] == "1,232.000000000000000000"
    too_much = gql(
        change,
        {
            "value": "100000",
            "type": "increase",
            "tournamentNumber": 8,
            "modelId": model.id,
        },
    )
    assert too_much["data"]["v2ChangeStake"] is None
    assert "Insufficient" in too_much["errors"][0]["message"]
    drained = gql(
        DOCUMENTS["DrainStake"],
        {"modelId": model.id, "amount": "11000000", "drain": True},
    )["data"]["releaseStake"]
    assert drained["drain"] is True and drained["requestedAmount"] == "10"
    stake = gql(DOCUMENTS["GetStake"], {"modelName": model.name})["data"][
        "v3UserProfile"
    ]
    assert stake["stakeValue"] == "0E-18" or float(stake["stakeValue"]) == 0.0
    assert model.pending_stake_request is not None and model.pending_stake_request.drain


def test_profile_mutations(server: FakeNumerai, gql: GraphQL) -> None:
    model = server.world.own_models(8)[0]
    assert gql(DOCUMENTS["SetBio"], {"modelId": model.id, "value": "new bio"})[
        "data"
    ] == {"setUserBio": True}
    link = {"modelId": model.id, "linkUrl": "https://x.test", "linkText": "x"}
    assert gql(DOCUMENTS["SetLink"], link)["data"]["setUserLink"] is True
    hook = {"modelId": model.id, "newSubmissionWebhook": "https://hook.test"}
    assert (
        gql(DOCUMENTS["SetSubmissionWebhook"], hook)["data"]["setSubmissionWebhook"]
        == "true"
    )
    profile = gql(
        "query($m: String!) { v3UserProfile(modelName: $m) { bio linkUrl linkText } }",
        {"m": model.name},
        auth=False,
    )["data"]["v3UserProfile"]
    assert profile == {"bio": "new bio", "linkUrl": "https://x.test", "linkText": "x"}
    webhook = gql(
        "query($id: ID) { model(modelId: $id) { submissionWebhook } }", {"id": model.id}
    )
    assert webhook["data"]["model"]["submissionWebhook"] == "https://hook.test"
    other = next(
        m for m in server.world.models.values() if m.username != model.username
    )
    body = gql(DOCUMENTS["SetBio"], {"modelId": other.id, "value": "hijack"})
    assert (
        body["data"]["setUserBio"] is None
        and "permission" in body["errors"][0]["message"]
    )


def test_diagnostics_and_model_upload(server: FakeNumerai, gql: GraphQL) -> None:
    model = server.world.own_models(8)[0]
    server.world.diagnostics_pending_reads = 1
    auth = gql(
        DOCUMENTS["GetDiagnosticsUploadAuth"],
        {"filename": "val.csv", "tournament": 8, "modelId": model.id},
    )
    auth = auth["data"]["diagnosticsUploadAuth"]
    assert upload(server, auth, b"id,prediction\nn1,0.1\n").status_code == 200
    created = gql(
        DOCUMENTS["CreateDiagnostics"],
        {"filename": auth["filename"], "tournament": 8, "modelId": model.id},
    )
    diag_id = created["data"]["createDiagnostics"]["id"]
    first = gql(DOCUMENTS["GetDiagnostics"], {"id": diag_id})["data"]["diagnostics"][0]
    assert first["status"] == "pending" and first["validationCorrMean"] is None
    second = gql(DOCUMENTS["GetDiagnostics"], {"id": diag_id})["data"]["diagnostics"][0]
    assert second["status"] == "done" and isinstance(
        second["validationCorrMean"], float
    )
    assert len(second["perEraDiagnostics"]) == 48
    assert server.world.diagnostics[diag_id].upload_key == auth["filename"]

    versions = gql(DOCUMENTS["ListComputePickleDataVersions"])["data"]
    images = gql(DOCUMENTS["ListComputePickleDockerImages"])["data"]
    auth = gql(DOCUMENTS["GetComputePickleUploadAuth"], {"modelId": model.id})
    auth = auth["data"]["computePickleUploadAuth"]
    assert auth["filename"].endswith("/model.pkl")
    assert upload(server, auth, b"\x80\x04pickle").status_code == 200
    created = gql(
        DOCUMENTS["CreateComputePickleUpload"],
        {
            "filename": auth["filename"],
            "tournament": 8,
            "modelId": model.id,
            "dataVersionId": versions["computePickleDataVersions"][0]["id"],
            "dockerImageId": images["computePickleDockerImages"][1]["id"],
        },
    )["data"]["createComputePickleUpload"]
    record = server.world.compute_pickle_uploads[created["id"]]
    assert record.model_id == model.id and record.upload_key == auth["filename"]
    assert server.world.uploads[auth["filename"]].length == len(b"\x80\x04pickle")
    shown = gql(
        "query($id: ID) { model(modelId: $id) { computePickleUpload { id "
        "dockerImageName } } }",
        {"id": model.id},
    )["data"]["model"]
    assert shown["computePickleUpload"]["id"] == created["id"]
    assert shown["computePickleUpload"]["dockerImageName"] == "Python 3.11"


def test_filters_and_pagination(server: FakeNumerai, gql: GraphQL) -> None:
    model = server.world.own_models(8)[0]
    scores = gql(
        DOCUMENTS["GetSubmissionScores"],
        {
            "modelId": model.id,
            "displayName": "mmc",
            "lastNRounds": 3,
            "distinctOnRound": True,
        },
    )["data"]["submissionScores"]
    assert len(scores) == 3 and {s["displayName"] for s in scores} == {"mmc"}
    resolved = gql(
        DOCUMENTS["GetSubmissionScores"], {"modelId": model.id, "resolved": True}
    )
    assert all(s["resolved"] for s in resolved["data"]["submissionScores"])
    board = DOCUMENTS["GetClassicLeaderboard"]
    page = gql(board, {"limit": 5, "offset": 10}, auth=False)["data"]["v2Leaderboard"]
    assert [e["rank"] for e in page] == [11, 12, 13, 14, 15]
    assert "return_13_weeks" in page[0] or "return13Weeks" in page[0]
    datasets = gql(DOCUMENTS["ListDatasets"], {"tournament": 11})["data"][
        "listDatasets"
    ]
    assert (
        "signals/v2.0/live.parquet" in datasets and "v5.0/train.parquet" not in datasets
    )
    missing = gql(DOCUMENTS["GetDatasetUrl"], {"filename": "v9/none.parquet"})
    assert (
        missing["data"]["dataset"] is None
        and "not found" in missing["errors"][0]["message"]
    )


def test_seeding_extra_content(server: FakeNumerai, gql: GraphQL) -> None:
    world = server.world
    before = len(world.leaderboards["classic"])
    world.add_leaderboard_entries("classic", 20_000)
    page = gql(DOCUMENTS["GetClassicLeaderboard"], {"limit": 100, "offset": 20_000})
    entries = page["data"]["v2Leaderboard"]
    assert len(entries) == min(100, before + 20_000 - 20_000)
    assert entries[0]["rank"] == 20_001
    everything = gql("{ v2Leaderboard { rank } }")["data"]["v2Leaderboard"]
    assert len(everything) == before + 20_000
    model = world.own_models(8)[2]
    world.add_submission_scores(model.name, 5_000)
    scores = gql(
        "query($m: ID!) { submissionScores(modelId: $m) { value day } }",
        {"m": model.id},
    )["data"]["submissionScores"]
    assert len(scores) >= 5_000
    extra = world.add_model("newmodel", 8)
    assert gql(DOCUMENTS["GetModels"])["data"]["account"]["models"][-1]["id"] in {
        m.id for m in world.own_models()
    }
    assert extra.name == "newmodel"


def test_world_is_deterministic() -> None:
    import datetime as dt

    now = dt.datetime(2026, 3, 3, 12, 30, tzinfo=dt.timezone.utc)
    first, second = seed_world(5, now=now), seed_world(5, now=now)
    assert first.account == second.account
    assert [m.id for m in first.own_models()] == [m.id for m in second.own_models()]
    assert first.leaderboards == second.leaderboards
    assert first.submission_scores == second.submission_scores
    assert seed_world(6, now=now).account.username != "" and (
        [m.id for m in seed_world(6, now=now).models.values()]
        != [m.id for m in first.models.values()]
    )
    assert first.current_round(8) is not None


def test_keep_alive_and_concurrent_clients(server: FakeNumerai) -> None:
    """Sequential requests share one connection; concurrent clients (each on
    its own connection) all get whole, correct answers and are all recorded."""
    document = DOCUMENTS["GetCurrentRound"]
    with httpx.Client(headers=server.auth_headers) as client:
        for _ in range(20):
            response = post(server, document, {"tournament": 8}, client=client)
            assert response.status_code == 200 and "errors" not in response.json()
    assert server.connections_accepted == 1

    failures: list[str] = []
    expected = sorted(m.id for m in server.world.own_models())

    def worker() -> None:
        with httpx.Client(headers=server.auth_headers, timeout=10) as client:
            for _ in range(10):
                response = post(server, DOCUMENTS["GetModels"], {}, client=client)
                models = response.json()["data"]["account"]["models"]
                if sorted(m["id"] for m in models) != expected:
                    failures.append(response.text)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert len(server.requests.graphql("GetModels")) == 80
    assert server.connections_accepted == 1 + 8


def test_records_redact_the_secret(server: FakeNumerai, gql: GraphQL) -> None:
    gql(DOCUMENTS["GetModels"])
    gql(DOCUMENTS["GetCurrentRound"], {"tournament": 8}, auth=False)
    wrong = {"Authorization": f"Token {server.public_id}${server.secret_key}X"}
    gql(DOCUMENTS["GetModels"], auth=False, headers=wrong)
    records = list(server.requests)
    assert server.requests.operations() == ["GetModels", "GetCurrentRound", "GetModels"]
    assert records[0].authorization == f"Token {server.public_id}$***"
    assert records[1].authorization is None
    assert records[2].authorization == f"Token {server.public_id}$***"
    assert records[1].variables == {"tournament": 8}
    secret = server.secret_key
    for text in (
        repr(server),
        repr(server.world),
        repr(records),
        str(server.requests),
        repr(server.credentials),
        repr(server.world.account),
    ):
        assert secret not in text
    server.requests.clear()
    assert len(server.requests) == 0


def test_import_does_not_load_pandas() -> None:
    code = (
        "import sys, numerapi_gen.testing\n"
        "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_python_dash_m_serves_in_the_foreground() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "numerapi_gen.testing", "--port", "0", "--seed", "2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        keys = process.stdout.readline()
        url = first.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:")
        assert "NUMERAI_PUBLIC_ID=FAKEPUBLICID" in keys
        response = httpx.post(url, json={"query": "{ rounds(number: 0) { number } }"})
        assert response.json()["data"]["rounds"][0]["number"] > 0
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pytest_plugin_fixture(fake_numerai: FakeNumerai) -> None:
    assert fake_numerai.running and fake_numerai.seed == 0
    body = make_gql(fake_numerai)(DOCUMENTS["GetModels"])
    assert len(body["data"]["account"]["models"]) == 5


@pytest.mark.fake_numerai(seed=4, public_id="OTHERID", secret_key="OTHERSECRET")
def test_pytest_plugin_marker(fake_numerai: FakeNumerai) -> None:
    assert fake_numerai.seed == 4
    assert fake_numerai.auth_headers == {"Authorization": "Token OTHERID$OTHERSECRET"}
    assert fake_numerai.world.account.api_tokens[0].public_id == "OTHERID"


def test_stop_closes_keep_alive_connections() -> None:
    before = threading.active_count()
    server = FakeNumerai().start()
    client = httpx.Client()
    client.post(server.url, json={"query": "{ rounds(number: 0) { number } }"})
    assert threading.active_count() > before
    server.stop()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert threading.active_count() == before
    assert not server.running
    with pytest.raises(httpx.TransportError):
        client.post(server.url, json={"query": "{ rounds { number } }"})
    client.close()
