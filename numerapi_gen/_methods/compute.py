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
    def model_upload(
        self,
        file_path: str,
        tournament: int | None = None,
        model_id: str | None = None,
        data_version: str | None = None,
        docker_image: str | None = None,
    ) -> str:
        """Upload a pickled model (``.pkl``) for Numerai Compute; the upload id.

        ``data_version`` and ``docker_image`` are ids or names (see
        ``model_upload_data_versions`` and ``model_upload_docker_images``).
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

    def model_upload_data_versions(self) -> dict[str, str]:
        """Data versions a model upload can use: name -> id."""
        return self._run(data_versions())

    def model_upload_docker_images(self) -> dict[str, str]:
        """Docker images a model upload can run in: name -> id."""
        return self._run(docker_images())


class AsyncComputeMethods(AsyncAPIClient):
    async def model_upload(
        self,
        file_path: str,
        tournament: int | None = None,
        model_id: str | None = None,
        data_version: str | None = None,
        docker_image: str | None = None,
    ) -> str:
        """Upload a pickled model (``.pkl``) for Numerai Compute; the upload id.

        ``data_version`` and ``docker_image`` are ids or names (see
        ``model_upload_data_versions`` and ``model_upload_docker_images``).
        """
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
        """Data versions a model upload can use: name -> id."""
        return await self._run(data_versions())

    async def model_upload_docker_images(self) -> dict[str, str]:
        """Docker images a model upload can run in: name -> id."""
        return await self._run(docker_images())
