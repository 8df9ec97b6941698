// A reader's subscription in a real browser, run by tests/e2e/browser
// after main.mjs: Debian's chromium (never a downloaded one) on the
// example site served by stet serve, whose default transport
// (maildir:mail) leaves each confirmation as a file in SITE/mail/new/.
// Subscribe from the home page, read the message, open its link, press
// Confirm, then Unsubscribe; the list (stet subscribers list) is checked
// at each step.  No console errors, no requests to other hosts, no
// failed requests.  Screenshots land in $SCREENSHOTS as forms-*.png.
// Prints "ok - NAME" or "not ok - NAME: why" per check, then one line
// "N passed, N failed"; exits 1 if any failed.
//   STET, SCREENSHOTS, CHROMIUM, KEEP=1 as for main.mjs

import fs from 'node:fs';
import path from 'node:path';
import { harness, STET, SHOTS } from './harness.mjs';

const SLOW = Number(process.env.STET_SLOW || 1);
const DEADLINE_MS = 60_000 * SLOW;
const ADDR = 'Reader.Browser@example.org';

const h = harness('forms', DEADLINE_MS, SLOW);
const { ok, notOk, tmp } = h;

// The state `stet subscribers list` gives the address, or null.
function stateOf(site, addr) {
  const out = h.run(STET, ['subscribers', '-s', site, 'list']).stdout;
  for (const line of out.split('\n')) {
    const f = line.split(' ');
    if (f[0] && f[0].toLowerCase() === addr.toLowerCase()) return f[1];
  }
  return null;
}

