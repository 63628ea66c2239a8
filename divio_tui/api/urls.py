"""The API's address book: one base URL, two families, and the origin pin.

Every URL the client will send its token to passes through `ApiUrls.pin`, which refuses any
URL on another origin (scheme, host, port) or carrying userinfo. That is the whole defence
against a malicious or misconfigured `next` link or redirect leaking the token.

Ids and URLs that came from the server are checked before they are used: `is_api_id` says
whether a string can be a resource id in a path (the real ids are 26-character base32; any
short word of letters, digits, ``-`` and ``_`` passes, nothing that could hold a ``/``, a
``..``, a control character or a space), and a URL no request could carry (a control
character in a `next` link) is `Refused` rather than an httpx exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import httpx

from .errors import Refused, clean_text, describe_request

__all__ = ["DEFAULT_BASE_URL", "ApiUrls", "Params", "is_api_id", "is_web_url"]

_API_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
"""What an id must look like to go into a path: a word, at most 128 characters."""


def is_api_id(value: object) -> bool:
    """True if `value` can be a resource id in a URL path (see the module docstring)."""
    return isinstance(value, str) and _API_ID.fullmatch(value) is not None


def is_web_url(value: object) -> bool:
    """True if `value` is an absolute http(s) URL of printable ASCII with a host: safe to copy
    or to hand to a browser (no escape sequence, newline or invisible character in it)."""
    if not isinstance(value, str) or not value.isascii() or len(value) > 2000:
        return False
    if any(not ch.isprintable() or ch.isspace() for ch in value):
        return False
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        return False
    return url.scheme in ("http", "https") and bool(url.host) and not url.userinfo

DEFAULT_BASE_URL = "https://api.divio.com/apps/v3/"
"""The production apps/v3 base (divio-api.md §1.1)."""

APPS_SUFFIX = "apps/v3/"
FAMILY_PREFIXES = ("apps/v3/", "iam/v3/")

Params = Mapping[str, str | int | Sequence[str]]
"""Query parameters; a sequence value repeats the parameter (``environment=a&environment=b``)."""


class ApiUrls:
    """URLs derived from one apps/v3 base URL.

    The base may live under any host, port and path prefix (``http://127.0.0.1:8765/apps/v3/``,
    ``https://proxy.example/divio/apps/v3/``); the IAM family is the same prefix with
    ``iam/v3/``. A base with an empty path gets ``/apps/v3/`` appended; any other path must end
    in ``apps/v3`` (with or without the slash), else `ValueError`.
    """

    def __init__(self, base_url: str) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"API URL must be an http(s) URL with a host, got {base_url!r}")
        if url.userinfo:
            # httpx would turn user:password@ into Basic auth and replace our Token header.
            raise ValueError("API URL must not contain credentials; pass the token separately")
        path = url.path if url.path.endswith("/") else url.path + "/"
        if path == "/":
            path = "/" + APPS_SUFFIX
        if not path.endswith("/" + APPS_SUFFIX):
            raise ValueError(f"API URL must end in /apps/v3/, got {base_url!r}")
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        self.apps = httpx.URL(origin + path)
        """The apps/v3 base, normalised (trailing slash, no query)."""
        self.root = httpx.URL(origin + path.removesuffix(APPS_SUFFIX))
        """The prefix both families hang from (``https://api.divio.com/``)."""
        self.iam = self.root.join("iam/v3/")

    @property
    def origin(self) -> tuple[str, str, int | None]:
        return _origin(self.apps)

    def resolve(self, path_or_url: str | httpx.URL, params: Params | None = None) -> httpx.URL:
        """Turn a path or URL into an absolute, origin-checked URL.

        - an absolute URL is used as is (and must be on our origin);
        - ``apps/v3/…`` and ``iam/v3/…`` are relative to the shared prefix;
        - ``/…`` is relative to the origin, as in a browser;
        - anything else is relative to the apps/v3 base (``backups/``).
        `params` are merged over the URL's own query parameters.
        """
        text = str(path_or_url)
        try:
            if isinstance(path_or_url, httpx.URL):
                url = path_or_url  # already parsed (httpx URLs are immutable)
            elif "://" in text:
                url = httpx.URL(text)
            elif text.startswith(FAMILY_PREFIXES):
                url = self.root.join(text)
            else:
                url = self.apps.join(text)
            if params:
                url = url.copy_merge_params(dict(params))
        except httpx.InvalidURL:
            raise _malformed(text) from None
        return self.pin(url)

    def pin(self, url: str | httpx.URL, method: str = "GET") -> httpx.URL:
        """Return `url` parsed, or raise `Refused` if the token must not go there (another
        origin, credentials in it, or no URL at all: a control character, a bad port)."""
        try:
            parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
            # httpx parses lazily: the port and the host are checked when they are read.
            origin = _origin(parsed)
        except httpx.InvalidURL:
            raise _malformed(str(url), method) from None
        if parsed.userinfo:
            raise Refused(
                f"Refused a URL with embedded credentials — {describe_request(method, parsed)}",
                url=parsed,
                method=method,
            )
        if origin != self.origin:
            shown = f"{parsed.scheme}://{parsed.host}" + (f":{parsed.port}" if parsed.port else "")
            raise Refused(
                f"Refused to send the token to another origin ({shown}) — "
                f"{describe_request(method, parsed)}",
                url=parsed,
                method=method,
                summary="a link to another server (the token stays here)",
            )
        return parsed


def _malformed(text: str, method: str = "GET") -> Refused:
    """A URL httpx cannot parse, or that no request line could carry (shown made visible)."""
    return Refused(f"Refused a malformed URL — {method} {clean_text(text, 120)}",
                   method=method, summary="a malformed URL")


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    # httpx lower-cases scheme and host and drops default ports, so equal origins compare equal.
    return (url.scheme, url.host, url.port)
