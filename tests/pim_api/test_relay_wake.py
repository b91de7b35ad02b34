"""Relay wake-ups: a burst in one tenth of a second queues one relay; a wake-up whose tenth's relay
exists already (it may be running past this write's rows) queues the next tenth's, deferred to it."""

import asyncio
import time

import pytest
from arq.connections import ArqRedis

from pim_api.outbox.wake import RELAY_JOB, wake_relay


@pytest.fixture
async def empty_queue(redis: ArqRedis) -> ArqRedis:
    await redis.flushdb()
    return redis


async def queued(redis: ArqRedis) -> dict[str, float]:
    """Job id → the time (seconds) it may start."""
    return {
        job.decode(): score / 1000 for job, score in await redis.zrange("arq:queue", 0, -1, withscores=True)
    }


async def test_a_wake_up_whose_tenths_relay_exists_queues_the_next_tenths(empty_queue: ArqRedis) -> None:
    await asyncio.sleep(0.1 - time.time() % 0.1)  # at the start of a tenth: room for two wake-ups in it
    tenth = int(time.time() * 10)
    await wake_relay(empty_queue)
    await wake_relay(empty_queue)  # the first one's relay may be running by now
    jobs = await queued(empty_queue)
    assert set(jobs) == {f"{RELAY_JOB}:{tenth}", f"{RELAY_JOB}:{tenth + 1}"}
    assert jobs[f"{RELAY_JOB}:{tenth + 1}"] == pytest.approx((tenth + 1) / 10, abs=0.002)
    await wake_relay(empty_queue)  # both exist: nothing more
    assert len(await queued(empty_queue)) == 2