// Quoted-printable, as RFC 2045 has it: "=" at a line's end is a soft
// break, "=XX" a byte.
function qpDecode(s) {
  const bytes = [];
  const t = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(t.slice(i + 1, i + 3))) {
      bytes.push(parseInt(t.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(t.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

// The newest message in the Maildir, waiting for it to come.
async function newestMail(site, deadlineMs) {
  const dir = path.join(site, 'mail', 'new');
  const until = Date.now() + deadlineMs;
  for (;;) {
    let files = [];
    try { files = fs.readdirSync(dir).filter(f => !f.startsWith('.')); } catch { /* none yet */ }
    if (files.length) {
      files.sort((a, b) => fs.statSync(path.join(dir, b)).mtimeMs -
        fs.statSync(path.join(dir, a)).mtimeMs);
      return fs.readFileSync(path.join(dir, files[0]), 'latin1');
    }
    if (Date.now() > until) throw new Error(`no message in ${dir}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

// The text/plain part of a multipart message, decoded.
function textPart(raw) {
  const m = raw.match(/boundary="([^"]+)"/);
  if (!m) throw new Error('not a multipart message');
  for (const part of raw.split('--' + m[1])) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    if (!/Content-Type: text\/plain/i.test(head)) continue;
    const body = rest.join('\r\n\r\n');
    return /Content-Transfer-Encoding: quoted-printable/i.test(head) ? qpDecode(body) : body;
  }
  throw new Error('no text/plain part');
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const site = path.join(tmp, 'site');
  let base, server, serverLog;
  try {
    h.run(STET, ['init', site]);
    const srv = await h.serve(site);
    server = srv.child;
    base = srv.base;
    serverLog = srv.log;
    ok('forms: serve the example site with stet serve');
  } catch (e) {
    notOk('forms: serve the example site with stet serve', e.message);
    return;
  }

  const page = await (await h.launch()).newPage();
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
  page.on('requestfailed', r => trouble.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', r => {
    if (r.status() >= 400) trouble.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  await page.setViewportSize({ width: 1024, height: 900 });

  const h1 = async () => (await page.locator('main h1').first().textContent() || '').trim();
  const shot = name => page.screenshot({ path: path.join(SHOTS, `forms-${name}.png`), fullPage: true });
  // One step: fn returns a problem or nothing; the step fails on
  // trouble in the page too.  A failed step ends the flow.
  const step = async (name, fn) => {
    const before = trouble.length;
    let why;
    try {
      why = await fn();
    } catch (e) {
      why = e && e.message ? e.message.split('\n')[0] : String(e);
    }
    const t = trouble.slice(before);
    if (why || t.length) {
      notOk(`forms: ${name}`, [why, ...t].filter(Boolean).join('; '));
      return false;
    }
    ok(`forms: ${name}`);
    return true;
  };

  let link;
  const steps = [
    ['subscribe from the home page: "Check your inbox", pending', async () => {
      const r = await page.goto(base, { waitUntil: 'load' });
      if (!r || r.status() !== 200) return `GET / gave ${r && r.status()}`;
      await page.getByLabel('Email address').fill(ADDR);
      await Promise.all([
        page.waitForURL(u => new URL(u).pathname === '/subscribe'),
        page.getByRole('button', { name: 'Subscribe' }).click(),
      ]);
      await page.waitForLoadState('load');
      await shot('1-check-inbox');
      if (await h1() !== 'Check your inbox') return `the page says ${JSON.stringify(await h1())}`;
      if (!(await page.textContent('main')).includes(ADDR)) return 'the page does not name the address';
      const st = stateOf(site, ADDR);
      if (st !== 'pending') return `the list says ${st}`;
    }],
    ['the confirmation message has a link to this server', async () => {
      const raw = await newestMail(site, 10_000 * SLOW);
      if (!new RegExp(`^To: ${ADDR}\\r?$`, 'mi').test(raw)) return 'the message is not to the address';
      const text = textPart(raw);
      const m = text.match(/http:\/\/127\.0\.0\.1:\d+\/subscribe\/confirm\?t=[A-Za-z0-9_-]+/);
      if (!m) return `no confirm link in: ${text.slice(0, 300)}`;
      link = m[0];
      if (!link.startsWith(base)) return `the link ${link} is not to ${base}`;
    }],
    ['open the link: a Confirm button, still pending', async () => {
      const r = await page.goto(link, { waitUntil: 'load' });
      if (!r || r.status() !== 200) return `the link gave ${r && r.status()}`;
      await shot('2-confirm');
      if (await h1() !== 'Confirm your subscription') return `the page says ${JSON.stringify(await h1())}`;
      const st = stateOf(site, ADDR);
      if (st !== 'pending') return `opening the link made it ${st}`;
    }],
    ['press Confirm: "You are subscribed", confirmed', async () => {
      await Promise.all([
        page.waitForURL(u => new URL(u).pathname === '/subscribe/confirm' && !new URL(u).search),
        page.getByRole('button', { name: 'Confirm' }).click(),
      ]);
      await page.waitForLoadState('load');
      await shot('3-subscribed');
      if (await h1() !== 'You are subscribed') return `the page says ${JSON.stringify(await h1())}`;
      const st = stateOf(site, ADDR);
      if (st !== 'confirmed') return `the list says ${st}`;
    }],
    ['press Unsubscribe: "You are unsubscribed", unsubscribed', async () => {
      await Promise.all([
        page.waitForURL(u => new URL(u).pathname === '/unsubscribe'),
        page.getByRole('button', { name: 'Unsubscribe' }).click(),
      ]);
      await page.waitForLoadState('load');
      await shot('4-unsubscribed');
      if (await h1() !== 'You are unsubscribed') return `the page says ${JSON.stringify(await h1())}`;
      const st = stateOf(site, ADDR);
      if (st !== 'unsubscribed') return `the list says ${st}`;
    }],
  ];
  for (const [name, fn] of steps) {
    if (!await step(name, fn)) {
      for (const [rest] of steps.slice(steps.findIndex(s => s[0] === name) + 1))
        notOk(`forms: ${rest}`, 'not reached');
      break;
    }
  }
  await page.close();

  // SIGTERM: a clean stop, and no sanitizer report in the server's log.
  const code = await new Promise(resolve => {
    server.once('exit', (c, sig) => resolve(c === null ? sig : c));
    server.kill('SIGTERM');
  });
  const log = fs.readFileSync(serverLog, 'utf8');
  const san = log.match(/(ERROR: \w+Sanitizer|runtime error:).*/);
  if (code !== 0 || san)
    notOk('forms: the server stops cleanly', san ? san[0] : `exit ${code}`);
  else ok('forms: the server stops cleanly');
}

try {
  await main();
} catch (e) {
  notOk('forms: run', e.stack || e.message);
}
await h.finish();
