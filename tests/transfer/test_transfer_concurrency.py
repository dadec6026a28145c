"""One writer per destination: concurrent downloads of the same file, from
threads and from processes, end with one intact file, no error and one body
sent; a waiting download takes over a partial file its predecessor left."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from _transfer_support import Files, header, leftovers, random_bytes

from numerapi_gen._errors import IncompleteDownloadError
from numerapi_gen._transfer import download_file

MiB = 1024 * 1024


def in_threads(*jobs: Callable[[], object]) -> list[object]:
    """Run ``jobs`` at once; their results (or the exceptions they raised)."""
    results: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = jobs[index]()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def fetch(client: httpx.Client, url: str, dest: Path, retries: int = 3) -> Path:
    return download_file(
        client, url, dest, show_progress=False, max_retries=retries, connections=1
    )


def test_threads_share_one_download(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(2 * MiB, seed=31)
    url = files.add("one-destination.bin", data)
    # The first body is slow to start, so the second call arrives meanwhile.
    files.server.faults.add(
        path="/files/one-destination.bin", method="GET", latency=0.3, times=1
    )
    dest = tmp_path / "one-destination.bin"

    results = in_threads(
        lambda: fetch(client, url, dest), lambda: fetch(client, url, dest)
    )

    assert results == [dest, dest]
    assert dest.read_bytes() == data
    assert len(files.gets()) == 1  # the second found the file complete
    assert leftovers(tmp_path) == []


def test_a_waiting_download_takes_over_the_partial_file(
    client: httpx.Client, files: Files, tmp_path: Path
) -> None:
    data = random_bytes(MiB, seed=32)
    url = files.add("partial.bin", data)
    faults = files.server.faults
    faults.add(
        path="/files/partial.bin",
        method="GET",
        latency=0.3,
        drop_after=400_000,
        times=1,
    )
    dest = tmp_path / "partial.bin"

    first, second = in_threads(
        lambda: fetch(client, url, dest, retries=0),
        lambda: fetch(client, url, dest, retries=0),
    )

    outcomes = sorted([first, second], key=lambda r: isinstance(r, Path))
    assert isinstance(outcomes[0], IncompleteDownloadError)
    assert outcomes[1] == dest
    assert dest.read_bytes() == data
    gets = files.gets()
    assert len(gets) == 2
    assert header(gets[1], "Range") == "bytes=400000-"
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX process spawning")
def test_processes_share_one_download(files: Files, tmp_path: Path) -> None:
    data = random_bytes(2 * MiB, seed=33)
    url = files.add("processes.bin", data)
    files.server.faults.add(
        path="/files/processes.bin", method="GET", latency=0.5, times=1
    )
    dest = tmp_path / "processes.bin"
    code = (
        "import sys, httpx\n"
        "from pathlib import Path\n"
        "from numerapi_gen._transfer import download_file\n"
        "with httpx.Client() as client:\n"
        "    download_file(client, sys.argv[1], Path(sys.argv[2]),"
        " show_progress=False, connections=1, max_retries=3)\n"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", code, url, str(dest)]) for _ in range(2)
    ]
    assert [child.wait(timeout=60) for child in children] == [0, 0]
    assert dest.read_bytes() == data
    assert len(files.gets()) == 1
    assert leftovers(tmp_path) == []
