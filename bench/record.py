"Write a benchmark's figures to `bench/results/NAME.json`, the format the results page (nbs/results.ipynb) reads."
import datetime, json, os, platform, sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent/'results'


def record(name:str, title:str, figures:dict=None, tables:list=None, description:str='', curve:list=None) -> Path:
    """Save `figures` ({name: number}) and `tables` ([{'title', 'rows'}]) with the command that reproduces them;
    `curve` (rows of {'step': ..., series: value or None}) goes to NAME.csv beside it, which the page plots."""
    RESULTS.mkdir(exist_ok=True)
    result = dict(title=title, command=' '.join(['python', f'bench/{Path(sys.argv[0]).name}', *sys.argv[1:]]),
                  description=description, date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                  machine=f'{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} when measured')
    if figures: result['figures'] = {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
    if tables: result['tables'] = tables
    path = RESULTS/f'{name}.json'
    path.write_text(json.dumps(result, indent=1) + '\n')
    if curve:
        cols = list(dict.fromkeys(k for row in curve for k in row))
        lines = [','.join(cols)] + [','.join('' if row.get(c) is None else str(row[c]) for c in cols) for row in curve]
        path.with_suffix('.csv').write_text('\n'.join(lines) + '\n')
    print(f'\nfigures written to {path}')
    return path
