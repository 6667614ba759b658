"""Stopping a run on SIGINT or SIGTERM: at once while it waits or cleans, between writes otherwise."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from cleaner.messages import EXIT_SIGNAL_BASE


class Interrupted(BaseException):
    """The run was asked to stop (a BaseException, as KeyboardInterrupt: no task's handler of
    its own failures may take it for one)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class StopRequest:
    """Turns SIGINT/SIGTERM into a stop.

    The first signal stops the run at once while it waits for a document or cleans one
    (:meth:`waiting`): that document is abandoned, to be redone by ``--resume``; while it
    writes an output or the report, at the next :meth:`check`, so that what it writes stays
    whole. A second signal ends the process at once, as SIGKILL would (``--resume`` is made
    for that too), with the status of that signal.
    """

    def __init__(self) -> None:
        self.signum = 0
        self._waiting = False
        self._previous: dict[int, Any] = {}
        self._stretch = _Waiting(self)

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: object) -> None:
        if self.signum:  # asked twice: stop now
            os.write(2, b"cleaner: stopped at once\n")
            os._exit(EXIT_SIGNAL_BASE + signum)
        self.signum = signum
        if self._waiting:
            raise Interrupted(signum)

    def check(self) -> None:
        if self.signum:
            raise Interrupted(self.signum)

    def waiting(self) -> _Waiting:
        """A stretch where a signal stops the run at once (nothing is being written).

        >>> stop = StopRequest()
        >>> with stop.waiting():
        ...     pass
        >>> stop.signum = 15  # as the handler sets it when a signal came while writing
        >>> with stop.waiting():
        ...     pass
        Traceback (most recent call last):
        cleaner.batch.stopping.Interrupted: 15
        """
        return self._stretch


class _Waiting:
    """The context of :meth:`StopRequest.waiting`. A class: a generator's context takes a
    microsecond longer to enter and leave, and a run enters this one twice per input."""

    __slots__ = ("_request",)

    def __init__(self, request: StopRequest) -> None:
        self._request = request

    def __enter__(self) -> None:
        request = self._request
        request._waiting = True  # before the check: a signal from now on raises at once
        if request.signum:
            request._waiting = False
            raise Interrupted(request.signum)

    def __exit__(self, *exc: object) -> None:
        self._request._waiting = False
