// The browser checks behind tests/e2e/browser; see that script for what
// they cover and the environment they read.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { harness, require, STET, SHOTS } from './harness.mjs';
import * as hostile from './hostile.mjs';
import * as reading from './reading.mjs';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const DEADLINE_MS = 100_000;
const started = Date.now();

const LIGHT = [320, 768, 1440];
const DARK = [390, 1440];
const BUDGET_GZ = 14 * 1024;
const BUDGET_CSS = 12 * 1024;

const h = harness('browser', DEADLINE_MS);
const { ok, notOk, note, run, tmp } = h;
async function check(name, fn) {
  try {
    const why = await fn();
    if (why) notOk(name, why); else ok(name);
  } catch (e) {
    notOk(name, e && e.message ? e.message.split('\n')[0] : e);
  }
}

// ---- 1. the sites ---------------------------------------------------------

function buildSites() {
  const ex = path.join(tmp, 'example');
  run(STET, ['init', ex]);
  run(STET, ['build', '-s', ex]);

  const ho = path.join(tmp, 'hostile');
  run(STET, ['init', ho]);
  fs.mkdirSync(path.join(ho, 'static'), { recursive: true });
  const png = run('python3', ['-c', hostile.PNG_PY], { encoding: 'buffer' }).stdout;
  fs.writeFileSync(path.join(ho, 'static', 'pattern.png'), png);
  fs.writeFileSync(path.join(ho, 'static', hostile.SIZED_FILE), png);
  fs.writeFileSync(path.join(ho, 'posts', `2026-01-15-${hostile.SLUG}.md`), hostile.POST);
  fs.writeFileSync(path.join(ho, 'posts', `2026-01-16-${reading.CODE_SLUG}.md`), reading.CODE_POST);
  fs.writeFileSync(path.join(ho, 'posts', `2026-01-17-${reading.TOC_SLUG}.md`), reading.TOC_POST);
  run(STET, ['build', '-s', ho]);
  return { ex, ho };
}

// ---- 2. serving -----------------------------------------------------------

// stet serve when the binary has it (its CSP then applies to every page);
// BROWSER_SERVER=static forces the plain static server.
const haveServe = process.env.BROWSER_SERVER !== 'static' &&
  spawnSync(STET, ['help', 'serve'], { stdio: 'ignore' }).status === 0;

const serve = site => h.serve(site, !haveServe);

// ---- 3. every page, every width ---------------------------------------------

// Which pages: the example site's, found from its output, and the hostile post.
function pages(ex, exBase, hoBase) {
  const pub = path.join(ex, 'public');
  const dirs = fs.readdirSync(path.join(pub, 'writing'), { withFileTypes: true })
    .filter(d => d.isDirectory()).map(d => d.name).sort();
  // writing/YEAR/ are the archive's year pages; the rest are posts.
  const years = dirs.filter(d => /^[0-9]+$/.test(d));
  const posts = dirs.filter(d => !/^[0-9]+$/.test(d));
  // A topic page with posts on it, the one a reader is likeliest to see.
  const topics = fs.readdirSync(path.join(pub, 'topics'), { withFileTypes: true })
    .filter(d => d.isDirectory()).map(d => d.name).sort()
    .filter(t => /<ul class="posts">\s*<li/.test(
      fs.readFileSync(path.join(pub, 'topics', t, 'index.html'), 'utf8')));
  if (!posts.length) throw new Error('the example site has no post');
  if (!years.length) throw new Error('the example site has no year page');
  if (!topics.length) throw new Error('the example site has no topic page with posts');
  return [
    ['home', exBase],
    ['post', `${exBase}writing/${posts[0]}/`],
    ['writing', `${exBase}writing/`],
    ['year', `${exBase}writing/${years[0]}/`],
    ['topics', `${exBase}topics/`],
    ['topic', `${exBase}topics/${topics[0]}/`],
    ['about', `${exBase}about/`],
    ['404', `${exBase}404.html`],
    ['hostile', `${hoBase}writing/${hostile.SLUG}/`],
    ['code', `${hoBase}writing/${reading.CODE_SLUG}/`],
    ['toc', `${hoBase}writing/${reading.TOC_SLUG}/`],
  ];
}

