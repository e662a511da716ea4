"""Training benchmarks: robopoet against a nanoGPT-style reference (bench/reference.py) in the same run.

    python bench/bench_training.py throughput      # tokens/s, MFU, memory; reference vs robopoet, interleaved
    python bench/bench_training.py quality         # time to val 1.886 and the best val in 120 s of training
    python bench/bench_training.py original        # Hamlet + Alice with gpt_small.yaml, every tokenizer
    python bench/bench_training.py recipes         # the best val in 120 s: char_cpu against variants of it
    python bench/bench_training.py throughput --device cuda   # nanoGPT's GPU defaults against robopoet on a GPU
    python bench/bench_training.py quality --device cuda      # time to val 1.47, nanoGPT's shakespeare_char recipe
    ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2 \
        python bench/bench_training.py throughput  # this CPU run as one with AVX2 only: no bf16, fp32 against fp32

Every ratio is measured in one process: the contenders take turns, round by round, and the figure kept is
the median of the rounds. Each round also records how many CPU cores other processes kept busy meanwhile
("others"): on a shared machine compare ratios, and figures taken while others ran little. The CPU's model
and features, torch's version and threads, and on a GPU its name and CUDA version, go with the figures to
bench/results/*.json. Needs ROBOPOET_DATA (or the texts in the cache) for the corpus.
"""
from __future__ import annotations
import argparse, math, resource, sys, tempfile, time
from dataclasses import replace
from pathlib import Path

import torch

from robopoet.config import load_config
from robopoet.corpus import load_corpus
from robopoet.data import valid_windows
from robopoet.runtime import cpu_has_fast_bf16
from robopoet.tokenizer import make_tokenizer
from robopoet.training import Trainer, train

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import QUIET, Timer, environment, median, print_environment, record, summarise, wait_for_quiet
from reference import BABY, SHAKESPEARE_CHAR, RefConfig, RefTrainer, exact_loss

_SCRATCH = tempfile.TemporaryDirectory(prefix='robopoet-bench-')  # checkpoints and logs of the runs; removed at exit
def scratch() -> str: return tempfile.mkdtemp(dir=_SCRATCH.name)

def synchronizer(device):
    "What makes a timer wait for the device: CUDA runs asynchronously."
    return torch.cuda.synchronize if torch.device(device).type == 'cuda' else None


# ---------------------------------------------------------------------------------------------- peaks
def matmul_peak(dtype, device='cpu', seconds:float=1.5) -> float:
    "Best GFLOP/s of a square matrix product in `dtype` on `device` over a few tries (1024 on CPU, 8192 on GPU)."
    n = 8192 if torch.device(device).type == 'cuda' else 1024
    a, b = torch.randn(n, n, dtype=dtype, device=device), torch.randn(n, n, dtype=dtype, device=device)
    sync = synchronizer(device) or (lambda: None)
    a @ b; sync()
    best, end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        t = time.perf_counter(); a @ b; sync(); best = max(best, 2 * n**3 / (time.perf_counter() - t) / 1e9)
    return best

def flops_per_token(n_params_no_emb, vocab, L, D, T) -> float:
    "Training FLOPs per token: 6 per weight (forward + backward) plus attention's score and value products."
    return 6 * (n_params_no_emb + vocab * D) + 12 * L * D * T


# ---------------------------------------------------------------------------------------------- contenders
SHAPES = {  # name: (n_layer, n_head, n_embd, block_size, batch_size, dropout, bias)
    'gpt_small': (6, 8, 256, 128, 32, 0.1, True),  # the original project's model (gpt_small.yaml)
    'small': (4, 4, 128, 64, 12, 0.0, False),  # nanoGPT's CPU "baby" shakespeare_char model
    'shakespeare_char': (6, 6, 384, 256, 64, 0.2, False),  # nanoGPT's config/train_shakespeare_char.py (GPU)
}

def ref_config(shape, vocab) -> RefConfig:
    L, H, D, T, B, p, bias = SHAPES[shape]
    return replace(SHAKESPEARE_CHAR, vocab_size=vocab, n_layer=L, n_head=H, n_embd=D, block_size=T, batch_size=B,
                   dropout=p, bias=bias, max_iters=10**9, lr_decay_iters=10**9, lr=6e-4)

