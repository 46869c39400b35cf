"""outagekb: turn a team's outage records into a cross-linked runbook site."""

from __future__ import annotations

__version__ = "0.1.0"
