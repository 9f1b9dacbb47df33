"""Synthetic CRM exports: the committed sample months and large benchmark data.

Nothing here is real CRM data. The module produces monthly exports in the input
format of the data contract (sheets/files ``laporan`` and ``koordinasi`` with the
contract's column names, as a workbook or a folder of CSV files) so that the
readers, the metrics and the report can be developed, tested and benchmarked
without any reporter's data. No reporter-identifying column is ever produced.
Which month uses which form, headers and datetime style, and everything filled
where the seed report is silent, is written down in ``docs/data-log.md``.

Three kinds of data come out of it:

``build_seed_month()``
    June 2022, constructed so that the contract's metrics reproduce every table and
    figure of the published June 2022 report (the "seed report"): the status recap
    per unit, 388/120 responses, the top units and categories, the four
    fastest/slowest kelurahan tables, the two reports rejected at least twice and
    the one report scored below 100. Where the seed report is silent the values
    are filled plausibly (see ``docs/data-log.md``).
``generate_month()``
    A realistic month (400-700 reports by default) for any period: skewed units and
    categories, JAKI as the dominant channel, heavy-tailed durations, some late
    follow-ups, a few rejections and open reports, and a small share of rows from
    the neighbouring months so that month filtering is exercised.
``generate_many()``
    The same model, fully vectorised, for up to millions of rows over many months
    (benchmarks).

Regenerate the committed sample months (``data/sample/``) with::

    .venv/bin/python -m crmlib.samplegen            # all 12 months of 2022
    .venv/bin/python -m crmlib.samplegen --check    # only verify the committed files
    .venv/bin/python -m crmlib.samplegen --months 2022-06 2022-07 --out /tmp/sample

Output is deterministic: the same code and seeds give the same files (CSV byte for
byte; ``.xlsx`` with fixed zip timestamps and document dates).

The package is split by concern; this module is its public face and re-exports the
public API:

- :mod:`.common`: units of time, the missing-time sentinel, status codes, month bounds;
- :mod:`.shape`: the month's shape (units, categories, channels, times, durations,
  report numbers) drawn from the reference data;
- :mod:`.boundary`: rows the report must always see, exactly at each limit it judges
  and one step past it;
- :mod:`.frames`: the drawn arrays assembled into the contract's two tables;
- :mod:`.month`: :func:`generate_month` and :func:`generate_many`;
- :mod:`.seed_report` and :mod:`.seed_month`: the seed report's figures and the June
  2022 month built from them;
- :mod:`.writers`: workbooks and CSV folders in export style;
- :mod:`.samples`: the committed sample months, their check, the command line, and
  :func:`write_example`, a synthetic export of any month (``crm-report contoh``).
"""

from __future__ import annotations

from crmlib.data.contract import KOORDINASI_COLUMNS, LAPORAN_COLUMNS
from crmlib.samplegen.month import generate_many, generate_month
from crmlib.samplegen.samples import (
    SAMPLE_DIR,
    SAMPLE_MONTHS,
    SampleMonth,
    check_samples,
    main,
    regenerate,
    sample_path,
    write_example,
)
from crmlib.samplegen.seed_month import build_seed_month
from crmlib.samplegen.writers import DATETIME_COLUMNS, export_style_values, write_month

__all__ = [
    "DATETIME_COLUMNS",
    "KOORDINASI_COLUMNS",
    "LAPORAN_COLUMNS",
    "SAMPLE_DIR",
    "SAMPLE_MONTHS",
    "SampleMonth",
    "build_seed_month",
    "check_samples",
    "export_style_values",
    "generate_many",
    "generate_month",
    "main",
    "regenerate",
    "sample_path",
    "write_example",
    "write_month",
]
