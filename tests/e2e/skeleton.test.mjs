// The skeleton page: the release build loads in Chromium, shows the core's cluster state,
// and logs no errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the release build shows three brokers with a controller and no errors', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  // A newcomer lands on the lessons; the sandbox is one click away.
  await page.waitForSelector('[data-testid="library"]', { timeout: 10_000 });
  await page.click('[data-testid="open-sandbox"]');
  await page.waitForSelector('[data-testid="broker-3"]', { timeout: 10_000 });
  assert.equal(await page.locator('[data-testid^="broker-"]').count(), 3);
  for (const id of [1, 2, 3]) {
    assert.equal(await page.getAttribute(`[data-testid="broker-${id}"]`, 'data-state'), 'alive');
  }
  assert.equal(await page.locator('.broker.controller').count(), 1);
  const partitions = page.locator('[data-testid^="partition-orders-"]');
  assert.equal(await partitions.count(), 3);
  const leader = await partitions.first().getAttribute('data-leader');
  assert.match(leader, /^[123]$/);
  assert.equal(await page.getAttribute(`[data-testid="replica-orders-0-${leader}"]`, 'data-role'), 'leader');
  await screenshot(page, 'skeleton-1280x800');
  assert.deepEqual(errors, []);
});
