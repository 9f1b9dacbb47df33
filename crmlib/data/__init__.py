"""The data layer: what comes in, checked.

The data contract's columns (``contract``), the reader (``reader`` runs the steps for a
month: ``sources`` locates and reads the files, ``headers`` maps column titles,
``parsing`` reads cell values, ``validation`` checks each column), reference data
(``refdata`` over the editable files in ``reference/``), params (``params``,
``newmonth``), plausibility checks, PII masking and report periods.
Imports nothing of crmlib but :mod:`crmlib.errors` and :mod:`crmlib.project`.
"""