// A page with its troubles recorded: console errors, page errors, and
// requests for anything not on 127.0.0.1.
async function openPage(ctx, { width, height = 900, scheme = 'light', media = 'screen' }) {
  const page = await ctx.newPage();
  const trouble = [];
  page.on('console', m => {
    if (m.type() === 'error') trouble.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', e => trouble.push(`page error: ${e.message}`));
  page.on('request', r => {
    const u = new URL(r.url());
    if (/^(data|blob|about):$/.test(u.protocol)) return;
    if (u.hostname !== '127.0.0.1') trouble.push(`request to another host: ${r.url()}`);
  });
  page.on('requestfailed', r => {
    if (new URL(r.url()).hostname === '127.0.0.1')
      trouble.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', r => {
    if (r.status() >= 400 && !r.url().endsWith('/404.html'))
      trouble.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: scheme, media, reducedMotion: 'reduce' });
  return { page, trouble };
}

async function goto(page, url) {
  const r = await page.goto(url, { waitUntil: 'load' });
  if (!r) throw new Error(`no response for ${url}`);
  const ok = r.status() === 200;
  if (!ok) throw new Error(`HTTP ${r.status()} for ${url}`);
}

// Every element that sticks out sideways, outside boxes that scroll or
// clip their content (pre and table scroll on purpose).
function overflowInPage() {
  const de = document.documentElement;
  const vw = de.clientWidth;
  const out = [];
  if (de.scrollWidth > vw) out.push(`page scrolls sideways: scrollWidth ${de.scrollWidth} > ${vw}`);
  const clips = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox !== 'visible') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (el.classList.contains('skip')) continue; // parked off-screen on purpose
    if ((r.right > vw + 0.5 || r.left < -0.5) && !clips(el)) {
      out.push(`${name(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} of ${vw}`);
      if (out.length > 4) break;
    }
  }
  return out;
}

async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated rather than added as a <script>: the page's CSP allows no
    // script, and the test must not switch the CSP off.
    await page.evaluate(AXE);
  }
  const res = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations'],
  }));
  return res.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3)
      .map(n => n.target.join(' ')).join(', ')}${v.nodes.length > 3 ? ', ...' : ''})`);
}

// One page, loaded once, then looked at in every width and scheme: the
// media queries apply without a reload, and axe-core is injected once.
async function pageChecks(ctx, name, url, combos) {
  const { page, trouble } = await openPage(ctx, { width: combos[0][0], scheme: combos[0][1] });
  const results = [];
  try {
    await goto(page, url);
    for (const [width, scheme] of combos) {
      const probs = [];
      try {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        const shot = path.join(SHOTS, `${name}-${width}-${scheme}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        probs.push(...await page.evaluate(overflowInPage));
        probs.push(...await axeViolations(page));
      } catch (e) {
        probs.push(e.message.split('\n')[0]);
      }
      probs.push(...trouble.splice(0));
      results.push(probs.join('; '));
    }
  } catch (e) {
    const why = [e.message.split('\n')[0], ...trouble.splice(0)].join('; ');
    while (results.length < combos.length) results.push(why);
  } finally {
    await page.close();
  }
  return results;
}

// ---- 4. print -------------------------------------------------------------

async function printCheck(ctx, url, shotName) {
  const { page, trouble } = await openPage(ctx, { width: 768, media: 'print' });
  try {
    await goto(page, url);
    await page.screenshot({ path: path.join(SHOTS, `${shotName}-print.png`), fullPage: true });
    const probs = await page.evaluate(() => {
      const out = [];
      const shown = el => el && getComputedStyle(el).display !== 'none' &&
        el.getClientRects().length > 0;
      const form = document.querySelector('form');
      if (!form) out.push('no form on the page to hide');
      else if (shown(form)) out.push('the subscribe form is displayed');
      const sub = document.querySelector('.subscribe');
      if (sub && shown(sub)) out.push('the subscribe section is displayed');
      const navs = [...document.querySelectorAll('nav')];
      if (!navs.length) out.push('no nav on the page to hide');
      for (const n of navs) if (shown(n)) out.push(`nav "${n.getAttribute('aria-label')}" is displayed`);
      const links = [...document.querySelectorAll('main .content a[href^="http"]')];
      if (!links.length) out.push('no outside link in the content to check');
      for (const a of links) {
        const c = getComputedStyle(a, '::after').content;
        if (!c.includes(a.getAttribute('href')))
          out.push(`link ${a.getAttribute('href').slice(0, 40)} prints no URL (::after ${c})`);
      }
      const de = document.documentElement;
      if (de.scrollWidth > de.clientWidth)
        out.push(`printed page is wider than the paper: ${de.scrollWidth} > ${de.clientWidth}`);
      return out;
    });
    return [...probs, ...trouble].join('; ');
  } finally {
    await page.close();
  }
}

