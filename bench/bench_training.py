"""Training benchmarks for robopoet: throughput against an fp32 reference, MFU, memory, time to quality.

    python bench/bench_training.py throughput       # tokens/s, MFU and peak memory, reference vs robopoet
    python bench/bench_training.py quality          # tiny-shakespeare, char level: wall time to val loss 1.886
    python bench/bench_training.py original         # Hamlet + Alice with gpt_small.yaml, every tokenizer
    python bench/bench_training.py all

Every figure is measured in the same run as its baseline: the reference model (a plain nanoGPT-style GPT-2
in fp32 with torch's default AdamW) runs interleaved with robopoet's trainer, round by round, and the matrix
product peak used for MFU is measured by this script too. On a shared machine absolute numbers wander;
the ratios are what to compare. Needs ROBOPOET_DATA (or the texts in the cache) for the corpus.
"""
import os
import argparse, resource, statistics, sys, tempfile, time
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import record


_SCRATCH = tempfile.TemporaryDirectory(prefix='robopoet-bench-')  # checkpoints and logs of the runs; removed at exit
def scratch() -> str: return tempfile.mkdtemp(dir=_SCRATCH.name)

# ---------------------------------------------------------------- the fp32 reference (nanoGPT-style GPT-2)
class RefAttention(nn.Module):
    def __init__(self, d, h, p):
        super().__init__()
        self.c_attn, self.c_proj, self.h, self.p = nn.Linear(d, 3*d), nn.Linear(d, d), h, p
        self.drop = nn.Dropout(p)
    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.h, C // self.h).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.p if self.training else 0, is_causal=True)
        return self.drop(self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C)))

class RefBlock(nn.Module):
    def __init__(self, d, h, p):
        super().__init__()
        self.ln_1, self.ln_2, self.attn = nn.LayerNorm(d), nn.LayerNorm(d), RefAttention(d, h, p)
        self.mlp = nn.Sequential(nn.Linear(d, 4*d), nn.GELU(), nn.Linear(4*d, d), nn.Dropout(p))
    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))

