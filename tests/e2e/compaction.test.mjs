// Compaction in the page (issue 13; PROTOCOL-LOG.md CC1–CC16): the lesson opens on the extended
// page; broker 1's cleaner compacts its copy of prices-0 while broker 2's stays whole, then
// broker 2 compacts its own, further: the two logs differ (gaps drawn where records went) and
// agree on each key's latest value. The narration says so, in English and in Korean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const offsets = async (page, b) => (await page.locator(`[data-testid^="log-cell-prices-0-${b}-"]`).evaluateAll(
  (els) => els.map((e) => Number(e.dataset.testid.split('-').pop())))).sort((x, y) => x - y);
/** `key=value` per offset, from the cells' titles (`offset 7 · epoch 0 · plum=∅`). */
const latest = async (page, b) => {
  const titles = await page.locator(`[data-testid^="log-cell-prices-0-${b}-"]`).evaluateAll((els) => els.map((e) => e.title));
  const m = {};
  for (const t of titles) { const [k, v] = t.split(' · ').pop().split('='); m[k] = v; }
  return m;
};

test('the compaction lesson: each broker cleans its own copy; the logs differ and agree on every key', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await page.goto(`${server.url}?lesson=compaction-latest-per-key&stop=1`);
  await page.locator('[data-testid="tour"][data-lesson="compaction-latest-per-key"][data-stop="1"]').waitFor();
  assert.match(page.url(), /\/full\/\?lesson=compaction-latest-per-key&stop=1$/, 'a compacted lesson opens on the extended page');
  await page.locator('[data-testid^="log-cell-prices-0-1-"]').first().waitFor();
  assert.deepEqual(await offsets(page, 1), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(await offsets(page, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.match(await page.locator('[data-testid="log-cell-prices-0-1-7"]').textContent(), /∅/, 'the tombstone');

  await pg.next();
  assert.deepEqual(await offsets(page, 1), [5, 6, 7, 8, 9], 'CC9: broker 1 kept the latest per key below the active segment');
  assert.deepEqual(await offsets(page, 2), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'CC1: broker 2 did not clean');
  assert.match(await pg.tid('event-log').textContent(), /Broker 1's cleaner compacts prices-0 below offset 9: it maps the latest offset of 4 key\(s\) and removes 5 older record\(s\) \(0, 1, 2, 3, 4\)/);
  assert.match(await pg.tid('event-log').textContent(), /Tombstones kept for delete\.retention\.ms, until: 7 → 62500 ms/);
  assert.equal(await pg.tid('clean-1').count(), 1, 'each broker card can run its cleaner');
  await screenshot(page, 'compaction-follower-cleaned');

  await pg.next();
  assert.deepEqual(await offsets(page, 2), [7, 8, 9, 10, 11, 12]);
  assert.deepEqual(await offsets(page, 1), [5, 6, 7, 8, 9, 10, 11, 12], 'the two copies differ on disk');
  const [a, b] = [await latest(page, 1), await latest(page, 2)];
  assert.deepEqual(a, b, 'L-I14: the same latest value for every key');
  assert.equal(a.plum, '∅');
  assert.equal(await pg.tid('violations').count() ? (await pg.tid('violations').textContent()).includes('L-I') : false, false);
  await screenshot(page, 'compaction-both-cleaned');

  // The same narration in Korean (the extended page fetches its own catalogue, i18n/ko-full.json).
  await pg.lang('ko');
  assert.match(await pg.tid('event-log').textContent(), /2번 브로커 클리너: prices-0 컴팩션 \(오프셋 12 아래\)/);
  await screenshot(page, 'compaction-ko');
  // The run button: a pass now on broker 1 finds its new dirty section (segment 9) too small
  // against what it already cleaned (CC6: not above min.cleanable.dirty.ratio 0.5) and says so.
  await pg.lang('en');
  await pg.tid('clean-1').click();
  await page.waitForFunction(() => /Broker 1's cleaner leaves prices-0 alone: \d+ of \d+ bytes are dirty \(ratio 0\.\d+\), not above min\.cleanable\.dirty\.ratio/.test(document.querySelector('[data-testid="event-log"]').textContent));
  assert.deepEqual(await offsets(page, 1), [5, 6, 7, 8, 9, 10, 11, 12], 'nothing cleaned');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sandbox: cleanup.policy=compact in the settings, keyed records and a tombstone; every broker cleans by itself', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(`${server.url}full/`);
  await page.locator('details.settings summary').click();
  await pg.tid('setting-policy').selectOption('compact');
  await pg.tid('apply-settings').click();
  await pg.tid('broker-1').waitFor();
  // Nine values of one key into orders-0: the page's segments hold 8 records, so 0–7 roll and 8
  // is the active segment. A tombstone follows for another key.
  await pg.tid('produce-key').fill('k');
  await pg.tid('produce-value').fill('x');
  await pg.produce({ value: 'x', partition: '0', count: 9 });
  await pg.tid('produce-key').fill('gone');
  await pg.tid('produce-count').fill('1');
  await pg.tid('produce-tombstone').check();
  await pg.tid('produce').click();
  await pg.tid('produce-tombstone').uncheck();
  const cells = (b) => page.locator(`[data-testid^="log-cell-orders-0-${b}-"]`).evaluateAll((els) => els.map((e) => Number(e.dataset.testid.split('-').pop())));
  // Each broker's cleaner wakes every 5 s by itself: all three clean segment 0 down to k's latest (7).
  await pg.playUntil(async () => (await page.locator('[data-testid^="ckpt-orders-0-"]').count()) === 3, { speed: '4', timeout: 40_000, what: 'every replica of orders-0 cleaned' });
  for (const b of [1, 2, 3]) {
    assert.match(await pg.tid(`ckpt-orders-0-${b}`).textContent(), /CKPT 8/);
    assert.deepEqual(await cells(b), [7, 8, 9], `broker ${b}: k's latest below the active segment, then the active segment`);
  }
  assert.match(await page.locator('[data-testid="log-cell-orders-0-1-9"]').textContent(), /∅/, 'the tombstone, in the active segment');
  assert.match(await page.locator('[data-testid="log-cell-orders-0-1-7"]').textContent(), /k/, 'cells show their keys');
  assert.match(await pg.tid('event-log').textContent(), /cleaner compacts orders-0 below offset 8: it maps the latest offset of 1 key\(s\) and removes 7 older record\(s\) \(0, 1, 2, 3, 4, 5, 6\)/);
  // A keyless record is refused by a compacted topic (CC18).
  await pg.tid('produce-key').fill('');
  await pg.produce({ value: 'nokey', partition: '0' });
  await pg.playUntil(async () => /INVALID_RECORD/.test(await pg.tid('event-log').textContent()), { what: 'the keyless produce refused' });
  await pg.tid('help').click();
  assert.match(await pg.tid('help-compaction').textContent(), /one record per batch/);
  await screenshot(page, 'compaction-sandbox');
  assert.deepEqual(errors, []);
  await page.close();
});
