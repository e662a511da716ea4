"""What the bench scripts share: the machine they ran on, how busy it was, and writing figures to
`bench/results/NAME.json`, the format the results page (nbs/results.ipynb) reads."""
import csv, datetime, json, os, platform, statistics, sys, time
from pathlib import Path

import torch

RESULTS = Path(__file__).resolve().parent/'results'
FEATURES = ('avx2', 'fma', 'avx512f', 'avx512_bf16', 'avx512_fp16', 'amx_bf16', 'amx_tile')  # what matters to torch here
# the variables that keep torch's kernels, MKL and oneDNN to smaller instruction sets: set to avx2, AVX2 and
# AVX2, a CPU with AVX-512 runs as one with AVX2 only would (bf16 emulated); the figures go to NAME_avx2.json
ISA_LIMITS = ('ATEN_CPU_CAPABILITY', 'MKL_ENABLE_INSTRUCTIONS', 'ONEDNN_MAX_CPU_ISA')


# ---------------------------------------------------------------------------------------------- the machine
def cpu_info() -> dict:
    "The CPU's model name and which of `FEATURES` it has (from /proc/cpuinfo; empty elsewhere)."
    name, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            key, _, value = line.partition(':')
            if key.strip() == 'model name': name = value.strip()
            elif key.strip() == 'flags': flags = set(value.split()); break
    except OSError: pass
    return {'model': name, 'cores': os.cpu_count(), 'features': [f for f in FEATURES if f in flags]}

def fast_bf16() -> bool:
    "robopoet's own test: does this CPU multiply bf16 in hardware?"
    from robopoet.runtime import cpu_has_fast_bf16
    return cpu_has_fast_bf16()

def environment(device='cpu') -> dict:
    "Everything a figure depends on besides the code: CPU, its bf16, threads, torch, and the GPU if one is used."
    device = torch.device(device)
    env = {'cpu': cpu_info(), 'cpu does bf16 in hardware': fast_bf16(), 'torch': torch.__version__,
           'threads': torch.get_num_threads(), 'python': platform.python_version(),
           'OMP_WAIT_POLICY': os.environ.get('OMP_WAIT_POLICY', 'unset'),
           'GOMP_SPINCOUNT': os.environ.get('GOMP_SPINCOUNT', 'unset'),
           'load average at start': round(os.getloadavg()[0], 2)}
    if limits := isa_limits():
        env['instruction sets limited by'] = limits
        env['torch kernels'] = torch.backends.cpu.get_cpu_capability()
    if device.type == 'cuda':
        p = torch.cuda.get_device_properties(device)
        env.update(gpu=p.name, gpu_memory_gb=round(p.total_memory / 2**30, 1), cuda=torch.version.cuda,
                   bf16_supported=torch.cuda.is_bf16_supported())
    return env

def isa_limits() -> str:
    "The instruction-set limits in force, as `VAR=value` words ('' for none)."
    return ' '.join(f'{k}={os.environ[k]}' for k in ISA_LIMITS if os.environ.get(k))

def describe(env:dict) -> str:
    "One line for the results page's `machine`."
    c = env['cpu']
    line = (f"{c['model']}, {c['cores']} CPUs ({', '.join(c['features']) or 'no AVX2'}; bf16 in hardware: "
            f"{env['cpu does bf16 in hardware']}), {env['threads']} torch threads, torch {env['torch']}")
    spin = [f'{k}={env[k]}' for k in ('OMP_WAIT_POLICY', 'GOMP_SPINCOUNT') if env[k] != 'unset']
    if spin: line += ', ' + ' '.join(spin)
    if 'instruction sets limited by' in env:
        line += f", run as a CPU with {env['torch kernels']} only ({env['instruction sets limited by']})"
    if 'gpu' in env: line = f"{env['gpu']} (CUDA {env['cuda']}), " + line
    return line + f", load average {env['load average at start']} at the start"

def print_environment(env:dict):
    print(describe(env), flush=True)
    if 'instruction sets limited by' in env:
        kernels = env['torch kernels']
        print(f"instruction sets limited: this CPU runs as one with {kernels} only would; "
              f"figures go to NAME_{kernels.lower()}.json")
    if not env['cpu does bf16 in hardware'] and 'gpu' not in env:
        print('this CPU has neither AVX-512 BF16 nor AMX: bf16 is emulated (slow), robopoet trains in fp32 here')


