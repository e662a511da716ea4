"""Open every page of the built documentation site in headless Chromium and check what a reader sees.

For each page: it has its title, the sidebar lists every stage, every image has loaded and has an alt text that
says what it shows (a plot's, from its cell's `#| fig-alt:`, which both builds write into the page), and every link
between our pages (and to an anchor on them) leads somewhere, symbol links included (relative, to pages named
after their notebooks, which both builds have); with --katex, the maths has rendered. A page reads as a page,
not a console: no widget reprs, frozen progress bars or web-server log lines in its outputs, no path of the
machine that built it (the checkout, the home folder, temporary folders), and no markdown link left as text.
Every exercise's answer is folded under one "Show solution", as many folds as the notebook has exercises (found
by robopoet's own parser, `robopoet.pages.exercise_folds`), and no saved self-check says "Correct!" on a page.
The search box finds what it should. A full-page screenshot of each page is saved. Exits 1 listing every problem
found.

What a reader of a book expects: no code block scrolls sideways at 1280 px (measured in the browser: a block whose
content is wider than its box), and at phone width (375 px) a wide table scrolls in its own box instead of being
cut off. API entries read as Python: a class as `class`, not `def`; no `NoneType` or `<factory>`; no markdown link
left as text in a signature; no option turned into an en dash (`–interactive`); no docstring inherited from
`object`. A warning, printed but not failing (yet): the share of test lines among the code lines a page shows
(above a quarter). --measure writes the per-page numbers as JSON.

    python .ci/check_site.py SITE_DIR [--shots DIR] [--require PAGE ...] [--katex KATEX_DIST] [--nbs NBS_DIR]
                             [--measure FILE]

The pages load KaTeX from a CDN, which this machine cannot reach: --katex names a local copy of the same
release's dist/ folder (`npm install katex@VERSION`), served to the browser in place of the CDN.
"""
import argparse, functools, http.server, json, re, sys, tempfile, threading, urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the checkout's robopoet: the site and this check read exercises with one parser
from robopoet.classroom import read_notebook
from robopoet.pages import exercise_folds

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--no-first-run', '--disable-quic']


def serve(site: Path):
    "Serve `site` on a free localhost port in a background thread."
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args): pass
    handler = functools.partial(Quiet, directory=str(site))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def stage_titles(site: Path) -> list[str]:
    "The sidebar entries every page must show: the stage notebooks' page titles."
    titles = []
    for page in sorted(site.glob('[0-9][0-9]*_*.html')):
        m = re.search(r'<title>(.*?)(?: – robopoet)?</title>', page.read_text(encoding='utf-8'))
        titles.append(m.group(1))
    return titles


def check_math(page, name: str) -> tuple[list[str], int]:
    "Problems with the page's maths (none rendered, KaTeX errors, delimiters left as text) and how many formulas rendered."
    rendered, failed = page.locator('.katex').count(), page.locator('.katex-error').count()
    text = page.locator('main').first.inner_text() if page.locator('main').count() else page.inner_text('body')
    left = len(re.findall(r'\\\(|\\\[', text))
    problems = [f'{name}: {what}' for bad, what in [(rendered == 0, 'has maths but none rendered'),
                                                    (failed, f'{failed} formulas KaTeX could not render'),
                                                    (left, f'{left} maths delimiters left as text')] if bad]
    return problems, rendered


SITE_URL = 'https://robopoet.github.io/robopoet/'  # the published site: links to its pages must be relative
# What a console leaves in an output, and a page must not show.
CONSOLE = {'a widget repr (show a static picture on the site)': re.compile(r'\b\w+\(children=\(|\b(?:Int|Float)?(?:Slider|Text|Textarea|Dropdown|Checkbox|Output|Button)\(value='),
           'a frozen progress bar': re.compile(r'\d+(?:\.\d+)?% \[\d+/\d+|\d+%\|[^|\n]{0,60}\| *\d+/\d+'),
           'a web-server log line': re.compile(r'"(?:GET|POST|HEAD|PUT) [^"\n]* HTTP/\d\.\d" \d{3}|\b127\.0\.0\.1 - - \[')}


