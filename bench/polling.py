"""Waiting for a condition the services reach in the background."""

import asyncio
import time
from collections.abc import Awaitable, Callable


async def until(check: Callable[[], Awaitable[bool]], seconds: float, what: str, every: float = 0.02) -> None:
    """Return once `check` holds (polled `every` seconds); stop the bench after `seconds`."""
    deadline = time.monotonic() + seconds
    while not await check():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what}: not within {seconds:g} s")
        await asyncio.sleep(every)
