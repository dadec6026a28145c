"""Numerai Compute: upload a pickled model; the data versions and images it may use."""

from __future__ import annotations

import uuid

from numerai_graphql import Client

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NumeraiValidationError
from .._plan import Plan, graphql
from ._common import (
    created_id,
    given,
    put_then_create,
    scratch_directory,
    upload_source,
    upload_url,
)
from ._docs import AUTHENTICATED, REQUEST, UPLOAD, documented_like, raises


def data_versions() -> Plan[dict[str, str]]:
    """Data version name -> id."""
    result = yield from graphql(
        Client.list_compute_pickle_data_versions, authenticated=True
    )
    return {
        item.name: item.id
        for item in result.compute_pickle_data_versions or ()
        if item is not None and item.name is not None and item.id
    }


def docker_images() -> Plan[dict[str, str]]:
    """Docker image name -> id."""
    result = yield from graphql(
        Client.list_compute_pickle_docker_images, authenticated=True
    )
    return {
        item.name: item.id
        for item in result.compute_pickle_docker_images or ()
        if item is not None and item.name is not None and item.id
    }


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _choice(value: object, argument: str) -> str | None:
    if value is None:
        return None
    return _validate.non_empty(value, argument)


def _resolve(
    value: str | None, argument: str, options: Plan[dict[str, str]]
) -> Plan[str | None]:
    """An id as given, or the id of the option with that name."""
    if value is None or _is_uuid(value):
        return value
    names = yield from options
    if value not in names:
        raise NumeraiValidationError(
            f"{argument} must be an id or one of {sorted(names)}, got {value!r}",
            argument=argument,
        )
    return names[value]


def model_upload(
    tournament: int,
    file_path: str,
    model_id: str | None,
    data_version: str | None,
    docker_image: str | None,
) -> Plan[str]:
    """Resolve names → ``computePickleUploadAuth`` → PUT → create; the upload id."""
    model = _validate.optional_model_id(given(model_id))
    version = _choice(data_version, "data_version")
    image = _choice(docker_image, "docker_image")
    with scratch_directory() as scratch:
        source = yield from upload_source(file_path, None, "model", scratch)
        version_id = yield from _resolve(version, "data_version", data_versions())
        image_id = yield from _resolve(image, "docker_image", docker_images())
        auth = yield from graphql(
            Client.get_compute_pickle_upload_auth,
            authenticated=True,
            filename=source.name,
            model_id=model,
        )
        url, name = upload_url(
            auth.compute_pickle_upload_auth, "computePickleUploadAuth"
        )
        created = yield from put_then_create(
            url,
            source,
            {},
            name,
            graphql(
                Client.create_compute_pickle_upload,
                authenticated=True,
                filename=name,
                tournament=tournament,
                model_id=model,
                data_version_id=version_id,
                docker_image_id=image_id,
            ),
            "model upload",
        )
    return created_id(created.create_compute_pickle_upload, name, "model upload")


class ComputeMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *AUTHENTICATED, *REQUEST, *UPLOAD)
    def model_upload(
        self,
        file_path: str,
        tournament: int | None = None,
        model_id: str | None = None,
        data_version: str | None = None,
        docker_image: str | None = None,
    ) -> str:
        """Upload a pickled model (``.pkl``) for Numerai Compute.

        Args:
            file_path: The pickle file.
            tournament: The tournament (default: this client's).
            model_id: The model slot that will run it.
            data_version: A data version name from ``model_upload_data_versions``.
            docker_image: A Docker image name from ``model_upload_docker_images``.

        Returns:
            The id of the created pickle upload.

        Example:
            >>> api.model_upload("model.pkl", model_id=model_id)
            'a3c1...'
        """
        return self._run(
            model_upload(
                self._tournament(tournament),
                file_path,
                model_id,
                data_version,
                docker_image,
            )
        )

    @raises(*REQUEST)
    def model_upload_data_versions(self) -> dict[str, str]:
        """The data versions a Compute model can use.

        Returns:
            A dict of data version name to id.

        Example:
            >>> api.model_upload_data_versions()
            {'v5.0': '...'}
        """
        return self._run(data_versions())

    @raises(*REQUEST)
    def model_upload_docker_images(self) -> dict[str, str]:
        """The Docker images a Compute model can run in.

        Returns:
            A dict of image name to id.

        Example:
            >>> list(api.model_upload_docker_images())[:1]
            ['Python 3.11']
        """
        return self._run(docker_images())


@documented_like(ComputeMethods)
class AsyncComputeMethods(AsyncAPIClient):
    async def model_upload(
        self,
        file_path: str,
        tournament: int | None = None,
        model_id: str | None = None,
        data_version: str | None = None,
        docker_image: str | None = None,
    ) -> str:
        return await self._run(
            model_upload(
                self._tournament(tournament),
                file_path,
                model_id,
                data_version,
                docker_image,
            )
        )

    async def model_upload_data_versions(self) -> dict[str, str]:
        return await self._run(data_versions())

    async def model_upload_docker_images(self) -> dict[str, str]:
        return await self._run(docker_images())