// ---- 5. keyboard ----------------------------------------------------------

async function keyboardCheck(ctx, url, width) {
  const { page, trouble } = await openPage(ctx, { width });
  try {
    await goto(page, url);
    const probs = [];
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      return {
        tag: el.tagName.toLowerCase(), id: el.id, cls: el.className,
        text: (el.textContent || '').trim().slice(0, 40),
        visible: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
          r.top < innerHeight && r.left < innerWidth && cs.visibility !== 'hidden' &&
          cs.opacity !== '0',
        outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1,
      };
    });
    await page.keyboard.press('Tab');
    const first = await focused();
    if (!first || !String(first.cls).includes('skip'))
      probs.push(`first Tab focuses ${first ? first.tag + '.' + first.cls : 'nothing'}, not the skip link`);
    else if (!first.visible) probs.push('the skip link is not visible when focused');
    else if (!first.outline) probs.push('the focused skip link has no outline');
    await page.keyboard.press('Tab');
    const second = await focused();
    if (!second || !String(second.cls).includes('site-title'))
      probs.push(`second Tab focuses ${second ? second.tag + ' ' + second.text : 'nothing'}, not the site title`);
    let reached = false;
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      if (!f) break;
      if (f.id === 'subscribe-website') probs.push('the honeypot field takes focus');
      if (!f.outline && f.id !== 'subscribe-website')
        probs.push(`${f.tag} "${f.text || f.id}" shows no focus outline`);
      if (f.id === 'subscribe-email') { reached = true; }
      if (reached && f.tag === 'button') break;
    }
    if (!reached) probs.push('Tab never reaches the email field');
    probs.push(...await page.evaluate(() => {
      const out = [];
      const email = document.querySelector('form input[type=email]');
      if (!email) return ['no email field'];
      const label = [...(email.labels || [])].map(l => l.textContent.trim()).join(' ');
      if (!label && !email.getAttribute('aria-label')) out.push('the email field has no label');
      const hp = document.querySelector('#subscribe-website');
      if (!hp) out.push('no honeypot field');
      else {
        if (hp.checkVisibility()) out.push('the honeypot field is visible');
        if (hp.tabIndex >= 0) out.push('the honeypot field is in the tab order');
      }
      return out;
    }));
    return [...new Set(probs), ...trouble].join('; ');
  } finally {
    await page.close();
  }
}

// ---- 5b. long reads ---------------------------------------------------------

async function readingCheck(ctx, url, width, fn, media = 'screen') {
  const { page, trouble } = await openPage(ctx, { width, media });
  try {
    await goto(page, url);
    return [...await page.evaluate(fn), ...trouble].join('; ');
  } finally {
    await page.close();
  }
}

async function anchorFocusCheck(ctx, url, width) {
  const { page, trouble } = await openPage(ctx, { width });
  try {
    await goto(page, url);
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const cs = getComputedStyle(el);
        return { anchor: el.classList.contains('anchor'),
          outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1 };
      });
      if (!f) break;
      if (f.anchor) {
        await page.screenshot({ path: path.join(SHOTS, 'toc-anchor-focus-320.png') });
        return [f.outline ? '' : 'the focused anchor shows no outline', ...trouble]
          .filter(Boolean).join('; ');
      }
    }
    return ['Tab never reaches a heading anchor', ...trouble].join('; ');
  } finally {
    await page.close();
  }
}

// ---- 6. budget ------------------------------------------------------------

