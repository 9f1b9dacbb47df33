"""The publish layer: months and years built, published atomically, kept as editions.

The month and year pipelines, fingerprints, the ``output/`` lock, final editions and
their signatures, the archive pages and ``status``. Imports every layer below; only
:mod:`crmlib.cli` imports it.
"""
