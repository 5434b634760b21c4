"""IP allow/deny lists in CIDR notation (IPv4 and IPv6); deny wins."""
import ipaddress

from odoo.exceptions import ValidationError


class IpRuleError(ValueError):
    """A list holds something that is not an address or a network."""


def parse_networks(text):
    """Parse a list of addresses/networks separated by commas, spaces or new lines."""
    networks = []
    for item in (text or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise IpRuleError("%r is not an IP address or CIDR network" % item) from None
    return tuple(networks)


def check_networks(*texts):
    """Validate lists of addresses/networks as a form would; raise ``ValidationError`` naming the first
    entry that is not an address or a CIDR network."""
    for text in texts:
        try:
            parse_networks(text)
        except IpRuleError as exc:
            raise ValidationError(str(exc)) from None


def _contains(networks, address):
    return any(address.version == net.version and address in net for net in networks)


def ip_allowed(address, allow, deny):
    """Whether ``address`` passes ``allow``/``deny`` (tuples of networks).

    Deny wins; an empty allow list allows every address not denied.
    """
    try:
        address = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return not allow and not deny
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if _contains(deny, address):
        return False
    return not allow or _contains(allow, address)
