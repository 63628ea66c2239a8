"""What a stock Django REST Framework server does that the fake does not by default.

Served side by side with a real DRF 3.18 app (Django 5.2, django-filter 26; divio-api.md
§6.6), the fake matches paging, auth messages and filters byte for byte, but these behaviours
never come from it unless `FakeDivioAPI(stock_drf=True)` (``fake-api --stock-drf``) asks:

- a path without its trailing slash gets a **301** (`text/html`, empty body) to a relative
  `Location` keeping the query, **before** authentication (Django's APPEND_SLASH);
- an unknown route is Django's **HTML** 404 page, not JSON;
- a missing object is ``{"detail": "No Application matches the given query."}`` (DRF >= 3.15);
- a ForeignKey filter naming an unknown (or invisible) parent, ``environments/?application=
  <gone>``, is a **400** ``{"application": ["Select a valid choice. …"]}``, not an empty page;
- ``OPTIONS`` answers 200 with the view's metadata, and `Allow` lists it.

Whether Divio's API does each of these is unknown (INFERRED): the client must cope with both.
"""

from __future__ import annotations

from collections.abc import Callable

from ._util import Record
from ._wire import FakeResponse, json_response, text_response

__all__ = ["ALLOW", "INVALID_CHOICE", "invalid_parent", "missing_object", "not_found_page",
           "options", "slash_redirect"]

ALLOW = "GET, HEAD, OPTIONS"
"""`Allow` of a read-only DRF view."""

INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."

NOT_FOUND_PAGE = ('<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n'
                  '</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not '
                  'found on this server.</p>\n</body>\n</html>\n')
"""Django's default 404 page (DEBUG off)."""

MODELS = {"applications": "Application", "environments": "Environment",
          "deployments": "Deployment", "backups": "Backup",
          "service-instance-backups": "ServiceInstanceBackup",
          "service-instances": "ServiceInstance", "services": "Service",
          "repositories": "Repository", "domains": "Domain", "builds": "Build",
          "patches": "Patch", "environment-variables": "EnvironmentVariable",
          "regions": "Region", "organisations": "Organisation"}
"""Route -> the Django model's object name, as ``get_object_or_404`` words it (INFERRED)."""

PARENTS = {"organisation": "organisations", "application": "applications",
           "environment": "environments", "backup": "backups",
           "service_instance": "service-instances", "region": "regions",
           "deployment": "deployments", "website": "applications"}
"""ForeignKey filters -> the collection their value must name (the others are plain text)."""

_HTML = "text/html; charset=utf-8"


def slash_redirect(path: str, query: str) -> FakeResponse:
    """Django's APPEND_SLASH answer: 301 to the same path with a slash, query kept."""
    location = path + "/" + (f"?{query}" if query else "")
    return FakeResponse(301, {"Content-Type": _HTML, "Location": location,
                              "Content-Length": "0"}, b"")


def not_found_page() -> FakeResponse:
    return text_response(404, NOT_FOUND_PAGE, _HTML)


def missing_object(route: str) -> FakeResponse:
    name = MODELS.get(route, "Object")
    return json_response(404, {"detail": f"No {name} matches the given query."},
                         {"Allow": ALLOW})


def invalid_parent(params: dict[str, list[str]], filters: tuple[tuple[str, str, str], ...],
                   exists: Callable[[str, str], bool]) -> FakeResponse | None:
    """The 400 naming every ForeignKey filter of `filters` whose value names no record, or
    None; `exists(collection, uuid)` says whether a record is there."""
    errors: dict[str, list[str]] = {}
    for param, _field, _how in filters:
        collection = PARENTS.get(param)
        values = [value for value in params.get(param, ()) if value != ""]
        if collection is None or not values:
            continue
        if not all(exists(collection, value) for value in values):
            errors[param] = [INVALID_CHOICE]
    return json_response(400, errors, {"Allow": ALLOW}) if errors else None


def options(route: str) -> FakeResponse:
    """DRF's SimpleMetadata answer to OPTIONS on a list or detail view."""
    name = MODELS.get(route, "Api Root")
    body: Record = {"name": f"{name} List" if route in MODELS else name, "description": "",
                    "renders": ["application/json", "text/html"],
                    "parses": ["application/json", "application/x-www-form-urlencoded",
                               "multipart/form-data"]}
    return json_response(200, body, {"Allow": ALLOW})
