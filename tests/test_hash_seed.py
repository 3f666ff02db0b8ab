"""Issue 14 item 4: a build's kernels run with a fixed string-hash seed.

Python salts string hashes per process; the order of a set of names (pyfixest's variables among
them) then changes between runs, and with it the order of floating-point sums: two clean builds
gave effects whose standard errors differed at the 7th digit. ``analysis.report.build.execute`` pins
``PYTHONHASHSEED`` for the kernel it starts; a seed the user set is kept."""

from __future__ import annotations

import os
import subprocess
import sys

from analysis import reproducible


def test_pin_hash_seed_sets_a_fixed_seed_and_keeps_a_users(monkeypatch):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    reproducible.pin_hash_seed()
    assert os.environ["PYTHONHASHSEED"] == "0"
    monkeypatch.setenv("PYTHONHASHSEED", "123")
    reproducible.pin_hash_seed()
    assert os.environ["PYTHONHASHSEED"] == "123"


def test_with_the_seed_a_child_process_orders_a_set_of_names_the_same_way(monkeypatch):
    code = "print(list({'producer_id', 'year', 'member', 'post', 'sector', 'chain'}))"
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    reproducible.pin_hash_seed()
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=os.environ.copy()).stdout for _ in range(3)}
    assert len(runs) == 1
