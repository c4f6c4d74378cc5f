"""Date formats per language (FORMAT_MODULE_PATH), over Django's own: a
date on a trainee page reads in the page's language, e.g. "17 Agustus 2026"
or "17 August 2026". Templates use `{{ value|date }}` (DATE_FORMAT)."""
