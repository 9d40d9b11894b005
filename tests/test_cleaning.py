from bot.core.ingest.cleaning import clean_export
from bot.core.ingest.loading import load_file
from tests.conftest import MAX_BYTES, RAW_SEED, REPO_KNOWLEDGE


def _sentences(document):
    return [s for p in document.paragraphs for s in p.sentences]


def test_raw_export_loads_into_the_curated_sentences():
    raw = load_file(RAW_SEED, max_bytes=MAX_BYTES)
    curated = load_file(REPO_KNOWLEDGE / "nagorno-karabakh.md", max_bytes=MAX_BYTES)
    assert _sentences(raw) == _sentences(curated)
    assert [p.section for p in raw.paragraphs] == [p.section for p in curated.paragraphs]
    assert raw.title == curated.title
    assert raw.meta.source == curated.meta.source


def test_page_break_with_url_footer_inside_a_sentence_is_mended():
    cleaned = clean_export(RAW_SEED.read_text(encoding="utf-8"))
    texts = [b.text for b in cleaned.blocks]
    assert any("backtracking on an earlier promise of autonomy" in t for t in texts)
    assert not any("http" in t for t in texts)
    assert cleaned.source is not None
    assert cleaned.source.startswith("https://www.themoscowtimes")


def test_page_header_and_photo_caption_are_dropped():
    cleaned = clean_export(RAW_SEED.read_text(encoding="utf-8"))
    texts = " ".join(b.text for b in cleaned.blocks)
    assert "30 YEARS" not in texts
    assert "Armenian forces are departing" not in texts


def test_headings_are_found_by_layout():
    cleaned = clean_export(RAW_SEED.read_text(encoding="utf-8"))
    assert [b.text for b in cleaned.blocks if b.heading] == [
        "Return of territory",
        "Russian peacekeepers",
        "Elusive lasting solution",
    ]


def test_hyphenated_line_breaks_keep_real_hyphens_and_mend_split_words():
    text = (
        "A long-running and entirely decades-\nlong conflict that needs negoti-\n"
        "ating, and negotiating is hard.\n"
    )
    cleaned = clean_export(text)
    assert cleaned.blocks[0].text == (
        "A long-running and entirely decades-long conflict that needs negotiating, "
        "and negotiating is hard."
    )


def test_wrapped_lines_join_and_stray_indents_go():
    cleaned = clean_export("  First line of a\nsentence that wraps.\n\n   Second one.\n")
    assert [b.text for b in cleaned.blocks] == [
        "First line of a sentence that wraps.",
        "Second one.",
    ]


def test_page_numbers_and_repeated_running_headers_are_furniture():
    pages = "".join(f"Daily Briefing\nThe talks went on, day {n}.\n\n{n}\n" for n in (1, 2, 3))
    cleaned = clean_export(pages)
    assert [b.text for b in cleaned.blocks] == [f"The talks went on, day {n}." for n in (1, 2, 3)]


def test_a_sentence_repeated_on_every_page_is_still_text():
    cleaned = clean_export("Intro text here.\n\n" + "Stay safe.\n\n" * 3)
    assert [b.text for b in cleaned.blocks].count("Stay safe.") == 3


def test_a_short_first_line_is_the_title():
    cleaned = clean_export("Talks Resume in Geneva\n\nThe talks resumed on Monday.\n")
    assert cleaned.title == "Talks Resume in Geneva"
    assert [b.text for b in cleaned.blocks] == ["The talks resumed on Monday."]


def test_a_first_sentence_is_not_mistaken_for_a_title():
    cleaned = clean_export("The talks resumed on Monday.\n\nThey ended on Friday.\n")
    assert cleaned.title is None