# ---------------------------------------------------------------------------------------------- how busy it was
_TICK = os.sysconf('SC_CLK_TCK') if hasattr(os, 'sysconf') else 100

def _busy_ticks() -> int:
    "CPU ticks every process has used (from /proc/stat); 0 where there is no /proc."
    try: v = list(map(int, Path('/proc/stat').read_text().split('\n', 1)[0].split()[1:9]))
    except (OSError, ValueError): return 0
    return sum(v) - v[3] - v[4]  # all but idle and iowait

def _own_ticks() -> int:
    try: f = Path('/proc/self/stat').read_text().rsplit(')', 1)[1].split()
    except OSError: return 0
    return int(f[11]) + int(f[12])  # user + system time of every thread of this process

class Timer:
    """Times a block (`with Timer() as t: ...`; `t.seconds`) and measures how many CPU cores *other* processes
    kept busy meanwhile (`t.others`): on a shared machine a figure taken while others ran is slower."""
    def __init__(self, sync=None): self.sync = sync  # e.g. torch.cuda.synchronize, called at both ends
    def __enter__(self):
        if self.sync: self.sync()
        self.busy, self.own, self.start = _busy_ticks(), _own_ticks(), time.perf_counter()
        return self
    def __exit__(self, *exc):
        if self.sync: self.sync()
        self.seconds = time.perf_counter() - self.start
        others = (_busy_ticks() - self.busy) - (_own_ticks() - self.own)
        self.others = max(0.0, others / _TICK / self.seconds) if self.busy else float('nan')

def median(xs): return statistics.median(xs) if xs else float('nan')

QUIET = 0.25  # cores kept busy by other processes below which a round counts as quiet

def wait_for_quiet(seconds:float, sample:float=0.5) -> float:
    """Wait until other processes keep fewer than `QUIET` cores busy (sampled every `sample` s), at most `seconds`;
    return the last level seen."""
    end, level = time.perf_counter() + seconds, float('nan')
    while True:
        with Timer() as t: time.sleep(sample)
        level = t.others
        if not level >= QUIET or time.perf_counter() >= end: return level

def summarise(rates:dict, others:dict) -> tuple[dict, int]:
    """{contender: median rate} over the rounds in which every contender ran while the machine was quiet, if
    there are two or more such rounds, else over all rounds; and the number of quiet rounds."""
    n = len(next(iter(rates.values())))
    quiet = [i for i in range(n) if all(others[k][i] < QUIET for k in rates)]
    use = quiet if len(quiet) >= 2 else range(n)
    return {k: median([v[i] for i in use]) for k, v in rates.items()}, len(quiet)


# ---------------------------------------------------------------------------------------------- results
def record(name:str, title:str, figures:dict=None, tables:list=None, description:str='', curve:list=None,
           env:dict=None) -> Path:
    """Save `figures` ({name: number}) and `tables` ([{'title', 'rows'}]) with the command that reproduces them
    and the machine (`env` from `environment`); `curve` (rows of {'step': ..., series: value or None}) goes to
    NAME.csv beside it, which the page plots."""
    RESULTS.mkdir(exist_ok=True)
    env = env or environment()
    limits = env.get('instruction sets limited by')
    if limits:  # kept apart from the figures of the CPU as it is
        kernels = env['torch kernels']
        name, title = f'{name}_{kernels.lower()}', f'{title}, the CPU run with {kernels} only'
    command = ([limits] if limits else []) + ['python', f'bench/{Path(sys.argv[0]).name}', *sys.argv[1:]]
    result = dict(title=title, command=' '.join(command),
                  description=description, date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                  machine=describe(env), environment=env)
    if figures: result['figures'] = {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}
    if tables: result['tables'] = tables
    path = RESULTS/f'{name}.json'
    path.write_text(json.dumps(result, indent=1) + '\n')
    if curve:
        cols = list(dict.fromkeys(k for row in curve for k in row))
        with open(path.with_suffix('.csv'), 'w', newline='') as f:  # csv quotes names that hold commas
            w = csv.writer(f, lineterminator='\n'); w.writerow(cols)
            w.writerows(['' if row.get(c) is None else row[c] for c in cols] for row in curve)
    print(f'\nfigures written to bench/results/{path.name}')
    return path
