"""Which addresses decide whether a host is on the public internet (for fetch's private-network check).

An IPv6 address may carry an IPv4 one, and on a network with a NAT64 translator or a
tunnel it leads there: `[64:ff9b::7f00:1]` is 127.0.0.1 to an IPv6-only host behind
NAT64. Every such form is decoded, so the IPv4 address is judged as well.
"""

from __future__ import annotations

import ipaddress

# IPv6 ranges whose addresses are only ways of writing an IPv4 address (it sits in the last 32 bits):
# the NAT64 well-known prefix (RFC 6052) and SIIT's IPv4-translated addresses (RFC 2765).
_SPELLINGS = [ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::ffff:0:0:0/96")]
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible addresses, ::a.b.c.d
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use NAT64 (RFC 8215)


def _bits(value: int, first: int, count: int) -> int:
    """`count` bits of a 128-bit address, from bit `first` (0 is the leftmost)."""
    return (value >> (128 - first - count)) & ((1 << count) - 1)


def _nat64_local(value: int) -> list[ipaddress.IPv4Address]:
    """The IPv4 a 64:ff9b:1::/48 address may carry: its operator picks the prefix length
    (RFC 8215), so every RFC 6052 layout that fits is read (u octet and suffix zero), and /96 always."""
    layouts = [  # prefix length: (IPv4 bits before the u octet, after it), the suffix
        ((_bits(value, 48, 16) << 16) | _bits(value, 72, 16), _bits(value, 88, 40)),
        ((_bits(value, 56, 8) << 24) | _bits(value, 72, 24), _bits(value, 96, 32)),
        (_bits(value, 72, 32), _bits(value, 104, 24)),
    ]
    found = [ipaddress.IPv4Address(v4) for v4, suffix in layouts if suffix == 0 and _bits(value, 64, 8) == 0]
    return [*found, ipaddress.IPv4Address(value & 0xFFFFFFFF)]


def judged_by(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses that decide whether `ip` is public: an IPv6 address that carries an IPv4
    one leads to it (through a translator or a tunnel), so that IPv4 is judged too; an IPv6
    address that is only another spelling of an IPv4 one is judged by that IPv4 alone."""
    if isinstance(ip, ipaddress.IPv4Address):
        return [ip]
    value = int(ip)
    if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d
        return [ip.ipv4_mapped]
    # NAT64's /96, SIIT, and ::a.b.c.d (but not :: nor ::1, which are addresses of their own)
    if any(ip in spelling for spelling in _SPELLINGS) or (ip in _COMPATIBLE and value > 1):
        return [ipaddress.IPv4Address(value & 0xFFFFFFFF)]
    if ip in _NAT64_LOCAL:
        return [*_nat64_local(value)]
    judged: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    if ip.sixtofour is not None:  # 2002:a.b.c.d::/48
        judged.append(ip.sixtofour)
    if ip.teredo is not None:  # 2001::/32: the Teredo server and the client behind it
        judged += ip.teredo
    if _bits(value, 64, 32) in (0x00005EFE, 0x02005EFE):  # ISATAP: an interface id of [0|200]:5efe:a.b.c.d
        judged.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    return [*judged, ip]  # the IPv4 first: a refusal names the address it leads to