def machine_paths() -> re.Pattern:
    "Paths of the machine that built the site: the checkout and the folder above it, the home folder, temp folders."
    import tempfile
    places = {str(ROOT), str(ROOT.parent), str(Path.home()), tempfile.gettempdir(), '/tmp', '/var/folders', '/private/var'}
    places = sorted((p.rstrip('/') for p in places if len(p.rstrip('/')) > 1), key=len, reverse=True)
    return re.compile('(?:' + '|'.join(re.escape(p) for p in places) + r')/[\w.~-]')


def folds_in(nb_path: Path) -> int:
    "How many exercises notebook `nb_path` folds on its page: robopoet's `exercise_folds`, as the site's processor."
    if not nb_path.is_file(): return 0
    return len(exercise_folds(read_notebook(nb_path).cells, str(nb_path)))


# The page's text without its code: where a markdown link left as text shows (and the search index reads it).
PROSE_JS = """() => { const c = (document.querySelector('main') || document.body).cloneNode(true);
  c.querySelectorAll('pre, code, script, style').forEach(e => e.remove()); return c.textContent; }"""
RAW_LINK = re.compile(r'\]\([^)\s]+\)')


GENERIC_ALT = re.compile(r'(?i)(?:png|jpe?g|gif|svg|svg\+xml|image|img|figure|picture|output|plot|chart)')


def no_alt(alt) -> bool:
    "Does an image with `alt` (None: no attribute) lack a text that says what it shows (empty or a mere file type)?"
    return alt is None or not alt.strip() or bool(GENERIC_ALT.fullmatch(alt.strip()))


def check_reading(page, name: str, nbs: Path) -> list[str]:
    "Outputs that read as a console, machine paths anywhere on the page, solutions not folded."
    problems = []
    outputs = '\n'.join(page.eval_on_selector_all('.cell-output', 'els => els.map(e => e.textContent)'))
    for what, pattern in CONSOLE.items():
        if m := pattern.search(outputs): problems.append(f'{name}: {what} in an output: {m[0][:60]!r}')
    text = page.locator('main').first.text_content() if page.locator('main').count() else page.text_content('body')
    for m in sorted(set(machine_paths().findall(text))): problems.append(f'{name}: a path of this machine: {m!r}...')
    prose = page.evaluate(PROSE_JS)
    for m in list(RAW_LINK.finditer(prose))[:3]:
        problems.append(f'{name}: a markdown link left as text (on the page and in search): {prose[max(0, m.start() - 40):m.end()]!r}')
    expected = folds_in(nbs/f'{Path(name).stem}.ipynb')
    folds = page.locator('details.solution')
    if folds.count() != expected: problems.append(f'{name}: {folds.count()} solution folds, the notebook has {expected} exercises')
    shown = page.eval_on_selector_all('details.solution', 'els => els.filter(e => e.open).length')
    if shown: problems.append(f'{name}: {shown} solutions are open')
    inside = page.locator('details.solution > :not(summary)')
    if any(inside.nth(i).is_visible() for i in range(min(inside.count(), 50))): problems.append(f'{name}: a solution shows unfolded')
    return problems


# Code blocks whose content is wider than their box: the `pre` (or the div around it) scrolls sideways.
SCROLLING_JS = """() => [...document.querySelectorAll('main pre, #quarto-document-content pre')]
  .filter(e => e.getClientRects().length && !e.closest('details:not([open])'))
  .map(e => { const box = e.parentElement.classList.contains('sourceCode') ? e.parentElement : e;
              const wide = Math.max(e.scrollWidth - e.clientWidth, box.scrollWidth - box.clientWidth);
              const kind = e.classList.contains('cell-code') ? 'code' : e.closest('.cell-output') ? 'output' : 'prose';
              const line = e.innerText.split('\\n').reduce((a, l) => l.length > a.length ? l : a, '');
              return [kind, wide, line]; })"""
# Tables wider than the page: each must sit in a box that scrolls sideways; the page itself must not.
TABLES_JS = """() => { const out = [];
  for (const t of document.querySelectorAll('main table, #quarto-document-content table')) {
    if (!t.getClientRects().length) continue;
    let e = t, scrolls = false;
    while (e && e !== document.body) {
      const o = getComputedStyle(e).overflowX;
      if ((o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth) { scrolls = true; break; }
      e = e.parentElement; }
    const r = t.getBoundingClientRect();
    out.push([t.innerText.split('\\n')[0].slice(0, 40), Math.round(r.right), scrolls]); }
  return [out, document.documentElement.scrollWidth, window.innerWidth]; }"""
