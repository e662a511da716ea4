"Write a benchmark's figures to `bench/results/NAME.json`, the format the results page (nbs/results.ipynb) reads."
import datetime, json, os, platform, sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent/'results'


def record(name:str, title:str, figures:dict=None, tables:list=None, description:str='') -> Path:
    "Save `figures` ({name: number}) and `tables` ([{'title', 'rows'}]) with the command that reproduces them."
    RESULTS.mkdir(exist_ok=True)
    result = dict(title=title, command=' '.join(['python', f'bench/{Path(sys.argv[0]).name}', *sys.argv[1:]]),
                  description=description, date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                  machine=f'{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} when measured')
    if figures: result['figures'] = {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
    if tables: result['tables'] = tables
    path = RESULTS/f'{name}.json'
    path.write_text(json.dumps(result, indent=1) + '\n')
    print(f'\nfigures written to {path}')
    return path
