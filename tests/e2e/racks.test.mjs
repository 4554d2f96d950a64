// Rack-aware placement in the page (issue 14; PROTOCOL-KRAFT.md RK1–RK5): the lesson opens on the
// extended page, every broker card names its rack, each partition has one replica per rack, and
// compare mode shows the rack-unaware placement losing acks=all writes when a rack fails. The
// settings give the sandbox its racks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const LESSON = 'rack-aware-placement';
const rows = async (scope, tp) => (await scope.locator(`[data-testid^="replica-${tp}-"]`).evaluateAll(
  (els) => els.map((e) => Number(e.dataset.testid.split('-').pop()))));

test('the rack lesson: one replica per rack, and a lost rack costs no partition its writes', async () => {
  const { page, errors } = await openPage(browser, { width: 1920, height: 1080 });
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await page.goto(`${server.url}?lesson=${LESSON}`);
  await page.locator(`[data-testid="tour"][data-lesson="${LESSON}"]`).waitFor();
  assert.match(page.url(), new RegExp(`/full/\\?lesson=${LESSON}$`), 'a lesson with racks opens on the extended page');
  assert.equal((await pg.tid('rack-1').textContent()).trim(), 'rack a');
  assert.equal((await pg.tid('rack-6').textContent()).trim(), 'rack c');
  assert.deepEqual(await rows(page, 't-0'), [1, 3, 5], 'RK5: t-0 on three racks');
  assert.deepEqual(await rows(page, 't-1'), [4, 6, 2]);
  await screenshot(page, 'racks-placed');

  await pg.tid('compare-toggle').click();
  await pg.tid('compare').waitFor();
  await pg.tid('speed').selectOption('10');
  const stops = await pg.tourStops();
  while (await pg.tourStop() < stops) await pg.next();
  const a = page.locator('[data-testid="compare-side-a"]');
  const b = page.locator('[data-testid="compare-side-b"]');
  assert.deepEqual(await rows(b, 't-0'), [1, 2, 3], 'without racks t-0 sits twice on rack a');
  // d went to t-0 at offset 1: written on the racked side, refused (NOT_ENOUGH_REPLICAS) without racks.
  assert.match(await a.locator('[data-testid="log-cell-t-0-3-1"]').getAttribute('title'), /\bd\b/);
  assert.equal(await b.locator('[data-testid="log-cell-t-0-3-1"]').count(), 0);
  assert.equal(await b.locator('[data-testid^="rack-"]').count(), 0, 'the rack-less side draws no racks');
  await screenshot(page, 'racks-compare-1920');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sandbox: racks from the settings, drawn on the broker cards; a bad rack list is refused by name', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(`${server.url}full/`);
  await page.locator('details.settings summary').click();
  await pg.tid('setting-racks').fill('east,west,east');
  await pg.tid('apply-settings').click();
  await pg.tid('rack-3').waitFor();
  assert.equal((await pg.tid('rack-1').textContent()).trim(), 'rack east');
  assert.equal((await pg.tid('rack-2').textContent()).trim(), 'rack west');
  await page.locator('details.settings summary').click();
  assert.equal(await pg.tid('setting-racks').inputValue(), 'east,west,east', 'the field shows the cluster\'s racks');
  await pg.lang('ko');
  assert.equal((await pg.tid('rack-1').textContent()).trim(), '랙 east');
  await screenshot(page, 'racks-sandbox-ko');
  await pg.lang('en');
  await pg.tid('help').click();
  assert.match(await pg.tid('help-racks').textContent(), /as Kafka 4's KRaft controller does \(StripedReplicaPlacer\)/);
  await pg.tid('help').click();
  // A rack name Kafka would take but the page cannot draw: refused by name; the cluster stays.
  await page.locator('details.settings summary').click();
  await pg.tid('setting-racks').fill('x'.repeat(41));
  await pg.tid('apply-settings').click();
  await pg.tid('error').waitFor();
  assert.match(await pg.tid('error').textContent(), /racks\.1: must be 1–40 characters/);
  assert.equal((await pg.tid('rack-1').textContent()).trim(), 'rack east', 'the running cluster is kept');
  assert.deepEqual(errors, []);
  await page.close();
});
