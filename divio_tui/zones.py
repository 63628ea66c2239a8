"""Where the API is: a zone (`divio.com`) or an explicit API URL, checked before any use.

Plain http is refused except to a loopback host: the token would cross the network in clear.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from divio_tui.config_file import SettingsError
from divio_tui.hosts import is_loopback


def normalise_api_url(url: str) -> str:
    """Return ``url`` cleaned for use as the API base, ending in ``/``.

    Raises :class:`SettingsError` unless it is an ``https://`` URL, or an ``http://`` URL to a
    loopback host: plain http elsewhere would carry the token across the network in clear.
    Credentials, queries and fragments in the URL are refused too.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise SettingsError(f"The API URL {url!r} is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise SettingsError(
            f"The API URL {url!r} must be an absolute http(s) URL, "
            "e.g. https://api.divio.com/apps/v3/."
        )
    if parts.username is not None or parts.password is not None:
        raise SettingsError("The API URL must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise SettingsError(f"The API URL {url!r} must not have a query or fragment.")
    if scheme == "http" and not is_loopback(host):
        raise SettingsError(
            f"Refusing plain http:// to {host}: the token would cross the network in clear. "
            "Use https://, or http:// only to a loopback address (127.0.0.1, ::1, localhost)."
        )
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{scheme}://{parts.netloc}{path}"


def api_url_for_zone(zone: str) -> str:
    """The API base of a zone, ``https://api.<zone>/apps/v3/`` (as divio-cli builds it)."""
    return f"https://api.{zone}/apps/v3/"


def check_zone(zone: str) -> str:
    """Return ``zone`` lower-cased if it is a plain host name (``divio.com``, ``dev.aldryn.net``).

    Raises :class:`SettingsError` otherwise (a URL belongs in ``--api-url``).
    """
    zone = zone.strip().lower().rstrip(".")
    labels = zone.split(".")
    if not zone or not all(
        label and len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
        for label in labels
    ):
        raise SettingsError(
            f"The zone {zone!r} is not a host name like 'divio.com'; "
            "to point at another API use --api-url URL."
        )
    return zone
