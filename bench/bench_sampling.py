"""Generation speed with and without the key/value cache, in the same run.

    python bench/bench_sampling.py                       # the default GPT shape (6 layers, 256 wide, context 128)
    python bench/bench_sampling.py --checkpoint checkpoints/char_cpu/best.pth   # a trained model too

For each model: tokens/s generating `--tokens` tokens (default 500) from a prompt on CPU with the default
sampling settings and a fixed seed, with the cache and without it (the model rerun over its whole window for
every token), the ratio, and the time to the first token (prompt processing included). Both runs must write
the same tokens. A third, "naive" run writes without a cache as nanoGPT and the original project do (always the
last block_size tokens through the model), for comparison. Each measurement is repeated (`--repeats`) alternately and the fastest kept: the machine may be
shared, so compare the two figures of one run, never figures from different runs.
"""
import argparse, os, time
import torch

from robopoet.model import GPT, GPTConfig
from robopoet.tokenizer import CharTokenizer
from robopoet.corpus import load_corpus
from robopoet.sampling import SamplingConfig, sample_tokens, evaluating, encode_prompt, pick_next
from record import record

PROMPT = 'HAMLET.\nTo be, or not to be, that is the question:\n'

def run(model, ids, use_cache, n, seed=0):
    "The tokens written, the time to the first one and the total time."
    config, generator = SamplingConfig(max_new_tokens=n), torch.Generator().manual_seed(seed)
    tokens, first, start = [], None, time.perf_counter()
    with evaluating(model):
        for t in sample_tokens(model, ids, config, generator, use_cache):
            if first is None: first = time.perf_counter() - start
            tokens.append(t.item())
    return tokens, first, time.perf_counter() - start

@torch.no_grad()
def run_naive(model, ids, n, seed=0):
    "Without a cache, the way nanoGPT and the original project write: the last block_size tokens through the model each step."
    config, generator, block = SamplingConfig(max_new_tokens=n), torch.Generator().manual_seed(seed), model.config.block_size
    tokens, first, start = [], None, time.perf_counter()
    with evaluating(model):
        for _ in range(n):
            window = ids[:, -block:]
            t = pick_next(model(window)[0][:, -1], config, window, generator)
            ids = torch.cat([ids, t[:, None]], 1)
            if first is None: first = time.perf_counter() - start
            tokens.append(t.item())
    return tokens, first, time.perf_counter() - start

def bench(name, model, tokenizer, n, repeats):
    ids = torch.tensor([encode_prompt(tokenizer, PROMPT)])
    run(model, ids, True, 5); run(model, ids, False, 5)  # warm up
    best = {}
    for _ in range(repeats):
        for way in ('cache', 'no cache', 'naive'):
            tokens, first, total = run_naive(model, ids, n) if way == 'naive' else run(model, ids, way == 'cache', n)
            if way not in best or total < best[way][2]: best[way] = (tokens, first, total)
    (tc, fc, c), (tu, fu, u), (_, fn, nv) = best['cache'], best['no cache'], best['naive']
    assert tc == tu, 'cached and uncached generation wrote different tokens'
    cfg = model.config
    print(f'\n{name}: {cfg.n_layer} layers x {cfg.n_embd} wide, {cfg.n_head} heads, context {cfg.block_size}, '
          f'vocab {cfg.vocab_size}, {model.num_params() / 1e6:.2f}M parameters; {len(ids[0])}-token prompt, {n} new tokens')
    print(f'  with cache    : {n / c:8.1f} tokens/s   first token after {fc * 1000:7.1f} ms')
    print(f'  without cache : {n / u:8.1f} tokens/s   first token after {fu * 1000:7.1f} ms')
    print(f'  ratio         : {u / c:8.2f}x  (the same {n} tokens written both ways)')
    print(f'  naive         : {n / nv:8.1f} tokens/s   first token after {fn * 1000:7.1f} ms   '
          f'(no cache, the last {cfg.block_size} tokens every step, as nanoGPT): cache is {nv / c:.2f}x faster')
    return {'model': name, 'params (M)': round(model.num_params() / 1e6, 2), 'new tokens': n,
            'cache (tokens/s)': round(n / c, 1), 'no cache (tokens/s)': round(n / u, 1), 'naive (tokens/s)': round(n / nv, 1),
            'ratio cache / no cache': round(u / c, 2), 'first token, cache (ms)': round(fc * 1000, 1),
            'first token, no cache (ms)': round(fu * 1000, 1)}

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--checkpoint', help='a trained robopoet checkpoint to measure as well')
    p.add_argument('--tokens', type=int, default=500)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--threads', type=int, default=0, help='torch CPU threads (0: torch default)')
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f} '
          f'on {os.cpu_count()} CPUs')
    tokenizer = CharTokenizer.train(load_corpus().train)
    torch.manual_seed(0)
    rows = [bench('default GPTConfig (random weights, character vocabulary)', GPT(GPTConfig(vocab_size=tokenizer.vocab_size)), tokenizer, a.tokens, a.repeats)]
    if a.checkpoint:
        from robopoet.checkpoint import load_model
        model, tok = load_model(a.checkpoint, 'cpu')
        rows.append(bench(f'trained {a.checkpoint}', model, tok, a.tokens, a.repeats))
    record('sampling', f'Generating {a.tokens} tokens on CPU: with the key/value cache and without',
           figures={'cached / uncached, default model': rows[0]['ratio cache / no cache']},
           tables=[{'title': 'Generation speed', 'rows': rows}],
           description='Best of the repeats; the same tokens are written with and without the cache.')

if __name__ == '__main__': main()
