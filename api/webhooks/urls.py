"""The SSRF guard: a webhook URL must be https and reach only public addresses. Checked when an endpoint is
registered and again at every delivery (DNS can change), and the delivery connects to the address checked."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UrlRefused(ValueError):
    """The URL may not be used; `reason` is a short code, the message says why for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """Where a delivery goes: the URL's parts and the checked address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def host_header(self) -> str:
        """The Host header (the name, not the address; with the port when it is not the default)."""
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (tests replace this to avoid the network)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, 6to4 or Teredo IPv6 address (they reach it just the same)."""
    if isinstance(ip, ipaddress.IPv6Address):
        for inner in (ip.ipv4_mapped, ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if inner is not None:
                return inner
    return ip


def is_public(ip: IPAddress) -> bool:
    """Whether an address is a global unicast one: not loopback, private, link-local (cloud metadata
    169.254.169.254 included), shared, multicast, reserved or unspecified."""
    ip = _embedded_ipv4(ip)
    return ip.is_global and not ip.is_multicast


def _parse(url: str, *, allow_loopback: bool) -> tuple[str, str, int, str]:
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused("invalid", f"The URL is longer than {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UrlRefused("invalid", "The URL cannot be read.") from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UrlRefused("invalid", "The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("invalid", "The URL may not hold a user name or password; use the signing secret.")
    if parts.fragment:
        raise UrlRefused("invalid", "The URL may not have a #fragment.")
    if scheme != "https" and not (scheme == "http" and allow_loopback):
        raise UrlRefused("not_https", "Webhook URLs must use https.")
    port = port or (443 if scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, path


def check(url: str, *, allow_loopback: bool = False) -> Target:
    """Check a URL and resolve it; raises UrlRefused unless every address it resolves to is public
    (or, with `allow_loopback` for development and tests, every address is loopback)."""
    scheme, host, port, path = _parse(url, allow_loopback=allow_loopback)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host, port)]
        except (OSError, UnicodeError) as exc:
            raise UrlRefused("unresolvable", "The host name cannot be resolved.") from exc
    if not addresses:
        raise UrlRefused("unresolvable", "The host name cannot be resolved.")
    loopback = allow_loopback and all(_embedded_ipv4(a).is_loopback for a in addresses)
    if not loopback:
        if scheme != "https":
            raise UrlRefused("not_https", "Webhook URLs must use https.")
        if not all(is_public(a) for a in addresses):
            # Every address must be public: a name with one private address could be steered to it.
            raise UrlRefused(
                "address_refused",
                "The URL leads to a loopback, private, link-local or otherwise internal address.",
            )
    return Target(scheme=scheme, host=host, port=port, path=path, address=str(addresses[0]))