function gzSize(file) {
  if (fs.existsSync(file + '.gz')) return fs.statSync(file + '.gz').size;
  return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
}

function budgetCheck(ex) {
  const pub = path.join(ex, 'public');
  const html = path.join(pub, 'index.html'), css = path.join(pub, 'style.css');
  const htmlRaw = fs.statSync(html).size, htmlGz = gzSize(html);
  const cssRaw = fs.statSync(css).size, cssGz = gzSize(css);
  note(`home HTML ${htmlRaw} B raw, ${htmlGz} B gzip; style.css ${cssRaw} B raw, ` +
    `${cssGz} B gzip; together ${htmlGz + cssGz} B gzip of ${BUDGET_GZ}`);
  const probs = [];
  if (htmlGz + cssGz > BUDGET_GZ) probs.push(`home HTML + CSS are ${htmlGz + cssGz} B gzip, over ${BUDGET_GZ}`);
  if (cssRaw >= BUDGET_CSS) probs.push(`style.css is ${cssRaw} B raw, not under ${BUDGET_CSS}`);
  return probs.join('; ');
}

// ---- 7. layout shift --------------------------------------------------------

function sizedImagesCheck(ho) {
  const file = path.join(ho, 'public', 'writing', hostile.SLUG, 'index.html');
  const html = fs.readFileSync(file, 'utf8');
  const imgs = [...html.matchAll(/<img\b[^>]*>/g)].map(m => m[0]);
  const attr = (tag, a) => (tag.match(new RegExp(`\\s${a}="([^"]*)"`)) || [])[1];
  const probs = [];
  for (const want of hostile.SIZED) {
    const hit = imgs.find(t => attr(t, 'width') === want.width);
    if (!hit) probs.push(`no <img width="${want.width}"> in the built post`);
    else if (attr(hit, 'height') !== want.height)
      probs.push(`<img width="${want.width}"> lost its height ${want.height}: ${hit}`);
  }
  if (imgs.length < hostile.SIZED.length + 1) probs.push(`only ${imgs.length} images in the built post`);
  return probs.join('; ');
}

async function clsCheck(ctx, url, width) {
  // A viewport taller than the page: only shifts seen in it count.
  const { page, trouble } = await openPage(ctx, { width, height: 7000 });
  // The sized images arrive late: only once the page has painted.
  await page.route(`**/${hostile.SIZED_FILE}`, async r => {
    for (let i = 0; i < 100; i++) {
      const painted = await page.evaluate(() =>
        performance.getEntriesByName('first-contentful-paint').length > 0).catch(() => false);
      if (painted) break;
      await new Promise(res => setTimeout(res, 50));
    }
    await new Promise(res => setTimeout(res, 200));
    await r.continue();
  });
  try {
    await goto(page, url);
    await page.waitForTimeout(300);
    const res = await page.evaluate(file => new Promise(resolve => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const late = performance.getEntriesByType('resource')
        .filter(e => e.name.endsWith('/' + file));
      const painted = !!fcp && late.length > 0 &&
        late.every(e => e.responseEnd > fcp.startTime);
      let cls = 0;
      const shifts = [];
      const po = new PerformanceObserver(list => {
        for (const e of list.getEntries()) {
          if (e.hadRecentInput) continue;
          cls += e.value;
          shifts.push((e.sources || []).map(s => s.node ? s.node.nodeName : '?').join(','));
        }
      });
      po.observe({ type: 'layout-shift', buffered: true });
      setTimeout(() => { po.disconnect(); resolve({ cls, shifts, painted }); }, 200);
    }), hostile.SIZED_FILE);
    const imgs = await page.evaluate(() => [...document.images].map(i => ({
      src: i.getAttribute('src'), done: i.complete && i.naturalWidth > 0,
      w: i.getAttribute('width'), h: i.getAttribute('height'),
      ratio: i.getBoundingClientRect().width / Math.max(1, i.getBoundingClientRect().height),
    })));
    const probs = [];
    if (!res.painted) probs.push('no paint before the images came, so no shift could be seen');
    if (res.cls > 0) probs.push(`CLS ${res.cls.toFixed(4)} (shifted: ${res.shifts.join('; ')})`);
    for (const i of imgs) {
      if (!i.done) probs.push(`image ${i.src} did not load`);
      if (i.w && i.h && Math.abs(i.ratio - i.w / i.h) > 0.02)
        probs.push(`image ${i.w}x${i.h} shown at aspect ${i.ratio.toFixed(2)}`);
    }
    return [...probs, ...trouble].join('; ');
  } finally {
    await page.close();
  }
}

