import codecs
import datetime as dt

import pytest

from bot.core import ExtractionError
from bot.core.ingest.documents import DocumentMeta
from bot.core.ingest.markdown import parse_markdown
from bot.core.ingest.webpage import ExtractedPage, decode_html, extract_html
from tests.conftest import HARBOUR_URL, SAVED_PAGE

PAGE = SAVED_PAGE.read_text(encoding="utf-8")
# What the page holds besides its article: none of it may come out.
NOT_THE_ARTICLE = [
    "Subscribe",  # navigation
    "Cheap flights",  # advertisement
    "Win a cruise",  # advertisement in the article
    "Ferry strike",  # a related story
    "never work",  # a reader's comment
    "harbour_fan_77",  # a commenter
    "Tracking code",  # a script
    "dataLayer",  # a script
    "border:",  # a style sheet
    "Copyright",  # the footer
    "Comments",  # the comments' heading
]


def test_the_article_its_sections_and_metadata_come_out():
    page = extract_html(SAVED_PAGE.read_bytes())
    assert page.title == "Harbour Talks Resume in Valdora"
    assert page.publisher == "The Example Gazette"
    assert page.published == dt.date(2024, 3, 5)
    assert page.source == HARBOUR_URL
    parsed = parse_markdown(page.markdown, front_matter=False)
    assert parsed.title == "Harbour Talks Resume in Valdora"
    assert [b.text for b in parsed.blocks if b.heading] == [
        "Customs post",
        "Fishing rights",
        "What comes next",
    ]
    assert (
        "The customs post on the north pier handles about 4,000 lorries a week." in page.markdown
    )


def test_navigation_ads_comments_scripts_and_footers_never_come_out():
    markdown = extract_html(SAVED_PAGE.read_bytes()).markdown
    assert [x for x in NOT_THE_ARTICLE if x in markdown] == []


def test_the_url_it_came_from_is_the_source_when_the_page_names_no_canonical_link():
    bare = PAGE.replace(f'<link rel="canonical" href="{HARBOUR_URL}">', "")
    page = extract_html(bare.encode(), "https://mirror.example.net/harbour")
    assert page.source == "https://mirror.example.net/harbour"
    assert extract_html(bare.encode()).source is None


def test_a_canonical_link_that_is_not_http_is_no_source():
    odd = PAGE.replace(HARBOUR_URL, "javascript:void(0)")
    assert extract_html(odd.encode()).source is None


def test_a_page_that_states_no_date_gets_none_not_a_guess():
    undated = (
        PAGE.replace('content="2024-03-05T08:30:00+00:00"', 'content=""')
        .replace('<time datetime="2024-03-05">5 March 2024</time>', "")
        .replace("/2024/03/05/", "/")
    )
    # A related story's link still says /2024/02/: that is not this article's date.
    assert extract_html(undated.encode()).published is None


@pytest.mark.parametrize(
    ("declared", "codec", "city"),
    [
        ('<meta charset="windows-1252">', "cp1252", "Z\u00fcrich"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            "cp1252",
            "Z\u00fcrich",
        ),
        ('<meta charset="koi8-r">', "koi8-r", "\u0426\u044e\u0440\u0438\u0445"),
    ],
)
def test_the_declared_charset_is_respected(declared, codec, city):
    page = PAGE.replace('<meta charset="utf-8">', declared).replace("Z\u00fcrich", city)
    page = page.replace("caf\u00e9", "cafe")  # koi8-r has no accented letters
    markdown = extract_html(page.encode(codec)).markdown
    assert f"a retired judge from {city}, said" in markdown


def test_the_http_charset_wins_over_the_page_s_and_a_bom_over_both():
    data = PAGE.encode("cp1252")  # the page still says utf-8
    assert "Z\u00fcrich" in decode_html(data, "text/html; charset=windows-1252")
    assert "Z\u00fcrich" in decode_html(codecs.BOM_UTF8 + PAGE.encode(), "windows-1252")


def test_an_undeclared_page_that_is_not_utf8_is_read_as_windows_1252():
    data = PAGE.replace('<meta charset="utf-8">', "").encode("cp1252")
    assert "Z\u00fcrich" in decode_html(data)
    assert decode_html("caf\u00e9".encode()) == "caf\u00e9"


@pytest.mark.parametrize(
    "html",
    [
        b"<html><head><title>Menu</title><script>var x = 1;</script></head><body>"
        b"<nav><a href='/'>Home</a></nav></body></html>",
        b"",
        b"\x00\x01\x02",
    ],
    ids=["navigation only", "empty", "binary"],
)
def test_a_page_without_an_article_is_refused(html):
    with pytest.raises(ExtractionError, match="no article text"):
        extract_html(html)


def test_the_markdown_file_holds_the_metadata_as_front_matter():
    page = extract_html(SAVED_PAGE.read_bytes())
    parsed = parse_markdown(page.markdown_file())
    assert parsed.meta.values == {
        "title": "Harbour Talks Resume in Valdora",
        "publisher": "The Example Gazette",
        "source": HARBOUR_URL,
        "published": "2024-03-05",  # as written; DocumentMeta reads it as the day
    }
    assert DocumentMeta.model_validate(parsed.meta.values).published == dt.date(2024, 3, 5)
    body = parse_markdown(page.markdown, front_matter=False)
    assert [b.text for b in parsed.blocks] == [b.text for b in body.blocks]
    bare = ExtractedPage(None, None, None, None, "Just text.\n")
    assert bare.markdown_file() == "Just text.\n"


@pytest.mark.parametrize(
    "label",
    ["rot13", "base64", "zlib", "idna", "undefined", "utf-7", "unicode_escape", "punycode"],
)
def test_a_charset_no_browser_knows_is_ignored_as_browsers_do(label):
    """Python has codecs no page means (some raise, some garble): the page is read as UTF-8."""
    page = PAGE.replace('<meta charset="utf-8">', f'<meta charset="{label}">').encode()
    assert "a retired judge from Z\u00fcrich, said" in extract_html(page).markdown
    assert "Z\u00fcrich" in decode_html(PAGE.encode(), f"text/html; charset={label}")


def test_a_canonical_link_too_long_to_cite_is_no_source():
    long = PAGE.replace(HARBOUR_URL, HARBOUR_URL + "-" + "x" * 2_000)
    assert extract_html(long.encode()).source is None
    assert extract_html(long.encode(), "https://mirror.example.net/h").source == (
        "https://mirror.example.net/h"
    )


@pytest.mark.parametrize(
    "error",
    [RecursionError("maximum recursion depth exceeded"), KeyError("div"), AttributeError("x")],
    ids=lambda e: type(e).__name__,
)
def test_what_trafilatura_lets_out_is_one_line_naming_its_kind(monkeypatch, error):
    import trafilatura

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(trafilatura, "bare_extraction", fails)
    with pytest.raises(ExtractionError) as caught:
        extract_html(SAVED_PAGE.read_bytes())
    assert str(caught.value).startswith(f"broken web page, cannot be read ({type(error).__name__}")
    assert "\n" not in str(caught.value)


def test_a_bug_in_extraction_is_not_passed_off_as_a_broken_page(monkeypatch):
    import trafilatura

    class Surprise(Exception):
        pass

    def fails(*args, **kwargs):
        raise Surprise("a new kind of failure")

    monkeypatch.setattr(trafilatura, "bare_extraction", fails)
    with pytest.raises(Surprise):
        extract_html(SAVED_PAGE.read_bytes())
