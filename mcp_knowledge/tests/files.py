"""Small documents of every indexed type, built in memory for the tests (and the benchmark)."""
import io
import zipfile
from email.message import EmailMessage
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def pdf_bytes(pages):
    """A PDF with one page per item of ``pages`` (each a list of lines), written by reportlab."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for lines in pages:
        text = pdf.beginText(50, 800)
        for line in lines:
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def docx_bytes(paragraphs):
    """A minimal Word document (the parts Odoo's DOCX reader opens)."""
    body = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % escape(text) for text in paragraphs)
    document = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
                '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>'
                % body)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org'
                         '/package/2006/content-types"/>')
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def xlsx_bytes(rows):
    import xlsxwriter
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for row_index, row in enumerate(rows):
        for column, value in enumerate(row):
            sheet.write(row_index, column, value)
    workbook.close()
    return buffer.getvalue()


def odt_bytes(paragraphs):
    body = "".join("<text:p>%s</text:p>" % escape(text) for text in paragraphs)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
               '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text='
               '"urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>%s</office:text>'
               '</office:body></office:document-content>' % body)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def eml_bytes(subject, body, html=False):
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "buyer@azure.example"
    message["To"] = "sales@example.com"
    message.set_content(body, subtype="html" if html else "plain")
    return message.as_bytes()
