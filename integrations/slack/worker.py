"""Acknowledge first, work after.

Slack wants every event, command and click acknowledged within 3 seconds; an agent turn
takes longer. Listeners therefore only build a context and ``submit`` a job here: a
bounded thread pool runs it in the background.

- Bounded: at most ``max_pending`` jobs queued or running; beyond that ``submit``
  returns False and the listener tells the user it is busy (instead of an ever-growing
  queue that answers an hour late).
- Acknowledgements first: with an :class:`AckGate`, a job starts only once the server
  has had no Slack request in flight for a moment (bounded by ``max_defer``).
- Ordered per conversation: jobs with the same key (conversation id) run one after the
  other, so two quick messages in one thread never race on the same memory.
- Failures never escape: the job's ``on_error`` (a short apology in the thread where
  kolpilot was addressed) runs, and the log line carries the error type and the
  conversation id — never the message text.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)


class AckGate:
    """Acknowledgements first: counts Slack requests being dispatched, and lets background
    jobs wait until the server has been quiet for a moment before they start.

    With the GIL, an agent turn starting (building prompts, writing checkpoints) competes
    for the CPU with the acknowledgements of a burst of events arriving at the same time.
    Deferring the *start* of background work until no request has been in flight for
    ``quiet`` seconds (never longer than the worker's ``max_defer``) keeps every
    acknowledgement fast; the answer is late by at most ``max_defer``, which no one notices
    next to a multi-second turn.
    """

    def __init__(self, quiet: float = 0.05) -> None:
        self.quiet = quiet
        self._in_flight = 0
        self._last_exit = 0.0
        self._cond = threading.Condition()

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Wrap the dispatch of one request."""
        with self._cond:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._last_exit = time.monotonic()
                if self._in_flight == 0:
                    self._cond.notify_all()

    def wait_quiet(self, max_wait: float) -> None:
        """Block until no request has been in flight for ``quiet`` seconds, or ``max_wait``."""
        deadline = time.monotonic() + max_wait
        with self._cond:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    return
                if self._in_flight == 0:
                    idle_for = now - self._last_exit
                    if idle_for >= self.quiet:
                        return
                    self._cond.wait(min(self.quiet - idle_for, deadline - now))
                else:
                    self._cond.wait(deadline - now)


@dataclass
class _Job:
    key: str
    fn: Callable[[], None]
    on_error: Callable[[BaseException], None] | None
    label: str


class Worker:
    """A bounded background pool for agent turns and other slow follow-ups."""

    def __init__(
        self,
        max_workers: int = 8,
        *,
        max_pending: int = 256,
        name: str = "kolpilot-slack",
        gate: AckGate | None = None,
        max_defer: float = 0.5,
    ) -> None:
        if max_workers < 1 or max_pending < max_workers:
            raise ValueError("need max_workers >= 1 and max_pending >= max_workers")
        self.max_workers = max_workers
        self.max_pending = max_pending
        self.gate = gate
        self.max_defer = max_defer
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix=name)
        # key -> jobs waiting behind the one running for that key. A key is present while
        # a thread is draining it, so later jobs queue there instead of blocking a thread.
        self._queues: dict[str, deque[_Job]] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._pending = 0
        self._running = 0
        self._closed = False

    def submit(
        self,
        key: str,
        job: Callable[[], None],
        *,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "turn",
    ) -> bool:
        """Run ``job`` in the background after earlier jobs of the same ``key``.

        Returns False (and runs nothing) when the pool is full or shut down.
        """
        item = _Job(key, job, on_error, label)
        with self._lock:
            if self._closed or self._pending >= self.max_pending:
                log.warning("slack worker busy: %s for %s not accepted", label, key)
                return False
            self._pending += 1
            if key in self._queues:
                self._queues[key].append(item)
                return True
            self._queues[key] = deque()
        try:
            self._pool.submit(self._drain, item)
        except RuntimeError:  # pool shut down between the check and the submit
            with self._lock:
                self._pending -= 1
                self._queues.pop(key, None)
            return False
        return True

    def _drain(self, item: _Job) -> None:
        while True:
            self._run(item)
            with self._lock:
                queue = self._queues[item.key]
                if not queue:
                    del self._queues[item.key]
                    return
                item = queue.popleft()

    def _run(self, item: _Job) -> None:
        if self.gate is not None:
            self.gate.wait_quiet(self.max_defer)
        with self._lock:
            self._running += 1
        try:
            item.fn()
        except Exception as exc:  # noqa: BLE001 - a background job must never die silently
            # The type and the conversation only: exception messages can quote user text.
            log.error("slack %s failed for %s: %s", item.label, item.key, type(exc).__name__)
            log.debug("slack %s failure details", item.label, exc_info=True)
            if item.on_error is not None:
                try:
                    item.on_error(exc)
                except Exception as exc2:  # noqa: BLE001
                    log.error("slack %s apology failed for %s: %s", item.label, item.key, type(exc2).__name__)
        finally:
            with self._lock:
                self._running -= 1
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()

    def stats(self) -> dict[str, int]:
        """Jobs waiting or running now (for the health endpoint and the benchmark)."""
        with self._lock:
            return {"pending": self._pending, "running": self._running, "max_workers": self.max_workers}

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is queued or running; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def shutdown(self, *, wait: bool = True, timeout: float | None = 30.0) -> None:
        """Stop accepting jobs; with ``wait``, let running and queued ones finish (bounded)."""
        self._closed = True
        if wait:
            self.wait_idle(timeout)
        self._pool.shutdown(wait=False, cancel_futures=not wait)
