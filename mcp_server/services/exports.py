"""Records as a spreadsheet under an access policy: CSV or XLSX bytes, no cell able to run as a formula.

``RecordExport(env, policy)`` reads as ``env``'s user within ``policy`` through ``RecordAccess`` (same field,
domain and order checks, same values); relations become their visible name (else their id), lists of ids
comma-separated text.
"""
import csv
import io

import xlsxwriter

from .record_access import RecordAccess

EXPORT_BATCH = 1000
FORMATS = ("csv", "xlsx")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class RecordExport:
    """Tables of records as one user under one policy."""

    def __init__(self, env, policy):
        self.records = RecordAccess(env, policy)

    def file(self, model, domain=None, field_names=None, order=None, limit=None, file_format="xlsx",
             progress=None):
        """``(content bytes, row count)`` of the records of ``model`` matching ``domain``, at most ``limit``.

        ``field_names``: the columns (default: ``RecordAccess.default_field_names`` with ``id``);
        ``file_format``: ``csv`` (UTF-8 with BOM) or ``xlsx``; ``progress(done, total)`` is called after each
        batch of 1000 rows. Raises ``AccessDeniedByPolicy`` for a field, domain or order the key may not use.
        """
        header, rows, count = self.table(model, domain, field_names, order, limit, progress)
        if file_format == "csv":
            return csv_bytes(header, rows), count
        return xlsx_bytes(header, rows, model._description or model._name), count

    def table(self, model, domain=None, field_names=None, order=None, limit=None, progress=None):
        """``(header labels, row iterator, row count)``; see ``file``. Rows are read lazily, in batches."""
        names = self.records.fields_to_read(model, field_names)
        if field_names and "id" not in field_names:
            names.remove("id")  # exactly the columns asked for
        found = self.records.search(model, domain, limit=limit, order=order)
        labels = model.fields_get(names, ["string"])
        header = [labels.get(name, {}).get("string") or name for name in names]
        return header, self._rows(found, names, progress), len(found)

    def _rows(self, records, names, progress):
        total = len(records)
        for start in range(0, total, EXPORT_BATCH):
            batch = records[start:start + EXPORT_BATCH]
            rows, _failed = self.records.read(batch, names)
            for row in rows:
                yield [_cell(row.get(name)) for name in names]
            batch.invalidate_recordset()
            if progress:
                progress(min(start + EXPORT_BATCH, total), total)


def _cell(value):
    if isinstance(value, dict):
        return value.get("name") or value.get("id")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return value


def csv_cell(value):
    """The CSV text of a cell: formulas neutralised by a leading single quote, as OWASP advises."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_bytes(header, rows):
    """CSV (UTF-8 with BOM, for spreadsheets) of ``header`` and ``rows``; no cell can run as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(title) for title in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header, rows, sheet_name):
    """XLSX of ``header`` and ``rows``: text is written as text, never as a formula or a link."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet(sheet_name[:31].replace("/", "-"))
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    widths = [min(max(len(str(title)), 8), 50) for title in header]
    for column, title in enumerate(header):
        sheet.write_string(0, column, str(title), bold)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(index, column, value)
            elif value is not None:
                sheet.write(index, column, value)
            widths[column] = min(max(widths[column], len(str(value if value is not None else ""))), 50)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width + 2)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
