"""The saved outputs of the chapters after training come from the class model, trained in full.

The notebooks are executed with `jupyter nbconvert --execute` before they are committed: these tests read what
that run saved, without running anything. They fail when a saved output comes from a model cut short for the
quick tests or from a fallback, when the sampling chapter's trained GPT does not beat the bigram baseline by a
bit per character, or when a chapter shows no labelled sample that reads as the corpus's English.
"""
import html, json, re
from functools import lru_cache

import pytest

from conftest import ROOT

CHAPTERS = ['04g_training', '05a_sampling', '05b_poet']  # each shows a sample of the class model
FALLBACKS = ['shortened for quick tests', 'class_shortened', 'no char_cpu checkpoint', 'trained for 100 steps',
             'run `robopoet train --config char_cpu` first']
LABELLED = re.compile(r'^===== (.+?) =====\n(.*?)(?=^=====|\Z)', re.M | re.S)


def outputs(name:str) -> list[str]:
    "The saved outputs of each code cell of notebook `name`, as text (a <pre> of HTML as its text)."
    nb = json.loads((ROOT/'nbs'/f'{name}.ipynb').read_text(encoding='utf-8'))
    cells = []
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        parts = []
        for o in c.get('outputs', []):
            if o['output_type'] == 'error': parts.append(f"error: {o.get('ename')}: {o.get('evalue')}")
            if 'text' in o: parts.append(''.join(o['text']))
            data = o.get('data', {})
            if 'text/html' in data:
                pres = re.findall(r'<pre[^>]*>(.*?)</pre>', ''.join(data['text/html']), re.S)
                parts += [html.unescape(re.sub(r'<[^>]+>', '', p)).rstrip('▌') + '\n' for p in pres]
            elif 'text/plain' in data: parts.append(''.join(data['text/plain']) + '\n')
        cells.append(''.join(parts))
    return cells


@lru_cache
def corpus_words() -> set:
    from robopoet.corpus import load_corpus, words
    corpus = load_corpus(['hamlet', 'alice'])
    return set(words(corpus.train + corpus.valid))


def reads_as_corpus(text:str) -> tuple[float, float]:
    "The share of the words of `text` that are words of the corpus, and the share of distinct words."
    from robopoet.corpus import words
    ws = words(text)
    return sum(w in corpus_words() for w in ws) / max(1, len(ws)), len(set(ws)) / max(1, len(ws))


@pytest.mark.parametrize('name', CHAPTERS)
def test_from_the_full_class_model(name):
    cells = outputs(name)
    assert any(cells), f'{name} has no saved outputs: execute it (jupyter nbconvert --execute --inplace)'
    everything = '\n'.join(cells)
    for bad in FALLBACKS + ['error: ']:
        assert bad not in everything, f'{name} shows {bad!r}: re-execute it with the class model trained in full'
    samples = [(label, text.strip()) for cell in cells for label, text in LABELLED.findall(cell)]
    good = []
    for label, text in samples:
        in_corpus, distinct = reads_as_corpus(text)
        if 'validation loss' in label and len(text) >= 200 and in_corpus >= 0.85 and distinct >= 0.5:
            good.append(label)
    assert good, (f'{name} shows no sample of 200+ characters labelled with its model and validation loss that '
                  f'reads as the corpus (85% corpus words, half of them distinct): {[l for l, _ in samples]}')


def test_strategies_from_the_full_class_model():
    "The strategies chapter draws the class model's distributions (it writes no samples): none of a fallback."
    everything = '\n'.join(outputs('05_strategies'))
    assert 'validation loss' in everything, "05_strategies should name the class model it shows: execute it"
    for bad in FALLBACKS + ['error: ']:
        assert bad not in everything, f'05_strategies shows {bad!r}: re-execute it with the class model trained in full'


def test_trained_gpt_beats_the_bigram():
    text = '\n'.join(outputs('05a_sampling'))
    gpt = re.search(r'^\s*(\d+\.\d\d) bits/char  trained GPT', text, re.M)
    bigram = re.search(r'^\s*(\d+\.\d\d) bits/char  bigram baseline', text, re.M)
    assert gpt and bigram, "05a_sampling's saved outputs need the lines 'X.XX bits/char  trained GPT' and " \
                           "'Y.YY bits/char  bigram baseline'"
    gpt, bigram = float(gpt.group(1)), float(bigram.group(1))
    assert gpt <= 2.35, f'the trained GPT scores {gpt} bits/char: the class model should reach 2.35 or better'
    assert gpt <= bigram - 1.0, f'the trained GPT ({gpt}) should be at least 1 bit/char below the bigram ({bigram})'
