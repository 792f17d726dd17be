"""Import of the roster (花名册) from an Excel file: who holds which role, from when to when.

parser.py   .xlsx → rows (pure): columns found by their headers, cells read as text and dates
service.py  rows → a preview against the database (new / changed / unchanged / error, with reasons),
            and the import of the valid rows in one transaction
seats.py    the active headcount plan's verdict on every row of a file, in the file's order, in memory
"""
