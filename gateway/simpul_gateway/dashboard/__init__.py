"""The web dashboard: server-rendered pages in Bahasa Indonesia, every number read from the
same reporting tables as the API (docs/reporting.md), charts drawn as inline SVG in Python.

`tables` names each figure, `numbers` writes it the Indonesian way, `markup` and `charts` are
pure functions from figures to HTML and SVG, `pages` composes them, `source` reads what a page
needs from reporting and the registry, and `routes` serves it."""
