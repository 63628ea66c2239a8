"""`DivioClient.deployment_environment_variables`: the snapshot a deployment was made with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from divio_tui.api import BadResponse, DivioClient
from divio_tui.fake import FakeDivioAPI, FakeTransport
from tests.api.conftest import json_response

MakeClient = Callable[..., DivioClient]


async def test_the_snapshot_is_the_deployment_with_its_values(fake_api: FakeDivioAPI) -> None:
    env = fake_api.dataset.environment("tinyrobots-fleet", "live")
    assert env is not None
    newest = fake_api.dataset.where("deployments", "environment", env["uuid"])[0]
    async with DivioClient("https://api.divio.com/apps/v3/", "t0ken",
                           transport=FakeTransport(fake_api)) as client:
        deployment = await client.deployment_environment_variables(newest["uuid"])
    assert deployment.uuid == newest["uuid"] and deployment.environment == env["uuid"]
    variables = deployment.environment_variables
    assert isinstance(variables, dict)
    assert variables["PIP_INDEX_URL"] == "https://pypi.tinyrobots.dev/simpel/"
    # The path divio-cli uses (no trailing slash), read-only.
    method, path, status = fake_api.requests[-1]
    assert (method, path.split("?")[0], status) == (
        "GET", f"/apps/v3/deployments/{newest['uuid']}/environment-variables", 200)


async def test_a_snapshot_without_values_is_a_bad_response(make_client: MakeClient) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body: dict[str, Any] = {"uuid": "d1", "environment_variables": ["SECRET_KEY"]}
        return json_response(200, body)

    with pytest.raises(BadResponse) as caught:
        await make_client(handler).deployment_environment_variables("d1")
    assert "SECRET_KEY" not in caught.value.message
    assert "environment-variables" in caught.value.message
