// Browser benchmarks of the release build (run after `trunk build --release`):
//   node tests/bench/page-bench.mjs            (DIST=other/dir to measure another build)
// Prints: first cluster render after navigation (median of 5), frame work while playing at
// 4× on the default cluster (p50/p95), step back at step 10,000, and 12 brokers × 50
// partitions while playing (frame work and frames per second). Measured in the page with the
// Performance API: a frame's work is the time from its requestAnimationFrame timestamp to a
// task queued from that frame (after the app's callbacks, DOM updates, style and layout).
import { serveDist, openBrowser, openPage } from '../e2e/harness.mjs';
import { Playground } from '../e2e/page.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const fmt = (x) => `${x.toFixed(2)} ms`;

/** Collects per-frame work and frame intervals for `ms` milliseconds. */
async function frames(page, ms) {
  return page.evaluate((ms) => new Promise((resolve) => {
    const work = []; const gaps = []; let last = null; const end = performance.now() + ms;
    const ch = new MessageChannel();
    let frameStart = 0;
    ch.port1.onmessage = () => work.push(performance.now() - frameStart);
    function f(ts) {
      if (last !== null) gaps.push(ts - last);
      last = ts; frameStart = ts;
      ch.port2.postMessage(0);
      if (performance.now() < end) requestAnimationFrame(f); else setTimeout(() => resolve({ work, gaps }), 50);
    }
    requestAnimationFrame(f);
  }), ms);
}

async function freshPage(browser, url) {
  const { page, errors } = await openPage(browser, { width: 1280, height: 800 });
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(url);
  return { page, errors, pg };
}

const server = await serveDist(process.env.DIST ?? 'dist');
const browser = await openBrowser();
const results = {};
try {
  // 1. First cluster render, median of 5 cold loads.
  const renders = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid="broker-1"]')) { window.__firstRender = performance.now(); obs.disconnect(); }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="broker-1"]');
    renders.push(await page.evaluate(() => window.__firstRender));
    await ctx.close();
  }
  results['first cluster render (median of 5)'] = fmt(median(renders));

  // 2. Playing at 4× on the default cluster with records flowing: three runs of 5 s (this
  //    machine's other processes make single runs noisy); the median run's figures and the range.
  {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const { page, pg } = await freshPage(browser, server.url);
      await pg.produce({ value: 'x', count: 20 });
      await pg.play('4');
      const { work, gaps } = await frames(page, 5000);
      await pg.pause();
      runs.push({ p50: pct(work, 0.5), p95: pct(work, 0.95), gap95: pct(gaps, 0.95) });
      await page.close();
    }
    runs.sort((a, b) => a.p95 - b.p95);
    const mid = runs[1];
    results['frame work at 4x, default cluster (p50 / p95)'] = `${fmt(mid.p50)} / ${fmt(mid.p95)}  (p95 of 3 runs: ${runs.map((r) => r.p95.toFixed(1)).join(', ')})`;
    results['frame interval at 4x (p95)'] = fmt(mid.gap95);
  }

  // 3. Step back at step 10,000 (a session imported with 10,000 recorded steps).
  {
    const { page, pg } = await freshPage(browser, server.url);
    const steps = [];
    for (let i = 0; i < 400; i++) {
      steps.push({ do: 'produce', topic: 'orders', value: `v${i}`, acks: 'all' });
      steps.push({ do: 'step', count: 24 });
    }
    const config = await page.evaluate(() => JSON.parse(localStorage.getItem('kplay.session.v1')).config);
    const scenario = { version: 1, name: 'bench-10000', seed: 1, config, steps };
    await pg.tid('import').setInputFiles({ name: 'bench.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(scenario)) });
    await page.waitForFunction(() => /step 10000 /.test(document.querySelector('[data-testid="clock"]').textContent), null, { timeout: 60_000 });
    const times = [];
    for (let i = 0; i < 10; i++) {
      times.push(await page.evaluate(() => new Promise((resolve) => {
        const clock = document.querySelector('[data-testid="clock"]');
        const before = clock.textContent;
        const t0 = performance.now();
        new MutationObserver((_, obs) => { obs.disconnect(); resolve(performance.now() - t0); })
          .observe(clock, { childList: true, subtree: true, characterData: true });
        document.querySelector('[data-testid="step-back"]').click();
        if (clock.textContent !== before) resolve(performance.now() - t0);
      })));
    }
    results['step back at step ~10,000 (median of 10)'] = fmt(median(times));
    await page.close();
  }

  // 4. 12 brokers × 50 partitions, playing at 1×.
  {
    const { page, pg } = await freshPage(browser, server.url);
    await page.locator('details.settings summary').click();
    await pg.tid('setting-brokers').fill('12');
    await pg.tid('setting-partitions').fill('50');
    await pg.tid('apply-settings').click();
    await pg.tid('broker-12').waitFor();
    await pg.produce({ value: 'y', count: 50 });
    await pg.play('1');
    const { work, gaps } = await frames(page, 5000);
    await pg.pause();
    const fps = 1000 / (gaps.reduce((a, b) => a + b, 0) / gaps.length);
    results['12x50 playing at 1x: frame work p95'] = fmt(pct(work, 0.95));
    results['12x50 playing at 1x: frames per second'] = fps.toFixed(1);
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(50)} ${v}`);
