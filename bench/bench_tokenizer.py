"""Benchmark robopoet's byte-level BPE against Hugging Face `tokenizers`, in the same run.

Both train a vocabulary of the same size on the same text (tiny-shakespeare by default), with the same
pre-split pattern (robopoet's GPT2_PATTERN), then encode the whole text. Each round times robopoet and
Hugging Face back to back, so both see the same load on a shared machine; a figure is the median over
the rounds, and a ratio is the median of the rounds' ratios. Both use one thread: core for core.

    ROBOPOET_DATA=/path/to/corpus python bench/bench_tokenizer.py [--vocab_size 2048] [--rounds 5]

Needs the dev dependency `tokenizers` (Hugging Face). Prints the CPU and its vector-instruction flags,
and writes bench/results/tokenizer.json for the results page.
"""
import os
os.environ.setdefault('RAYON_NUM_THREADS', '1')  # Hugging Face tokenizers: one thread, like robopoet
os.environ.setdefault('RAYON_RS_NUM_CPUS', '1')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
import argparse, json, platform, re, statistics, time

from robopoet.corpus import load_corpus
from robopoet.tokenizer import BPETokenizer, BPE_SPECIALS, GPT2_PATTERN, bytes_to_unicode
from record import record

SIMD = re.compile(r'^(sse\d?_?\d?|ssse3|avx\w*|fma|bmi\d|f16c|amx\w*|neon|asimd\w*|sve\w*)$')


def cpu() -> tuple[str, list]:
    "The CPU's model name and its vector-instruction flags (from /proc/cpuinfo where there is one)."
    try: info = open('/proc/cpuinfo').read()
    except OSError: return platform.processor() or platform.machine(), []
    lines = info.splitlines()
    field = lambda name: next((l.split(':', 1)[1].strip() for l in lines if l.startswith(name)), '')
    return field('model name') or platform.machine(), [f for f in field('flags').split() if SIMD.match(f)]


def timed(fn):
    "(wall seconds, CPU seconds, result) of one call of `fn`."
    w, c = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - w, time.process_time() - c, result


