"""The command line, the only face of crmlib: parse, call, map errors to exit codes.

``main`` (the ``crm-report`` commands), ``preview`` (the live preview server),
``progress`` (progress lines and the summary table), ``click_id`` (click's own messages
in Indonesian).
"""
