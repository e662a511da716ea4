"""Benchmark robopoet's byte-level BPE against Hugging Face `tokenizers` in the same run.

Trains both at the same vocabulary size on the same text (tiny-shakespeare by default), then times
encoding the whole text (robopoet: with a cold chunk cache and a warm one), and prints the figures
and the ratios. Both are limited to one thread so the comparison is core for core.

    ROBOPOET_DATA=/work/shared/corpus python bench/bench_tokenizer.py [--vocab_size 2048] [--repeats 3] [--source tinyshakespeare]

Needs the dev dependency `tokenizers` (Hugging Face). Timings on a shared machine are noisy: each
figure is the best of `--repeats` runs, and only the ratios measured in one run mean much.
"""
import os
os.environ.setdefault('RAYON_NUM_THREADS', '1')  # Hugging Face tokenizers: one thread, like robopoet
os.environ.setdefault('RAYON_RS_NUM_CPUS', '1')
os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
import argparse, math, platform, time

from robopoet.corpus import load_corpus
from robopoet.tokenizer import BPETokenizer, BPE_SPECIALS
from record import record


def best_of(repeats, fn):
    "(best time in seconds, last result) of `repeats` calls of `fn`."
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter(); result = fn(); times.append(time.perf_counter() - t0)
    return min(times), result


def hf_train(text, vocab_size):
    "A Hugging Face byte-level BPE tokenizer (GPT-2 style) of `vocab_size` tokens trained on `text`."
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(BPE_SPECIALS), show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([text], trainer)
    return tok


def hf_token_bytes(token:str) -> bytes:
    "The bytes of a Hugging Face byte-level token (written with GPT-2's printable stand-ins for bytes)."
    printable = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    extra = [b for b in range(256) if b not in printable]
    to_byte = {chr(b): b for b in printable} | {chr(256 + k): b for k, b in enumerate(extra)}
    return bytes(to_byte[c] for c in token) if all(c in to_byte for c in token) else token.encode()


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--vocab_size', type=int, default=2048)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--source', default='tinyshakespeare', help='a known text, .txt file or folder')
    a = p.parse_args()

    import tokenizers
    text = load_corpus(a.source).text
    n_bytes = len(text.encode('utf-8'))
    print(f'{a.source}: {len(text):,} characters, {n_bytes / 1e6:.2f} MB; vocab_size {a.vocab_size:,}; best of {a.repeats}')
    print(f'python {platform.python_version()}, tokenizers {tokenizers.__version__}, {os.cpu_count()} CPUs (1 thread used)\n')

    t_ours, ours = best_of(a.repeats, lambda: BPETokenizer.train(text, vocab_size=a.vocab_size))
    t_hf, hf = best_of(a.repeats, lambda: hf_train(text, a.vocab_size))

    def encode_cold(): ours.cache.clear(); return ours.encode(text)
    e_cold, ids = best_of(a.repeats, encode_cold)
    e_warm, _ = best_of(a.repeats, lambda: ours.encode(text))
    e_hf, enc = best_of(a.repeats, lambda: hf.encode(text).ids)
    lines = text.splitlines(keepends=True)
    e_hf_lines, _ = best_of(a.repeats, lambda: hf.encode_batch(lines))
    e_hf_fast, _ = best_of(a.repeats, lambda: hf.encode_batch_fast(lines)) if hasattr(hf, 'encode_batch_fast') else (math.nan, None)
    assert ours.decode(ids) == text, 'robopoet BPE did not round-trip the text'
    assert hf.decode(enc) == text, 'Hugging Face BPE did not round-trip the text'

    mbs = lambda secs: n_bytes / secs / 1e6
    print(f"{'':32}{'vocab':>7}{'train s':>9}{'chars/tok':>11}{'encode MB/s':>13}")
    print(f"{'robopoet (pure Python)':32}{ours.vocab_size:>7,}{t_ours:>9.2f}{len(text) / len(ids):>11.2f}{mbs(e_cold):>13.2f}"
          f"   (warm chunk cache: {mbs(e_warm):.2f})")
    print(f"{'Hugging Face tokenizers (Rust)':32}{hf.get_vocab_size():>7,}{t_hf:>9.2f}{len(text) / len(enc):>11.2f}{mbs(e_hf):>13.2f}"
          f"   (encode_batch of lines: {mbs(e_hf_lines):.2f}; encode_batch_fast, no offsets: {mbs(e_hf_fast):.2f})")
    print(f'\nrobopoet / Hugging Face: training takes {t_ours / t_hf:.2f}x as long; encoding the text in one call runs at '
          f'{e_hf / e_cold:.2f}x the speed (cold cache), {e_hf / e_warm:.2f}x (warm);\n  against HF encode_batch_fast of lines: '
          f'{e_hf_fast / e_cold:.2f}x (cold), {e_hf_fast / e_warm:.2f}x (warm)')
    theirs = {hf_token_bytes(t) for t in hf.get_vocab()}
    shared = len(theirs & set(ours.vocab)) / len(ours.vocab)
    same = [ours.token_bytes(i) for i in ids] == [hf_token_bytes(hf.id_to_token(i)) for i in enc]
    print(f'\n{shared:.1%} of robopoet\'s tokens are also Hugging Face tokens; the text is cut into '
          + ('exactly the same tokens' if same else f'{len(ids):,} vs {len(enc):,} tokens (pre-split and tie-breaking differ)'))
    record('tokenizer', f'Byte-level BPE on {a.source}: robopoet vs Hugging Face tokenizers ({a.vocab_size:,} tokens, one thread)',
           figures={'robopoet training (s)': t_ours, 'Hugging Face training (s)': t_hf, 'training time ratio (robopoet / HF)': t_ours / t_hf,
                    'robopoet encoding, cold cache (MB/s)': mbs(e_cold), 'robopoet encoding, warm cache (MB/s)': mbs(e_warm),
                    'Hugging Face encoding (MB/s)': mbs(e_hf), 'encoding speed ratio, cold (robopoet / HF)': e_hf / e_cold,
                    'characters per token': len(text) / len(ids), 'same tokens as Hugging Face': same},
           description='Best of the repeats; only the ratios measured in one run mean much on a shared machine.')


if __name__ == '__main__': main()
