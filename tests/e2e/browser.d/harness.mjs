// What the browser checks (main.mjs, forms.mjs) share: where things are,
// the "ok - NAME" / "not ok - NAME: why" report, a temporary folder and
// the servers and browser to clean up, a deadline for the whole run,
// running commands, serving a site, and launching Debian's chromium.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const E2E = path.dirname(HERE);
export const require = createRequire(path.join(E2E, 'package.json'));
const { chromium } = require('playwright-core');

export const STET = process.env.STET || path.join(E2E, '..', '..', 'stet');
export const SHOTS = process.env.SCREENSHOTS || path.join(E2E, 'screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// One run: name names its temporary folder; it ends with a "not ok -
// deadline" after deadlineMs; slow stretches the waits for commands and
// servers (1 unless the run honours STET_SLOW).
export function harness(name, deadlineMs, slow = 1) {
  const h = { passed: 0, failed: 0, children: [], browser: null };
  h.tmp = fs.mkdtempSync(path.join(os.tmpdir(), `stet-${name}-`));

  h.ok = n => { h.passed++; console.log(`ok - ${n}`); };
  h.notOk = (n, why) => {
    h.failed++;
    console.log(`not ok - ${n}: ${String(why).replace(/\s*\n\s*/g, ' | ')}`);
  };
  h.note = s => console.log(`# ${s}`);

  h.cleanup = async () => {
    if (h.browser) await h.browser.close().catch(() => {});
    for (const c of h.children) if (c.exitCode === null) c.kill('SIGTERM');
    if (!process.env.KEEP) fs.rmSync(h.tmp, { recursive: true, force: true });
    else h.note(`kept ${h.tmp}`);
  };
  const watchdog = setTimeout(async () => {
    h.notOk('deadline', `the run took over ${deadlineMs / 1000}s`);
    console.log(`${h.passed} passed, ${h.failed} failed`);
    await h.cleanup();
    process.exit(1);
  }, deadlineMs);
  // The end of a run: clean up, the summary line, the exit status.
  h.finish = async () => {
    clearTimeout(watchdog);
    await h.cleanup();
    console.log(`${h.passed} passed, ${h.failed} failed`);
    process.exit(h.failed ? 1 : 0);
  };

  // Run a command to its end; its spawnSync result, or an Error saying
  // how it failed.
  h.run = (cmd, args, opts = {}) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 * slow, ...opts });
    if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0)
      throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status}: ` +
        (r.stderr || '').slice(0, 300));
    return r;
  };

  // Serve site on a free port of 127.0.0.1: with stet serve, or with
  // python3 -m http.server on its public/ when plain is set.  Gives the
  // child, its base URL, its log file and the Content-Security-Policy
  // of its home page.
  h.serve = async (site, plain = false) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const log = path.join(h.tmp, `serve-${path.basename(site)}-${port}.log`);
      const fd = fs.openSync(log, 'w');
      const child = plain
        ? spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', String(port),
            '--directory', path.join(site, 'public')], { stdio: ['ignore', fd, fd] })
        : spawn(STET, ['serve', '-s', site, '--listen', `127.0.0.1:${port}`],
            { stdio: ['ignore', fd, fd] });
      h.children.push(child);
      const base = `http://127.0.0.1:${port}/`;
      for (let i = 0; i < 100 * slow && child.exitCode === null; i++) {
        try {
          const r = await fetch(base);
          if (r.ok) return { child, base, log, csp: r.headers.get('content-security-policy') };
        } catch { /* not up yet */ }
        await new Promise(r => setTimeout(r, 100));
      }
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    throw new Error(`could not serve ${site}`);
  };

  // Debian's chromium, never a downloaded one, with a profile of its own.
  h.launch = async () => {
    h.browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(h.tmp, 'profile-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      serviceWorkers: 'block',
    });
    return h.browser;
  };

  return h;
}
