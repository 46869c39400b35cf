"""Strict JSON for sources that arrive from the network: no NaN or Infinity (which
`json.loads` accepts by default), no duplicate keys (a second `name` could hide the
first), and typed access that names the field when a value has the wrong type.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from .record import RecordError, SourceError
from .times import api_stamp


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def parse(data: bytes, where: str) -> Any:
    """The JSON document in `data`; SourceError naming `where` for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"{where}: not UTF-8 text (byte {error.start}); is it JSON?") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        raise SourceError(f"{where}: not JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    except ValueError as error:  # NaN, a duplicate key, an integer of thousands of digits
        raise SourceError(f"{where}: refused: {error}") from None
    except RecursionError:
        raise SourceError(f"{where}: refused: nested too deeply") from None


def kind_of(value: object) -> str:
    """What a value is, in words: `a number`, `a list`, `nothing (null)`."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"


class Fields:
    """An object of a source with typed getters; each wrong type is a RecordError naming
    the field (`incident_updates[2].body`)."""

    __slots__ = ("data", "path")

    def __init__(self, data: dict[str, Any], path: str = "") -> None:
        self.data = data
        self.path = path

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise RecordError(f"`{self.name(key)}` is missing; it is required")
            return None
        if not isinstance(value, str):
            raise RecordError(f"`{self.name(key)}`: expected text, found {kind_of(value)}")
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def id_text(self, key: str) -> str:
        """An identifier: text, or a whole number (some feeds give numbers)."""
        value = self.data.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.required_text(key)

    def stamp(self, key: str, *, required: bool = False) -> datetime | None:
        value = self.text(key, required=required)
        return None if value is None else api_stamp(value, self.name(key))

    def objects(self, key: str) -> Iterator[Fields]:
        """The objects of a list field (absent or null: none)."""
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            raise RecordError(f"`{self.name(key)}`: expected a list, found {kind_of(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise RecordError(f"`{self.name(key)}[{index}]`: expected an object, found {kind_of(item)}")
            yield Fields(item, f"{self.name(key)}[{index}]")

    def object(self, key: str) -> Fields | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise RecordError(f"`{self.name(key)}`: expected an object, found {kind_of(value)}")
        return Fields(value, self.name(key))
