"""A local, schema-faithful fake of the Numerai tournament API.

For this project's tests, benchmarks and demo, and for users' own CI::

    from numerapi_gen.testing import FakeNumerai

    with FakeNumerai(seed=1) as server:
        client = SomeClient(url=server.url, public_id=server.public_id,
                            secret_key=server.secret_key)
        ...
        assert server.requests.operations() == ["GetCurrentRound"]

It executes GraphQL against the schema the client was generated from (with
every validation rule), serves dataset files with byte ranges, accepts
presigned-style uploads, and can inject faults. pytest users can enable the
``fake_numerai`` fixture with ``-p numerapi_gen.testing.pytest_plugin``.
"""

from __future__ import annotations

from ._auth import DEFAULT_PUBLIC_ID, DEFAULT_SECRET_KEY, authorization_header
from ._blobs import Blob, ByteRange, Upload
from ._entities import (
    ApiToken,
    ComputePickleUpload,
    DatasetFile,
    Diagnostics,
    Model,
    Round,
    StakeRequest,
    Submission,
    User,
    WorldError,
)
from ._faults import Fault, Faults
from ._participant import ACCOUNT_PASSWORD, add_pickle
from ._recording import RecordedRequest, RequestLog
from ._resolvers import AUTH_REQUIRED_MESSAGE, INVALID_TOKEN_MESSAGE
from ._seed import seed_world
from ._server import FakeNumerai, serve
from ._tls import self_signed_certificate
from ._world import World

__all__ = [
    "ACCOUNT_PASSWORD",
    "AUTH_REQUIRED_MESSAGE",
    "DEFAULT_PUBLIC_ID",
    "DEFAULT_SECRET_KEY",
    "INVALID_TOKEN_MESSAGE",
    "ApiToken",
    "Blob",
    "ByteRange",
    "ComputePickleUpload",
    "DatasetFile",
    "Diagnostics",
    "FakeNumerai",
    "Fault",
    "Faults",
    "Model",
    "RecordedRequest",
    "RequestLog",
    "Round",
    "StakeRequest",
    "Submission",
    "Upload",
    "User",
    "World",
    "WorldError",
    "add_pickle",
    "authorization_header",
    "seed_world",
    "self_signed_certificate",
    "serve",
]
