"Test settings shared by every test: where the corpus is, and headless plotting."
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_shared = ROOT.parent/'shared'/'corpus'
if 'ROBOPOET_DATA' not in os.environ and _shared.is_dir():
    os.environ['ROBOPOET_DATA'] = str(_shared)  # offline: read the texts, never download them
os.environ.setdefault('MPLBACKEND', 'Agg')
