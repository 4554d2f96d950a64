// Leadership rebalancing in the page (issue 12; PROTOCOL-KRAFT.md RA1–RA7, PL2): add a broker,
// move a partition onto it step by step from the inspector, and see each phase drawn and told.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

async function fresh() {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(server.url);
  return { page, errors, pg };
}

/** The brokers of partition p's replica rows, in the order drawn. */
async function rows(page, p = 0) {
  return page.evaluate((p) => [...document.querySelectorAll(`[data-testid="partition-orders-${p}"] [data-testid^="replica-orders-${p}-"]`)].map((r) => Number(r.dataset.testid.split('-').pop())), p);
}

/** Waits (up to 2 s) for `read()` to match `re`, then asserts it does. */
async function eventually(read, re, what) {
  const end = Date.now() + 2_000;
  let text = await read();
  while (!re.test(text) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    text = await read();
  }
  assert.match(text, re, what);
}

test('add a broker, move a partition onto it: adding replica, catch-up, completion, the old replica gone', async () => {
  const { page, errors, pg } = await fresh();
  await pg.produce({ value: 'r', partition: '0', count: 3 });
  await pg.playUntil(async () => Object.values(await pg.replicas(0)).every((r) => r.hw === 3), { what: 'HW 3 on all replicas' });
  await pg.tid('add-broker').click();
  await pg.tid('broker-4').waitFor();
  assert.equal(await page.locator('[data-testid^="broker-"]').count(), 4);
  assert.match(await page.locator('[data-testid="network"]').textContent(), /B4/, 'the network strip has a lane for it');
  assert.equal(await pg.attr('broker-4', 'data-state'), 'fenced', 'not usable before it registers');
  await screenshot(page, 'broker-added');
  await pg.playUntil(async () => /unfences broker 4/.test(await pg.tid('event-log').textContent()), { what: 'broker 4 registered and unfenced' });
  assert.equal(await pg.attr('broker-4', 'data-state'), 'alive');
  // The move form sits under the partition's controller view.
  await page.locator('[data-testid="partition-orders-0"] h2 button').click();
  const before = await rows(page);
  assert.equal(await pg.tid('reassign-target').inputValue(), before.join(','), 'it starts from the current replicas');
  const removed = before[0];
  const target = [4, ...before.slice(1)];
  await pg.tid('reassign-target').fill(target.join(','));
  await pg.tid('reassign').click();
  await eventually(() => pg.tid('inspector').textContent(), new RegExp(`replicas \\[${target.join(',')},${removed}\\] · addingReplicas \\[4\\] · removingReplicas \\[${removed}\\]`), 'RA2: target ++ removing');
  await eventually(() => pg.tid('event-log').textContent(), /starts moving orders-0/, 'narrated');
  await pg.stepUntil(async () => (await pg.tid('moving-orders-0-4').count()) === 1, { what: 'the adding replica on broker 4' });
  assert.equal(await pg.tid('moving-orders-0-4').textContent(), 'adding');
  assert.equal(await pg.tid(`moving-orders-0-${removed}`).textContent(), 'removing');
  await screenshot(page, 'reassign-adding');
  // The controller's record completes the move (the rows follow it at once); the old replica
  // goes when its broker hears of it (RA6), a delivery later.
  await pg.playUntil(async () => (await rows(page)).join(',') === target.join(',') && new RegExp(`Broker ${removed} deletes its replica`).test(await pg.tid('event-log').textContent()), { what: 'the move completed and the old replica deleted' });
  assert.equal(await pg.attr(pg.replica(0, 4), 'data-leo'), '3', 'the new replica caught up the whole log');
  assert.equal(await pg.tid('moving-orders-0-4').count(), 0, 'no move tags after completion');
  const log = await pg.tid('event-log').textContent();
  assert.match(log, new RegExp(`The move of orders-0 completes: replicas \\{${target.join(',')}\\}`));
  assert.match(log, new RegExp(`Broker ${removed} deletes its replica of orders-0`));
  await screenshot(page, 'reassign-complete');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the move form refuses a bad target by name, and the controller refuses what Kafka refuses', async () => {
  const { page, errors, pg } = await fresh();
  await page.locator('[data-testid="partition-orders-1"] h2 button').click();
  await pg.tid('reassign-target').fill('2,x');
  await pg.tid('reassign').click();
  await eventually(() => pg.tid('error').textContent(), /broker ids separated by commas/, 'named');
  await pg.tid('reassign-target').fill('1,1');
  await pg.tid('reassign').click();
  await eventually(() => pg.tid('event-log').textContent(), /refuses to reassign orders-1: INVALID_REPLICA_ASSIGNMENT/, 'RA1');
  await pg.tid('cancel-reassign').click();
  await eventually(() => pg.tid('event-log').textContent(), /refuses to cancel the move of orders-1: NO_REASSIGNMENT_IN_PROGRESS/, 'RA7');
  // A pure reorder moves nothing; the preferred election then hands leadership to the new first replica (RA3, PL3).
  const replicas = await rows(page, 1);
  assert.equal(await pg.attr('partition-orders-1', 'data-leader'), String(replicas[0]), 'led by its preferred replica');
  const reordered = [...replicas.slice(1), replicas[0]];
  await pg.tid('reassign-target').fill(reordered.join(','));
  await pg.tid('reassign').click();
  await eventually(async () => (await rows(page, 1)).join(','), new RegExp(`^${reordered.join(',')}$`), 'RA3: the rows follow the new order');
  assert.equal(await pg.attr('partition-orders-1', 'data-leader'), String(replicas[0]), 'the leader stays, now imbalanced');
  await pg.tid('preferred-election').click();
  await eventually(() => pg.attr('partition-orders-1', 'data-leader'), new RegExp(`^${reordered[0]}$`), 'PL3: the new first replica leads');
  await eventually(() => pg.tid('event-log').textContent(), /Preferred election for orders-1: written \(NONE\)/, 'PL2: the answer');
  await pg.tid('preferred-election').click();
  await eventually(() => pg.tid('event-log').textContent(), /Preferred election for orders-1: ELECTION_NOT_NEEDED/, 'PL2: again');
  await screenshot(page, 'reassign-refused-and-preferred');
  assert.deepEqual(errors, []);
  await page.close();
});

test('settings: the auto leader rebalance hands leadership back to the preferred replica (PL4)', async () => {
  const { page, errors, pg } = await fresh();
  await page.locator('details.settings summary').click();
  await pg.tid('setting-rebalance').check();
  await pg.tid('apply-settings').click();
  const preferred = (await rows(page))[0];
  assert.equal(await pg.attr('partition-orders-0', 'data-leader'), String(preferred));
  await page.locator(`[data-testid="broker-${preferred}"] [data-action="crash"]`).click();
  await pg.playUntil(async () => (await pg.attr('partition-orders-0', 'data-leader')) !== String(preferred), { what: 'a failover' });
  await pg.tid(`restart-${preferred}`).click();
  await pg.playUntil(async () => (await pg.attr('partition-orders-0', 'data-leader')) === String(preferred), { speed: '10', timeout: 30_000, what: 'leadership back on the preferred replica' });
  assert.match(await pg.tid('event-log').textContent(), /rebalances leadership/);
  await screenshot(page, 'auto-rebalance');
  assert.deepEqual(errors, []);
  await page.close();
});
