"""Finalize is all or nothing: SIGKILL at each of its steps (SIGINT/SIGTERM: test_finalize_stop).

Killed before the store's rename, finalize leaves nothing under ``terbitan/2022-06/``
(its half-made edition sits in ``terbitan/.tmp-*``, out of ``git add
terbitan/2022-06``'s reach and removed by the next run); killed after it, the
edition is stored whole, and the next ``build`` publishes it.
"""

from __future__ import annotations

import signal

import pytest
from fixtures_edisi import run_cli
from test_finalize_stop import (
    BEFORE_STORE,
    FROM_STORE,
    assert_complete,
    assert_nothing,
    draft_project,
    finalize_stopped,
    published_state,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def draft_template(tmp_path_factory):
    return draft_project(tmp_path_factory, "bunuh")


@pytest.mark.parametrize("step", [*BEFORE_STORE, *FROM_STORE])
def test_kill_at_each_step_leaves_nothing_or_the_whole_edition(draft_template, tmp_path, step):
    root, draft_pdf, run = finalize_stopped(draft_template, tmp_path, step, "SIGKILL")
    assert run.returncode == -signal.SIGKILL
    stored = step not in (*BEFORE_STORE, "simpan")  # killed as the rename starts: not yet
    if stored:
        assert_complete(root)
    else:
        assert_nothing(root, draft_pdf)
    # The next run removes what the killed one left, and publishes what is stored.
    rc, out, err = run_cli(["build", "2022-06", "--renderer", "embedded"], root)
    assert rc == 0, out + err
    assert [*(root / "output").glob(".tmp-*"), *(root / "terbitan").glob(".tmp-*")] == []
    card = (root / "output" / "index.html").read_text(encoding="utf-8")
    card = card.split('id="bulan-2022-06"', 1)[1].split("</li>", 1)[0]
    if stored:
        assert published_state(root) == "final" and "Final, edisi 1" in card
        rc, out, err = run_cli(["verify", "2022-06"], root)
        assert rc == 0, out + err
    else:
        assert_nothing(root, draft_pdf)
        assert "DRAF (belum difinalkan)" in card