TEST_LINE = re.compile(r'^\s*(?:assert\b|with\s+(?:ExceptionExpected|pytest\.raises)\b|test_\w+\(|.*[:;]\s*test_\w+\()')
OBJECT_DOCS = {(getattr(object, n).__doc__ or '').strip().splitlines()[0] for n in dir(object)
               if (getattr(object, n).__doc__ or '').strip()}
ENTRY_JS = """() => [...document.querySelectorAll('.cell-output h3, .cell-output h4')].map(h => {
  const box = h.closest('.cell-output'), pre = box.querySelector('pre');
  const doc = [...box.querySelectorAll('p')].map(p => p.innerText).filter(t => t.trim() !== 'source').join('\\n');
  return [h.innerText.trim(), pre ? pre.innerText : '', doc]; })"""


def test_lines(code: str) -> int:
    "How many lines of `code` are tests: an assert or a test_* call, and the lines that continue it."
    n, depth, cont = 0, 0, False
    for line in code.splitlines():
        if depth > 0 or cont or TEST_LINE.match(line):
            n += 1
            depth += line.count('(') + line.count('[') + line.count('{') - line.count(')') - line.count(']') - line.count('}')
            depth, cont = max(depth, 0), line.rstrip().endswith('\\')
    return n


def check_entries(page, name: str) -> list[str]:
    "API entries that do not read as Python."
    problems = []
    for title, sig, doc in page.evaluate(ENTRY_JS):
        if not sig: continue
        short = title.split('.')[-1]
        if re.match(r'(?:async )?def ', sig) and short[:1].isupper() and '.' not in title:
            problems.append(f'{name}: API entry {title} shows a class as a function: {sig.splitlines()[0]!r}')
        for bad, what in [('NoneType', 'NoneType'), ('<factory>', '<factory> as a default')]:
            if bad in sig: problems.append(f'{name}: API entry {title} shows {what}')
        if re.search(r'\[`?[\w.]+`?\]\(', sig): problems.append(f'{name}: API entry {title}: a markdown link left as text in its signature')
        if m := re.search(r'(?<![\w-])\u2013[a-z]', sig + '\n' + doc):
            problems.append(f'{name}: API entry {title}: an option with an en dash ({m[0]!r}): write `--option` as code')
        if doc.strip().strip('*') in OBJECT_DOCS: problems.append(f'{name}: API entry {title} only repeats object\'s docstring {doc.strip()!r}')
    return problems


def measure_page(page, name: str, shots: Path) -> tuple[list[str], list[str], dict]:
    "Problems and warnings of layout and teaching on a page, and its numbers: scrolling code, tables at 375 px, tests."
    problems, warnings = [], []
    blocks = page.evaluate(SCROLLING_JS)
    scrolling = [(k, w, l) for k, w, l in blocks if w > 1]
    for kind, wide, line in scrolling[:3]:
        problems.append(f'{name}: a code block ({kind}) scrolls sideways at 1280 px ({wide} px hidden): {line.strip()[:70]!r}')
    if len(scrolling) > 3: problems.append(f'{name}: {len(scrolling) - 3} more code blocks scroll sideways at 1280 px')
    codes = page.eval_on_selector_all('main pre.cell-code, #quarto-document-content pre.cell-code',
                                      "els => els.filter(e => e.getClientRects().length && !e.closest('details:not([open])')).map(e => e.innerText)")
    shown = sum(len([l for l in c.splitlines() if l.strip()]) for c in codes)
    tests = sum(test_lines('\n'.join(l for l in c.splitlines() if l.strip())) for c in codes)
    share = tests / shown if shown else 0.0
    if share > 0.25: problems.append(f'{name}: {tests} of the {shown} code lines shown are tests ({share:.0%}; at most 25%)')
    outputs = page.eval_on_selector_all('.cell-output', 'els => els.map(e => e.textContent)')
    answered = sum('Correct!' in o for o in outputs)
    if answered: problems.append(f'{name}: {answered} self-check outputs say "Correct!" before the reader has answered '
                                 '(mark each check cell `#| check`)')
    problems += check_entries(page, name)
    size = page.viewport_size
    page.set_viewport_size({'width': 375, 'height': 800})
    page.wait_for_timeout(100)
    tables, page_width, width = page.evaluate(TABLES_JS)
    clipped = [(t, right) for t, right, scrolls in tables if right > width + 1 and not scrolls]
    for first, right in clipped: problems.append(f'{name}: a table ({first!r}) is cut off at 375 px (ends at {right} px) and does not scroll')
    if page_width > width + 1: problems.append(f'{name}: at 375 px the page itself is {page_width} px wide (scrolls sideways)')
    if name == 'index.html' or clipped: page.screenshot(path=str(shots/f'{Path(name).stem}-375.png'), full_page=True)
    page.set_viewport_size(size)
    numbers = {'blocks': len(blocks), 'scrolling': len(scrolling), 'scrolling_by_kind':
               {k: sum(1 for s in scrolling if s[0] == k) for k in ('code', 'output', 'prose')},
               'code_lines': shown, 'test_lines': tests, 'test_share': round(share, 3), 'answered_checks': answered,
               'tables_cut_at_375': len(clipped)}
    print(f'{name}: {len(scrolling)} of {len(blocks)} code blocks scroll sideways at 1280 px; '
          f'test lines {tests} of {shown} shown ({share:.0%})')
    return problems, warnings, numbers