class RefGPT(nn.Module):
    def __init__(self, V, T, L, H, D, p):
        super().__init__()
        self.wte, self.wpe, self.drop = nn.Embedding(V, D), nn.Embedding(T, D), nn.Dropout(p)
        self.h = nn.ModuleList(RefBlock(D, H, p) for _ in range(L))
        self.ln_f, self.lm_head = nn.LayerNorm(D), nn.Linear(D, V, bias=False)
        self.lm_head.weight = self.wte.weight
    def forward(self, idx, targets):
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(idx.shape[1])))
        for b in self.h: x = b(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


# ---------------------------------------------------------------- measurements
SHAPES = {  # name: (n_layer, n_head, n_embd, block_size, batch_size, dropout)
    'gpt_small': (6, 8, 256, 128, 32, 0.1),
    'small': (4, 4, 128, 64, 12, 0.0),
}

def matmul_peak(dtype, n=1024, seconds=1.5) -> float:
    "Best GFLOP/s of an n x n matrix product in `dtype` over a few tries."
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b
    best, t_end = 0.0, time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        t = time.perf_counter(); a @ b; best = max(best, 2 * n**3 / (time.perf_counter() - t) / 1e9)
    return best

def flops_per_token(n_params_no_emb, vocab, L, D, T) -> float:
    "Training FLOPs per token: 6 per weight (forward + backward) plus attention's score and value products."
    return 6 * (n_params_no_emb + vocab * D) + 12 * L * D * T

def make_trainer(shape, precision, tmp, data='tinyshakespeare'):
    "robopoet's trainer for the reference's model: gpt_small.yaml's GPT-2 architecture at `shape`, characters."
    from robopoet.config import load_config
    from robopoet.training import Trainer
    L, H, D, T, B, p = SHAPES[shape]
    cfg = load_config('gpt_small', [f'name={shape}_{precision}', f'data.sources=[{data}]', 'data.tokenizer=char', f'model.n_layer={L}',
                                   f'model.n_head={H}', f'model.n_embd={D}', f'model.block_size={T}', f'model.dropout={p}',
                                   f'training.batch_size={B}', f'training.precision={precision}', 'training.max_steps=100000',
                                   f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs'])
    return Trainer(cfg, device='cpu', overwrite=True, progress=False)

def throughput(shape, rounds=3, steps=None):
    "Tokens/s of the reference and of robopoet's `Trainer.train_step`, interleaved round by round."
    from robopoet.runtime import cpu_has_fast_bf16
    L, H, D, T, B, p = SHAPES[shape]
    steps = steps or (6 if shape == 'gpt_small' else 25)
    tmp = scratch()
    # emulated bf16 (no AVX-512 BF16 / AMX) is 10-50x slower than fp32: not worth timing
    precisions = ('fp32', 'bf16') if cpu_has_fast_bf16() else ('fp32',)
    trainers = {prec: make_trainer(shape, prec, tmp) for prec in precisions}
    V = next(iter(trainers.values())).tokenizer.vocab_size
    torch.manual_seed(0)
    ref = RefGPT(V, T, L, H, D, p)
    ref_opt = torch.optim.AdamW(ref.parameters(), lr=6e-4, betas=(0.9, 0.95), weight_decay=0.01)
    x = torch.randint(0, V, (B, T)); y = torch.randint(0, V, (B, T))
    def ref_step():
        loss = ref(x, y); loss.backward()
        torch.nn.utils.clip_grad_norm_(ref.parameters(), 1.0); ref_opt.step(); ref_opt.zero_grad(set_to_none=True)
    contenders = {'reference fp32': ref_step, **{f'robopoet {k}': v.train_step for k, v in trainers.items()}}
    for f in contenders.values(): f()  # warm up
    rates = {k: [] for k in contenders}
    for _ in range(rounds):
        for k, f in contenders.items():
            t = time.perf_counter()
            for _ in range(steps): f()
            rates[k].append(steps * B * T / (time.perf_counter() - t))
    n_no_emb = sum(q.numel() for q in ref.parameters()) - V * D - T * D
    fpt = flops_per_token(n_no_emb, V, L, D, T)
    return {k: statistics.median(v) for k, v in rates.items()}, {k: v for k, v in rates.items()}, fpt

def report_throughput(args):
    from robopoet.runtime import cpu_has_fast_bf16
    peak32, peak16 = matmul_peak(torch.float32), matmul_peak(torch.bfloat16)
    peak = max(peak32, peak16)  # MFU is against the fastest matrix product this machine does
    print(f"matrix-product peak measured now: fp32 {peak32:.1f} GFLOP/s, bf16 {peak16:.1f} GFLOP/s "
          f"(CPU does bf16 in hardware: {cpu_has_fast_bf16()}; {torch.get_num_threads()} threads; "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')})")
    if not cpu_has_fast_bf16(): print("bf16 is emulated on this CPU: robopoet trains in fp32 ('auto'), bf16 is not timed")
    reference_rate = {'gpt_small': 3500, 'small': 13500}  # the reference on its 2-core machine
    rows = []
    for shape in args.shapes:
        med, all_rates, fpt = throughput(shape, args.rounds)
        ref = med['reference fp32']
        print(f"\n{shape} {SHAPES[shape]} (n_layer, n_head, n_embd, context, batch, dropout); "
              f"{fpt/1e6:.2f} MFLOP per token; at 100% MFU: {peak*1e9/fpt:,.0f} tokens/s")
        for k, v in med.items():
            print(f"  {k:16} {v:9,.0f} tokens/s  x{v/ref:4.2f} vs reference  x{v/reference_rate[shape]:4.2f} vs the issue's "
                  f"{reference_rate[shape]:,}  MFU {v*fpt/1e9/peak:6.1%}   rounds: {', '.join(f'{r:,.0f}' for r in all_rates[k])}")
            rows.append({'shape': shape, 'contender': k, 'tokens/s': round(v), 'vs reference': round(v / ref, 2),
                         "vs the issue's figure": round(v / reference_rate[shape], 2), 'MFU': f'{v*fpt/1e9/peak:.1%}',
                         'tokens/s at 100% MFU': round(peak*1e9/fpt)})
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024
    print(f"\npeak memory (max RSS of this process): {rss:.0f} MB")
    record('training_throughput', 'Training throughput: robopoet against an fp32 nanoGPT-style reference, same run',
           figures={'fp32 matmul peak (GFLOP/s)': peak32, 'bf16 matmul peak (GFLOP/s)': peak16, 'peak memory (MB)': round(rss)},
           tables=[{'title': 'Tokens per second (median of the rounds)', 'rows': rows}],
           description='Rounds interleave the contenders; the ratio to the reference is what to compare. '
                       'MFU is against the fastest matrix product measured in the same run.')


# ---------------------------------------------------------------- time to quality
QUALITY_RECIPE = [  # char_cpu.yaml is the recipe (Muon, QK-norm, relu2, rotary, RMSNorm); here on tiny-shakespeare
    'data.sources=[tinyshakespeare]', 'training.max_steps=200', 'training.eval_every=50', 'training.patience=0',
]

def report_quality(args):
    "Train the recipe for its `max_steps` (the schedule ends there); validate exactly every `eval_every` steps."
    from robopoet.config import load_config
    from robopoet.training import Trainer
    target = 1.886
    tmp = scratch()
    recipe = QUALITY_RECIPE + args.overrides
    cfg = load_config('char_cpu', ['name=quality', *recipe, f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs'])
    t0 = time.perf_counter()
    tr = Trainer(cfg, device='cpu', overwrite=True, progress=False)
    setup = time.perf_counter() - t0
    recipe_text = (f"char_cpu.yaml with {' '.join(recipe)}: model {cfg.model}, optimiser "
                   f"{vars(cfg.optim)}, batch {cfg.training.batch_size}")
    print(f"recipe: {recipe_text}\nsetup (corpus, tokenizer, model) {setup:.1f}s; "
          f"{tr.model_config.block_size*cfg.training.batch_size} tokens per step; validation = all "
          f"{tr.n_valid_tokens:,} tokens of the last 10%; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}")
    print(f"{'step':>6} {'train s':>8} {'wall s':>8} {'train loss':>10} {'val loss':>9}")
    train_time, eval_time, curve, reached, start = 0.0, 0.0, [], None, time.perf_counter()
    while tr.step < cfg.training.max_steps:
        t = time.perf_counter(); loss, _, _ = tr.train_step(); train_time += time.perf_counter() - t
        val = None
        if tr.step % cfg.training.eval_every == 0 or tr.step == cfg.training.max_steps:
            t = time.perf_counter(); val = tr.evaluate(); last_eval = time.perf_counter() - t; eval_time += last_eval
            wall = time.perf_counter() - start
            print(f"{tr.step:6d} {train_time:8.1f} {wall:8.1f} {loss:10.3f} {val:9.4f}", flush=True)
            if val <= target and reached is None: reached = dict(step=tr.step, train=train_time, wall=wall, val=val, own=train_time + last_eval)
        curve.append({'step': tr.step, 'train loss': round(loss, 4),
                      'val loss': None if val is None else round(val, 4)})
    if reached:
        print(f"\nval loss {reached['val']:.4f} <= {target} after {reached['step']} steps: {reached['train']:.1f}s of training; "
              f"{reached['own']:.1f}s with the one validation that shows it, {reached['wall']:.1f}s wall with every "
              f"validation of the curve ({eval_time:.1f}s of them), {reached['wall'] + setup:.1f}s with setup; "
              f"target: <= 40 s (one third of the reference's 2 minutes)")
        record('training_quality', 'Time to validation loss 1.886 on tiny-shakespeare (characters)',
               figures={'steps': reached['step'], 'training seconds': reached['train'],
                        'seconds with one validation': reached['own'], 'wall seconds with every validation': reached['wall'],
                        'setup seconds': setup, 'val loss': reached['val']},
               curve=curve, description='Recipe: ' + recipe_text + '. The curve (training loss every step, exact '
               f'validation loss every {cfg.training.eval_every} steps) is in training_quality.csv.')
    else: print(f"\ntarget {target} not reached in {cfg.training.max_steps} steps ({train_time:.1f}s of training)")


# ---------------------------------------------------------------- the original project's goals
def report_original(args):
    from robopoet.config import load_config
    from robopoet.training import train
    tmp = scratch()
    rows, curves = [], {}
    extras = {'word': [], 'char': [], 'bpe': ['data.tokenizer_args={vocab_size: 2048}']}
    for kind in args.kinds:
        extra = extras[kind]
        cfg = load_config('gpt_small', [f'name=gpt_small_{kind}', f'data.tokenizer={kind}', *extra,
                                        f'training.max_steps={args.steps}', f'training.eval_every={args.eval_every}',
                                        f'training.checkpoint_dir={tmp}/ck', f'training.log_dir={tmp}/logs', *args.overrides])
        t = time.perf_counter()
        r = train(cfg, device='cpu', overwrite=True, progress=False)
        print(f"gpt_small, {kind:4} tokenizer (vocab {r.tokenizer.vocab_size:,}): best val loss {r.best_val_loss:.3f} "
              f"at step {r.best_step} ({r.stop_reason}) = {r.bits_per_char:.3f} bits/char, {r.tokens_per_sec:,.0f} tokens/s, "
              f"{time.perf_counter() - t:.0f}s, peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB",
              flush=True)
        for step, bpc in zip(*r.curve('val_bpc')): curves.setdefault(step, {'step': step})[f'{kind} val bits/char'] = round(bpc, 4)
        rows.append({'tokenizer': kind, 'vocab': r.tokenizer.vocab_size, 'best val loss': round(r.best_val_loss, 3),
                     'bits/char': round(r.bits_per_char, 3), 'tokens/s': round(r.tokens_per_sec),
                     'peak RSS (MB)': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)})
    record('training_original', "The original project's goals: gpt_small on Hamlet + Alice",
           tables=[{'title': f'gpt_small, at most {args.steps} steps per tokenizer', 'rows': rows}],
           curve=[curves[k] for k in sorted(curves)],
           description='Bits per character put the tokenizers on one scale: the validation loss in nats per token '
                       'times tokens per character, over ln 2. Their curves are in training_original.csv.')


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('what', choices=['throughput', 'quality', 'original', 'all'])
    ap.add_argument('--shapes', nargs='*', default=list(SHAPES))
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--steps', type=int, default=1500, help="max steps per tokenizer for 'original'")
    ap.add_argument('--kinds', nargs='*', default=['word', 'char', 'bpe'], help="tokenizers for 'original'")
    ap.add_argument('--eval-every', type=int, default=50, help="steps between validations for 'original'")
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default)')
    ap.add_argument('overrides', nargs='*', default=[], help='config overrides (section.key=value)')
    args = ap.parse_args()
    if args.threads: torch.set_num_threads(args.threads)
    for what in (['throughput', 'quality', 'original'] if args.what == 'all' else [args.what]):
        print(f"\n===== {what} =====", flush=True)
        globals()[f'report_{what}'](args)
