"""Import of job descriptions (岗位说明书) from text, .txt and .docx files.

parser.py   text → role cards (pure)
fields.py   values read from a card: years of experience, education level, grade (pure)
sources.py  files → text, with the size limit (settings.ROLE_IMPORT_MAX_BYTES)
service.py  cards → draft roles, in one transaction (a dry run rolls it back)
views.py    the admin page: paste or upload, preview, save as drafts
"""