def hf_train(text, vocab_size):
    "A Hugging Face byte-level BPE tokenizer of `vocab_size` tokens, pre-splitting with robopoet's pattern."
    from tokenizers import Tokenizer, Regex, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(GPT2_PATTERN), behavior='isolated'),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(BPE_SPECIALS),
                                  show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([text], trainer)
    return tok


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--vocab_size', type=int, default=2048)
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--source', default='tinyshakespeare', help='a known text, .txt file or folder')
    a = p.parse_args()

    import tokenizers
    text = load_corpus(a.source).text
    n_bytes = len(text.encode('utf-8'))
    model, flags = cpu()
    print(f'{a.source}: {len(text):,} characters, {n_bytes / 1e6:.2f} MB; vocab_size {a.vocab_size:,}; '
          f'{a.rounds} rounds, medians')
    print(f'python {platform.python_version()}, tokenizers {tokenizers.__version__}, '
          f'one thread of {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}')
    print(f'CPU: {model}; vector flags: {" ".join(flags) or "none listed"}\n')

    rows = []  # per round: robopoet and Hugging Face, wall and CPU seconds
    for _ in range(a.rounds):
        t_ours, c_ours, ours = timed(lambda: BPETokenizer.train(text, vocab_size=a.vocab_size))
        t_hf, c_hf, hf = timed(lambda: hf_train(text, a.vocab_size))
        ours.cache.clear()
        e_cold, _, ids = timed(lambda: ours.encode(text))
        e_warm, _, _ = timed(lambda: ours.encode(text))
        e_hf, _, enc = timed(lambda: hf.encode(text).ids)
        rows.append(dict(t_ours=t_ours, t_hf=t_hf, c_ours=c_ours, c_hf=c_hf,
                         e_cold=e_cold, e_warm=e_warm, e_hf=e_hf))
    assert ours.decode(ids) == text, 'robopoet BPE did not round-trip the text'
    assert hf.decode(enc) == text, 'Hugging Face BPE did not round-trip the text'

    med = lambda f: statistics.median(f(r) for r in rows)
    mbs = lambda secs: n_bytes / secs / 1e6
    train_ratio, cpu_ratio = med(lambda r: r['t_ours'] / r['t_hf']), med(lambda r: r['c_ours'] / r['c_hf'])
    enc_ratio, warm_ratio = med(lambda r: r['e_hf'] / r['e_cold']), med(lambda r: r['e_hf'] / r['e_warm'])
    print(f"{'':30}{'vocab':>7}{'train s':>9}{'chars/tok':>11}{'encode MB/s':>13}")
    print(f"{'robopoet (pure Python)':30}{ours.vocab_size:>7,}{med(lambda r: r['t_ours']):>9.2f}"
          f"{len(text) / len(ids):>11.2f}{mbs(med(lambda r: r['e_cold'])):>13.2f}"
          f"   (warm chunk cache: {mbs(med(lambda r: r['e_warm'])):.2f})")
    print(f"{'Hugging Face tokenizers (Rust)':30}{hf.get_vocab_size():>7,}{med(lambda r: r['t_hf']):>9.2f}"
          f"{len(text) / len(enc):>11.2f}{mbs(med(lambda r: r['e_hf'])):>13.2f}")
    print(f'\nrobopoet / Hugging Face: training takes {train_ratio:.2f}x as long '
          f'({cpu_ratio:.2f}x the CPU time);'
          f'\n  encoding runs at {enc_ratio:.2f}x the speed with a cold chunk cache, {warm_ratio:.2f}x warm')

    to_byte = {c: b for b, c in bytes_to_unicode().items()}
    hf_bytes = lambda tok: tok.encode() if tok in BPE_SPECIALS else bytes(to_byte[c] for c in tok)
    same_tokens = [ours.token_bytes(i) for i in ids] == [hf_bytes(hf.id_to_token(i)) for i in enc]
    hf_merges = [tuple(m.split(' ')) if isinstance(m, str) else tuple(m)
                 for m in json.loads(hf.to_str())['model']['merges']]
    our_merges = ours.gpt2_vocab()[1]
    same_merges = sorted(hf_merges) == sorted(our_merges)
    moved = sum(h != o for h, o in zip(hf_merges, our_merges))
    print(f'the same merges: {same_merges} ({moved} in another place: on a tie robopoet takes the pair '
          f'of smaller byte values, Hugging Face the pair of GPT-2 characters that sort first);\n'
          f'the text cut into exactly the same tokens: {same_tokens}')
    record('tokenizer', f'Byte-level BPE on {a.source}: robopoet against Hugging Face tokenizers '
                        f'({a.vocab_size:,} tokens, one thread)',
           figures={'training time ratio (robopoet / HF)': train_ratio,
                    'training CPU time ratio (robopoet / HF)': cpu_ratio,
                    'robopoet training (s)': med(lambda r: r['t_ours']),
                    'Hugging Face training (s)': med(lambda r: r['t_hf']),
                    'encoding speed ratio, cold cache (robopoet / HF)': enc_ratio,
                    'encoding speed ratio, warm cache (robopoet / HF)': warm_ratio,
                    'robopoet encoding, cold cache (MB/s)': mbs(med(lambda r: r['e_cold'])),
                    'robopoet encoding, warm cache (MB/s)': mbs(med(lambda r: r['e_warm'])),
                    'Hugging Face encoding (MB/s)': mbs(med(lambda r: r['e_hf'])),
                    'characters per token': len(text) / len(ids),
                    'same merges as Hugging Face (ties aside)': same_merges,
                    'same tokens as Hugging Face': same_tokens, 'rounds': a.rounds},
           description=f'Each round times both back to back; figures are medians over the rounds, ratios the '
                       f'median of the rounds\' ratios. CPU: {model}; '
                       f'vector flags: {" ".join(flags) or "none"}.')


if __name__ == '__main__': main()
