// End-to-end flows of the playground in real Chromium against the release build. Each flow
// saves screenshots of its moments in tests/e2e/artifacts/.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A fresh page on a fresh session (localStorage cleared). */
async function fresh() {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(server.url);
  return { page, errors, pg };
}

test('opens paused on 3 brokers, 3 partitions, RF 3, with a hint', async () => {
  const { page, errors, pg } = await fresh();
  assert.equal(await page.locator('[data-testid^="broker-"]').count(), 3);
  assert.equal(await page.locator('[data-testid^="partition-orders-"]').count(), 3);
  assert.equal(await page.locator('[data-testid^="replica-orders-"]').count(), 9);
  assert.equal(await pg.tid('play').count(), 1, 'paused at start');
  assert.match(await page.locator('.hint').textContent(), /produce/i);
  await screenshot(page, 'open-1280x800');
  assert.deepEqual(errors, []);
  await page.close();
});

test('produce → the HW advances on every replica → the consumer reads it', async () => {
  const { page, errors, pg } = await fresh();
  await pg.produce({ value: 'hello', partition: '0' });
  await pg.playUntil(async () => Object.values(await pg.replicas(0)).every((r) => r.hw === 1), { what: 'HW 1 on all replicas' });
  const reps = await pg.replicas(0);
  for (const b of [1, 2, 3]) assert.deepEqual([reps[b].leo, reps[b].hw], [1, 1], `replica ${b}`);
  assert.equal(await pg.attr('log-cell-orders-0-1-0', 'data-epoch'), '0');
  await screenshot(page, 'produce-hw-advanced');
  await pg.tid('consume').click();
  assert.match(await pg.tid('consumed-orders-0').textContent(), /hello/);
  assert.equal(await pg.attr('consumed-orders-0', 'data-position'), '1');
  await screenshot(page, 'consumer-read');
  assert.deepEqual(errors, []);
  await page.close();
});

