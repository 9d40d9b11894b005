import datetime as dt
import io
import struct
import zlib

import pypdf
import pytest
from pypdf import PageObject, PdfReader, PdfWriter, errors
from pypdf.xmp import XmpInformation
from reportlab.lib.pdfencrypt import StandardEncryption

from bot.core import ExtractionError
from bot.core.ingest.loading import load_file
from bot.core.ingest.pdf import NO_TEXT, NOT_A_PDF, extract_pdf
from tests.conftest import HARBOUR, HARBOUR_URL, make_pdf, textless_pdf


@pytest.fixture(scope="module")
def harbour_pdf():
    return make_pdf(HARBOUR)


def test_text_comes_out_without_the_page_furniture(harbour_pdf):
    pdf = extract_pdf(harbour_pdf)
    assert pdf.pages == 2
    assert "Negotiators from Norland and Sudmark" in pdf.text
    assert "Example Gazette" not in pdf.text  # the running header
    assert "http" not in pdf.text  # the footer link...
    assert pdf.source == HARBOUR_URL  # ...which is the source


def test_title_and_date_come_from_the_metadata():
    data = make_pdf(
        HARBOUR, title="Harbour Talks Resume", info={"/CreationDate": "D:20240305083000+01'00'"}
    )
    pdf = extract_pdf(data)
    assert pdf.title == "Harbour Talks Resume"
    assert pdf.published == dt.date(2024, 3, 5)


def test_a_publication_date_in_xmp_beats_the_creation_date():
    data = make_pdf(HARBOUR, info={"/CreationDate": "D:20240310120000Z"})
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    xmp = XmpInformation.create()
    xmp.dc_date = [dt.datetime(2024, 3, 5, 8, 30)]
    writer.xmp_metadata = xmp
    out = io.BytesIO()
    writer.write(out)
    assert extract_pdf(out.getvalue()).published == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    "title", ["", "Microsoft Word - briefing.docx", "untitled", "(anonymous)", "scan_0042.pdf"]
)
def test_a_title_that_names_a_file_or_nothing_is_no_title(title):
    assert extract_pdf(make_pdf(HARBOUR, info={"/Title": title})).title is None


def test_a_malformed_date_is_no_date_and_loses_no_text():
    pdf = extract_pdf(make_pdf(HARBOUR, info={"/CreationDate": "yesterday"}))
    assert pdf.published is None
    assert "Negotiators" in pdf.text


@pytest.mark.parametrize("image", [True, False], ids=["scan", "drawing"])
def test_a_pdf_without_a_text_layer_is_refused_as_such(image):
    with pytest.raises(ExtractionError, match="no text layer; OCR is not supported"):
        extract_pdf(textless_pdf(image=image))
    assert NO_TEXT.startswith("no text layer")


def test_a_password_to_open_is_refused_in_one_line():
    locked = StandardEncryption("secret", ownerPassword="owner")
    with pytest.raises(ExtractionError, match=r"^encrypted PDF; save a copy without a password"):
        extract_pdf(make_pdf(HARBOUR, encrypt=locked))


def test_a_pdf_encrypted_only_against_copying_is_read():
    restricted = StandardEncryption("", ownerPassword="owner", canCopy=0, canModify=0)
    assert "Negotiators" in extract_pdf(make_pdf(HARBOUR, encrypt=restricted)).text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n%%EOF",
        b"not a pdf at all, just words",
        b"%PDF-1.4\n" + bytes(range(256)) * 8,
    ],
    ids=["header only", "no pages", "text", "noise"],
)
def test_damaged_files_are_one_line_errors(data):
    with pytest.raises(ExtractionError) as caught:
        extract_pdf(data)
    assert "\n" not in str(caught.value)


