from bot.core.ingest.pdf_layout import join_pages, page_lines

LEFT = [
    "The left column starts here and",
    "runs on for a while, line by line",
    "until it ends its first sentence.",
    "",
    "Another left paragraph follows it",
    "and ends as well.",
]
RIGHT = [
    "The right column is read after",
    "the whole left column, never",
    "across it.",
    "",
    "Its second paragraph is here",
    "and ends the page.",
]


def test_two_columns_are_read_one_after_the_other():
    grid = ["Gazette headline across both columns", ""]
    grid += [f"  {a:<40}{b}" for a, b in zip(LEFT, RIGHT, strict=True)]
    lines = [ln for ln in page_lines("\n".join(grid)) if ln.strip()]
    assert lines == [
        "Gazette headline across both columns",
        *filter(None, LEFT),
        *filter(None, RIGHT),
    ]


def test_one_column_stays_as_it_is_less_its_margin():
    text = "    First line of a paragraph that\n    wraps onto a second line.\n\n      Indented.\n"
    assert page_lines(text) == [
        "First line of a paragraph that",
        "wraps onto a second line.",
        "",
        "  Indented.",
    ]


def test_bits_of_a_line_far_apart_are_boxes_of_their_own():
    lines = page_lines("Body text goes here.\nhttps://example.org/a          1/2\n")
    assert [ln for ln in lines if ln.strip()] == [
        "Body text goes here.",
        "https://example.org/a",
        "1/2",
    ]


def test_ligatures_and_soft_hyphens_are_plain_letters():
    assert page_lines("The \ufb01nal of\ufb01ce re\u00adport.") == ["The final office report."]


def _page(number, *body, header="The Example Gazette \u00b7 World"):
    return [header, "", *body, "", "https://example.org/story", str(number)]


def test_running_headers_page_numbers_and_links_go_and_the_link_is_the_source():
    text, source = join_pages(
        [_page(1, "First page text ends here."), _page(2, "Second page text.")]
    )
    assert text.split("\n\n") == ["First page text ends here.", "Second page text.\n"]
    assert source == "https://example.org/story"


def test_a_sentence_broken_by_a_page_break_runs_on():
    text, _ = join_pages(
        [
            _page(1, "A paragraph of two lines", "that stops at the page's"),
            _page(2, "foot, mid-sentence."),
        ]
    )
    assert "that stops at the page's\nfoot, mid-sentence." in text


def test_a_heading_at_the_foot_of_a_page_stays_apart():
    text, _ = join_pages([_page(1, "Body.", "", "Heading at the foot"), _page(2, "Next text.")])
    assert "Heading at the foot\n\nNext text." in text


def test_a_browser_print_header_goes_even_on_one_page():
    text, _ = join_pages([_page(1, "Body text.", header="3/5/24, 9:41 AM  Talks | Gazette")])
    assert text == "Body text.\n"


def test_text_that_repeats_is_kept_unless_it_is_a_header():
    numbered = [_page(n, f"Day {n + 3}", "", "Sentence.", "", "Stay safe.") for n in (1, 2, 3)]
    text, _ = join_pages(numbered)
    assert [text.count(x) for x in ("Day 4", "Day 5", "Day 6", "Stay safe.")] == [1, 1, 1, 3]
    assert "Gazette" not in text


def test_a_header_with_the_page_number_in_it_is_still_a_header():
    pages = [_page(n, "Text.", header=f"Gazette, page {n}") for n in (1, 2, 3)]
    assert "Gazette" not in join_pages(pages)[0]
