"""Import of the roster (花名册) from an Excel file: who holds which role, from when to when.

parser.py   .xlsx → rows (pure): columns found by their headers, cells read as text and dates
"""