// ---- main -------------------------------------------------------------------

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  let sites, exSrv, hoSrv;
  try {
    sites = buildSites();
    ok('build the example site and the hostile site');
  } catch (e) {
    notOk('build the example site and the hostile site', e.message);
    return;
  }
  try {
    [exSrv, hoSrv] = await Promise.all([serve(sites.ex), serve(sites.ho)]);
    const how = haveServe ? 'stet serve' : 'python3 -m http.server';
    if (haveServe && !exSrv.csp) notOk(`serve with ${how}`, 'no Content-Security-Policy header');
    else ok(`serve with ${how}`);
  } catch (e) {
    notOk('serve', e.message);
    return;
  }

  const ctx = await h.launch();

  const list = pages(sites.ex, exSrv.base, hoSrv.base);
  const combos = [...LIGHT.map(w => [w, 'light']), ...DARK.map(w => [w, 'dark'])];
  // Two pages at a time: enough to use both cores of a small CI runner.
  let next = 0;
  const results = new Array(list.length);
  await Promise.all([0, 1].map(async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await pageChecks(ctx, list[i][0], list[i][1], combos);
    }
  }));
  list.forEach(([name], i) => combos.forEach(([w, scheme], j) => {
    const n = `${name} at ${w}px, ${scheme}`;
    if (results[i][j]) notOk(n, results[i][j]); else ok(n);
  }));

  const post = list.find(p => p[0] === 'post')[1];
  const hos = list.find(p => p[0] === 'hostile')[1];
  await check('print: the post hides form and navigation, prints link addresses',
    () => printCheck(ctx, hos, 'hostile'));
  await check('print: the example post hides form and navigation',
    async () => (await printCheck(ctx, post, 'post'))
      .split('; ').filter(s => s && !s.startsWith('no outside link')).join('; '));
  await check('keyboard: skip link, site title, labelled email field, no honeypot (1440px)',
    () => keyboardCheck(ctx, exSrv.base, 1440));
  await check('keyboard: skip link, site title, labelled email field, no honeypot (320px)',
    () => keyboardCheck(ctx, post, 320));
  const code = list.find(p => p[0] === 'code')[1];
  const toc = list.find(p => p[0] === 'toc')[1];
  await check('long reads: code blocks and tables scroll and show it (320px)',
    () => readingCheck(ctx, code, 320, reading.scrollsAndShows));
  await check('long reads: contents and heading anchors (768px)',
    () => readingCheck(ctx, toc, 768, reading.contentsAndAnchors));
  await check('long reads: code post contents and anchors (1440px)',
    () => readingCheck(ctx, code, 1440, reading.contentsAndAnchors));
  await check('print: code in the text colour, no anchors, no contents',
    async () => [await printCheck(ctx, code, 'code'),
      await readingCheck(ctx, code, 768, reading.printedPlain, 'print')]
      .join('; ').split('; ').filter(s => s && !s.startsWith('no outside link')).join('; '));
  await check('keyboard: a heading anchor takes focus and shows it (320px)',
    () => anchorFocusCheck(ctx, toc, 320));
  await check('budget: home HTML + style.css within 14 KB gzip, style.css under 12 KB',
    () => budgetCheck(sites.ex));
  await check('layout shift: authored image sizes kept in the HTML',
    () => sizedImagesCheck(sites.ho));
  await check('layout shift: CLS 0 on the hostile post at 320px', () => clsCheck(ctx, hos, 320));
  await check('layout shift: CLS 0 on the hostile post at 1440px', () => clsCheck(ctx, hos, 1440));
  note(`screenshots in ${SHOTS}; ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

try {
  await main();
} catch (e) {
  notOk('run', e.stack || e.message);
}
await h.finish();
