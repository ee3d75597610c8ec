"""Progress and timings of a build: one context manager per named step."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

# The progress callback: called with a label (in Indonesian) as each step starts.
Step = Callable[[str], None]


class Timings:
    """Seconds per step, for summary.json's `durasi_detik`; a step with a label in
    `labels` announces it to the progress callback as it starts."""

    def __init__(self, progress: Step, labels: Mapping[str, str]) -> None:
        self.progress = progress
        self.labels = labels
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time the block as `name`. A step that fails is not recorded: no summary is written then."""
        t0 = time.perf_counter()
        if name in self.labels:
            self.progress(self.labels[name])
        yield
        self.seconds[name] = round(time.perf_counter() - t0, 3)

    def durasi_detik(self) -> dict[str, float]:
        """The steps' seconds so far, in the order they ran, and the total since the start."""
        return {**self.seconds, "total": round(time.perf_counter() - self.started, 3)}
