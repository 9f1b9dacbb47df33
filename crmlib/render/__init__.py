"""The render layer: executed notebooks turned into HTML and PDF.

``execute`` (papermill on a warm kernel, Markdown templates filled), ``renderer``
(the renderer chosen, a month rendered) with its steps ``markdown`` (notebook to Markdown,
the image rule), ``embedded`` (pandoc + Typst), ``typst_compile`` (Typst in a bounded child
process), ``quarto`` and ``extension`` (the extension's names, the project root), and
``notebook`` (the ``render`` command for a notebook run by papermill or JupyterLab).
Imports the layers below, never ``publish`` or ``cli``.
"""
