"""Proxies from the environment, for clients built on our own transports.

httpx reads ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` only
when a client uses its default transport; ours wrap every transport in a
retrying one, so the clients would silently go direct. These mounts put the
environment's proxies back, each behind the same retry policy, with the same
rules as httpx (and curl) for ``NO_PROXY``.
"""

from __future__ import annotations

import ipaddress
import urllib.request
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def environment_proxies() -> dict[str, str | None]:
    """httpx mount pattern -> proxy URL, or None where NO_PROXY says go direct."""
    info = urllib.request.getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        url = info.get(scheme)
        if url:
            mounts[f"{scheme}://"] = url if "://" in url else f"http://{url}"
    if not mounts:
        return {}
    for host in (h.strip() for h in info.get("no", "").split(",")):
        if host == "*":
            return {}
        if not host:
            continue
        if "://" in host:
            mounts[host] = None
        elif ":" in host and _is_ip(host):
            mounts[f"all://[{host}]"] = None
        elif _is_ip(host) or host.lower() == "localhost":
            mounts[f"all://{host}"] = None
        else:
            mounts[f"all://*{host}"] = None
    return mounts


def proxy_applies(scheme: str, host: str) -> bool:
    """Whether the environment sends a request for ``scheme://host`` through a
    proxy (``NO_PROXY`` by urllib's rules), for clients we did not build."""
    proxies = urllib.request.getproxies_environment()
    if not (proxies.get(scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(host)


def proxy_mounts(make_transport: Callable[[str], T]) -> dict[str, T | None]:
    """``mounts=`` for an httpx client: a transport per proxy, None to bypass."""
    return {
        pattern: None if url is None else make_transport(url)
        for pattern, url in environment_proxies().items()
    }
