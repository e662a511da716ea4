"""How much memory `robopoet.export.load_hf` needs to import a GPT-2 of OpenAI's smallest shape (124M).

Makes a GPT-2 folder locally with `transformers` (random weights, 12 layers, 12 heads, 768 wide, context
1024, vocabulary 50,257; nothing from the network) and a byte-level BPE tokenizer laid out as GPT-2's, then
loads it with `load_hf` in a fresh Python process and compares the growth of that process's peak resident
memory (Linux: /proc/self/status, the peak reset just before loading) with the size of `model.safetensors`.
The promise: at most twice the weights' size.

    python bench/bench_import.py [--keep FOLDER]

Needs robopoet[hf]. Prints the CPU and the figures, and writes bench/results/import_memory.json.
"""
import argparse, json, subprocess, sys, tempfile
from pathlib import Path

from record import environment, record

CHILD = r'''
import json, sys
def status(key): return next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith(key))
import torch, transformers, safetensors.torch, robopoet.export  # everything imported before the baseline
open('/proc/self/clear_refs', 'w').write('5')  # Linux: the peak (VmHWM) starts again from now
before = status('VmRSS:')
model, tok = robopoet.export.load_hf(sys.argv[1])
print(json.dumps({'before': before, 'after': status('VmHWM:'), 'params': model.num_params(),
                  'vocab': tok.vocab_size}))
'''

def make_folder(folder:Path):
    "A 124M-shaped GPT-2 folder: random weights saved by transformers, a GPT-2 style byte-level BPE."
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers, decoders
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast
    from robopoet.tokenizer import bytes_to_unicode
    strings = sorted(bytes_to_unicode().values())  # GPT-2's 256 byte tokens, in its order
    vocab, merges = {s: i for i, s in enumerate(strings)}, []
    for a in strings:  # 50,000 merges of two bytes, each making token 256 + k as GPT-2's do
        for b in strings:
            if len(merges) < 50000: vocab[a + b] = 256 + len(merges); merges.append((a, b))
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer, tok.decoder = pre_tokenizers.ByteLevel(add_prefix_space=False), decoders.ByteLevel()
    tok.add_special_tokens(['<|endoftext|>'])
    GPT2TokenizerFast(tokenizer_object=tok, eos_token='<|endoftext|>').save_pretrained(folder)
    torch.manual_seed(0)
    GPT2LMHeadModel(GPT2Config(vocab_size=tok.get_vocab_size())).save_pretrained(folder)

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--keep', help='make the folder here and keep it (default: a temporary folder)')
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)/'gpt2-124M-random'
        if not (folder/'model.safetensors').exists(): make_folder(folder)
        weights = (folder/'model.safetensors').stat().st_size
        out = subprocess.run([sys.executable, '-c', CHILD, str(folder)], capture_output=True, text=True,
                             check=True)
        got = json.loads(out.stdout.strip().splitlines()[-1])
    env = environment()
    growth = got['after'] - got['before']
    figures = {'parameters': got['params'], 'model.safetensors (MB)': weights / 1e6,
               'peak memory growth while loading (MB)': growth / 1e6,
               'growth / weights': growth / weights}
    cpu = env['cpu']
    print(f"CPU: {cpu['model']} ({cpu['cores']} cores; features: {', '.join(cpu['features']) or 'none listed'})")
    for k, v in figures.items(): print(f"{k}: {v:,.2f}" if isinstance(v, float) else f"{k}: {v:,}")
    record('import_memory', 'Memory to import a 124M-shaped GPT-2 with load_hf', figures,
           description="Peak resident memory growth of a fresh process while `load_hf` reads a GPT-2 folder "
                       "(random weights, OpenAI's smallest shape), against the size of its model.safetensors.",
           env=env)

if __name__ == '__main__': main()
