"""A model's answer as safe HTML for the chatter, HTML fields and activity notes.

Models write Markdown far more often than HTML: a Markdown answer is rendered (CommonMark with tables and
strikethrough, by ``markdown-it-py``; raw HTML inside it is shown as text, line breaks are kept), an HTML
answer is kept as HTML; either way Odoo's ``html_sanitize`` has the last word (no script, no event handler,
no ``javascript:`` link).
"""
import re

from markdown_it import MarkdownIt

from odoo.tools import html_sanitize

HTML_TAG = re.compile(r"<\s*(p|div|br|ul|ol|li|b|strong|em|i|u|h[1-6]|table|tr|td|th|a|span|blockquote|pre|code)"
                      r"\b[^>]*>", re.IGNORECASE)
# "breaks": a single line break stays a line break, as in the plain text answers of chat models.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])


def answer_html(answer):
    """``answer`` (str) as sanitised HTML: rendered from Markdown, or kept when the model wrote HTML."""
    if HTML_TAG.search(answer):
        return html_sanitize(answer)
    return html_sanitize(MARKDOWN.render(answer))
