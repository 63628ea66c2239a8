"""Run page fetches concurrently and hand the results back in order.

Kept apart from the client because the ordering and cancellation rules are subtle and
deserve their own tests; it knows nothing about HTTP.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncGenerator, Callable, Coroutine, Sequence
from typing import Any, TypeVar

import httpx

from .pages import Page

__all__ = ["ordered_concurrently", "page_number_plan"]

T = TypeVar("T")


async def ordered_concurrently(
    jobs: Sequence[Callable[[], Coroutine[Any, Any, T]]], window: int
) -> AsyncGenerator[T, None]:
    """Start `jobs` with at most `window` unfinished at once; yield results in job order.

    Each result is yielded as soon as it and all earlier ones are done, so page 2 reaches the
    consumer while page 9 is still in flight. A job's exception is raised at its position in
    the order (results before it are still yielded). Closing the generator early (``break``
    inside ``aclosing``, cancellation of the consumer) cancels every outstanding task and
    waits for them, so no task is left pending or with an unretrieved exception.

    `window` bounds this one iteration; a client-wide semaphore inside the jobs bounds the
    requests of all iterations together. The window keeps one huge collection from queueing
    hundreds of tasks ahead of a small expansion the user asked for a moment later.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    tasks: dict[int, asyncio.Task[T]] = {}
    launched = 0

    def refill() -> None:
        nonlocal launched
        running = sum(not task.done() for task in tasks.values())
        while launched < len(jobs) and running < window:
            tasks[launched] = asyncio.create_task(jobs[launched]())
            launched += 1
            running += 1

    try:
        for index in range(len(jobs)):
            refill()
            head = tasks[index]
            while not head.done():
                await asyncio.wait(
                    [task for task in tasks.values() if not task.done()],
                    return_when=asyncio.FIRST_COMPLETED,
                )
                refill()
            del tasks[index]
            yield head.result()
    finally:
        for task in tasks.values():
            task.cancel()
        if tasks:
            # Awaiting here is what makes the cancellation clean: each task gets to run its
            # own cleanup (release the semaphore, close the response) before we return.
            await asyncio.gather(*tasks.values(), return_exceptions=True)


def page_number_plan(first: Page[Any], next_url: httpx.URL) -> list[httpx.URL] | None:
    """URLs of pages 2..N when `next` is a DRF page-number link and `count` is known."""
    if first.count is None or first.size == 0 or next_url.params.get_list("page") != ["2"]:
        return None
    last = math.ceil(first.count / first.size)
    if last < 2:
        return None  # `next` says there is more but `count` does not: trust `next`.
    return [next_url.copy_set_param("page", str(n)) for n in range(2, last + 1)]
