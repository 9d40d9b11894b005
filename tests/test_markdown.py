import pytest

from bot.core.ingest.markdown import (
    FrontMatter,
    FrontMatterError,
    parse_markdown,
    split_front_matter,
)


def test_front_matter_title_sections_and_paragraphs():
    parsed = parse_markdown(
        "---\ntitle: T\npublisher: P\n---\n# Heading\n\n"
        "First para\nwrapped.\n\n## Sec\n\nSecond.\n"
    )
    assert parsed.meta.values == {"title": "T", "publisher": "P"}
    assert parsed.meta.lines == {"title": 2, "publisher": 3}
    assert parsed.title == "Heading"
    assert [(b.text, b.heading, b.line) for b in parsed.blocks] == [
        ("First para wrapped.", False, 7),
        ("Sec", True, 10),
        ("Second.", False, 12),
    ]


def test_inline_markup_is_what_a_reader_sees():
    parsed = parse_markdown("Some **bold**, _em_, [a link](http://x.y) and `code`.\n")
    assert parsed.blocks[0].text == "Some bold, em, a link and code."


def test_lists_and_quotes_are_paragraphs_code_and_html_are_not():
    parsed = parse_markdown("- one.\n- two.\n\n> quoted.\n\n```\ncode\n```\n\n<div>x</div>\n")
    assert [b.text for b in parsed.blocks] == ["one.", "two.", "quoted."]


def test_no_front_matter():
    assert split_front_matter("# T\n") == (FrontMatter(), "# T\n", 1)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("---\ntitle: T\n", 1, "never closed"),
        ("---\ntitle: T\nbad: [unclosed\n---\n", 4, "not valid YAML"),
        ("---\n- a\n- b\n---\n", 2, "key: value"),
    ],
)
def test_broken_front_matter_says_where_and_why(text, line, reason):
    with pytest.raises(FrontMatterError, match=reason) as caught:
        split_front_matter(text)
    assert caught.value.line == line


def test_markdown_made_from_a_page_has_no_front_matter_a_first_rule_is_a_rule():
    parsed = parse_markdown("---\n\nA sentence.\n\n---\n", front_matter=False)
    assert parsed.meta == FrontMatter()
    assert [(b.text, b.line) for b in parsed.blocks] == [("A sentence.", 3)]
