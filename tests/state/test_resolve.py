"""Targets as people type them: a slug, a name, `slug/env`, any UUID — found with few requests,
right when the server ignores the filters, and "not found" said in words."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from divio_tui.api.client import DivioClient
from divio_tui.api.errors import Unauthorised
from divio_tui.fake import Dataset, FakeDivioAPI, FakeTransport
from divio_tui.settings import DEMO_API_URL
from divio_tui.state.resolve import TargetNotFound, environment_by_address, resolve_target
from divio_tui.state.session import Session


class IgnoresSearchParams(httpx.AsyncBaseTransport):
    """The real API may ignore `slug` and `name_search` (DRF drops unknown params)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params.remove("slug").remove("name_search")
        request.url = request.url.copy_with(params=params)
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def session(fake_api: FakeDivioAPI) -> AsyncIterator[Session]:
    async with DivioClient(DEMO_API_URL, "t0ken-for-tests-1234", transport=FakeTransport(fake_api),
                           page_size=5) as client:
        yield Session(client)


def paths(api: FakeDivioAPI) -> list[str]:
    return [path for _method, path, _status in api.requests]


async def test_a_slug_is_an_application_found_with_one_request(
        session: Session, fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    target = await resolve_target(session, "globex-careers")
    assert (target.kind, target.model.raw["slug"]) == ("application", "globex-careers")
    assert paths(fake_api) == ["/apps/v3/applications/?page_size=5&slug=globex-careers"]


async def test_slug_slash_env_is_the_environment(session: Session, demo_dataset: Dataset) -> None:
    target = await resolve_target(session, "acme-shop/live")
    assert target.kind == "environment"
    assert target.uuid == demo_dataset.environment("acme-shop", "live")["uuid"]


async def test_any_uuid_is_found_as_its_kind(session: Session, demo_dataset: Dataset) -> None:
    sib = demo_dataset.collections["service-instance-backups"][7]
    target = await resolve_target(session, sib["uuid"].upper())
    assert (target.kind, target.uuid) == ("service_instance_backup", sib["uuid"])


async def test_an_exact_name_or_a_fragment_only_one_application_holds(session: Session) -> None:
    assert (await resolve_target(session, "ACME Shop")).model.raw["slug"] == "acme-shop"
    assert (await resolve_target(session, "Careers")).model.raw["slug"] == "globex-careers"


async def test_ignored_slug_and_name_filters_give_the_right_answer(fake_api: FakeDivioAPI) -> None:
    transport = IgnoresSearchParams(FakeTransport(fake_api))
    async with DivioClient(DEMO_API_URL, "t0ken-for-tests-1234", transport=transport,
                           page_size=5) as client:
        session = Session(client)
        assert (await resolve_target(session, "tinyrobots-academy")).model.raw["name"]
        with pytest.raises(TargetNotFound, match="No application has the slug or name 'nope'"):
            await resolve_target(session, "nope")


@pytest.mark.parametrize(("text", "message"), [
    ("no-such-app", "No application has the slug or name 'no-such-app'."),
    ("acme-shop/prod", "The application acme-shop has no environment 'prod' (it has test, live"),
    ("globex", "5 applications match 'globex' (globex-website, globex-api, globex-careers, "
               "globex-docs, globex-status): give the slug."),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaa", "Nothing has the UUID aaaaaaaaaaaaaaaaaaaaaaaaaa: it is no "
                                   "kind of resource this token can see."),
    ("  ", "Nothing to open"),
])
async def test_what_cannot_be_found_is_said_in_words(session: Session, text: str,
                                                     message: str) -> None:
    with pytest.raises(TargetNotFound) as caught:
        await resolve_target(session, text)
    assert caught.value.message.startswith(message)


async def test_an_address_is_app_slash_env_by_slug_or_uuid_or_an_environments_uuid(
        session: Session, demo_dataset: Dataset) -> None:
    live = demo_dataset.environment("acme-shop", "live")
    app_uuid = live["application"]
    for address in ("acme-shop/live", f"{app_uuid}/live", f"acme-shop/{live['uuid']}",
                    live["uuid"], " acme-shop/live "):
        assert (await environment_by_address(session, address)).uuid == live["uuid"]


@pytest.mark.parametrize(("address", "message"), [
    ("nosuchapp/live", "No application with the slug 'nosuchapp'."),
    ("ACME Shop/live", "No application with the slug 'ACME Shop'."),  # names are not searched
    ("acme-shop/prod", "The application 'acme-shop' has no environment 'prod' (it has: live, "
                       "staging, test)."),
    ("acme-shop", "'acme-shop' is not APP/ENV (e.g. my-app/live) or an environment's UUID."),
    ("aaaaaaaaaaaaaaaaaaaaaaaaaa", "No environment with the UUID 'aaaaaaaaaaaaaaaaaaaaaaaaaa'."),
])
async def test_an_address_that_names_no_environment_says_which_part(
        session: Session, address: str, message: str) -> None:
    with pytest.raises(TargetNotFound) as caught:
        await environment_by_address(session, address)
    assert caught.value.message == message


async def test_a_refused_token_is_not_reported_as_a_missing_resource(
        demo_dataset: Dataset) -> None:
    api = FakeDivioAPI(demo_dataset, token="the-right-token-0000")
    async with DivioClient(DEMO_API_URL, "a-wrong-token-00000", transport=FakeTransport(api)) as client:
        with pytest.raises(Unauthorised):
            await resolve_target(Session(client), demo_dataset.collections["backups"][0]["uuid"])
        with pytest.raises(Unauthorised):
            await resolve_target(Session(client), "acme-shop")


async def test_app_space_env_is_the_environment_as_the_palette_takes_it(
        session: Session, fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    live = demo_dataset.environment("harbour-museum", "live")["uuid"]
    assert (await resolve_target(session, "harbour-museum live")).uuid == live
    assert (await resolve_target(session, "Harbour Museum live")).uuid == live
    with pytest.raises(TargetNotFound, match="has no environment 'nowhere'"):
        await resolve_target(session, "harbour-museum nowhere")


async def test_environments_at_matches_the_start_of_a_slug_with_few_requests(
        session: Session, fake_api: FakeDivioAPI, demo_dataset: Dataset) -> None:
    from divio_tui.state.resolve import environments_at, known_environments_at

    assert not known_environments_at(session, "acme-shop", "li")  # nothing known: no guess
    found = [env.slug async for env in environments_at(session, "acme-shop", "li")]
    assert found == ["live"]
    assert len(paths(fake_api)) == 2  # the slug, then its environments
    every = [env.slug async for env in environments_at(session, "acme-shop", "")]
    assert set(every) == {"test", "live", "staging"}
    assert len(paths(fake_api)) == 3  # the slug asked again; the list was read once
    assert [env.slug for env in known_environments_at(session, "ACME Shop", "live")] == ["live"]
