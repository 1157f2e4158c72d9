"""Date and time formats for a Belgian product (settings.FORMAT_MODULE_PATH): every language
writes the day before the month, the month before the year, and 24-hour times.

Django's own formats already do so for French, Dutch and Ukrainian. Its English ones are
American (09/06/2026 for 6 September) and its Arabic ones have no date-and-time formats (so
Django's American defaults applied): both are replaced here.
"""
