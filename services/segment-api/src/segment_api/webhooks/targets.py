"""Where a webhook may post: its URL checked, and every address its host resolves to (SSRF).

Link-local and cloud-metadata addresses are always refused; loopback and private ones only when
the operator allows them (`WEBHOOK_ALLOW_LOOPBACK`, `WEBHOOK_ALLOW_PRIVATE`). Plain `http` is for
loopback receivers only. The check runs at registration and again before every attempt, on the
addresses the host resolves to then, and the attempt connects to the address that was checked:
a name that resolves elsewhere later (DNS rebinding) reaches nothing it should not.
"""

import asyncio
import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from urllib.parse import SplitResult, urlsplit

from pydantic_settings import BaseSettings

IPAddress = IPv4Address | IPv6Address
RESOLVE_TIMEOUT_SECONDS = 3.0
MAX_URL_LENGTH = 2_000
ALWAYS_REFUSED = tuple(
    ip_network(network)
    for network in (
        "169.254.0.0/16",  # link-local, and the metadata service of most clouds
        "fe80::/10",
        "fd00:ec2::/32",  # AWS's IPv6 metadata, DNS and time services
        "100.100.100.200/32",  # Alibaba Cloud's metadata service
        "0.0.0.0/8",
        "::/128",
        "224.0.0.0/4",
        "ff00::/8",
        "240.0.0.0/4",
    )
)
PRIVATE_EXTRA = (ip_network("100.64.0.0/10"),)  # carrier-grade NAT: not `is_private`, not public either
NAT64 = ip_network("64:ff9b::/96")


class WebhookSettings(BaseSettings):
    """Which receivers beyond the public internet the operator allows (both off in production)."""

    webhook_allow_loopback: bool = False
    webhook_allow_private: bool = False


class TargetRefused(ValueError):
    """The URL, or an address its host resolves to, is not one a webhook may post to."""


@dataclass(frozen=True)
class Target:
    """A checked URL and the address an attempt connects to."""

    url: SplitResult
    address: IPAddress

    @property
    def host(self) -> str:
        assert self.url.hostname is not None
        return self.url.hostname


def parse_url(url: str) -> SplitResult:
    """The URL's parts; refused when it is not an absolute http(s) URL without credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefused(f"is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError as error:
        raise TargetRefused(f"is not a URL: {error}") from None
    if parts.scheme not in ("https", "http"):
        raise TargetRefused("must be an https URL")
    if not parts.hostname:
        raise TargetRefused("has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("must not hold credentials: receivers verify X-SegOps-Signature instead")
    if parts.fragment:
        raise TargetRefused("must not have a #fragment")
    return parts


def classify(address: IPAddress) -> str:
    """public, private, loopback or refused."""
    if isinstance(address, IPv6Address):
        if address.ipv4_mapped is not None:
            return classify(address.ipv4_mapped)
        if address in NAT64:
            return classify(IPv4Address(int(address) & 0xFFFFFFFF))
    if any(address in network for network in ALWAYS_REFUSED) or address.is_link_local:
        return "refused"
    if address.is_loopback:
        return "loopback"
    if address.is_private or any(address in network for network in PRIVATE_EXTRA) or not address.is_global:
        return "private"
    return "public"


def check_address(address: IPAddress, scheme: str, settings: WebhookSettings) -> None:
    kind = classify(address)
    if kind == "refused":
        raise TargetRefused(f"resolves to {address}, a link-local or cloud-metadata address")
    if kind == "loopback" and not settings.webhook_allow_loopback:
        raise TargetRefused(f"resolves to {address}, a loopback address")
    if kind == "private" and not settings.webhook_allow_private:
        raise TargetRefused(f"resolves to {address}, a private address")
    if scheme == "http" and kind != "loopback":
        raise TargetRefused("must be an https URL (plain http only for loopback receivers)")


async def resolve(url: str, settings: WebhookSettings) -> Target:
    """The URL checked, with the first of its host's addresses; refused when any of them is."""
    parts = parse_url(url)
    assert parts.hostname is not None
    addresses = await _addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    for address in addresses:
        check_address(address, parts.scheme, settings)
    return Target(parts, addresses[0])


async def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        return [ip_address(host)]
    except ValueError:
        pass
    try:
        found = await asyncio.wait_for(
            asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM),
            RESOLVE_TIMEOUT_SECONDS,
        )
    except (OSError, TimeoutError) as error:
        raise TargetRefused(f"host {host!r} does not resolve: {error or 'timed out'}") from None
    addresses = list(dict.fromkeys(ip_address(str(info[4][0]).split("%")[0]) for info in found))
    if not addresses:
        raise TargetRefused(f"host {host!r} does not resolve")
    return addresses