def make_trainer(shape, precision, tmp, device='cpu', compile=False, data='tinyshakespeare'):
    "robopoet's trainer for the reference's model: gpt_small.yaml's GPT-2 architecture at `shape`, characters."
    L, H, D, T, B, p, bias = SHAPES[shape]
    cfg = load_config('gpt_small', [
        f'name={shape}_{precision}{"_compiled" if compile else ""}', f'data.sources=[{data}]', 'data.tokenizer=char',
        f'model.n_layer={L}', f'model.n_head={H}', f'model.n_embd={D}', f'model.block_size={T}', f'model.dropout={p}',
        f'model.bias={str(bias).lower()}', f'training.batch_size={B}', f'training.precision={precision}',
        'training.max_steps=1000000000', f'training.compile={str(compile).lower()}',
        f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs'])
    return Trainer(cfg, device=device, overwrite=True, progress=False)

def contenders(shape, device):
    """{name: (step function, tokens per step, model)}: the reference with its device's defaults and robopoet's
    trainer in each precision that makes sense there."""
    tmp, on_gpu = scratch(), torch.device(device).type == 'cuda'
    if on_gpu: runs = [('bf16', False), ('bf16', True)]  # eager and compiled, both in bf16 as nanoGPT is
    else: runs = [('fp32', False)] + ([('bf16', False)] if cpu_has_fast_bf16() else [])  # emulated bf16: 10-50x slower
    trainers = {f'robopoet {prec}{" compiled" if comp else ""}': make_trainer(shape, prec, tmp, device, comp)
                for prec, comp in runs}
    first = next(iter(trainers.values()))
    c = ref_config(shape, first.tokenizer.vocab_size)
    ref = RefTrainer(c, first.windows.ids, device)
    tokens = c.batch_size * c.block_size
    # nanoGPT reads the loss every step on the CPU (log_interval=1 in its CPU command), every 10th on a GPU
    out = {f'nanoGPT-style {"bf16 compiled" if on_gpu else "fp32"}': (lambda: ref.step(sync=not on_gpu), tokens, ref.raw)}
    out.update({k: (t.train_step, tokens, t.raw_model) for k, t in trainers.items()})
    return out, ref


# ---------------------------------------------------------------------------------------------- throughput
def report_throughput(args):
    device, env = args.device, environment(args.device)
    print_environment(env)
    on_gpu = torch.device(device).type == 'cuda'
    sync = synchronizer(device)
    if on_gpu: peaks = {'bf16': matmul_peak(torch.bfloat16, device)}
    else: peaks = {'fp32': matmul_peak(torch.float32), 'bf16': matmul_peak(torch.bfloat16)}
    peak = max(peaks.values())  # MFU is against the fastest matrix product this machine does
    print('matrix-product peak measured now: ' + ', '.join(f'{k} {v:,.1f} GFLOP/s' for k, v in peaks.items()))
    shapes = args.shapes or (['shakespeare_char', 'gpt_small'] if on_gpu else ['gpt_small', 'small'])
    rows = []
    for shape in shapes:
        steps = args.steps or (50 if on_gpu else {'gpt_small': 4, 'small': 20, 'shakespeare_char': 1}[shape])
        runs, ref = contenders(shape, device)
        warm = {}
        for k, (f, _, model) in runs.items():  # warm-up: torch.compile compiles here (its time is reported, not counted)
            if on_gpu: sync(); torch.cuda.reset_peak_memory_stats(); resident = torch.cuda.memory_allocated()
            with Timer(sync) as t:
                for _ in range(10 if on_gpu else 2): f()
            # on a GPU: its weights, plus the most its steps (optimiser state, activations, gradients) held at once
            weights = sum(p.numel() * p.element_size() for p in model.parameters())
            warm[k] = (t.seconds, (weights + torch.cuda.max_memory_allocated() - resident) / 2**30 if on_gpu else None)
        rates, others = {k: [] for k in runs}, {k: [] for k in runs}
        for _ in range(args.rounds):
            if args.wait_quiet: wait_for_quiet(args.wait_quiet)
            for k, (f, tokens, _) in runs.items():
                with Timer(sync) as t:
                    for _ in range(steps): f()
                rates[k].append(steps * tokens / t.seconds); others[k].append(t.others)
        c = ref.c
        fpt = flops_per_token(ref.raw.num_params() - c.vocab_size * c.n_embd, c.vocab_size, c.n_layer, c.n_embd, c.block_size)
        typical, n_quiet = summarise(rates, others)
        base, first = next(iter(typical.values())), next(iter(rates))
        each = {k: [r / b for r, b in zip(rates[k], rates[first])] for k in runs}  # the ratio in each round
        print(f"\n{shape}: {c.n_layer} layers x {c.n_embd}, {c.n_head} heads, context {c.block_size}, batch {c.batch_size}, "
              f"dropout {c.dropout}, bias {c.bias}; {fpt / 1e6:.2f} MFLOP per token; {steps} steps per round; "
              f"{n_quiet} of {args.rounds} rounds quiet (others < {QUIET} cores)" + ('' if n_quiet >= 2 else ': medians of all rounds'))
        for k in runs:
            v = typical[k]
            row = {'shape': shape, 'contender': k, 'tokens/s': round(v), 'vs reference': round(v / base, 2),
                   'vs reference, rounds': ' '.join(f'{r:.2f}' for r in each[k]),
                   'MFU': f'{v * fpt / 1e9 / peak:.1%}', 'warm-up s': round(warm[k][0], 1),
                   'quiet rounds': f'{n_quiet}/{args.rounds}', 'others (cores)': round(median(others[k]), 2)}
            if on_gpu: row['peak memory (GB)'] = round(warm[k][1], 2)
            rows.append(row)
            print(f"  {k:28} {v:11,.0f} tokens/s  x{v / base:5.2f} (rounds x{min(each[k]):.2f} to "
                  f"x{max(each[k]):.2f})  MFU {v * fpt / 1e9 / peak:6.1%}  warm-up "
                  f"{warm[k][0]:5.1f}s  rounds: {', '.join(f'{r:,.0f}' for r in rates[k])}  others: "
                  f"{', '.join(f'{o:.1f}' for o in others[k])}" + (f"  peak {warm[k][1]:.2f} GB" if on_gpu else ''), flush=True)
    figures = {f'{k} matmul peak (GFLOP/s)': v for k, v in peaks.items()}
    if not on_gpu: figures['peak memory, whole process (MB)'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    record('training_throughput' + ('_gpu' if on_gpu else ''),
           f'Training throughput on {"the GPU" if on_gpu else "the CPU"}: robopoet against a nanoGPT-style reference, same run',
           figures=figures, tables=[{'title': 'Tokens per second (median of the rounds)', 'rows': rows}], env=env,
           description='The contenders take turns round by round; the ratio to the reference is what to compare '
                       '("vs reference, rounds": its ratio in each round, in order). '
                       'The reference runs with nanoGPT\'s defaults for the device (CPU: fp32, eager, for-loop AdamW; '
                       'GPU: bf16 autocast, fused AdamW, torch.compile). MFU is against the fastest matrix product '
                       'measured in the same run. Peak memory on a GPU: the weights plus the most the steps held '
                       'at once (optimiser state, activations, gradients). "others" is how many CPU cores other processes kept busy; the figures '
                       f'are medians of the rounds in which others kept fewer than {QUIET} busy when there were two such '
                       'rounds, else of all rounds.')


# ---------------------------------------------------------------------------------------------- time to quality
QUALITY_RECIPE = [  # char_cpu.yaml is the recipe (Muon, QK-norm, relu2, rotary, RMSNorm); here on tiny-shakespeare
    'data.sources=[tinyshakespeare]', 'training.max_steps=200', 'training.eval_every=10', 'training.patience=0',
]
BUDGET_RECIPE = [  # the same recipe stretched to fill the budget: max_steps is set from a timing of its first steps
    'data.sources=[tinyshakespeare]', 'training.eval_every=100', 'training.patience=0',
]
GPU_RECIPE = [  # nanoGPT's config/train_shakespeare_char.py in robopoet's terms
    'data.sources=[tinyshakespeare]', 'data.tokenizer=char', 'data.random_offsets=true', 'model.block_size=256',
    'model.n_layer=6', 'model.n_head=6', 'model.n_embd=384', 'model.dropout=0.2', 'model.bias=false',
    'optim.lr=1e-3', 'optim.min_lr=1e-4', 'optim.warmup_steps=100', 'optim.weight_decay=0.1', 'optim.betas=[0.9,0.99]',
    'training.batch_size=64', 'training.max_steps=5000', 'training.eval_every=250', 'training.patience=0',
]

def steps_for(config, recipe, device, budget, log, probe:int=20, pause:float=0) -> int:
    "How many steps of `config` + `recipe` fit in `budget` seconds of training here: 95% of it, timed on `probe` steps."
    tmp, sync = scratch(), synchronizer(device)
    cfg = load_config(config, ['name=probe', *recipe, f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs'])
    tr = Trainer(cfg, device=device, overwrite=True, progress=False)
    for _ in range(3): tr.train_step()
    if pause: wait_for_quiet(pause)
    with Timer(sync) as t:
        for _ in range(probe): tr.train_step()
    steps = max(100, int(0.95 * budget / (t.seconds / probe)) // 50 * 50)
    log(f"{t.seconds / probe * 1000:.0f} ms per step (others {t.others:.1f} cores): {steps} steps fit in {budget:.0f} s")
    return steps

def robopoet_run(name, config, recipe, device, target, budget, log, pause:float=0):
    """Train robopoet with `config` + `recipe` until `max_steps`; the training seconds (validations excluded) at
    the first validation <= target, the best validation within `budget` seconds of training, and the curve."""
    tmp, sync = scratch(), synchronizer(device)
    start = time.perf_counter()
    cfg = load_config(config, ['name=quality', *recipe, f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs'])
    tr = Trainer(cfg, device=device, overwrite=True, progress=False)
    setup = time.perf_counter() - start
    log(f"robopoet, {config}.yaml with {' '.join(recipe)}: model {cfg.model}, optimiser {cfg.optim.optimizer} lr "
        f"{cfg.optim.lr}, batch {cfg.training.batch_size}, precision {tr.precision}; setup {setup:.1f}s")
    every, steps = cfg.training.eval_every, cfg.training.max_steps
    def step():
        loss, _, _ = tr.train_step()
        return loss.item()  # a tensor, read here as `fit` reads it on a CPU: every step
    return _race(name, step, lambda: tr.evaluate(), steps, every, target, budget, sync, setup, start, log, pause)

def reference_run(c:RefConfig, train_ids, valid, device, target, budget, log, every:int, pause:float=0):
    "The same race for the nanoGPT-style reference trained with recipe `c` on the same windows."
    start = time.perf_counter()
    ref = RefTrainer(c, train_ids, device)
    setup = time.perf_counter() - start
    log(f"nanoGPT-style reference: {c}; setup {setup:.1f}s")
    return _race('reference', lambda: ref.step(sync=True), lambda: exact_loss(ref.raw, valid, device, ref.ctx),
                 c.max_iters, every, target, budget, synchronizer(device), setup, start, log, pause)

def _race(name, step, evaluate, steps, every, target, budget, sync, setup, start, log, pause:float=0):
    "Train with `step`, validate every `every` steps; with `pause`, wait for a quiet machine after a step others slowed."

    train_s, eval_s, curve, reached, best, others, i, evals, recent = 0.0, 0.0, [], None, (math.inf, 0, 0.0), [], 0, [], []
    log(f"{'step':>6} {'train s':>8} {'wall s':>8} {'train loss':>10} {'val loss':>9} {'others':>6}")
    while i < steps:
        with Timer(sync) as t: loss = step()
        train_s += t.seconds; others.append(t.others); i += 1
        recent = (recent + [t.others])[-10:]
        if pause and sum(recent) / len(recent) >= QUIET:  # others slowed the last steps: wait, uncounted
            wait_for_quiet(pause); recent = []
        val = None
        if i % every == 0 or i == steps:
            with Timer(sync) as e: val = evaluate()
            eval_s += e.seconds
            wall = time.perf_counter() - start
            log(f"{i:6d} {train_s:8.1f} {wall:8.1f} {loss:10.3f} {val:9.4f} {sum(others[-every:]) / len(others[-every:]):6.2f}")
            evals.append(dict(step=i, train=train_s, wall=wall, val=val))
            if val <= target and reached is None:
                reached = dict(step=i, train=train_s, wall=wall, val=val)
            if train_s <= budget and val < best[0]: best = (val, i, train_s)
        curve.append({'step': i, f'{name} train loss': round(loss, 4), f'{name} val loss': None if val is None else round(val, 4)})
        if reached is not None and not (train_s <= budget < math.inf): break  # target reached, budget spent
    return dict(reached=reached, best=best, setup=setup, train=train_s, eval_s=eval_s, curve=curve,
                others=sum(others) / len(others), steps=i, evals=evals)

def first_at(run, loss):
    "The first validation of `run` at or below `loss` (None if none)."
    return next((e for e in run['evals'] if e['val'] <= loss), None)

def report_quality(args):
    device, env = args.device, environment(args.device)
    print_environment(env)
    on_gpu = torch.device(device).type == 'cuda'
    log = lambda s: print(s, flush=True)
    target, budget = (1.47, math.inf) if on_gpu else (args.target, args.budget)
    # the data both contenders train and validate on: robopoet's split and character tokenizer of tiny-shakespeare
    corpus = load_corpus(['tinyshakespeare'])
    tokenizer = make_tokenizer('char', corpus.train)
    train_ids = torch.tensor(tokenizer.encode(corpus.train), dtype=torch.long)
    valid_ids = torch.tensor(tokenizer.encode(corpus.valid, unknown='unk'), dtype=torch.long)
    runs = {}
    if not args.skip_reference:
        c = replace(SHAKESPEARE_CHAR if on_gpu else BABY, vocab_size=tokenizer.vocab_size)
        valid = valid_windows(valid_ids, c.block_size)
        log(f"\n--- reference: nanoGPT's {'shakespeare_char' if on_gpu else 'CPU baby'} recipe")
        if args.wait_quiet: wait_for_quiet(args.wait_quiet)
        runs['nanoGPT-style reference'] = reference_run(c, train_ids, valid, device, target, budget, log,
                                                        250 if on_gpu else 100, args.wait_quiet)
    recipes = [('robopoet to the target', 'gpt_small', GPU_RECIPE + args.overrides)] if on_gpu else [
        ('robopoet to the target', 'char_cpu', QUALITY_RECIPE + args.overrides),
        (f'robopoet, {budget:.0f} s budget', 'char_cpu', BUDGET_RECIPE + args.budget_overrides)]
    for name, config, recipe in recipes:
        log(f"\n--- {name}")
        if args.wait_quiet: wait_for_quiet(args.wait_quiet)
        if 'budget' in name and not any(o.startswith('training.max_steps=') for o in recipe):
            recipe = recipe + [f'training.max_steps={steps_for(config, recipe, device, budget, log, pause=args.wait_quiet)}']
        runs[name] = robopoet_run(name, config, recipe, device, target, budget, log, args.wait_quiet)
    # the reference's own end point: the loss its whole recipe reaches, and the training time it takes
    ref = runs.get('nanoGPT-style reference')
    ref_end = ref['evals'][-1] if ref else None
    rows, curve = [], {}
    for name, r in runs.items():
        hit, same = r['reached'], first_at(r, ref_end['val']) if ref_end else None
        row = {'contender': name, 'steps to target': hit['step'] if hit else None,
               'training s to target': round(hit['train'], 1) if hit else None,
               'wall s to target (setup, validations)': round(hit['wall'], 1) if hit else None}
        if ref_end:
            row[f"training s to the reference's {ref_end['val']:.4f}"] = round(same['train'], 1) if same else None
            row['speed-up to it'] = round(ref_end['train'] / same['train'], 2) if same else None
        row.update({f'best val in {budget:.0f} s' if math.isfinite(budget) else 'best val': round(r['best'][0], 4),
                    'at step': r['best'][1], 'training s': round(r['train'], 1), 'others (cores)': round(r['others'], 2)})
        rows.append(row)
        for c_row in r['curve']:  # every 10th step and every validation: enough to draw
            if c_row['step'] % 10 == 0 or any(k.endswith('val loss') and v is not None for k, v in c_row.items()):
                curve.setdefault(c_row['step'], {'step': c_row['step']}).update(c_row)
    print(f"\n{'contender':32} {'to ' + str(target):>12} {'to ref end':>12} {'speed-up':>8} {'best val':>9} {'others':>6}")
    if ref_end: print(f"(the reference ends its recipe at val {ref_end['val']:.4f} after {ref_end['train']:.1f} s of training)")
    for name, r in runs.items():
        hit, same = r['reached'], first_at(r, ref_end['val']) if ref_end else None
        up = f"x{ref_end['train'] / same['train']:.1f}" if same else ''
        to_target = '-' if hit is None else f"{hit['train']:.1f} s"
        to_ref = '-' if same is None else f"{same['train']:.1f} s"
        print(f"{name:32} {to_target:>12} {to_ref:>12} {up:>8} {r['best'][0]:9.4f} {r['others']:6.1f}")
    record('training_quality' + ('_gpu' if on_gpu else ''),
           f'Time to validation loss {target} on tiny-shakespeare (characters), against a nanoGPT-style reference',
           tables=[{'title': 'Time to quality; best validation loss within the budget', 'rows': rows}], env=env,
           curve=[curve[k] for k in sorted(curve)],
           description='Both train on the same 90/10 split with the same character vocabulary and are scored by the '
                       'exact loss over every validation token. Training seconds exclude validation and setup; the '
                       'wall seconds include them. With --wait-quiet, training pauses (uncounted) after any step '
                       'that other processes slowed, until the machine is quiet again. The speed-up compares the training time the reference needs for its '
                       'whole recipe with the time robopoet needs to reach the loss the reference ends at. ' + ('The reference is nanoGPT\'s shakespeare_char recipe with its GPU '
                       'defaults (bf16, fused AdamW, torch.compile).' if on_gpu else 'The reference is nanoGPT\'s CPU '
                       '"baby" recipe (4 layers x 128, context 64, batch 12, 2,000 steps).') +
                       ' The curves are in the CSV beside this file.')


RECIPES = {  # name: overrides of char_cpu.yaml; the race tells which reaches the lowest loss in the time
    'char_cpu': [], 'batch 16': ['training.batch_size=16'], 'batch 48': ['training.batch_size=48'],
    '3 layers': ['model.n_layer=3'], 'width 192': ['model.n_embd=192', 'model.n_head=6'],
    'context 128': ['model.block_size=128'], 'dropout 0.1': ['model.dropout=0.1'],
}

def report_recipes(args):
    "Each recipe's best validation loss within the budget, its max_steps set by timing its first steps here."
    device, env, log = args.device, environment(args.device), lambda s: print(s, flush=True)
    print_environment(env)
    rows, best = [], f'best val in {args.budget:.0f} s'
    for name in args.recipes or RECIPES:
        log(f"\n--- {name}")
        recipe = BUDGET_RECIPE + RECIPES[name]
        if args.wait_quiet: wait_for_quiet(args.wait_quiet)
        steps = steps_for('char_cpu', recipe, device, args.budget, log, pause=args.wait_quiet)
        recipe += [f'training.max_steps={steps}']
        r = robopoet_run(name, 'char_cpu', recipe, device, args.target, args.budget, log, args.wait_quiet)
        rows.append({'recipe': name, 'overrides of char_cpu': ' '.join(RECIPES[name]) or '-',
                     'steps': r['steps'], best: round(r['best'][0], 4), 'at step': r['best'][1],
                     'training s': round(r['train'], 1), 'others (cores)': round(r['others'], 2)})
    print(f"\n{'recipe':14} {'steps':>6} {'best val':>9}")
    for row in rows: print(f"{row['recipe']:14} {row['steps']:6d} {row[best]:9.4f}")
    budget = f'{args.budget:.0f} s'
    record('training_recipes', f'The best validation loss in {budget} of training: char_cpu and variants',
           tables=[{'title': f'Best validation loss within {budget} of training', 'rows': rows}], env=env,
           description='Each recipe trains on tiny-shakespeare (characters) for as many steps as fit in '
                       'the budget (timed on its first steps), with a cosine schedule ending there, '
                       'validating every 100 steps on every validation token. A bigger model or batch does '
                       'fewer steps in the same time.')


# ---------------------------------------------------------------------------------------------- the original project's goals
def report_original(args):
    env = environment(args.device)
    print_environment(env)
    tmp = scratch()
    rows, curves = [], {}
    extras = {'word': [], 'char': [], 'bpe': ['data.tokenizer_args={vocab_size: 2048}']}
    for kind in args.kinds:
        cfg = load_config('gpt_small', [f'name=gpt_small_{kind}', f'data.tokenizer={kind}', *extras[kind],
                                        f'training.max_steps={args.steps or 1500}', f'training.eval_every={args.eval_every}',
                                        f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs', *args.overrides])
        with Timer(synchronizer(args.device)) as t: r = train(cfg, device=args.device, overwrite=True, progress=False)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"gpt_small, {kind:4} tokenizer (vocab {r.tokenizer.vocab_size:,}): best val loss {r.best_val_loss:.3f} "
              f"at step {r.best_step} ({r.stop_reason}) = {r.bits_per_char:.3f} bits/char, {r.tokens_per_sec:,.0f} tokens/s, "
              f"{t.seconds:.0f}s, others {t.others:.1f} cores, peak RSS so far {rss:.0f} MB", flush=True)
        for step, bpc in zip(*r.curve('val_bpc')): curves.setdefault(step, {'step': step})[f'{kind} val bits/char'] = round(bpc, 4)
        rows.append({'tokenizer': kind, 'vocab': r.tokenizer.vocab_size, 'best val loss': round(r.best_val_loss, 3),
                     'bits/char': round(r.bits_per_char, 3), 'tokens/s': round(r.tokens_per_sec),
                     'peak RSS (MB)': round(rss), 'others (cores)': round(t.others, 2)})
    on_gpu = torch.device(args.device).type == 'cuda'
    record('training_original' + ('_gpu' if on_gpu else ''), "The original project's goals: gpt_small on Hamlet + Alice",
           tables=[{'title': f'gpt_small, at most {args.steps or 1500} steps per tokenizer', 'rows': rows}], env=env,
           curve=[curves[k] for k in sorted(curves)],
           description='Bits per character put the tokenizers on one scale: the validation loss in nats per token '
                       'times tokens per character, over ln 2. Their curves are in training_original.csv.')


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('what', choices=['throughput', 'quality', 'original', 'recipes', 'all'])
    ap.add_argument('--device', default='cpu', help='cpu or cuda (a GPU: nanoGPT\'s GPU defaults for the reference)')
    ap.add_argument('--shapes', nargs='*', choices=list(SHAPES), help='throughput: model shapes (default: the device\'s two)')
    ap.add_argument('--rounds', type=int, default=5, help='throughput: rounds per contender (the median is kept)')
    ap.add_argument('--wait-quiet', type=float, default=0, help='before each round (throughput), run and slowed '
                    'step (quality) wait up to this many seconds for other processes to leave the CPU')
    ap.add_argument('--steps', type=int, default=0, help='throughput: steps per round; original: max steps per tokenizer')
    ap.add_argument('--target', type=float, default=1.886, help='quality on CPU: the validation loss to reach')
    ap.add_argument('--budget', type=float, default=120.0, help='quality on CPU: seconds of training for the best loss')
    ap.add_argument('--skip-reference', action='store_true', help="quality: leave out the reference's run (minutes)")
    ap.add_argument('--budget-overrides', nargs='*', default=[], help="quality: overrides for the budget recipe")
    ap.add_argument('--recipes', nargs='*', choices=list(RECIPES), help='recipes: which (default: all)')
    ap.add_argument('--kinds', nargs='*', default=['word', 'char', 'bpe'], help="original: tokenizers")
    ap.add_argument('--eval-every', type=int, default=50, help="original: steps between validations")
    ap.add_argument('--threads', type=int, default=0, help='torch CPU threads (0: torch default)')
    ap.add_argument('overrides', nargs='*', default=[], help='config overrides (section.key=value)')
    args = ap.parse_intermixed_args()  # options and section.key=value overrides in any order
    if args.threads: torch.set_num_threads(args.threads)
    for what in (['throughput', 'quality', 'original'] if args.what == 'all' else [args.what]):
        print(f"\n===== {what} =====", flush=True)
        globals()[f'report_{what}'](args)
