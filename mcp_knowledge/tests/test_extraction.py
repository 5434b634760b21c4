"""Text extraction per file type, and chunking (pages, offsets, overlap)."""
from odoo.tests import TransactionCase, tagged

from ..lib.chunking import chunk_text
from ..lib.extraction import ExtractionError, extract_text, file_type
from .files import docx_bytes, eml_bytes, odt_bytes, pdf_bytes, xlsx_bytes


@tagged("post_install", "-at_install")
class TestExtraction(TransactionCase):

    def extract(self, name, mimetype, data):
        return extract_text(self.env["ir.attachment"], data, file_type(name, mimetype))

    def test_file_types(self):
        self.assertEqual(file_type("contract.pdf", "application/pdf"), "pdf")
        self.assertEqual(file_type("notes.md", "text/plain"), "md")
        self.assertEqual(file_type("mail.eml", "application/octet-stream"), "eml")
        self.assertEqual(file_type("page.htm", "application/octet-stream"), "html")
        self.assertIsNone(file_type("photo.png", "image/png"))

    def test_pdf_pages(self):
        data = pdf_bytes([["Master services agreement", "Payment within 30 days."],
                          ["Late payment: interest of 12 percent per year."]])
        text = self.extract("contract.pdf", "application/pdf", data)
        self.assertIn("Master services agreement", text)
        first, second = text.split("\f")[:2]
        self.assertIn("30 days", first)
        self.assertIn("interest of 12 percent", second)
        with self.assertRaisesRegex(ExtractionError, "not a PDF"):
            self.extract("broken.pdf", "application/pdf", b"hello")

    def test_office_documents(self):
        text = self.extract("policy.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            docx_bytes(["Travel policy", "Trains are preferred below 500 km."]))
        self.assertIn("Trains are preferred below 500 km.", text)
        text = self.extract("prices.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            xlsx_bytes([["Product", "Price"], ["Ergonomic chair", "349"]]))
        self.assertIn("Ergonomic chair", text)
        text = self.extract("manual.odt", "application/vnd.oasis.opendocument.text",
                            odt_bytes(["Descaling the coffee machine every month."]))
        self.assertIn("Descaling the coffee machine", text)

    def test_text_formats(self):
        self.assertEqual(self.extract("a.txt", "text/plain", "Crème brûlée recipe".encode()), "Crème brûlée recipe")
        self.assertEqual(self.extract("a.txt", "text/plain", "Café".encode("cp1252")), "Café")
        self.assertIn("# Returns", self.extract("faq.md", "text/markdown", b"# Returns\n\nWithin 14 days."))
        html = self.extract("page.html", "text/html", b"<h1>Warranty</h1><p>Two <b>years</b> on parts.</p>")
        self.assertIn("Two *years* on parts.", html)
        self.assertNotIn("<p>", html)
        self.assertIn("Azure Interior;42", self.extract("list.csv", "text/csv", b"name;amount\nAzure Interior;42\n"))

    def test_email(self):
        text = self.extract("order.eml", "message/rfc822", eml_bytes("Order 1042", "Please deliver on Monday."))
        self.assertIn("Subject: Order 1042", text)
        self.assertIn("From: buyer@azure.example", text)
        self.assertIn("Please deliver on Monday.", text)
        text = self.extract("order.eml", "message/rfc822", eml_bytes("Quote", "<p>Discount of <b>5%</b></p>", True))
        self.assertIn("Discount of", text)
        self.assertNotIn("<b>", text)

    def test_empty_content_is_an_error(self):
        with self.assertRaisesRegex(ExtractionError, "no text"):
            self.extract("blank.txt", "text/plain", b"  \n ")


@tagged("post_install", "-at_install")
class TestChunking(TransactionCase):

    def test_chunks_keep_pages_offsets_and_overlap(self):
        paragraphs = ["Paragraph %d %s" % (index, "lorem ipsum dolor " * 20) for index in range(6)]
        text = "# Terms\n\n" + "\n\n".join(paragraphs) + "\f## Late payment\n\nInterest of 12 percent."
        chunks = chunk_text(text, target=800, overlap=200)
        self.assertGreater(len(chunks), 2)
        for chunk in chunks:
            # The offset points at the chunk's first characters in the whole text.
            self.assertEqual(text[chunk["offset"]:chunk["offset"] + 30], chunk["content"][:30])
            self.assertLessEqual(len(chunk["content"]), 800 + 200)
        self.assertEqual(chunks[0]["page"], 1)
        last = chunks[-1]
        self.assertTrue(last["content"].startswith("## Late payment"))
        self.assertEqual(last["page"], 2)
        # Consecutive chunks of a section share text (the overlap).
        self.assertIn(chunks[1]["content"][:60], chunks[0]["content"])

    def test_short_and_empty_texts(self):
        self.assertEqual(chunk_text("Just one line."), [{"offset": 0, "page": 1, "content": "Just one line."}])
        self.assertEqual(chunk_text(" \n\n "), [])
