"""The per-file time limit: an alarm that a library swallows fires again; none fires
after the block."""

from __future__ import annotations

import signal
import time

import pytest

from plan_extract.batch.limits import FileTimeout, time_limit


def test_a_swallowed_alarm_fires_again_and_none_fires_after_the_block():
    before = signal.getsignal(signal.SIGALRM)
    swallowed = 0
    with pytest.raises(FileTimeout, match="took longer than 0.2 s"):
        with time_limit(0.2):
            try:
                time.sleep(5)
            except FileTimeout:  # as a finaliser or a broad except would
                swallowed += 1
            time.sleep(5)
    assert swallowed == 1  # the second sleep was cut short too: FileTimeout came out of the block
    time.sleep(0.6)  # would raise here if the alarm were still armed
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_block_that_ends_in_time_is_not_interrupted():
    with time_limit(0.5):
        time.sleep(0.05)
    time.sleep(0.8)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
