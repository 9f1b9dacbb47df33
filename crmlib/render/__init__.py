"""The render layer: executed notebooks turned into HTML and PDF.

``execute`` (papermill on a warm kernel, Markdown templates filled), ``renderer``
(Quarto or the embedded pandoc + Typst renderer), ``notebook`` (the ``render`` command for
a notebook run by papermill or JupyterLab). Imports the layers below, never ``publish``
or ``cli``.
"""
