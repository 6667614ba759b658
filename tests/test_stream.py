"""A long input cleaned in windows gives exactly the whole-document result."""

from __future__ import annotations

from hypothesis import event, given, settings
from hypothesis import strategies as st

from cleaner import clean_text, load_chain
from cleaner.core.windows import clean_parts

CHAIN = load_chain()
# Longer than any match in texts made of PARAGRAPHS (each appeal's end is in its paragraph),
# which is what the stream's margin must be; small, so that texts cut into many windows.
MARGIN = 600

PARAGRAPHS = [
    "The council approved the harbour plan on Monday after a long debate.\n\n",
    "“We will keep listening,” said Zoë Müller, the mayor.\n\n",
    "open image in gallery Boats in the harbour at dawn ( PA )\n\n",
    "Your support helps us to tell the story Read more Support Now "
    "Our reporters are on the ground. Your support makes all the difference. Read more\n\n",
    "Your support helps us to tell the story\n\nSupport Now\n\nIt is free to read.\n\n"
    "Your support makes all the difference.Sir: the council met again.\n\n",
    "Support Now\n\n",
    "date 2024-05-06 The first line of a story glued to its date.\n",
    "Support independent journalism\n",
    "\n\n\n",
    "   \t \n",
    "A line without an ending",
]


def _whole_and_streamed(text: str, window: int):
    # Windows are cleaned without the --max-removed guard: their caller weighs it over the whole
    # document (cleaner.batch.large), so the whole-document result to compare with has none either.
    whole = clean_text(text, CHAIN, max_removed=None)
    parts = list(
        clean_parts(
            iter([text[i : i + 997] for i in range(0, len(text), 997)]), CHAIN, window=window, margin=MARGIN
        )
    )
    streamed_spans = [span for part in parts for span in part.spans]
    return whole, "".join(part.clean for part in parts), streamed_spans, len(parts)


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(st.sampled_from(PARAGRAPHS), min_size=1, max_size=40),
    repeat=st.integers(1, 60),
    window=st.integers(300, 3000),
)
def test_windows_give_the_whole_document_result(paragraphs: list[str], repeat: int, window: int) -> None:
    text = "".join(paragraphs) * repeat
    whole, clean, spans, count = _whole_and_streamed(text, window)
    event(f"windows: {min(count, 3)}")
    assert clean == whole.clean
    assert spans == whole.spans


def test_a_long_document_is_really_cut_into_windows() -> None:
    text = "date 2024-05-06\n\n" + "".join(PARAGRAPHS[i % 8] for i in range(3000))
    whole, clean, spans, count = _whole_and_streamed(text, 20_000)
    assert count > 5
    assert clean == whole.clean and spans == whole.spans
    assert spans[0].rule == "dates/date-header"
