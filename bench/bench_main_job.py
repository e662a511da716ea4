"""The README's main job, as a student runs it: `robopoet train --config char_cpu` in a fresh folder.

    python bench/bench_main_job.py                  # about 2 minutes on 2 idle cores
    python bench/bench_main_job.py --wait-quiet 300  # first wait (up to 5 minutes) for the machine to be quiet

Records, in bench/results/main_job.json, how long the command took and what it reached (the best validation
loss, in nats and bits per character), with a sample of the trained model; and in main_job.csv beside it the
run's training and validation loss per step (from the run's logs/char_cpu/metrics.csv), which the results
page draws. Needs ROBOPOET_DATA (or the texts in the cache) for the corpus.
"""
from __future__ import annotations
import argparse, csv, json, os, subprocess, sys, tempfile, time
from pathlib import Path

from robopoet.checkpoint import load_model, read_checkpoint
from robopoet.sampling import generate
from robopoet.strategies import SamplingConfig

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import _TICK, _busy_ticks, _own_ticks, environment, print_environment, record, wait_for_quiet

PROMPT, SEED, LENGTH = 'HAMLET.\n', 1, 400


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--device', default='cpu', help='cpu or cuda')
    ap.add_argument('--wait-quiet', type=float, default=0, help='first wait up to this many seconds for the machine '
                    'to be quiet (other processes below a quarter of a core)')
    args = ap.parse_args()
    if args.wait_quiet: wait_for_quiet(args.wait_quiet)
    env = environment(args.device); print_environment(env)
    command = ['robopoet', 'train', '--config', 'char_cpu', '--device', args.device, '--quiet']
    with tempfile.TemporaryDirectory(prefix='robopoet-main-job-') as work:
        busy, own, children, start = _busy_ticks(), _own_ticks(), os.times(), time.perf_counter()
        subprocess.run([sys.executable, '-m', *command], cwd=work, check=True, env=os.environ)
        wall = time.perf_counter() - start
        ran = sum(os.times()[2:4]) - sum(children[2:4])  # the command's own CPU seconds
        others = max(0.0, ((_busy_ticks() - busy) - (_own_ticks() - own)) / _TICK - ran) / wall if busy else None
        with open(Path(work)/'logs'/'char_cpu'/'metrics.csv', newline='') as f: rows = list(csv.DictReader(f))
        best = Path(work)/'checkpoints'/'char_cpu'/'best.pth'
        ck = read_checkpoint(best)
        model, tok = load_model(best)
    sample = generate(model, tok, PROMPT, max_new_tokens=LENGTH, seed=SEED)
    at_best = next(r for r in rows if int(r['step']) == ck['best_step'])
    num = lambda v: float(v) if v not in ('', None) else None
    curve = [{'step': int(r['step']), 'char_cpu train loss': num(r['train_loss']),
              'char_cpu val loss': num(r['val_loss'])} for r in rows]
    figures = {'wall seconds of the command (setup and validations included)': wall,
               "training seconds (the run's own clock)": float(rows[-1]['elapsed']),
               'steps': int(rows[-1]['step']), 'best validation loss (nats per character)': ck['best_val_loss'],
               'bits per character': float(at_best['val_bpc']), 'at step': ck['best_step'],
               'cores other processes kept busy meanwhile (mean)': others}
    path = record('main_job', f"The README's main job: {' '.join(command[:4])}", figures, curve=curve, env=env,
                  description="The character model of configs/char_cpu.yaml trained on Hamlet + Alice as a student "
                              "trains it, in a fresh folder, timed from the command's start to its end. Its "
                              "validation loss is exact (every validation character). The sample is its best.pth "
                              "writing with the default sampling settings.")
    result = json.loads(path.read_text())
    result['samples'] = [{'prompt': PROMPT, 'text': sample,
                          'settings': {'seed': SEED, 'max_new_tokens': LENGTH, **{k: v for k, v in
                                       vars(SamplingConfig()).items() if k not in ('max_new_tokens', 'stop')}}}]
    path.write_text(json.dumps(result, indent=1) + '\n')
    print(f"{wall:.0f} s; best validation loss {ck['best_val_loss']:.4f} = {figures['bits per character']:.3f} "
          f"bits per character at step {ck['best_step']}\n{sample}")


if __name__ == '__main__': main()
