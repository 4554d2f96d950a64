// Consumer groups in the page (issue 12; PROTOCOL-GROUPS.md CL2–CL16, OC1–OC10): the first
// page links to the extended one (full/, fetched only then); there two consumers join a group,
// share the partitions, and when one crashes its partitions move to the other, which reads
// again what the crashed one had read past its last commit — the duplicates shown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const owned = async (pg, name) => (await pg.attr(`consumer-${name}`, 'data-owned')).split(',').filter(Boolean);

test('the first page links to consumer groups; two consumers share the partitions; a crash moves them and shows the redelivery', async () => {
  const { page, errors } = await openPage(browser);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.open(server.url);
  assert.equal(requests.filter((u) => u.includes('/full/')).length, 0, 'the extended engine is not fetched with the first page');
  await pg.produce({ value: 'before', count: 3 });
  await pg.tid('open-groups').click();
  await pg.tid('groups').waitFor();
  await pg.tid('broker-1').waitFor();
  assert.match(page.url(), /\/full\/$/);
  assert.ok(requests.some((u) => /\/full\/kplay-web-[0-9a-f]+_bg\.wasm$/.test(u)), 'the extended engine is fetched now');
  assert.equal(await pg.tid('produce').count(), 1);
  assert.match(await pg.tid('event-log').textContent(), /before/, 'it starts from the first page\'s session');
  assert.equal(await pg.tid('no-consumers').count(), 1);

  // Two consumers in g1 (range over orders' 3 partitions).
  await pg.tid('start-consumer').click();
  await pg.tid('consumer-c1').waitFor();
  assert.equal(await pg.tid('consumer-name').inputValue(), 'c2', 'the next free name');
  await pg.tid('start-consumer').click();
  await pg.tid('consumer-c2').waitFor();
  await pg.playUntil(async () => (await pg.attr('group-g1', 'data-state')) === 'Stable'
    && (await pg.attr('consumer-c1', 'data-state')) === 'STABLE' && (await pg.attr('consumer-c2', 'data-state')) === 'STABLE'
    && (await owned(pg, 'c2')).length > 0, { what: 'both consumers stable', timeout: 40_000 });
  const [c1, c2] = [await owned(pg, 'c1'), await owned(pg, 'c2')];
  assert.deepEqual([...c1, ...c2].sort(), ['orders-0', 'orders-1', 'orders-2'], 'every partition has exactly one owner');
  assert.match(await pg.tid('group-g1').textContent(), /coordinator: broker \d/);
  // OC12: each owned partition shows its lag (the leader's HW − the position), 0 once caught up.
  await pg.playUntil(async () => /orders-\d @\d+ · lag \d+/.test(await pg.tid('consumer-c1').textContent()), { what: 'c1 positioned, with its lag' });
  assert.ok((await page.locator('[data-testid^="owned-c1-"]').evaluateAll((els) => els.map((e) => e.dataset.lag))).every((v) => /^\d+$/.test(v)));
  assert.match(await pg.tid('event-log').textContent(), /joins group g1 as c\d-\d+, generation \d+, and leads/);
  await screenshot(page, 'consumers-stable');
  // axe over the extended page with its lane drawn: no serious or critical violation.
  await page.evaluate(await readFile('node_modules/axe-core/axe.min.js', 'utf8'));
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`));
  assert.deepEqual(violations, []);

  // c2 commits its position (auto-commit, every 5 s), reads new records of its partition, then
  // crashes before its next auto-commit: the new owner resumes at that commit (OC10). (Without
  // a commit it would start at the HW, auto.offset.reset=latest, and skip them instead: OC11.)
  const p = Number(c2[0].split('-')[1]);
  await pg.playUntil(async () => new RegExp(`orders-${p}@\\d`).test(await pg.tid('group-g1').textContent()), { what: `a commit for orders-${p}`, timeout: 20_000 });
  await pg.produce({ value: 'late', partition: String(p), count: 3 });
  await pg.stepUntil(async () => new RegExp(`c2 polls orders-${p} offsets`).test(await pg.tid('event-log').textContent()), { what: 'c2 polling the new records', max: 3000 });
  const generation = Number(await pg.attr('group-g1', 'data-generation'));
  await page.locator('[data-act="crash"][data-member="c2"]').click();
  assert.equal(await pg.attr('consumer-c2', 'data-state'), 'STOPPED');
  await pg.playUntil(async () => Number(await pg.attr('group-g1', 'data-generation')) > generation
    && (await owned(pg, 'c1')).length === 3 && Number(await pg.attr('duplicates-g1', 'data-duplicates')) >= 3, { what: 'c1 owning every partition and the redelivery', timeout: 40_000 })
    .catch(async (e) => { await screenshot(page, 'consumers-timeout'); console.log(await pg.tid('group-lane').textContent()); throw e; });
  const log = await pg.tid('event-log').textContent();
  assert.match(log, /removes member c2-\d+ \(its session expired\)/, 'CL8: the session expired');
  assert.match(log, /delivered to the group before \(duplicates\)/, 'OC10: told');
  await screenshot(page, 'consumers-after-crash');

  // Korean, then back to the first page, whose own session is untouched by consumers.
  await pg.lang('ko');
  assert.match(await pg.tid('groups').textContent(), /컨슈머 그룹/);
  assert.match(await pg.tid('groups').textContent(), /두 번 전달됨/);
  await screenshot(page, 'consumers-ko');
  await pg.lang('en');
  await pg.tid('close-groups').click();
  await pg.tid('broker-1').waitFor();
  await pg.tid('open-groups').waitFor();
  assert.doesNotMatch(await pg.tid('event-log').textContent(), /c1/, 'the first page keeps its own session');
  assert.equal(await page.locator('[data-testid="error"], .error').count(), 0);
  // And the extended page's work survives a reload.
  await page.goto(`${server.url}full/`);
  await pg.tid('consumer-c1').waitFor();
  assert.deepEqual(errors, []);
});

test('a lesson with consumers opens on the extended page, from the library and from its link', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  const card = pg.tid('lesson-consumer-crash-redelivery');
  assert.equal(await card.evaluate((e) => e.tagName), 'A', 'a link, not a button: it opens elsewhere');
  await card.click();
  await page.locator('[data-testid="tour"][data-lesson="consumer-crash-redelivery"]').waitFor();
  assert.match(page.url(), /\/full\/\?lesson=consumer-crash-redelivery$/);
  while ((await pg.tourStop()) < 2) await pg.next();
  assert.equal(await pg.attr('group-g', 'data-state'), 'Stable', 'stop 2: generation 1 is stable');
  while ((await pg.tourStop()) < 7) await pg.next();
  assert.equal(await pg.attr('duplicates-g', 'data-duplicates'), '3', 'stop 7: t-1 4..6 delivered twice');
  await screenshot(page, 'consumers-lesson');
  // The lesson's link on the first page goes to the extended page too.
  await page.goto(`${server.url}?lesson=consumer-crash-redelivery&stop=3`);
  await page.locator('[data-testid="tour"][data-lesson="consumer-crash-redelivery"][data-stop="3"]').waitFor();
  assert.match(page.url(), /\/full\/\?lesson=consumer-crash-redelivery&stop=3$/);
  assert.deepEqual(errors, []);
});
