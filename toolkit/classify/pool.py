"""Ordered parallel map over one shared thread pool with a bounded look-ahead.

OCR runs in tesseract's C library (or its program), outside the GIL, so threads are enough
to use every core; the look-ahead bound keeps large batches from holding every decoded
image at once. The pool is made once per process and reused by every batch, so each of its
threads loads the OCR engine once (toolkit.classify.engine).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

THREAD_PREFIX = "guichets-ocr"
_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def shared_pool(workers: int) -> ThreadPoolExecutor:
    """The process's pool of ``workers`` threads, made on first use and kept."""
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=THREAD_PREFIX)
            _pools[workers] = pool
        return pool


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
    if threading.current_thread().name.startswith(THREAD_PREFIX):
        count = 1  # called from a pool thread: waiting on the same pool could deadlock
    if count == 1:
        for item in source:
            try:
                yield item, fn(item)
            except Exception as e:
                yield item, e
        return
    window = max(count, ahead or 2 * count)
    pool = shared_pool(count)
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
    finally:  # stopped early: drop what has not started, let the rest finish
        for _, future in pending:
            future.cancel()
