"""Splitting extracted text into overlapping chunks, by headings and paragraphs.

Pages are separated by form feeds (``\\f``, as pdfminer writes them). Each chunk remembers the page
it starts on (1-based) and its character offset in the whole text, so a reader can open the passage
with ``read_attachment(offset=...)``.
"""
import re

TARGET_CHARS = 1200
OVERLAP_CHARS = 200
MAX_HEADING_CHARS = 120
BLOCK_SEPARATOR = re.compile(r"\n\s*\n|\f")
MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
NUMBERED_HEADING = re.compile(r"^\s*(\d+(\.\d+)*\.?|[IVX]+\.)\s+[A-Z]")


def is_heading(block):
    """A one-line block that reads as a title: Markdown ``#``, numbered, or short without final stop."""
    line = block.strip()
    if "\n" in line or not line or len(line) > MAX_HEADING_CHARS:
        return False
    if MARKDOWN_HEADING.match(line) or NUMBERED_HEADING.match(line):
        return True
    return line[-1] not in ".,;:!?)" and line[0].isupper() and len(line.split()) <= 10


def blocks(text):
    """``[(offset, page, block text)]``: paragraphs with their position and page (1-based)."""
    result = []
    position, page = 0, 1
    for match in BLOCK_SEPARATOR.finditer(text + "\n\n"):
        block = text[position:match.start()]
        if block.strip():
            lead = len(block) - len(block.lstrip())
            result.append((position + lead, page, block.strip()))
        page += match.group().count("\f")
        position = match.end()
    return result


def _split_long(offset, page, block, target):
    """Cut a block longer than ``target`` at sentence or word ends."""
    pieces = []
    start = 0
    while len(block) - start > target:
        window = block[start:start + target]
        cut = max(window.rfind(". "), window.rfind("\n"), window.rfind(" "))
        cut = cut + 1 if cut > target // 2 else target
        pieces.append((offset + start, page, block[start:start + cut].strip()))
        start += cut
        while start < len(block) and block[start].isspace():
            start += 1
    if block[start:].strip():
        pieces.append((offset + start, page, block[start:].strip()))
    return pieces


def chunk_text(text, target=TARGET_CHARS, overlap=OVERLAP_CHARS):
    """``[{"content", "page", "offset"}]``: chunks of about ``target`` characters.

    A page or a heading starts a new chunk; paragraphs are added until the target is reached; the next chunk of
    the same section repeats the previous one's tail (up to ``overlap`` characters, whole paragraphs when
    they fit).
    """
    pieces = []
    for offset, page, block in blocks(text or ""):
        pieces.extend(_split_long(offset, page, block, target) if len(block) > target else [(offset, page, block)])
    chunks, current = [], []
    for piece in pieces:
        size = sum(len(p[2]) + 2 for p in current)
        heading = is_heading(piece[2])
        new_page = current and piece[1] != current[-1][1]
        if current and (new_page or size + len(piece[2]) > target or (heading and size > overlap)):
            chunks.append(_chunk(current))
            # A new page or section starts afresh; a long one repeats the previous chunk's tail.
            current = [] if heading or new_page else _tail(current, overlap)
        current.append(piece)
    if current:
        chunks.append(_chunk(current))
    return _drop_repeats(chunks)


def _tail(pieces, overlap):
    """The last pieces of a chunk that fit in ``overlap`` characters, carried to the next chunk."""
    tail = []
    for piece in reversed(pieces):
        if sum(len(p[2]) for p in tail) + len(piece[2]) > overlap or (is_heading(piece[2]) and tail):
            break
        tail.insert(0, piece)
    if len(tail) == len(pieces):
        return []
    if not tail and not is_heading(pieces[-1][2]):  # no whole paragraph fits: the last sentences or words
        offset, page, block = pieces[-1]
        cut = block.find(" ", len(block) - overlap)
        if 0 < cut < len(block) - 1:
            tail = [(offset + cut + 1, page, block[cut + 1:])]
    return tail


def _chunk(pieces):
    return {"offset": pieces[0][0], "page": pieces[0][1], "content": "\n\n".join(p[2] for p in pieces)}


def _drop_repeats(chunks):
    """Drop a last chunk made only of the previous chunk's overlap."""
    if len(chunks) > 1 and chunks[-1]["content"] in chunks[-2]["content"]:
        chunks.pop()
    return chunks
