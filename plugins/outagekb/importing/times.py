"""Timestamps from sources: the APIs' ISO 8601 with an offset, and the forms spreadsheets
export, with a time zone for times written without one.

Every timestamp keeps the offset the source gave, so that a page shows the times the
organization published. Times are written to the second (sources' milliseconds add
nothing a reader needs, and truncation keeps their order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .record import RecordError

_API_STAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)")


def _offset(text: str) -> tzinfo:
    if text in ("Z", "z"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 14 or minutes > 59 or (hours == 14 and minutes):
        raise ValueError(f"UTC offset {text} out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(groups: tuple[str | None, ...], tz: tzinfo | None) -> datetime:
    """A datetime from (year, month, day, hour, minute, second, fraction) texts; ValueError when impossible."""
    year, month, day, hour, minute, second, fraction = groups
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(int(year or 0), int(month or 0), int(day or 0), int(hour or 0), int(minute or 0), int(second or 0), micro, tz)


def api_stamp(value: str, name: str) -> datetime:
    """An API timestamp (`2024-03-05T14:02:11.123-06:00`, `...Z`); it must carry an offset."""
    try:  # the C parser first: it reads every form the APIs write
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is not None:
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) <= timedelta(hours=14) and not offset.seconds % 60 and not offset.microseconds:
            return parsed
    match = _API_STAMP.fullmatch(value.strip())
    if match is None:
        raise RecordError(f"`{name}`: {_show(value)} is not a timestamp with a UTC offset")
    try:
        return _build(match.groups()[:7], _offset(match.group(8)))
    except ValueError as error:
        raise RecordError(f"`{name}`: {_show(value)} is not a real date and time ({error})") from None


def write_stamp(value: datetime) -> str:
    """`2024-03-05T14:02:11-06:00`, or `...Z` for UTC, to the second."""
    text = value.replace(microsecond=0).isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _show(value: str) -> str:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return repr(shown)


# spreadsheets ------------------------------------------------------------------------

DATE_ORDERS = ("ymd", "dmy", "mdy")

_SHEET_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:(?:[T ]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)
_SHEET_SLASHED = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?"
    r"\s*(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
)


def zone(text: str) -> tzinfo:
    """`--timezone`: an IANA name (`Europe/Paris`) or a fixed offset (`+01:00`, `-0800`, `Z`, `UTC`)."""
    text = text.strip()
    if re.fullmatch(r"Z|UTC|[+-]\d{2}(:?\d{2})?", text):
        return _offset("Z" if text == "UTC" else text)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{text!r} is neither an IANA time zone name (Europe/Paris) nor an offset (+01:00)") from None


@dataclass(frozen=True, slots=True)
class SheetClock:
    """How a spreadsheet's dates are read: `timezone` for times without an offset, and the
    order of day and month in `05/03/2024` (there is no safe default: refuse until told)."""

    timezone: tzinfo | None = None
    date_order: str | None = None

    def parse(self, value: str, name: str) -> tuple[datetime, bool]:
        """The timestamp, and whether it is only a date (midnight, approximate)."""
        text = value.strip()
        iso = _SHEET_ISO.fullmatch(text)
        if iso is not None:
            parts = list(iso.groups()[:7])
            offset = iso.group(8)
        else:
            slashed = _SHEET_SLASHED.fullmatch(text)
            if slashed is None:
                raise RecordError(
                    f"`{name}`: {_show(value)} is not a date and time this import reads "
                    "(use 2024-03-05 14:02, 2024-03-05T14:02:00+01:00, or 05/03/2024 14:02 with --date-order)"
                )
            if self.date_order not in ("dmy", "mdy"):
                raise RecordError(
                    f"`{name}`: {_show(value)} could be day/month or month/day; "
                    "give --date-order dmy (05/03/2024 is 5 March) or --date-order mdy (May 3)"
                )
            first, second, year, hour, minute, seconds, meridiem, offset = slashed.groups()
            day, month = (first, second) if self.date_order == "dmy" else (second, first)
            if meridiem:
                hour = str(_twelve_hour(int(hour or 0), meridiem.lower(), name, value))
            parts = [year, month, day, hour, minute, seconds, None]
        date_only = parts[3] is None
        if offset in ("UTC", "GMT"):
            offset = "Z"
        try:
            if offset:
                return _build(tuple(parts), _offset(offset)), date_only
            naive = _build(tuple(parts), None)
        except ValueError as error:
            raise RecordError(f"`{name}`: {_show(value)} is not a real date and time ({error})") from None
        if self.timezone is None:
            raise RecordError(f"`{name}`: {_show(value)} has no UTC offset; give --timezone (Europe/Paris, +01:00)")
        return _localise(naive, self.timezone, name, value), date_only


def _twelve_hour(hour: int, meridiem: str, name: str, value: str) -> int:
    if not 1 <= hour <= 12:
        raise RecordError(f"`{name}`: {_show(value)}: the hour of a 12-hour time is 1 to 12")
    return hour % 12 + (12 if meridiem == "pm" else 0)


def _localise(naive: datetime, tz: tzinfo, name: str, value: str) -> datetime:
    """The wall-clock time in `tz` with its offset of that day; a time the clocks skipped is
    refused, and a time they repeated takes the earlier offset (fold 0)."""
    local = naive.replace(tzinfo=tz)
    offset = local.utcoffset()
    assert offset is not None
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise RecordError(f"`{name}`: {_show(value)} does not exist in {tz} (the clocks skipped it)")
    return naive.replace(tzinfo=timezone(offset))
