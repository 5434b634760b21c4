"""Text of an attachment's content, by type.

Odoo's ``attachment_indexation`` reads DOCX, XLSX, PPTX and OpenDocument; PDF is read with the
library it uses (pdfminer.six) with layout analysis on (see :func:`pdf_text`); this
module adds plain text, Markdown, HTML, CSV and e-mail messages (``.eml``), which Odoo indexes only
as runs of ASCII letters.
"""
import codecs
import email
import email.policy
import io
import logging
import mimetypes

from odoo.tools import html2plaintext

ODOO_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
TEXT_TYPES = {
    "text/plain": "txt", "text/markdown": "md", "text/x-markdown": "md", "text/csv": "csv", "text/html": "html",
    "message/rfc822": "eml",
}
EXTENSIONS = {ext: mimetype for mimetype, ext in {**ODOO_TYPES, **TEXT_TYPES}.items()}
DEFAULT_FILE_TYPES = "pdf,docx,xlsx,pptx,odt,ods,odp,txt,md,csv,html,eml"


class ExtractionError(Exception):
    """The content could not be read as text; the message says why (shown in the documents list)."""


def file_type(name, mimetype):
    """The short type (``pdf``, ``md``...) of a file, from its mimetype or else its extension; None if unknown."""
    kind = ODOO_TYPES.get(mimetype) or TEXT_TYPES.get(mimetype)
    extension = (name or "").rsplit(".", 1)[-1].lower() if "." in (name or "") else ""
    if extension in ("md", "markdown", "eml", "csv"):  # often stored as text/plain or octet-stream
        return "md" if extension == "markdown" else extension
    if kind:
        return kind
    if extension in EXTENSIONS or extension in ("htm", "text"):
        return {"htm": "html", "text": "txt"}.get(extension, extension)
    guessed = mimetypes.guess_type(name or "")[0]
    return TEXT_TYPES.get(guessed) or ODOO_TYPES.get(guessed)


def decode_text(data):
    """Bytes as text: UTF-8 (with or without BOM), else Windows-1252, which decodes any byte."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def email_text(data):
    """Subject, sender, recipients and the body (plain text part, else HTML) of an RFC 822 message."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    lines = ["%s: %s" % (header, message[header]) for header in ("Subject", "From", "To", "Date")
             if message[header]]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        content = body.get_content()
        lines.extend(["", html2plaintext(content) if body.get_content_type() == "text/html" else content])
    return "\n".join(lines)


def pdf_text(data):
    """Text of a PDF, pages separated by form feeds.

    pdfminer.six (the library Odoo's indexation uses) with layout analysis: Odoo's own reader runs without
    it and glues the last word of a line to the first of the next ("Interior.Late"), which then matches
    neither word.
    """
    try:
        from pdfminer.high_level import extract_text as pdfminer_text
        from pdfminer.layout import LAParams
        from pdfminer.pdfparser import PDFSyntaxError
    except ImportError:
        raise ExtractionError("pdfminer.six is not installed") from None
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return pdfminer_text(io.BytesIO(data), laparams=LAParams())
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise ExtractionError("damaged PDF (%s)" % (exc or type(exc).__name__)) from None


def extract_text(attachment_model, data, kind):
    """The text of ``data`` of type ``kind`` (see :func:`file_type`); raises :class:`ExtractionError`.

    ``attachment_model`` is the ``ir.attachment`` model, whose ``_index_<type>`` methods read Odoo's formats.
    """
    if kind in ("txt", "md", "csv"):
        text = decode_text(data)
    elif kind == "html":
        text = html2plaintext(decode_text(data))
    elif kind == "eml":
        text = email_text(data)
    elif kind == "pdf":
        if not data.startswith(b"%PDF-"):
            raise ExtractionError("not a PDF file")
        text = pdf_text(data)
    elif kind in ("odt", "ods", "odp"):
        text = attachment_model._index_opendoc(data)
    elif kind in ("docx", "xlsx", "pptx"):
        text = getattr(attachment_model, "_index_%s" % kind)(data)
    else:
        raise ExtractionError("unsupported file type")
    text = (text or "").replace("\x00", "")
    if not text.strip():
        raise ExtractionError("no text found (a scanned image, or an empty or damaged file)")
    return text
