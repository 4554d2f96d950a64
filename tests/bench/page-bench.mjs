// Browser benchmarks of the release build (run after `trunk build --release`):
//   node tests/bench/page-bench.mjs            (DIST=other/dir to measure another build)
// Prints: first cluster render after navigation (median of 5; a returning user's sandbox, and
// a newcomer's library), frame work while playing at 4× on the default cluster (p50/p95),
// the same with Chromium's CPU throttled 4× (a low-end school laptop), step back at step
// 10,000, 12 brokers × 50 partitions while playing, opening a lesson, a tour's Next
// animating, and compare mode at 4×. Measured in the page with the
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
  await page.evaluate(() => { localStorage.clear(); localStorage.setItem('kplay.mode', 'sandbox'); });
  const pg = new Playground(page);
  await pg.open(url);
  return { page, errors, pg };
}

const fps = (gaps) => 1000 / (gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length));

const server = await serveDist(process.env.DIST ?? 'dist');
const browser = await openBrowser();
const results = {};
try {
  // 1. First render, median of 5 cold loads: a returning user's sandbox (its cluster), and a
  //    newcomer's library (its cards, fetched with the index).
  for (const [what, selector, mode] of [['first cluster render (sandbox)', 'broker-1', 'sandbox'], ['first library render (newcomer, cards shown)', 'start-first-record', null]]) {
    const renders = [];
    for (let i = 0; i < 5; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await ctx.newPage();
      await page.addInitScript(([selector, mode]) => {
        if (mode) localStorage.setItem('kplay.mode', mode);
        new MutationObserver((_, obs) => {
          if (document.querySelector(`[data-testid="${selector}"]`)) { window.__firstRender = performance.now(); obs.disconnect(); }
        }).observe(document, { childList: true, subtree: true });
      }, [selector, mode]);
      await page.goto(server.url);
      await page.waitForSelector(`[data-testid="${selector}"]`);
      renders.push(await page.evaluate(() => window.__firstRender));
      await ctx.close();
    }
    results[`${what} (median of 5)`] = fmt(median(renders));
  }

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
    results['12x50 playing at 1x: frame work p95'] = fmt(pct(work, 0.95));
    results['12x50 playing at 1x: frames per second'] = fps(gaps).toFixed(1);
    await page.close();
  }

  // 5. The default cluster at 4× with the CPU throttled 4× (DevTools protocol).
  {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const { page, pg } = await freshPage(browser, server.url);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await pg.produce({ value: 'x', count: 20 });
      await pg.play('4');
      const { work, gaps } = await frames(page, 5000);
      await pg.pause();
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
      runs.push({ p95: pct(work, 0.95), fps: fps(gaps) });
      await page.close();
    }
    runs.sort((a, b) => a.p95 - b.p95);
    results['4x, CPU throttled 4x: frame work p95 / fps'] = `${fmt(runs[1].p95)} / ${runs[1].fps.toFixed(1)}  (p95 of 3 runs: ${runs.map((r) => r.p95.toFixed(1)).join(', ')})`;
  }

  // 6. Opening a lesson: from the click on its card to its tour at stop 1 (the file fetched,
  //    its run recorded, its stops found, the stage drawn), median of 5.
  {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const { page } = await openPage(browser, { width: 1280, height: 800 });
      await page.goto(server.url);
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.waitForSelector('[data-testid="lesson-kip-101-scenario-2"]');
      times.push(await page.evaluate(() => new Promise((resolve) => {
        const t0 = performance.now();
        new MutationObserver((_, obs) => {
          if (document.querySelector('[data-testid="tour"][data-stop="1"]') && document.querySelector('[data-testid="broker-1"]')) { obs.disconnect(); resolve(performance.now() - t0); }
        }).observe(document, { childList: true, subtree: true, attributes: true });
        document.querySelector('[data-testid="lesson-kip-101-scenario-2"]').click();
      })));
      await page.close();
    }
    results['open a lesson (click → tour at stop 1, median of 5)'] = fmt(median(times));
  }

  // 7. Next: the animation to the following stop at 1× (first-record, stop 2 → 3), frames per
  //    second while it plays; and compare mode (KIP-101 scenario 1) playing at 4×.
  {
    const { page } = await openPage(browser, { width: 1280, height: 800 });
    const pg = new Playground(page);
    await pg.openLibrary(server.url);
    await pg.openLesson('first-record');
    await pg.next();
    const measuring = frames(page, 1500);
    await pg.tid('tour-next').click();
    const { gaps } = await measuring;
    results['Next animating at 1x: frames per second'] = fps(gaps).toFixed(1);
    await page.close();
  }
  {
    const { page } = await openPage(browser, { width: 1280, height: 800 });
    const pg = new Playground(page);
    await pg.openLibrary(server.url);
    await pg.openLesson('kip-101-scenario-1');
    await pg.tid('compare-toggle').click();
    await pg.tid('compare').waitFor();
    await pg.play('4');
    const { work, gaps } = await frames(page, 3000);
    await pg.pause();
    results['compare mode at 4x: frames per second / work p95'] = `${fps(gaps).toFixed(1)} / ${fmt(pct(work, 0.95))}`;
    await page.close();
  }

  // 8. The space-time diagram open on a run of ~3,000 recorded steps, playing at 4×: it draws a
  //    window of steps, so its cost must not grow with the run.
  {
    const { page, pg } = await freshPage(browser, server.url);
    const steps = [];
    for (let i = 0; i < 120; i++) {
      steps.push({ do: 'produce', topic: 'orders', value: `v${i}`, acks: 'all' });
      steps.push({ do: 'step', count: 24 });
    }
    const config = await page.evaluate(() => JSON.parse(localStorage.getItem('kplay.session.v1')).config);
    await pg.tid('import').setInputFiles({ name: 'st.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ version: 1, name: 'st', seed: 1, config, steps })) });
    await page.waitForFunction(() => /step 3000 /.test(document.querySelector('[data-testid="clock"]').textContent), null, { timeout: 60_000 });
    await page.locator('[data-testid="spacetime"] summary').click();
    await page.locator('[data-testid="spacetime"] line.arrow').first().waitFor({ state: 'attached' });
    await pg.play('4');
    const { work, gaps } = await frames(page, 4000);
    await pg.pause();
    results['space-time open at step 3,000, 4x: fps / work p95'] = `${fps(gaps).toFixed(1)} / ${fmt(pct(work, 0.95))}`;
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
for (const [k, v] of Object.entries(results)) console.log(`${k.padEnd(50)} ${v}`);
