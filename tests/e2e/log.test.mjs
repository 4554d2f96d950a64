// The log over time in the page (issue 13; PROTOCOL-LOG.md RT1–RT7): a retention.ms set in the
// settings deletes old segments on every replica, and the log start marker moves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

test('settings: retention.ms deletes whole old segments on every replica, and the log start moves', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(server.url);
  await page.locator('details.settings summary').click();
  await pg.tid('setting-retention').fill('3000');
  await pg.tid('apply-settings').click();
  await pg.produce({ value: 'r', partition: '0', count: 10 });
  // The page's segments hold 8 records: offsets 0–7 and 8–9. At the first pass (5 s) both are
  // more than 3 s old and fully below the HW: everything goes, the log rolls first (RT5), and
  // each broker does it by itself.
  await pg.playUntil(async () => (await page.locator('[data-testid^="ls-orders-0-"]').count()) === 3, { speed: '4', timeout: 30_000, what: 'every replica of orders-0 with a log start' });
  for (const b of [1, 2, 3]) {
    assert.match(await pg.tid(`ls-orders-0-${b}`).textContent(), /LS 10/);
    assert.equal(await page.locator(`[data-testid^="log-cell-orders-0-${b}-"]`).count(), 0, `broker ${b}: nothing left to read`);
    assert.equal(await pg.attr(pg.replica(0, b), 'data-leo'), '10', 'the offsets go on from 10');
  }
  assert.match(await pg.tid('event-log').textContent(), /deletes the segments of orders-0 at bases 0, 8 \(retention\.ms\); its log now starts at offset 10/);
  // The next record lands at offset 10, in the new active segment.
  await pg.produce({ value: 'after', partition: '0' });
  await pg.playUntil(async () => (await pg.attr(pg.replica(0, 1), 'data-hw')) === '11', { what: 'the new record committed' });
  await screenshot(page, 'retention-deleted');
  assert.deepEqual(errors, []);
  await page.close();
});
