"""Run every notebook's tests, one pytest test per notebook, through nbdev's test runner.

Flags: cells marked with a flag from settings.ini's `tst_flags` (`slow`, `cuda`) are skipped unless the
flag is named in the environment variable ROBOPOET_TEST_FLAGS, e.g. `ROBOPOET_TEST_FLAGS=slow pytest tests`.
"""
import os
from configparser import ConfigParser

import pytest
import nbdev.test as nbtest

from conftest import ROOT

_cfg = ConfigParser(delimiters=['=']); _cfg.read(ROOT/'settings.ini', encoding='utf-8')
ALL_FLAGS = _cfg['DEFAULT'].get('tst_flags', '').split()
RUN_FLAGS = os.environ.get('ROBOPOET_TEST_FLAGS', '').split()
NOTEBOOKS = sorted(p for p in (ROOT/'nbs').glob('*.ipynb') if not p.name.startswith('_'))


@pytest.mark.parametrize('nb', NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook(nb):
    ok, secs = nbtest.test_nb(nb, skip_flags=ALL_FLAGS, force_flags=RUN_FLAGS, basepath=ROOT)
    print(f'{nb.name}: {secs:.1f}s')
    assert ok, f'{nb.name} failed: the traceback is above'
