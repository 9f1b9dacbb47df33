"""crmlib: the metric logic, readers and renderers behind the monthly CRM report."""

__version__ = "0.1.0"
