"""The API's address book: one base URL, two families, and the origin pin.

Every URL the client will send its token to passes through `ApiUrls.pin`, which refuses any
URL on another origin (scheme, host, port) or carrying userinfo. That is the whole defence
against a malicious or misconfigured `next` link or redirect leaking the token.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

from .errors import Refused, describe_request

__all__ = ["DEFAULT_BASE_URL", "ApiUrls", "Params"]

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
        return self.pin(url)

    def pin(self, url: str | httpx.URL, method: str = "GET") -> httpx.URL:
        """Return `url` parsed, or raise `Refused` if the token must not go there."""
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
        if parsed.userinfo:
            raise Refused(
                f"Refused a URL with embedded credentials — {describe_request(method, parsed)}",
                url=parsed,
                method=method,
            )
        if _origin(parsed) != self.origin:
            shown = f"{parsed.scheme}://{parsed.host}" + (f":{parsed.port}" if parsed.port else "")
            raise Refused(
                f"Refused to send the token to another origin ({shown}) — "
                f"{describe_request(method, parsed)}",
                url=parsed,
                method=method,
            )
        return parsed


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    # httpx lower-cases scheme and host and drops default ports, so equal origins compare equal.
    return (url.scheme, url.host, url.port)
