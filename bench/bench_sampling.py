"""Generation speed: robopoet's `generate`, with and without its key/value cache, against nanoGPT's `generate`.

    python bench/bench_sampling.py                       # the original's shape: 6 layers x 256, context 128
    python bench/bench_sampling.py --checkpoint checkpoints/char_cpu/best.pth   # a trained model too
    python bench/bench_sampling.py --device cuda         # on a GPU

Batch 1, `--tokens` new tokens (default 500) after a prompt, one process; and a batch of `--batch` texts (default 8,
`generate(..., n=8)`), counted in tokens/s of all its texts. The reference is a nanoGPT-style
GPT-2 of the same shape (bench/reference.py) writing as nanoGPT's sample.py does: no cache, the last
block_size tokens through the model for every token, temperature 0.8, top-k 200. robopoet writes with its
default sampling settings and a fixed seed, once with the cache and once without: both must write the same
text, and so must the teaching path (`pick_next` on the whole vocabulary, no cache), run once. The contenders take turns for `--rounds` rounds and the median is kept; "others" is how many CPU cores
other processes kept busy meanwhile. Figures go to bench/results/sampling.json (sampling_gpu.json on a GPU).
"""
from __future__ import annotations
import argparse, sys
from pathlib import Path

import torch

from robopoet.checkpoint import load_model
from robopoet.corpus import load_corpus
from robopoet.model import GPT, GPTConfig
from robopoet.sampling import encode_prompt, evaluating, generate, make_generator, sample_tokens
from robopoet.strategies import SamplingConfig, pick_next
from robopoet.tokenizer import CharTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from record import QUIET, Timer, environment, median, print_environment, record, summarise, wait_for_quiet
from reference import RefConfig, RefGPT

PROMPT = 'HAMLET.\nTo be, or not to be, that is the question:\n'

def reference_for(model:GPT, device) -> RefGPT:
    "A nanoGPT-style model of `model`'s shape (random weights: the speed does not depend on them)."
    c = model.config
    torch.manual_seed(0)
    return RefGPT(RefConfig(vocab_size=c.vocab_size, block_size=c.block_size, n_layer=c.n_layer, n_head=c.n_head,
                            n_embd=c.n_embd, dropout=0.0, bias=c.bias)).to(device).eval()

def teaching_text(model, tokenizer, ids, n:int) -> str:
    "What the teaching path writes (`pick_next` on the whole vocabulary, no cache): generate's must be the same."
    generator = make_generator(0, ids.device)
    with evaluating(model):
        new = [t.item() for t in sample_tokens(model, ids, SamplingConfig(max_new_tokens=n), generator, False, pick_next)]
    return tokenizer.decode(ids[0].tolist() + new)

