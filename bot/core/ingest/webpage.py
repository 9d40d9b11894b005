"""A saved or fetched web page -> its article as Markdown, with title, site, date and link.

trafilatura finds the main text of a page (navigation, ads, comments, scripts and the like
left out) and renders it as Markdown with its headings, which ``markdown`` then reads like any
Markdown knowledge file: one parser for sections, so citations show a page's sections too.
Metadata comes from the page's own markup (``og:site_name``, ``<link rel="canonical">``,
``article:published_time``, ``<time>``...). The date is never guessed from the text or from
links (htmldate's "extensive search"), which found a related story's date in tests.

Bytes are decoded here, not by trafilatura (which guesses): a byte order mark, then the
charset the HTTP response declared (for a fetched page), then the page's own ``<meta
charset>``, then UTF-8, then windows-1252, as browsers do. Nothing is downloaded, ever.
trafilatura is imported on first use: it takes a fifth of a second, and most knowledge
directories hold no web pages.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass

import yaml

from bot.core.errors import ExtractionError
from bot.core.ingest.documents import MAX_LINK

_PRESCAN = 1024  # the HTML standard looks for <meta charset> in the first 1024 bytes
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# Labels that browsers read as another encoding (WHATWG Encoding Standard).
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "gb2312": "gbk",
    "tis-620": "cp874",
    "x-user-defined": "cp1252",
    "utf-16": "utf-8",  # a page that says so but was parsed as bytes is ASCII-compatible
}
# Python's names for the encodings of the WHATWG Encoding Standard, which browsers know: a
# page may name any codec Python has ("rot13", "idna", "utf-7", "undefined"), and decoding
# with one of those garbles the page or raises. Browsers ignore a label they do not know.
_BROWSER_CODECS = frozenset(
    {
        "utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp866", "koi8-r", "koi8-u", "mac-roman",
        "mac-cyrillic", "cp874", "cp932", "cp949", "gbk", "gb18030", "big5", "big5hkscs",
        "euc_jp", "euc_kr", "iso2022_jp", "shift_jis", "iso8859-1",
        *(f"cp{n}" for n in range(1250, 1259)),
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
    }
)  # fmt: skip
# What trafilatura may let out on broken markup. It catches lxml's parse errors (ParserError
# "Document is empty", XMLSyntaxError) itself, logs them and finds no tree, and turns the
# ValueError and TypeError of its pipeline into no result; fuzzing the test page (cut, bytes
# flipped, tags and entities inserted) and hand-made hostile pages got nothing else out of it.
# These are what its Python code can still raise on a tree it did not expect, and a date or a
# text lxml refuses; anything else is a bug to see, not a page to refuse.
_PAGE_ERRORS: tuple[type[Exception], ...] = (
    ValueError,  # UnicodeError too: text lxml will not take
    TypeError,
    LookupError,  # KeyError, IndexError
    AttributeError,
    RecursionError,
)
_ENDS_SENTENCE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*$")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The article of a web page, as ``extract_html`` found it.

    ``markdown`` is the article's text with its headings (``#`` the headline, ``##`` the
    sections); ``source`` is the page's canonical link, else the URL it was fetched from.
    """

    title: str | None
    publisher: str | None
    published: dt.date | None
    source: str | None
    markdown: str

    def markdown_file(self) -> str:
        """The page as a Markdown knowledge file: front matter with the metadata, then the text.

        What ``/add URL`` can save beside the original page: it loads into the same document.
        """
        meta = {
            key: value
            for key, value in (
                ("title", self.title),
                ("publisher", self.publisher),
                ("source", self.source),
                ("published", self.published),
            )
            if value
        }
        if not meta:
            return self.markdown
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000)
        return f"---\n{front}---\n{self.markdown}"


def _codec(label: str | None) -> str | None:
    """The Python codec for a charset label, or ``None`` for a label nobody knows."""
    if not label:
        return None
    name = label.rsplit("charset=", 1)[-1].split(";")[0].strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return codec if codec in _BROWSER_CODECS else None


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode a page as a browser would.

    ``charset`` is what the HTTP response declared, if the page was fetched: the charset or
    the whole ``Content-Type`` header (``text/html; charset=ISO-8859-1``).
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    declared = _META_CHARSET.search(data[:_PRESCAN])
    codec = _codec(charset) or _codec(declared.group(1).decode("ascii") if declared else None)
    if codec is not None:
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _has_prose(markdown: str) -> bool:
    """Whether some line is a sentence: four words or more, ending like one, not a heading.

    trafilatura's fallbacks return a menu's links from a page that holds nothing else.
    """
    return any(
        len(line.split()) >= 4 and not line.startswith("#") and _ENDS_SENTENCE.search(line)
        for line in (raw.strip() for raw in markdown.splitlines())
    )


def _link(value: str | None) -> str | None:
    """Only an http(s) link of a browser's length can be a citation's source (``DocumentMeta``)."""
    value = (value or "").strip()
    if not value.startswith(("http://", "https://")) or " " in value or len(value) > MAX_LINK:
        return None
    return value


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _clean(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return text or None


def extract_html(
    data: bytes, url: str | None = None, *, charset: str | None = None
) -> ExtractedPage:
    """The article of a web page given as bytes; ``ExtractionError`` if it has none.

    ``url`` is where the page came from (used as its source when it names no canonical link);
    ``charset`` is the one an HTTP response declared. Pure: no network, no files.
    """
    import trafilatura
    from trafilatura.settings import Document as Extracted

    text = decode_html(data, charset)
    try:
        found = trafilatura.bare_extraction(
            text,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_formatting=True,  # headings as Markdown "#" lines
            include_links=False,
            include_images=False,
            include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except _PAGE_ERRORS as exc:
        detail = " ".join(str(exc).split())[:120]
        name = type(exc).__name__
        raise ExtractionError(
            f"broken web page, cannot be read ({name}{': ' + detail if detail else ''})"
        ) from None
    markdown = found.text if isinstance(found, Extracted) and found.text else ""
    if not isinstance(found, Extracted) or not _has_prose(markdown):
        raise ExtractionError("no article text found in the web page")
    return ExtractedPage(
        title=_clean(found.title),
        publisher=_clean(found.sitename),
        published=_date(found.date),
        source=_link(found.url) or _link(url),
        markdown=markdown.strip() + "\n",
    )
