// Shared e2e harness: a static server for dist/ on 127.0.0.1 and a headless Chromium page
// that records page errors and console errors.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json' };
export const ARTIFACTS = 'tests/e2e/artifacts';

/** The origins the tests serve: a page that asks anything of another origin fails its test
 *  (the page must work offline once loaded and talk to no one else). */
const OWN_ORIGINS = new Set();

/** Serves `dir` on a loopback port, under `prefix` (a sub-path deploy: `/course/kplay/`). */
export async function serveDist(dir = 'dist', prefix = '/') {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!path.startsWith(prefix)) {
      res.writeHead(404);
      res.end('not under ' + prefix);
      return;
    }
    path = normalize(path.slice(prefix.length)).replace(/^\/+/, '');
    const file = join(dir, path === '' || path === '.' || path.endsWith('/') ? join(path, 'index.html') : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  OWN_ORIGINS.add(origin);
  return { url: `${origin}${prefix}`, origin, close: () => new Promise((ok) => server.close(ok)) };
}

export async function openBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page that collects `pageerror`s and console errors into `errors`. */
export async function openPage(browser, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  watchRequests(page, errors);
  return { page, errors };
}

/** Records, as an error, any request to an origin the tests do not serve, and any 404. */
export function watchRequests(page, errors) {
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (['data:', 'blob:', 'about:'].includes(u.protocol)) return;
    if (!OWN_ORIGINS.has(u.origin)) errors.push(`request to another origin: ${r.url()}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`); });
}

/** A screenshot; `fullPage: false` takes what a person sees first, scrolled to the top. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  if (!fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage });
  return path;
}
