"""Run page fetches concurrently and hand the results back in order.

Kept apart from the client because the ordering and cancellation rules are subtle and
deserve their own tests; it knows nothing about HTTP (the pager, cursor.py, uses it).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Callable, Coroutine, Iterable
from typing import Any, TypeVar

__all__ = ["ordered_concurrently"]

T = TypeVar("T")


async def ordered_concurrently(
    jobs: Iterable[Callable[[], Coroutine[Any, Any, T]]], window: int, *, start_turns: int = 0
) -> AsyncGenerator[T, None]:
    """Start `jobs` with at most `window` unfinished at once; yield results in job order.

    `jobs` is read lazily, one job as each is started, so a plan of a million pages costs no
    memory up front. Each result is yielded as soon as it and all earlier ones are done, so
    page 2 reaches the consumer while page 9 is still in flight. A job's exception is raised
    at its position in the order (results before it are still yielded). Closing the
    generator early (``break`` inside ``aclosing``, cancellation of the consumer) cancels
    every outstanding task and waits for them, so no task is left pending or with an
    unretrieved exception.

    `window` bounds this one iteration; a client-wide semaphore inside the jobs bounds the
    requests of all iterations together. The window keeps one huge collection from queueing
    hundreds of tasks ahead of a small expansion the user asked for a moment later.

    `start_turns`: when the consumer comes back for the next result, turns of the event loop
    given first to the jobs started since the last one, so that their I/O begins before the
    consumer spends CPU on results already in (the work then overlaps their round trips).
    Nothing is started ahead of the consumer: one that stops has sent what it would have.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    pending = iter(jobs)
    tasks: deque[asyncio.Task[T]] = deque()
    exhausted = False
    started = 0

    def refill() -> None:
        nonlocal exhausted, started
        running = sum(not task.done() for task in tasks)
        while not exhausted and running < window:
            job = next(pending, None)
            if job is None:
                exhausted = True
                return
            tasks.append(asyncio.create_task(job()))
            running += 1
            started += 1

    try:
        refill()
        while tasks:
            head = tasks[0]
            while not head.done():
                await asyncio.wait([task for task in tasks if not task.done()],
                                   return_when=asyncio.FIRST_COMPLETED)
                refill()
            tasks.popleft()
            refill()
            yield head.result()
            if started and start_turns:
                # Back for the next result, which may be in already: let the jobs started
                # meanwhile send their requests before the consumer works on it.
                started = 0
                for _ in range(start_turns):
                    await asyncio.sleep(0)
    finally:
        for task in tasks:
            task.cancel()
        if tasks:
            # Awaiting here is what makes the cancellation clean: each task gets to run its
            # own cleanup (release the semaphore, close the response) before we return.
            await asyncio.gather(*tasks, return_exceptions=True)
