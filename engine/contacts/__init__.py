"""Own contacts from spreadsheets: CSV and XLSX files read into contacts, and written back.

``read_table`` reads a file (CSV with ``,`` or ``;``, UTF-8 or Windows-1252; XLSX) into a
header and numbered rows; ``plan_import`` turns them into contacts with E.164 numbers, merged
by number, and the rows it refuses; ``write_table`` writes contacts back to CSV or XLSX.
"""

from __future__ import annotations

from engine.contacts.export import export_rows, write_table
from engine.contacts.files import Table, TableError, parse_table, read_table
from engine.contacts.records import ImportPlan, PhoneReader, Record, Refused, plan_import

__all__ = [
    "ImportPlan",
    "PhoneReader",
    "Record",
    "Refused",
    "Table",
    "TableError",
    "export_rows",
    "parse_table",
    "plan_import",
    "read_table",
    "write_table",
]
