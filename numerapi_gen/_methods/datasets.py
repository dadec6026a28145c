"""Datasets: what is published for a round, and downloading it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from numerai_graphql import Client

from .. import _validate
from .._client import AsyncAPIClient, SyncAPIClient
from .._errors import NotFoundError, NumeraiValidationError, TransferError
from .._plan import Plan, download, graphql
from ._docs import REQUEST, documented_like, raises

#: pandas/pyarrow ``filters``: a list of (column, op, value) tuples, or a list
#: of such lists (OR of ANDs).
Filters = list[tuple[str, str, Any]] | list[list[tuple[str, str, Any]]]


def _dataset_round(value: object) -> int | None:
    """A round number; 0 (like None) means the current round, as in numerapi."""
    return _validate.optional_positive_int(value, "round_num", allow_zero=True)


def list_datasets(tournament: int, round_num: int | None) -> Plan[list[str]]:
    round_num = _dataset_round(round_num)
    result = yield from graphql(
        Client.list_datasets, round=round_num, tournament=tournament
    )
    return [name for name in result.list_datasets or () if name is not None]


def dataset_url(tournament: int, filename: str, round_num: int | None) -> Plan[str]:
    filename = _validate.dataset_filename(filename)
    round_num = _dataset_round(round_num)
    result = yield from graphql(
        Client.get_dataset_url,
        filename=filename,
        round=round_num,
        tournament=tournament,
    )
    if not result.dataset:
        raise NotFoundError(f"no dataset named {filename!r} for this round")
    return result.dataset


def destination(filename: str, dest_path: str | None, data_dir: str) -> Path:
    """Where a download goes: ``dest_path`` or the file name, under the data dir."""
    path = Path(dest_path if dest_path is not None else filename)
    if data_dir != ".":
        path = Path(data_dir) / path
    return path


def download_dataset(
    tournament: int,
    filename: str,
    dest_path: str | None,
    round_num: int | None,
    filters: Filters | None,
    data_dir: str,
) -> Plan[str]:
    filename = _validate.dataset_filename(filename)
    round_num = _dataset_round(round_num)
    if filters is not None and not filename.lower().endswith(".parquet"):
        raise NumeraiValidationError(
            f"filters work on parquet files only, not {filename!r}",
            argument="filters",
        )
    dest = destination(filename, dest_path, data_dir)
    url = yield from dataset_url(tournament, filename, round_num)
    path = yield from download(url, dest, description=filename, filters=filters)
    return str(path)


class DatasetMethods(SyncAPIClient):
    @raises(NumeraiValidationError, *REQUEST)
    def list_datasets(self, round_num: int | None = None) -> list[str]:
        """The dataset files published for a round.

        Args:
            round_num: The round (default: the current one).

        Returns:
            The file names, e.g. ``"v5.0/train.parquet"``.

        Example:
            >>> api.list_datasets()[:2]
            ['v5.0/features.json', 'v5.0/live.parquet']
        """
        return self._run(list_datasets(self.tournament_id, round_num))

    @raises(NumeraiValidationError, *REQUEST, TransferError)
    def download_dataset(
        self,
        filename: str,
        dest_path: str | None = None,
        round_num: int | None = None,
        filters: Filters | None = None,
    ) -> str:
        """Download a dataset file, resumably, and verify it is complete.

        Args:
            filename: The file as ``list_datasets`` names it, e.g.
                ``"v5.0/train.parquet"``.
            dest_path: Where to write it (default: the file name under the data
                directory).
            round_num: The round whose file to fetch (default: the current one).
            filters: pyarrow/pandas filters: only the matching rows of a remote parquet
                file are read and written.

        Returns:
            The path of the complete file.

        Example:
            >>> api.download_dataset("v5.0/live.parquet", "live.parquet")
            'live.parquet'
        """
        return self._run(
            download_dataset(
                self.tournament_id,
                filename,
                dest_path,
                round_num,
                filters,
                self.global_data_dir,
            )
        )


@documented_like(DatasetMethods)
class AsyncDatasetMethods(AsyncAPIClient):
    async def list_datasets(self, round_num: int | None = None) -> list[str]:
        return await self._run(list_datasets(self.tournament_id, round_num))

    async def download_dataset(
        self,
        filename: str,
        dest_path: str | None = None,
        round_num: int | None = None,
        filters: Filters | None = None,
    ) -> str:
        return await self._run(
            download_dataset(
                self.tournament_id,
                filename,
                dest_path,
                round_num,
                filters,
                self.global_data_dir,
            )
        )