def check_search(page, base: str, query: str, expect: str) -> list[str]:
    "Type `query` into the site's search box on the home page; a result must lead to page `expect`, and open it."
    page.goto(f'{base}/index.html', wait_until='networkidle')
    toggle = page.locator('.sd-search-toggle')
    if toggle.count() and toggle.first.is_visible(): toggle.first.click()
    box = page.locator('.smalldocs-search input:visible').first
    box.fill(query)
    try: page.wait_for_selector('.search-result', timeout=5000)
    except Exception: return [f'search for {query!r}: no results']
    hrefs = page.eval_on_selector_all('.search-result', 'els => els.map(e => e.href)')
    hit = next((h for h in hrefs if urllib.parse.urlsplit(h).path.endswith('/' + expect)), None)
    if not hit: return [f'search for {query!r}: no result on {expect} among {len(hrefs)}']
    r = page.request.get(hit)
    print(f'search {query!r}: {len(hrefs)} results, one on {expect} (HTTP {r.status})')
    return [] if r.status == 200 else [f'search result {hit}: HTTP {r.status}']


def check_page(page, base: str, name: str, stages: list[str], shots: Path, katex: bool, nbs: Path) -> list[str]:
    problems = []
    resp = page.goto(f'{base}/{name}', wait_until='networkidle')
    if not resp or resp.status != 200: return [f'{name}: HTTP {resp.status if resp else "no response"}']
    title = page.title()
    h1 = page.locator('h1').first.inner_text() if page.locator('h1').count() else ''
    if not title.strip() or not h1.strip(): problems.append(f'{name}: no title (title={title!r}, h1={h1!r})')
    sidebar = page.locator('#quarto-sidebar')
    side_text = sidebar.inner_text() if sidebar.count() else ''
    for s in stages:
        if s not in side_text: problems.append(f'{name}: the sidebar does not list {s!r}')
    imgs = page.eval_on_selector_all('main img, #quarto-document-content img', 'els => els.map(e => '
                                     '[e.getAttribute("src") || "", e.complete && e.naturalWidth > 0, e.getAttribute("alt"), '
                                     '(e.closest(".cell") || {}).id || ""])')
    for src, ok, alt, cell in imgs:
        if not ok: problems.append(f'{name}: image did not load: {src[:80]}')
        if not no_alt(alt): continue
        what = f'the output of {cell or "a cell"}' if src.startswith('data:') else src[:80]
        problems.append(f'{name}: an image without alt text ({what}): give its cell a line '
                        '`#| fig-alt: what it shows`, or write ![what it shows](file) in Markdown')
    links = page.eval_on_selector_all('a[href]', 'els => els.map(e => e.href)')
    for href in sorted(set(links)):
        url = urllib.parse.urlsplit(href)
        if href.startswith(SITE_URL) and url.path.endswith('.html'):
            problems.append(f'{name}: {href} links the published site; link the page relatively'); continue
        if not href.startswith(base): continue  # another site: not ours to check offline
        target = urllib.parse.urlunsplit(url._replace(fragment=''))
        r = page.request.get(target)
        if r.status != 200: problems.append(f'{name}: broken link {href} (HTTP {r.status})'); continue
        if url.fragment and url.path.endswith('.html'):
            html = r.text()
            frag = urllib.parse.unquote(url.fragment)
            if f'id="{frag}"' not in html: problems.append(f'{name}: broken anchor {href}')
    problems += check_reading(page, name, nbs)
    maths = ''
    if katex and 'katex.min.js' in page.content():
        page.wait_for_timeout(200)  # auto-render runs when the deferred scripts have loaded
        found, rendered = check_math(page, name)
        problems += found; maths = f', {rendered} formulas rendered'
    page.screenshot(path=str(shots/f'{Path(name).stem}.png'), full_page=True)
    print(f'{name}: title {title!r}, {len(imgs)} images, {len(set(links))} links checked{maths}')
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('site', type=Path)
    ap.add_argument('--shots', type=Path, default=Path('.ci/artifacts/screenshots'))
    ap.add_argument('--require', nargs='*', default=['index.html', '00_corpus.html'], help='pages that must exist')
    ap.add_argument('--min-images', nargs='*', default=['00_corpus.html=4'], help='PAGE=N: pages that must show N+ images')
    ap.add_argument('--chromium', default='/usr/bin/chromium')
    ap.add_argument('--search', nargs='*', default=['Newton-Schulz=04c_optim.html'],
                    help='QUERY=PAGE: searching QUERY must find PAGE')
    ap.add_argument('--nbs', type=Path, default=ROOT/'nbs', help='the notebooks, to count their solutions')
    ap.add_argument('--katex', type=Path, help="a local copy of KaTeX's dist/ folder, served in place of the CDN")
    ap.add_argument('--measure', type=Path, help='write the per-page numbers (scrolling code, test lines, ...) as JSON here')
    args = ap.parse_args()
    args.shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(p.name for p in args.site.glob('*.html'))
    problems = [f'missing page {r}' for r in args.require if r not in pages]
    stages = stage_titles(args.site)
    srv = serve(args.site)
    base = f'http://127.0.0.1:{srv.server_port}'
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(profile, executable_path=args.chromium, headless=True,
                                                       args=CHROMIUM_ARGS, viewport={'width': 1280, 'height': 900})
        if args.katex:
            if not (args.katex/'katex.min.js').is_file(): sys.exit(f'--katex {args.katex}: no katex.min.js there')
            def local_katex(route):
                f = args.katex/urllib.parse.urlsplit(route.request.url).path.split('/dist/', 1)[1]
                route.fulfill(path=str(f)) if f.is_file() else route.fulfill(status=404)
            browser.route('https://cdn.jsdelivr.net/npm/katex@*/dist/**', local_katex)
        page = browser.new_page()
        errors, warnings, numbers = [], [], {}
        page.on('pageerror', lambda e: errors.append(str(e)))
        for name in pages:
            errors.clear()
            problems += check_page(page, base, name, stages, args.shots, bool(args.katex), args.nbs)
            found, warned, numbers[name] = measure_page(page, name, args.shots)
            problems += found; warnings += warned
            problems += [f'{name}: JavaScript error: {e}' for e in errors]
        for spec in args.search:
            query, expect = spec.rsplit('=', 1)
            problems += check_search(page, base, query, expect)
        for spec in args.min_images:
            name, n = spec.split('=')
            page.goto(f'{base}/{name}', wait_until='networkidle')
            got = page.eval_on_selector_all('main img', 'els => els.filter(e => e.complete && e.naturalWidth > 0).length')
            if got < int(n): problems.append(f'{name}: {got} images shown, expected at least {n}')
        browser.close()
    srv.shutdown()
    print(f'\n{len(pages)} pages checked in Chromium; screenshots in {args.shots}')
    blocks, scrolling = sum(n['blocks'] for n in numbers.values()), sum(n['scrolling'] for n in numbers.values())
    print(f'{scrolling} of {blocks} code blocks scroll sideways at 1280 px')
    if args.measure: args.measure.write_text(json.dumps(numbers, indent=1) + '\n', encoding='utf-8')
    if warnings: print('\nWARNINGS (not failing yet):\n' + '\n'.join(f'- {w}' for w in warnings))
    if problems:
        print('\nPROBLEMS:\n' + '\n'.join(f'- {p}' for p in problems))
        sys.exit(1)
    print('site check passed')


if __name__ == '__main__': main()
