"""An httpx transport whose every new connection goes through the Guard.

httpcore asks its network backend for a TCP connection to ``(host, port)``; this backend
resolves the host once, checks every address, and connects to the checked address itself,
so no second lookup can be rebound to an internal address. The URL, the Host header, the
pool key and TLS (SNI and certificate hostname check) all keep the real host name.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable

import httpcore
import httpx
from httpcore import AsyncNetworkBackend, AsyncNetworkStream
from httpcore._backends.base import SOCKET_OPTION

from bot.fetch.guard import Guard


class GuardedBackend(AsyncNetworkBackend):
    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109  (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        address = await self._guard.address_for(host, port)
        return await self._inner.connect_tcp(str(address), port, timeout=timeout,
                                             local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None,  # noqa: ASYNC109
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for member links")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def verifying_context(context: ssl.SSLContext | None = None) -> ssl.SSLContext:
    """The TLS context: certificates and host names are always checked. A caller may pass
    its own context (tests trust a local CA this way) but not one that skips checks."""
    if context is None:
        return httpx.create_ssl_context(verify=True, trust_env=False)
    if context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname:
        raise ValueError("the fetcher only uses TLS contexts that verify certificates")
    return context


class GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, guard: Guard, context: ssl.SSLContext, *,
                 max_connections: int = 100, max_keepalive: int = 0) -> None:
        super().__init__(verify=context, trust_env=False)
        # No idle keep-alive connections: member links rarely repeat a host, httpcore scans
        # every pooled connection for every request (a measured cost in benchmarks/ingest.py),
        # and a fresh connection per hop means every hop is resolved and checked anew.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(guard),
        )
