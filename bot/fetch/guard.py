"""Which addresses the fetcher may connect to. Text from members is untrusted: a link must
never make the bot reach loopback, the private network, or the cloud metadata service."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from typing import Protocol

from bot.config import Network
from bot.errors import BlockedAddress, FetchError
from bot.replies import PRIVATE_ADDRESS

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")  # IPv4-translated, RFC 2765
# Beyond what the ipaddress module calls non-global: ranges that are special-purpose,
# deprecated or local, kept explicit so a Python upgrade cannot quietly open one.
BLOCKED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "255.255.255.255/32",
    "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
    "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))


def is_public(address: Address) -> bool:
    """True only for globally routable unicast addresses, looking through IPv6 forms that
    embed an IPv4 address (mapped, compatible, translated, 6to4, NAT64) and refusing
    Teredo, whose embedded client address cannot be trusted."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.teredo is not None:
            return False
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
    if any(address in network for network in BLOCKED_NETWORKS):
        return False
    return address.is_global and not address.is_multicast


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or address in _SIIT:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    packed = int(address)
    if packed >> 32 == 0 and packed > 1:  # deprecated IPv4-compatible ::a.b.c.d
        return ipaddress.IPv4Address(packed)
    return None


class Resolver(Protocol):
    """Resolves a host name to all its addresses.

    Raises FetchError when the name does not resolve. The fetcher calls it once per new
    connection and connects to an address it returned, so tests inject a fake that maps any
    name to loopback (or to an address the guard must refuse) and no real DNS is needed.
    """

    async def resolve(self, host: str, port: int) -> list[Address]: ...


def numeric_host(host: str) -> Address | None:
    """An address written as a host, in any form the C library accepts: 127.1, 2130706433,
    0x7f000001, 0177.0.0.1, 0, [::1]. Such hosts never reach DNS."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


class SystemResolver:
    """The event loop's getaddrinfo (in its thread pool); numeric hosts are parsed here."""

    async def resolve(self, host: str, port: int) -> list[Address]:
        numeric = numeric_host(host)
        if numeric is not None:
            return [numeric]
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as err:
            raise FetchError(f"the host {host} could not be found") from err
        return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


class Guard:
    """Resolves a host once and returns the one address to connect to, or refuses.

    ``allow`` (DIGESTIF_FETCH_ALLOW_NETWORKS) is the only way to reach a non-public address;
    there it is allowed on any port."""

    def __init__(self, resolver: Resolver, allow: Sequence[Network] = ()) -> None:
        self._resolver = resolver
        self._allow = tuple(allow)

    def allowed(self, address: Address) -> bool:
        if any(address.version == net.version and address in net for net in self._allow):
            return True
        return is_public(address)

    async def address_for(self, host: str, port: int) -> Address:
        addresses = await self._resolver.resolve(host, port)
        if not addresses:
            raise FetchError(f"the host {host} could not be found")
        # If any address is not allowed, refuse the host: a name that points at both a
        # public and an internal address is an attack, not a misconfiguration.
        for address in addresses:
            if not self.allowed(address):
                raise BlockedAddress(PRIVATE_ADDRESS)
        return addresses[0]
