"""The staff lists' generic parts, which know no app: a filter set's stable sort, one page
of it (whole or its rows for htmx), the same list as a CSV or XLSX file, and counts kept in
the cache. Every floor's list pages build on them (core: they ask `access` and `audit`)."""