def bench(name, model, tokenizer, args, sync):
    "Tokens/s of the three ways of writing, their time to the first token, and the check that robopoet's agree."
    device = args.device
    model = model.to(device).eval()
    ref, n = reference_for(model, device), args.tokens
    ids = torch.tensor([encode_prompt(tokenizer, PROMPT)], device=device)
    ways = {'nanoGPT-style generate (no cache)': lambda k: ref.generate(ids, k),
            'robopoet, key/value cache': lambda k: generate(model, tokenizer, PROMPT, max_new_tokens=k, seed=0),
            'robopoet, no cache': lambda k: generate(model, tokenizer, PROMPT, max_new_tokens=k, seed=0, use_cache=False),
            f'robopoet, batch of {args.batch}': lambda k: generate(model, tokenizer, PROMPT, n=args.batch, max_new_tokens=k,
                                                                   seed=0)}
    batch = {k: args.batch if k.startswith('robopoet, batch') else 1 for k in ways}  # texts each way writes at once
    texts = {k: f(n) for k, f in ways.items()}  # warm-up, and the texts to compare
    cached, uncached = texts['robopoet, key/value cache'], texts['robopoet, no cache']
    same = cached == uncached == teaching_text(model, tokenizer, ids, n)
    rates, others, first = {k: [] for k in ways}, {k: [] for k in ways}, {k: [] for k in ways}
    for _ in range(args.rounds):
        if args.wait_quiet: wait_for_quiet(args.wait_quiet)
        for k, f in ways.items():
            with Timer(sync) as t: f(n)
            rates[k].append(batch[k] * n / t.seconds); others[k].append(t.others)
            with Timer(sync) as t1: f(1)
            first[k].append(t1.seconds * 1000)
    typical, n_quiet = summarise(rates, others)
    cfg, base = model.config, typical['nanoGPT-style generate (no cache)']
    print(f'\n{name}: {cfg.n_layer} layers x {cfg.n_embd} wide, {cfg.n_head} heads, context {cfg.block_size}, '
          f'vocab {cfg.vocab_size}, {model.num_params() / 1e6:.2f}M parameters; {len(ids[0])}-token prompt, {n} new tokens; '
          f'{n_quiet} of {args.rounds} rounds quiet (others < {QUIET} cores)' + ('' if n_quiet >= 2 else ': medians of all rounds'))
    rows = []
    for k in ways:
        v = typical[k]
        print(f'  {k:34} {v:8.1f} tokens/s  x{v / base:5.2f}  first token {median(first[k]):7.1f} ms   rounds: '
              f"{', '.join(f'{r:.0f}' for r in rates[k])}  others: {', '.join(f'{o:.1f}' for o in others[k])}")
        rows.append({'model': name, 'way': k, 'tokens/s': round(v, 1), 'vs reference': round(v / base, 2),
                     'first token (ms)': round(median(first[k]), 1), 'quiet rounds': f'{n_quiet}/{args.rounds}',
                     'others (cores)': round(median(others[k]), 2)})
    single = typical['robopoet, key/value cache']
    print(f'  a batch of {args.batch} writes {typical[f"robopoet, batch of {args.batch}"] / single:.2f}x the tokens/s of batch 1')
    print(f'  the cached, uncached and teaching-path runs wrote {"the same" if same else "DIFFERENT"} {n} tokens')
    if not same:
        at = next(i for i, (a, b) in enumerate(zip(cached, uncached)) if a != b)
        print(f'  first difference at character {at}: {cached[at - 20:at + 20]!r} vs {uncached[at - 20:at + 20]!r}')
    return rows, same, typical[f'robopoet, batch of {args.batch}'] / single

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--checkpoint', help='a trained robopoet checkpoint to measure as well')
    p.add_argument('--tokens', type=int, default=500)
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--batch', type=int, default=8, help='texts written at once (generate\'s n) by the batch contender')
    p.add_argument('--device', default='cpu')
    p.add_argument('--wait-quiet', type=float, default=0, help='before each round wait up to this many seconds for '
                   'other processes to leave the CPU')
    p.add_argument('--threads', type=int, default=0, help='torch CPU threads (0: torch default)')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    env, sync = environment(a.device), (torch.cuda.synchronize if torch.device(a.device).type == 'cuda' else None)
    print_environment(env)
    tokenizer = CharTokenizer.train(load_corpus(['tinyshakespeare']).train)
    torch.manual_seed(0)
    rows, same, batch_gain = bench('GPTConfig defaults (random weights, characters)', GPT(GPTConfig(vocab_size=tokenizer.vocab_size)),
                       tokenizer, a, sync)
    if a.checkpoint:
        model, tok = load_model(a.checkpoint, a.device)
        more, same2, _ = bench(f'trained {a.checkpoint}', model, tok, a, sync)
        rows, same = rows + more, same and same2
    cached = next(r for r in rows if r['way'] == 'robopoet, key/value cache')
    gpu = torch.device(a.device).type == 'cuda'
    record('sampling' + ('_gpu' if gpu else ''),
           f'Generating {a.tokens} tokens on {"the GPU" if gpu else "the CPU"}, batch 1: robopoet against nanoGPT\'s generate',
           figures={'robopoet with its cache vs nanoGPT (default model)': cached['vs reference'],
                    f'tokens/s of a batch of {a.batch} vs batch 1 (default model)': round(batch_gain, 2),
                    'cached, uncached and teaching-path texts identical': same},
           tables=[{'title': 'Generation speed (median of the rounds)', 'rows': rows}], env=env,
           description='The reference writes as nanoGPT\'s sample.py does (no cache, the last block_size tokens every '
                       'step, temperature 0.8, top-k 200); robopoet with its default sampling settings and seed 0, with '
                       'and without its key/value cache, which must write the same text as the teaching path, and a batch of '
                       f'{a.batch} texts at once (tokens/s of them all). '
                       'Medians of the rounds in which '
                       f'other processes kept fewer than {QUIET} CPU cores busy when there were two such rounds, else of all.')
    if not same: sys.exit('the cached, uncached and teaching-path runs wrote different text')

if __name__ == '__main__': main()
