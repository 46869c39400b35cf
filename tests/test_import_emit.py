"""What `outagekb import` writes reads back exactly through the loader's own YAML reader and
converter: one-line text, prose and timestamps, whatever characters a source sends."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outagekb import spec
from outagekb.convert import Converter, Invalid
from outagekb.importing import emit, text, times
from outagekb.importing.hints import CauseHints
from outagekb.loader import shipped_catalog
from outagekb.yamlread import Scalar, parse_text

EXAMPLES = settings(
    max_examples=int(os.environ.get("OUTAGEKB_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("OUTAGEKB_FUZZ_RANDOM") != "1",
)
# text from anywhere: YAML indicators, quotes, control characters, line separators, bidi controls
NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(":#-?[]{},&*!|>'\"%@` \t\n\r\x00\x07\x1b\x7f\x85\u2028\u2029\u202e\ufeff~")),
        st.characters(codec="utf-8"),
    ),
    max_size=60,
)
LINE_FIELD = spec.Field("title", spec.LINE, "", required=True)


def read_back(document: str) -> dict[str, str]:
    root, problems = parse_text("x.yaml", document)
    assert root is not None, (document, problems)
    assert not problems, problems
    values = {}
    for key, node in root.entries:
        assert isinstance(node, Scalar), document
        values[key.text] = node
    converter = Converter("x.yaml")
    result: dict[str, str] = {}
    for name, node in values.items():
        value = converter.line(node, LINE_FIELD, name) if name == "line" else converter.markdown(node, name)
        assert not isinstance(value, Invalid), (document, converter.problems)
        result[name] = value
    return result


@EXAMPLES
@given(NASTY)
def test_one_line_text_reads_back(raw: str) -> None:
    line = text.one_line(raw)
    if not line:
        return
    assert len(line) <= spec.LINE_MAX
    assert read_back(f"line: {emit.scalar(line)}\n")["line"] == line


@EXAMPLES
@given(NASTY)
def test_prose_reads_back(raw: str) -> None:
    prose = text.prose(raw)
    if not prose.strip():
        return
    document = "\n".join(emit.prose("text", prose, "")) + "\n"
    assert read_back(document)["text"] == prose


@EXAMPLES
@given(st.lists(NASTY.map(text.one_line).filter(bool), min_size=1, max_size=4))
def test_flow_lists_read_back(values: list[str]) -> None:
    root, problems = parse_text("x.yaml", f"services: {emit.flow_list(values)}\n")
    assert root is not None and not problems, problems
    node = root.get("services")
    assert [item.text for item in node.items] == values  # type: ignore[union-attr]


def test_plain_only_where_nothing_can_misread_it() -> None:
    assert emit.scalar("Checkout down after a deploy") == "Checkout down after a deploy"
    for risky in ("null", "~", "NULL", "yes: no", "a #b", "- list", "[x]", "{x}", "'q'", "ends:", "*alias", "&anchor", "!tag"):
        assert emit.scalar(risky).startswith('"'), risky
    assert emit.quoted("a\u2028b\x85c") == '"a\\u2028b\\u0085c"'


def test_prose_uses_a_literal_block_when_it_can() -> None:
    assert emit.prose("text", "Two lines:\n- one\n- two", "  ") == ["  text: |", "    Two lines:", "    - one", "    - two"]
    assert emit.prose("text", "  indented first line\nsecond", "")[0].startswith('text: "')
    assert emit.prose("text", "Short and plain.", "") == ["text: Short and plain."]


def test_text_normalisation() -> None:
    assert text.prose("a\r\nb\rc\u2028d\x00\x1b\n\n") == "a\nb\nc\nd"
    assert text.one_line("  Title\twith\nbreaks\u202e and\x00 nul ") == "Title with breaks and nul"
    long = text.one_line("word " * 100)
    assert len(long) <= spec.LINE_MAX and long.endswith("…")


def test_timestamps_keep_their_offset_to_the_second() -> None:
    value = times.api_stamp("2024-03-05T14:02:11.987-06:00", "created_at")
    assert value == datetime(2024, 3, 5, 14, 2, 11, 987000, timezone(timedelta(hours=-6)))
    assert times.write_stamp(value) == "2024-03-05T14:02:11-06:00"
    assert times.write_stamp(datetime(2024, 1, 1, tzinfo=UTC)) == "2024-01-01T00:00:00Z"


def test_likely_causes_match_whole_words_of_the_catalog() -> None:
    hints = CauseHints(shipped_catalog())
    # the longest phrase wins (`configuration change`, not also `change`), shown as the catalog writes it; whole words only
    # (not `DNSSEC`, `redeploy` or `resolvers`); the id itself is not repeated in brackets
    comment = hints.comment(["A configuration change to our DNS resolver", "DNSSEC is fine; a redeploy and 3 resolvers"])
    assert (
        comment
        == "# likely causes (from the text; check before classifying): config-change (Configuration change), dns (resolver)"
    )
    assert hints.comment(["Nothing in here names a cause."]) is None
