"""Run ``crm-report ARGS`` and send this very process SIGNALS as finalize step STEP starts.

Test helper for ``test_finalize_stop.py`` and ``test_finalize_kill.py``
(``python tests/finalize_met_sinyal.py STEP SIGINT[,SIGTERM] finalize 2022-06 ...``):
the step's function is wrapped so that the signals are sent on entry, which makes
"a stop during step X" exact instead of a timing guess. The steps are the functions
the finalize pipeline calls, in order.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys

STEPS = {
    "validasi": ("crmlib.publish.month", "_validate"),
    "metrik": ("crmlib.publish.month", "_compute_metrics"),
    "notebook": ("crmlib.publish.month", "_execute_notebook"),
    "render": ("crmlib.publish.month", "_render"),
    "tanda tangan": ("crmlib.publish.tandatangan", "sign_pdf"),
    "periksa": ("crmlib.publish.verify", "check_edition"),
    "simpan": ("crmlib.publish.store", "commit_edition"),
    "terbit": ("crmlib.publish.finalize", "_publish_final"),
    "arsip": ("crmlib.publish.finalize", "refresh_archive"),
}


def main() -> int:
    step, name, *argv = sys.argv[1:]
    module = importlib.import_module(STEPS[step][0])
    original = getattr(module, STEPS[step][1])
    sent = []

    def stop_here(*args, **kwargs):
        if not sent:
            for one in name.split(","):
                sent.append(one)
                os.kill(os.getpid(), getattr(signal, one))
        return original(*args, **kwargs)

    setattr(module, STEPS[step][1], stop_here)
    from crmlib.cli.main import main as crm_report

    return crm_report(argv)


if __name__ == "__main__":
    sys.exit(main())
