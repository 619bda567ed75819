"""Pacing posts per channel.

Slack allows an app about one ``chat.postMessage`` per second per channel (short bursts
tolerated) and answers 429 beyond that. Pacing ourselves keeps a busy channel — many
people asking at once, or one long answer split into several messages — under the
limit instead of leaning on retries. It is a GCRA (generic cell rate algorithm): each
channel keeps a "theoretical arrival time"; a caller reserves the next slot under a lock
and then sleeps outside it, so one slow channel never blocks another.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class ChannelPacer:
    """Blocks callers so posts to one channel stay at ``rate`` per second on average,
    allowing ``burst`` posts back to back. Thread-safe."""

    def __init__(
        self,
        rate: float = 1.0,
        burst: int = 3,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.interval = 1.0 / rate
        self.tolerance = self.interval * (burst - 1)
        self._clock = clock
        self._sleep = sleep
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()
        self._last_prune = clock()

    def reserve(self, channel: str) -> float:
        """Reserve the next slot for ``channel``; return how long to wait before using it."""
        with self._lock:
            now = self._clock()
            tat = max(self._tat.get(channel, now), now)
            wait = max(0.0, tat - self.tolerance - now)
            self._tat[channel] = tat + self.interval
            if now - self._last_prune > 60:
                self._prune(now)
            return wait

    def wait(self, channel: str) -> float:
        """Block until a post to ``channel`` is allowed; return the seconds waited."""
        delay = self.reserve(channel)
        if delay > 0:
            self._sleep(delay)
        return delay

    def _prune(self, now: float) -> None:
        # Channels idle long enough to have a full burst again need no state.
        for ch in [c for c, t in self._tat.items() if t < now]:
            del self._tat[ch]
        self._last_prune = now