test('messages in flight are drawn, labelled, and move from sender to receiver', async () => {
  const { page, errors, pg } = await fresh();
  // Paused after one step: the followers' first fetch requests are on the wire.
  await pg.step();
  const fetches = page.locator('[data-testid="messages"] .msg[data-kind="Fetch"]');
  assert.ok(await fetches.count() >= 1, 'a fetch request in flight');
  assert.match(await fetches.first().textContent(), /^Fetch 0 ep-?\d+\/\d+$/, 'labelled with fetch offset and epochs');
  // Playing at 0.1×: the same message, frames apart, sits further along its way.
  const where = () => page.evaluate(() => [...document.querySelectorAll('[data-testid="messages"] .msg')].map((g) => g.getAttribute('transform')).join('|'));
  const paused = await where();
  await pg.play('0.1');
  await page.waitForTimeout(300);
  const moved = await where();
  await pg.pause();
  assert.notEqual(moved, paused, 'the dots moved while playing');
  await screenshot(page, 'messages-in-flight');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the inspector shows a replica\'s log internals and a partition\'s controller view', async () => {
  const { page, errors, pg } = await fresh();
  const inspector = pg.tid('inspector');
  assert.match(await inspector.textContent(), /Click a replica/);
  await pg.produce({ value: 'i', partition: '0', count: 2 });
  await pg.playUntil(async () => Object.values(await pg.replicas(0)).every((r) => r.hw === 2), { what: 'HW 2 on all replicas' });
  const leader = await pg.attr(pg.partition(0), 'data-leader');
  const follower = ['1', '2', '3'].find((b) => b !== leader);
  await page.locator(`[data-testid="${pg.replica(0, follower)}"] .replica-name`).click();
  let text = await inspector.textContent();
  assert.match(text, new RegExp(`B${follower} · orders-0 · follower`));
  assert.match(text, /LEO 2 · HW 2/);
  assert.match(text, /00000000000000000000\.log · 2 · \d+ B/, 'its segment');
  assert.match(text, /Leader-epoch cache\{0:0\}/, 'its epoch cache');
  assert.match(text, new RegExp(`leaderId ${leader} · Fetching · fetchOffset 2`), 'its fetch state');
  await screenshot(page, 'inspector-replica');
  await page.locator(`[data-testid="${pg.partition(0)}"] h2 button`).click();
  text = await inspector.textContent();
  assert.match(text, new RegExp(`orders-0 · controller.*leader ${leader} · leaderEpoch 0 · partitionEpoch 0`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('crash the leader → a new leader with epoch + 1 and a smaller ISR', async () => {
  const { page, errors, pg } = await fresh();
  const p = pg.partition(0);
  const leader = await pg.attr(p, 'data-leader');
  const epoch = Number(await pg.attr(p, 'data-leader-epoch'));
  await pg.tid(`crash-${leader}`).click();
  assert.equal(await pg.attr(`broker-${leader}`, 'data-state'), 'crashed');
  await pg.playUntil(async () => (await pg.attr(p, 'data-leader')) !== leader, { speed: '10', what: 'a new leader' });
  const newLeader = await pg.attr(p, 'data-leader');
  assert.notEqual(newLeader, leader);
  assert.equal(Number(await pg.attr(p, 'data-leader-epoch')), epoch + 1);
  const isr = (await pg.attr(p, 'data-isr')).split(',');
  assert.ok(!isr.includes(leader), `ISR ${isr} without ${leader}`);
  assert.equal(isr.length, 2);
  assert.equal(await pg.attr(pg.replica(0, newLeader), 'data-role'), 'leader');
  await screenshot(page, 'leader-crashed-new-leader');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the broker cards\' buttons: a chosen crash kind, slow down, kill the controller', async () => {
  const { page, errors, pg } = await fresh();
  const log = () => pg.tid('event-log').textContent();
  await pg.tid('crash-kind-2').selectOption('clean');
  await pg.tid('crash-2').click();
  assert.equal(await pg.attr('broker-2', 'data-state'), 'crashed');
  assert.match(await log(), /Broker 2 shuts down cleanly/);
  await pg.tid('restart-2').click();
  assert.notEqual(await pg.attr('broker-2', 'data-state'), 'crashed');
  await pg.tid('slow-3').click();
  assert.match(await pg.attr('broker-3', 'class'), /\bslow\b/);
  assert.equal(await pg.tid('slow-3').textContent(), 'Full speed');
  const controller = await page.locator('.broker.controller').getAttribute('data-testid');
  await pg.tid('kill-controller').click();
  assert.equal(await pg.attr(controller, 'data-state'), 'crashed');
  await pg.playUntil(async () => (await page.locator('.broker.controller').count()) === 1
    && (await page.locator('.broker.controller').getAttribute('data-testid')) !== controller, { speed: '10', what: 'a new controller' });
  assert.match(await pg.tid('controller-badge').textContent(), /controller epoch 2/);
  await screenshot(page, 'broker-buttons');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the old leader returns with an uncommitted tail, truncates it, and the logs converge', async () => {
  const { page, errors, pg } = await fresh();
  const p = pg.partition(1);
  const old = await pg.attr(p, 'data-leader');
  const others = ['1', '2', '3'].filter((b) => b !== old);
  // A write the followers never get: it reaches the leader just after the leader is cut off.
  await pg.produce({ value: 'lost', acks: '1', partition: '1' });
  await pg.tid(`isolate-${old}`).click();
  await pg.stepUntil(async () => Number(await pg.attr(pg.replica(1, old), 'data-leo')) === 1, { what: 'the append on the old leader' });
  await pg.tid(`crash-${old}`).click();
  await pg.playUntil(async () => (await pg.attr(p, 'data-leader')) !== old, { speed: '10', what: 'a new leader' });
  const leader = await pg.attr(p, 'data-leader');
  const epoch = await pg.attr(p, 'data-leader-epoch');
  await pg.produce({ value: 'kept', acks: 'all', partition: '1' });
  await pg.playUntil(async () => Number(await pg.attr(pg.replica(1, leader), 'data-hw')) === 1, { speed: '4', what: 'the new write committed' });
  assert.equal(await pg.attr(`log-cell-orders-1-${old}-0`, 'data-epoch'), '0', 'the old leader still has its divergent record');
  await screenshot(page, 'old-leader-down-with-divergent-tail');
  await pg.tid(`heal-${old}`).click();
  await pg.tid(`restart-${old}`).click();
  await pg.playUntil(async () => {
    const reps = await pg.replicas(1);
    const isr = (await pg.attr(p, 'data-isr')).split(',');
    return isr.includes(old) && reps[old].leo === reps[leader].leo && reps[old].hw === reps[leader].hw;
  }, { speed: '4', timeout: 30_000, what: 'the old leader back in the ISR with the same log' });
  for (const b of [old, ...others]) {
    assert.equal(await pg.attr(`log-cell-orders-1-${b}-0`, 'data-epoch'), epoch, `broker ${b} holds the new leader's record`);
  }
  const log = await pg.tid('event-log').textContent();
  const reason = `Broker ${old} truncates orders-1: leader says epoch 0 ends at offset 0 → truncate to 0`;
  assert.match(log, new RegExp(reason));
  await screenshot(page, 'old-leader-truncated-and-converged');
  // Truncation made visible in place: jump to it from the log; the removed offset is a cut
  // cell on the old leader's row, and the reason is written under the row.
  await page.locator('[data-testid="event-log"] li', { hasText: reason }).getByRole('button').click();
  const note = pg.tid(`truncation-orders-1-${old}`);
  await note.waitFor();
  assert.match(await note.textContent(), new RegExp(reason));
  assert.equal(await page.locator(`[data-testid="replica-orders-1-${old}"] .cell.cut`).count(), 1, 'offset 0 drawn cut');
  assert.equal(await pg.attr(pg.replica(1, old), 'data-leo'), '0');
  await screenshot(page, 'old-leader-truncation-in-place');
  assert.deepEqual(errors, []);
  await page.close();
});

test('step back N, then forward N, restores the identical page', async () => {
  const { page, errors, pg } = await fresh();
  await pg.produce({ value: 'a', count: 3 });
  for (let i = 0; i < 30; i++) await pg.step();
  const before = await pg.stageHtml();
  const stepBefore = await pg.currentStep();
  for (let i = 0; i < 12; i++) await pg.stepBack();
  assert.equal(await pg.currentStep(), stepBefore - 12);
  assert.notEqual(await pg.stageHtml(), before, 'going back changes the picture');
  await screenshot(page, 'stepped-back-12');
  for (let i = 0; i < 12; i++) await pg.step();
  assert.equal(await pg.currentStep(), stepBefore);
  assert.ok((await pg.stageHtml()) === before, 'the stage after stepping forward again differs from before');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a reload restores the session where it was', async () => {
  const { page, errors, pg } = await fresh();
  await pg.produce({ value: 'keep', partition: '2' });
  await pg.playUntil(async () => Number(await pg.attr(pg.replica(2, 1), 'data-hw')) === 1, { what: 'commit' });
  const leader = await pg.attr(pg.partition(0), 'data-leader');
  await pg.tid(`crash-${leader}`).click();
  const step = await pg.currentStep();
  const before = await pg.stageHtml();
  await page.reload();
  await pg.tid('broker-1').waitFor();
  assert.equal(await pg.currentStep(), step);
  assert.equal(await pg.attr(`broker-${leader}`, 'data-state'), 'crashed');
  assert.ok((await pg.stageHtml()) === before, 'the stage after the reload differs');
  await screenshot(page, 'after-reload');
  assert.deepEqual(errors, []);
  await page.close();
});

test('Korean: the page and the narration switch language', async () => {
  const { page, errors, pg } = await fresh();
  await pg.lang('ko');
  assert.equal(await page.locator('h1').textContent(), '카프카 복제 플레이그라운드');
  await pg.produce({ value: 'k', partition: '0' });
  await pg.playUntil(async () => Number(await pg.attr(pg.replica(0, 1), 'data-hw')) === 1, { what: 'commit' });
  assert.match(await pg.tid('event-log').textContent(), /하이 워터마크/);
  await screenshot(page, 'korean');
  await pg.lang('en');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a violation is shown with its evidence, and its jump goes to the step that caused it', async () => {
  const { page, errors, pg } = await fresh();
  // S1 in legacy HW-truncation mode (B4): the committed record is lost, I8 and others break.
  const scenario = readFileSync('scenarios/conformance/S1-hw.json');
  await pg.tid('import').setInputFiles({ name: 'S1-hw.json', mimeType: 'application/json', buffer: scenario });
  await page.locator('[data-testid="invariants"].violated').waitFor();
  const i8 = page.locator('[data-testid="invariants"] li.violation[data-invariant="I8"]');
  assert.equal(await i8.count(), 1);
  // A fault of the legacy mode (PROTOCOL §3: the KIP-101 bug), labelled as such, not as a bug of the simulator.
  assert.match(await i8.textContent(), /⚠ I8 · \w+-\d+a fault of this legacy truncation mode, which later Kafka fixed.+/, 'evidence');
  assert.equal(await i8.getAttribute('data-legacy'), 'true');
  assert.equal(await i8.getAttribute('data-explained'), 'false');
  const step = Number((await i8.locator('button').textContent()).match(/#(\d+)/)[1]);
  await i8.locator('button').click();
  assert.equal(await pg.currentStep(), step);
  await screenshot(page, 'invariant-violation');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a bad imported file is named, and the page keeps working', async () => {
  const { page, errors, pg } = await fresh();
  await pg.tid('import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "config": {"brokers": 40}}') });
  await pg.tid('error').waitFor();
  assert.match(await pg.tid('error').textContent(), /broken\.json.*brokers must be between 1 and 12/);
  // A mistyped value is named by its JSON path; bad JSON by its line and column.
  await pg.tid('import').setInputFiles({ name: 'typo.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "steps": [{"do": "crash", "broker": "two"}]}') });
  await page.waitForFunction(() => document.querySelector('[data-testid="error"]')?.textContent.includes('typo.json'));
  assert.match(await pg.tid('error').textContent(), /typo\.json: steps\[0\]\.broker: expected a broker id \(an integer ≥ 0\), found the string "two"/);
  await pg.tid('import').setInputFiles({ name: 'syntax.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1,\n "steps": [}') });
  await page.waitForFunction(() => document.querySelector('[data-testid="error"]')?.textContent.includes('syntax.json'));
  assert.match(await pg.tid('error').textContent(), /syntax\.json: line 2, column 12: expected value/);
  assert.doesNotMatch(await pg.tid('error').textContent(), /at line/);
  await pg.step();
  assert.equal(await page.locator('[data-testid^="broker-"]').count(), 3);
  await screenshot(page, 'bad-import');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a panic shows the crash overlay over the page, and its reset brings the page back', async () => {
  const { page, errors, pg } = await fresh();
  await pg.produce({ value: 'before the panic' });
  await page.goto('about:blank'); // a real load, not a same-document hash change
  await page.goto(`${server.url}#panic-test`);
  const overlay = page.locator('[data-testid="panic-overlay"]');
  await overlay.waitFor({ timeout: 10_000 });
  // The release build aborts on a panic without its message (scripts/build.sh); the overlay
  // (web/js/crash.js) shows the abort, and says what each way out does.
  assert.match(await overlay.textContent(), /Something broke inside the playground.*Reloading keeps your saved session/s);
  assert.match(await overlay.locator('pre').textContent(), /RuntimeError: unreachable/);
  assert.ok(await page.locator('[data-testid="broker-1"]').count() > 0, 'the page under the overlay is not blank');
  await screenshot(page, 'panic-overlay');
  await overlay.getByRole('button', { name: /Reset the session/ }).click();
  await page.waitForURL((u) => !u.hash);
  await pg.tid('broker-1').waitFor();
  assert.equal(await page.locator('[data-testid="panic-overlay"]').count(), 0);
  assert.equal(await pg.tid('play').count(), 1, 'a working page again');
  // The panic ends the wasm instance (`unreachable`: an immediate abort); nothing else may
  // be reported.
  assert.deepEqual(errors, ['pageerror: unreachable']);
  await page.close();
});
