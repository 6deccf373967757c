"""Ordered parallel map over a thread pool with a bounded look-ahead.

OCR shells out to tesseract, so threads are enough to use every core; the look-ahead
bound keeps large batches from holding every decoded image at once.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may use (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return os.cpu_count() or 1


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int | None = None,
    ahead: int | None = None,
) -> Iterator[tuple[T, R | Exception]]:
    """``(item, fn(item))`` in input order, computed by ``workers`` threads.

    At most ``ahead`` items (default twice the workers) are in flight or waiting to be
    consumed, so large batches never hold every decoded image at once. An exception raised
    by ``fn`` is yielded in place of its result; the caller decides what it means.
    """
    count = max(1, workers or cores())
    source = iter(items)
    if count == 1:
        for item in source:
            try:
                yield item, fn(item)
            except Exception as e:
                yield item, e
        return
    window = max(count, ahead or 2 * count)
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="guichets-ocr")
    pending: deque[tuple[T, Future[R]]] = deque()

    def submit_next() -> None:
        for item in source:
            pending.append((item, pool.submit(fn, item)))
            return

    try:
        for _ in range(window):
            submit_next()
        while pending:
            item, future = pending.popleft()
            submit_next()
            try:
                result: R | Exception = future.result()
            except Exception as e:
                result = e
            yield item, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
