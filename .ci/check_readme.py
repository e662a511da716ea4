"""Check README.md as the two places people meet it render it: GitHub and PyPI.

GitHub resolves a relative link against the repository; PyPI cannot, and drops it. So README.md is rendered to
HTML (markdown-it, CommonMark as both sites read it) and every link and picture is checked twice: with relative
targets resolved against the repository (each must be a file there), and with relative targets dropped (there
must be none, or PyPI shows broken ones). Absolute links into this repository (GitHub pages and raw files) and
to the documentation site must name files that exist. The text must carry no notebook directives and no path
that only this machine has, and must keep what a reader needs: the two commands for a new machine, `--text`,
and links to the documentation site and to Colab. Exits 1 listing every problem.

    python .ci/check_readme.py [README.md]
"""
import re, sys
from configparser import ConfigParser
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini', encoding='utf-8'); cfg = cfg['DEFAULT']
GIT = cfg['git_url'].rstrip('/'); OWNER_REPO = GIT.split('github.com/')[1]
SITE = cfg['doc_host'].rstrip('/') + cfg['doc_baseurl']
OURS = {f'{GIT}/blob/{cfg["branch"]}/': 'file', f'{GIT}/tree/{cfg["branch"]}/': 'file',
        f'https://raw.githubusercontent.com/{OWNER_REPO}/{cfg["branch"]}/': 'file',
        f'https://colab.research.google.com/github/{OWNER_REPO}/blob/{cfg["branch"]}/': 'file', f'{SITE}/': 'page'}
MUST_SAY = {'.venv/bin/pytest tests': 'the test command (.ci/run greps for it)', 'bash .ci/setup': 'the set-up command',
            '--text': 'how to train on your own text', SITE: 'a link to the documentation site',
            'colab.research.google.com': 'a link to Colab'}


class Targets(HTMLParser):
    "Every link (a href) and picture (img src) of an HTML page."
    def __init__(self): super().__init__(); self.found = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'a' and 'href' in a: self.found.append(('link', a['href']))
        if tag == 'img' and 'src' in a: self.found.append(('picture', a['src']))


def problems_with(text: str) -> list[str]:
    html = MarkdownIt('commonmark').enable('table').render(text)
    parser = Targets(); parser.feed(html)
    problems = []
    for kind, target in parser.found:
        if target.startswith('#'): continue
        relative = not re.match(r'^[a-z][a-z0-9+.-]*:', target)
        if relative:  # GitHub resolves it against the repository; PyPI drops it
            path = target.split('#')[0]
            if not (ROOT/path).exists(): problems.append(f'GitHub: {kind} {target} names no file of the repository')
            problems.append(f'PyPI: relative {kind} {target} is dropped there: make it absolute')
            continue
        prefix = next((p for p in OURS if target.startswith(p)), None)
        if prefix is None: continue
        rest = target[len(prefix):].split('#')[0].split('?')[0]
        if OURS[prefix] == 'file' and rest and not (ROOT/rest).exists():
            problems.append(f'{kind} {target}: no {rest} in the repository')
        if OURS[prefix] == 'page' and rest and not (ROOT/'nbs'/Path(rest).with_suffix('.ipynb').name).exists():
            problems.append(f'{kind} {target}: no notebook makes the page {rest}')
    for m in re.finditer(r'^\s*#\|.*$', text, re.M): problems.append(f'a notebook directive: {m[0].strip()!r}')
    for m in re.finditer(r'(?:\.\./shared|/work/|/tmp/|/root/|/home/\w+)[^\s)`]*', text): problems.append(f'a path users do not have: {m[0]!r}')
    problems += [f'README.md lost {what}: no {must!r}' for must, what in MUST_SAY.items() if must not in text]
    return problems


if __name__ == '__main__':
    readme = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT/'README.md')
    found = problems_with(readme.read_text(encoding='utf-8'))
    if found: sys.exit('README.md problems:\n' + '\n'.join(f'- {p}' for p in found))
    print(f'{readme.name}: links and pictures resolve on GitHub and on PyPI; no directives or machine paths')