def test_no_cut_or_corruption_of_a_real_pdf_escapes_as_another_exception(harbour_pdf):
    """Truncated anywhere, or with bytes overwritten, a PDF is read or refused, never a crash."""
    size = len(harbour_pdf)
    variants = [harbour_pdf[: size * k // 12] for k in range(1, 12)]
    for k in range(1, 12):
        at = size * k // 12
        variants.append(harbour_pdf[:at] + b"\xff\x00garbage(]>>" + harbour_pdf[at + 12 :])
    refusals = []
    for data in variants:
        try:
            extract_pdf(data)
        except ExtractionError as exc:
            refusals.append(str(exc))
    assert refusals
    assert not any("\n" in refusal for refusal in refusals)


def test_a_file_that_is_not_a_pdf_at_all_says_so():
    with pytest.raises(ExtractionError, match=r"^not a PDF: it does not start with %PDF \("):
        extract_pdf(b"hello")
    assert NOT_A_PDF.startswith("not a PDF")


# What pypdf was seen raising on cut and corrupted files (tests/test_damaged_files.py).
PYPDF_DAMAGE = [
    errors.PdfReadError("Cannot find Root object in pdf"),
    errors.PdfStreamError("Stream has ended unexpectedly"),
    errors.LimitReachedError("Detected loop with self reference for IndirectObject(4, 0)"),
    errors.DeprecationError("The filter name /Fl is deprecated and has been removed"),
    ValueError("Non-Ascii85 digit found: ~"),
    TypeError('can only concatenate str (not "int") to str'),
    KeyError("/Root"),
    IndexError("list index out of range"),
    AttributeError("'NoneType' object has no attribute 'get_object'"),
    AssertionError(),
    OverflowError("Python int too large to convert to C ssize_t"),
    NotImplementedError("Unsupported filter /ASC!II85Decode"),
    RecursionError("maximum recursion depth exceeded"),
    struct.error("unpack requires a buffer of 8 bytes"),
    zlib.error("Error -3 while decompressing data"),
]


@pytest.mark.parametrize("error", PYPDF_DAMAGE, ids=lambda e: type(e).__name__)
def test_what_pypdf_raises_on_a_damaged_file_is_one_line_naming_its_kind(
    harbour_pdf, monkeypatch, error
):
    def fails(page, *args, **kwargs):
        raise error

    monkeypatch.setattr(PageObject, "extract_text", fails)
    with pytest.raises(ExtractionError) as caught:
        extract_pdf(harbour_pdf)
    message = str(caught.value)
    assert message.startswith(f"damaged PDF, cannot be read ({type(error).__name__}")
    assert "\n" not in message


def test_a_bug_is_not_passed_off_as_a_damaged_file(harbour_pdf, monkeypatch):
    """Only what bad input makes pypdf raise is a refusal; anything else must be seen."""

    class Surprise(Exception):
        pass

    def fails(page, *args, **kwargs):
        raise Surprise("a new kind of failure")

    monkeypatch.setattr(PageObject, "extract_text", fails)
    with pytest.raises(Surprise):
        extract_pdf(harbour_pdf)


def test_a_page_whose_layout_fails_is_read_as_plain_text(harbour_pdf, monkeypatch):
    plain = PageObject.extract_text

    def layout_fails(page, *args, **kwargs):
        if kwargs.get("extraction_mode") == "layout":
            raise AttributeError("'NoneType' object has no attribute 'get_object'")
        return plain(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", layout_fails)
    assert "Negotiators from Norland" in " ".join(extract_pdf(harbour_pdf).text.split())


def test_a_library_missing_here_is_named_not_blamed_on_the_file(harbour_pdf, monkeypatch):
    def needs_cryptography(*args, **kwargs):
        raise errors.DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(pypdf, "PdfReader", needs_cryptography)
    with pytest.raises(
        ExtractionError,
        match=r"^PDF needs a library that is not installed \(DependencyError: cryptography",
    ):
        extract_pdf(harbour_pdf)


@pytest.mark.parametrize(
    "footer",
    ["www.example.org/harbour", "https://example.org/" + "a" * 2_100],
    ids=["www", "long"],
)
def test_a_footer_link_that_cannot_be_cited_is_no_source_and_the_pdf_loads(write, footer):
    data = make_pdf(HARBOUR, footer_url=footer)
    assert extract_pdf(data).source is None
    document = load_file(write("harbour.pdf", data), max_bytes=1_000_000)
    assert document.meta.source is None
    assert "Negotiators" in document.paragraphs[0].text
