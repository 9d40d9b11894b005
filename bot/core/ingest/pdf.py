"""PDF bytes -> the text of their pages and what the file's metadata says, with pypdf.

pypdf is pure Python and needs nothing else to read an unencrypted PDF; its layout mode
keeps where text stands on the page, which ``pdf_layout`` uses to undo columns and page
furniture. Whatever a damaged or hostile file makes pypdf raise becomes one
``ExtractionError`` line: a knowledge directory must report a bad PDF, never crash on one.
pypdf is imported on first use, so a knowledge directory without PDFs never pays for it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.errors import ExtractionError
from bot.core.ingest.pdf_layout import join_pages, page_lines

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

NO_TEXT = "no text layer; OCR is not supported (a scan or a picture of the text?)"
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


def _failure(exc: Exception) -> ExtractionError:
    """One line for any exception pypdf raised: its class says more than most messages."""
    detail = " ".join(str(exc).split())[:120]
    name = type(exc).__name__
    return ExtractionError(
        f"damaged PDF, cannot be read ({name}{': ' + detail if detail else ''})"
    )


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
    except Exception:  # layout mode is the younger code path; plain mode may still cope
        return page.extract_text()


def _title(reader: PdfReader) -> str | None:
    """The ``/Title``, unless it names the file the PDF was made from ("Microsoft Word - x")."""
    try:
        info = reader.metadata
        title = " ".join(str(info.title or "").split()) if info is not None else ""
    except Exception:  # metadata is a bonus: a malformed entry must not lose the text
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
    except Exception:  # as for the title
        return None
    return created.date() if created is not None else None


def extract_pdf(data: bytes) -> ExtractedPdf:
    """The text and metadata of a PDF given as bytes; ``ExtractionError`` saying why if none.

    Bound the input before calling (the loader checks its size limit first): parsing is in
    memory. Scans without a text layer, encrypted and damaged files are refused with a reason.
    """
    try:
        reader = _open(data)
        pages = [page_lines(_page_text(page)) for page in reader.pages]
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file, not just its own
        raise _failure(exc) from None
    if not any(ch.isalnum() for page in pages for line in page for ch in line):
        raise ExtractionError(NO_TEXT)
    text, source = join_pages(pages)
    return ExtractedPdf(text, len(pages), _title(reader), _published(reader), source)
