"""PDF bytes -> the text of their pages and what the file's metadata says, with pypdf.

pypdf is pure Python and needs nothing else to read an unencrypted PDF; its layout mode
keeps where text stands on the page, which ``pdf_layout`` uses to undo columns and page
furniture. What a damaged or hostile file makes pypdf raise becomes one ``ExtractionError``
line: a knowledge directory must report a bad PDF, never crash on one. Only the exceptions
pypdf is known to raise on bad input are translated (``read_errors``); anything else is a bug to
see, not a file to refuse. pypdf is imported on first use, so a knowledge directory without
PDFs never pays for it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.errors import ExtractionError
from bot.core.ingest.documents import MAX_LINK
from bot.core.ingest.pdf_layout import join_pages, page_lines

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

NO_TEXT = "no text layer; OCR is not supported (a scan or a picture of the text?)"
NOT_A_PDF = "not a PDF: it does not start with %PDF (another kind of file, renamed?)"
_HEADER_WITHIN = 1024  # readers accept junk before the header, as far as this (PDF 1.7, H.3)
# /Title values that name the file the PDF was printed from, not the article.
_JUNK_TITLE = re.compile(
    r"^(?:untitled\b|\(?anonymous\)?$|document\d*$|microsoft (?:word|powerpoint) - )"
    r"|\.(?:docx?|odt|pdf|indd|rtf|pages|html?|aspx?|php)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ExtractedPdf:
    """What a PDF gives the loader: its text as a raw export, and its metadata when present.

    ``text`` still holds wrapped lines, layout headings and the like: it is meant for
    ``cleaning.clean_export``. ``source`` is the first link printed in a page's header or
    footer (browsers print the page's address there).
    """

    text: str
    pages: int
    title: str | None = None
    published: dt.date | None = None
    source: str | None = None


# Python's own exceptions that pypdf lets out when a file is not what its code expects: found
# by fuzzing reportlab's PDFs (cut, bytes flipped, numbers and names swapped) and by hand-made
# hostile files; tests/test_damaged_files.py keeps checking. ``read_errors`` adds pypdf's own.
_PYTHON_ERRORS: tuple[type[Exception], ...] = (
    ValueError,  # bad numbers and dates, Ascii85 or hex data (binascii.Error), UnicodeError
    TypeError,  # an object of the wrong kind: a name where a number is due, "str" + int
    LookupError,  # KeyError, IndexError: an entry or an index that is not there
    AttributeError,  # None or a name where a dictionary is due (a reference to nothing)
    AssertionError,  # pypdf asserts the types it expects (generic/_data_structures.py)
    ArithmeticError,  # OverflowError: a size too big for an index; ZeroDivisionError
    NotImplementedError,  # a filter or an encryption handler pypdf does not know
    RecursionError,  # objects nested deeper than Python's stack
    struct.error,  # a cross-reference stream's fields cut short
    zlib.error,  # a compressed stream that is no such thing
)
# MemoryError is left out on purpose: it says this process is short, not that the file is bad
# (the loader's size limit and pypdf's decompression limits keep a file from causing it).


def read_errors() -> tuple[type[Exception], ...]:
    """Every exception that means pypdf cannot read a PDF: pypdf's own, then Python's.

    pypdf's are its whole family (``PdfReadError``, ``PdfStreamError``, ``LimitReachedError``
    and the rest), ``DependencyError`` (AES-256 encryption wants ``cryptography``, a JBIG2
    image the ``jbig2dec`` program) and ``DeprecationError``, which pypdf 7 raises for a filter
    name that only older files abbreviate. A function, not a constant: pypdf loads on first use.
    """
    from pypdf.errors import DependencyError, DeprecationError, PyPdfError

    return (PyPdfError, DependencyError, DeprecationError, *_PYTHON_ERRORS)


def _detail(exc: BaseException) -> str:
    """The exception's class and its message, on one line: the class says more than most."""
    message = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}{': ' + message if message else ''}"


def _failure(exc: BaseException) -> ExtractionError:
    from pypdf.errors import DependencyError

    if isinstance(exc, DependencyError):  # not the file's fault: say what is missing
        return ExtractionError(f"PDF needs a library that is not installed ({_detail(exc)})")
    return ExtractionError(f"damaged PDF, cannot be read ({_detail(exc)})")


def _open(data: bytes) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))  # no password to open, only to edit or print
        except (DependencyError, NotImplementedError, FileNotDecryptedError):
            opened = False
        if not opened:
            raise ExtractionError("encrypted PDF; save a copy without a password and load that")
    return reader


def _page_text(page: PageObject) -> str:
    """Layout text of one page; plain text if layout mode fails on its fonts."""
    try:
        return page.extract_text(extraction_mode="layout")
    except read_errors():  # layout mode is the younger code path; plain mode may still cope
        return page.extract_text()


def _title(reader: PdfReader) -> str | None:
    """The ``/Title``, unless it names the file the PDF was made from ("Microsoft Word - x")."""
    try:
        info = reader.metadata
        title = " ".join(str(info.title or "").split()) if info is not None else ""
    except read_errors():  # metadata is a bonus: a malformed entry must not lose the text
        return None
    return title if title and not _JUNK_TITLE.search(title) else None


def _published(reader: PdfReader) -> dt.date | None:
    """The XMP publication date (``dc:date``) if given, else the file's ``/CreationDate``."""
    try:
        xmp = reader.xmp_metadata
        dates = xmp.dc_date if xmp is not None else []
        if dates:
            return dates[0].date()
        info = reader.metadata
        created = info.creation_date if info is not None else None
    except read_errors():  # as for the title
        return None
    return created.date() if created is not None else None


def extract_pdf(data: bytes) -> ExtractedPdf:
    """The text and metadata of a PDF given as bytes; ``ExtractionError`` saying why if none.

    Bound the input before calling (the loader checks its size limit first): parsing is in
    memory. Scans without a text layer, encrypted and damaged files are refused with a reason.
    """
    if b"%PDF" not in data[:_HEADER_WITHIN]:  # pypdf would guess on, to a baffling error
        raise ExtractionError(NOT_A_PDF)
    try:
        reader = _open(data)
        pages = [page_lines(_page_text(page)) for page in reader.pages]
    except read_errors() as exc:
        raise _failure(exc) from None
    if not any(ch.isalnum() for page in pages for line in page for ch in line):
        raise ExtractionError(NO_TEXT)
    text, source = join_pages(pages)
    return ExtractedPdf(text, len(pages), _title(reader), _published(reader), _citable(source))


def _citable(link: str | None) -> str | None:
    """A footer link as a citation's source: http(s) and not too long, as ``DocumentMeta`` asks.

    A footer may print ``www.example.org/page`` or a link longer than any browser takes; such
    a link is still page furniture, but no source.
    """
    if link is None or not link.startswith(("http://", "https://")) or len(link) > MAX_LINK:
        return None
    return link
