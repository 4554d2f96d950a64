// Accessibility: axe-core over the sandbox, a lesson, the library and embed mode (no serious
// or critical violation), and the toolbar, the panels and a lesson's tour usable by keyboard
// alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveDist, openBrowser, openPage } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser, axe;
before(async () => {
  server = await serveDist();
  browser = await openBrowser();
  axe = await readFile('node_modules/axe-core/axe.min.js', 'utf8');
});
after(async () => { await browser?.close(); await server?.close(); });

/** axe's serious and critical violations on the page as it is now. */
async function audit(page) {
  await page.evaluate(axe);
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

for (const [name, path, ready] of [
  ['the library', '', '[data-testid^="lesson-"]'],
  ['the sandbox', '?seed=1', '[data-testid="broker-1"]'],
  ['a lesson', '?lesson=old-leader-truncates&stop=2', '[data-testid="tour"][data-stop="2"]'],
  ['embed mode', '?lesson=unclean-election&stop=2&embed=1', '[data-testid="tour"][data-stop="2"]'],
  ['compare mode', '?lesson=kip-101-scenario-1&compare=1', '[data-testid="compare"]'],
]) {
  test(`axe: no serious or critical violation in ${name}`, async () => {
    const { page, errors } = await openPage(browser);
    if (name === 'the library') await page.goto(server.url); else await page.goto(server.url + path);
    await page.locator(ready).first().waitFor();
    assert.deepEqual(await audit(page), []);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('keyboard alone: every control is reachable by Tab, and a lesson and the sandbox work without a mouse', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await page.goto(server.url);
  await page.locator('[data-testid^="lesson-"]').first().waitFor();
  // Every visible button, input, select and summary is reached by Tab (none is a mouse-only div).
  const reached = new Set();
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => { const e = document.activeElement; return e && (e.dataset.testid || e.tagName + ':' + (e.textContent || '').trim().slice(0, 20)); });
    if (id) reached.add(id);
  }
  const controls = await page.locator('button:visible, input:visible, select:visible, summary:visible').evaluateAll((els) => els.map((e) => e.dataset.testid || e.tagName + ':' + (e.textContent || '').trim().slice(0, 20)));
  const missed = controls.filter((c) => !reached.has(c));
  assert.deepEqual(missed, [], 'every control of the library is reached by Tab');
  // Open the first lesson with the keyboard: focus its card, Enter; then N walks the tour.
  await page.locator('[data-testid^="start-"]').first().focus();
  await page.keyboard.press('Enter');
  await pg.tid('tour').waitFor();
  await pg.tid('speed').focus();
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 1, y: 1 } }).catch(() => {});
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('n');
  await page.locator('[data-testid="tour"][data-stop="2"]').waitFor({ timeout: 60_000 });
  await page.keyboard.press('b');
  await page.locator('[data-testid="tour"][data-stop="1"]').waitFor();
  // The sandbox: Tab to its button, Enter; produce with Enter on the produce button; → steps.
  await pg.tid('open-sandbox').focus();
  await page.keyboard.press('Enter');
  await pg.tid('broker-1').waitFor();
  await pg.tid('produce').focus();
  await page.keyboard.press('Enter');
  await page.evaluate(() => document.activeElement?.blur());
  const before = await pg.currentStep();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid="clock"]').textContent.match(/(\d+)/)[1]) > b, before);
  assert.deepEqual(errors, []);
  await page.close();
});
