"""How messages echo a contributor's own value: whole when it is short, and when it is long,
cut so that the mistake still shows (golden cases hold the messages themselves)."""

from __future__ import annotations

import pytest

from outagekb.convert import QUOTE_MAX, quote
from outagekb.paths import id_problem
from outagekb.yamlread import echo, shorten


def test_a_short_value_is_shown_whole() -> None:
    assert quote("solar-flare") == "`solar-flare`"
    assert quote("x" * QUOTE_MAX) == "`" + "x" * QUOTE_MAX + "`"


def test_a_long_value_keeps_its_start_and_its_end() -> None:
    value = "configuration-change-pushed-to-every-region-at-once-without-any-canary-or-bake-time-v2"
    shown = shorten(value, 40)
    assert len(shown) == 40 and shown.count("…") == 1
    assert value.startswith(shown.split("…")[0]) and shown.endswith("bake-time-v2")


@pytest.mark.parametrize("at", [0, 10, 45, 70, 99])
def test_a_value_cut_around_its_mistake_shows_the_mistake(at: int) -> None:
    value = "".join(chr(ord("a") + i % 26) for i in range(100))
    value = value[:at] + "!" + value[at + 1 :]
    shown = shorten(value, 30, at)
    assert len(shown) == 30 and "!" in shown


def test_control_characters_are_escaped_after_cutting() -> None:
    assert echo("a\tb\u202e") == "a\\tb\\u202e"
    assert quote("tab\there") == "`tab\\there`"


def test_rename_hints_name_the_whole_file() -> None:
    assert id_problem("2024-05-01-Example", ".yaml") == "ids are lowercase; rename the file to `2024-05-01-example.yaml`"
    assert id_problem("2024_05_01_Café", ".yml") == (
        "an id is lowercase ASCII letters, digits and single hyphens, such as `2024-12-11-openai-telemetry-rollout`; "
        "rename the file to `2024-05-01-cafe.yml`"
    )
    assert id_problem("2024-05-01-Example") == "ids are lowercase; rename the file to `2024-05-01-example`"
