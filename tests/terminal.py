"""Driving a command through a pseudo-terminal, for the tests of what it asks a person."""

from __future__ import annotations

import os
import select
import time


def expect(fd: int, text: str, seen: list[str], timeout: float = 20) -> None:
    """Read from the terminal `fd` until `text` has appeared; `seen` keeps what came after it."""
    deadline = time.monotonic() + timeout
    while text not in "".join(seen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"waited for {text!r}, got {''.join(seen)[-500:]!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                seen.append(os.read(fd, 4096).decode("utf-8", "replace"))
            except OSError:
                break
    seen[:] = ["".join(seen).split(text, 1)[1]]
