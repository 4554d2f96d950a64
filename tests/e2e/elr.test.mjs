// Eligible Leader Replicas in the page (issue 14; PROTOCOL-KRAFT.md EL1–EL7): the lesson opens on
// the extended page; the ELR is drawn beside the ISR, the eligible replica is tagged, the ELR
// member takes over cleanly once the ISR empties, and compare mode shows ELR off losing the
// committed record on every replica. The settings switch ELR on in the sandbox; the help says
// which Kafka versions have it on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, openBrowser, openPage, screenshot } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser;
before(async () => { server = await serveDist(); browser = await openBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const LESSON = 'last-replica-standing-elr';

test('the ELR lesson: broker 2 stays eligible below min ISR and leads cleanly once the ISR empties', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await page.goto(`${server.url}?lesson=${LESSON}&stop=2`);
  await page.locator(`[data-testid="tour"][data-lesson="${LESSON}"][data-stop="2"]`).waitFor();
  assert.match(page.url(), new RegExp(`/full/\\?lesson=${LESSON}&stop=2$`), 'an ELR lesson opens on the extended page');
  // EL3: ISR {1} below min ISR 2, broker 2 eligible.
  assert.equal((await pg.tid('elr-t-0').textContent()).trim(), '· ELR {2}');
  assert.match(await pg.tid('replica-t-0-2').locator('.isr-tag').textContent(), /^ELR$/);
  assert.match(await pg.tid('event-log').textContent(), /The controller writes ELR \{2\} for t-0 \(ISR \{1\}, partition epoch 1\)/);
  await screenshot(page, 'elr-eligible');

  await pg.next(); // the lossy crash of broker 1
  await pg.next(); // fenced: the ISR empties, broker 2 is elected from the ELR
  assert.equal(await pg.tourStop(), 4);
  const head = await pg.tid('partition-t-0').locator('h2').textContent();
  assert.match(head, /leader 2/);
  assert.match(head, /ISR \{2\}/);
  assert.match(head, /ELR \{1\}/, 'EL3: the fenced leader joins the ELR as the ISR empties');
  const log = await pg.tid('event-log').textContent();
  assert.match(log, /The ISR was empty: an ELR member leads, with ISR = \[it\]/);
  assert.equal(await pg.tid('violations').count() ? /I8|I9/.test(await pg.tid('violations').textContent()) : false, false, 'nothing committed lost');
  await screenshot(page, 'elr-elected');

  await pg.next();
  await pg.next(); // broker 1 restarts uncleanly: EL7
  assert.match(await pg.tid('event-log').textContent(), /Broker 1 registers after an unclean shutdown: it leaves every ISR and ELR/);
  // The same in Korean (the extended page's catalogue).
  await pg.lang('ko');
  assert.match(await pg.tid('event-log').textContent(), /1번 브로커가 비정상 종료 뒤 등록합니다\. 모든 ISR과 ELR에서 빠집니다/);
  await screenshot(page, 'elr-ko');
  await pg.lang('en');
  assert.deepEqual(errors, []);
  await page.close();
});

test('compare mode: with ELR off the acked record is lost on every replica, with ELR on nowhere', async () => {
  const { page, errors } = await openPage(browser, { width: 1920, height: 1080 });
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  await page.goto(`${server.url}full/?lesson=${LESSON}`);
  await page.locator(`[data-testid="tour"][data-lesson="${LESSON}"]`).waitFor();
  await pg.tid('compare-toggle').click();
  await pg.tid('compare').waitFor();
  await pg.tid('speed').selectOption('10');
  const stops = await pg.tourStops();
  while (await pg.tourStop() < stops) await pg.next();
  const a = page.locator('[data-testid="compare-side-a"]');
  const b = page.locator('[data-testid="compare-side-b"]');
  // Side a (ELR on): a survives on both brokers. Side b (ELR off): a is gone everywhere.
  for (const broker of [1, 2]) {
    assert.match(await a.locator(`[data-testid="log-cell-t-0-${broker}-0"]`).getAttribute('title'), /\ba\b/, `side a, broker ${broker}`);
    assert.equal(await b.locator(`[data-testid="log-cell-t-0-${broker}-0"]`).count(), 0, `side b, broker ${broker}`);
  }
  const diff = await pg.tid('compare-diff').textContent();
  assert.match(diff, /ELR off/);
  await screenshot(page, 'elr-compare-1920');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the sandbox: ELR switched on in the settings; the help names the Kafka versions', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url);
  await page.evaluate(() => localStorage.clear());
  const pg = new Playground(page);
  // The first page has no ELR switch (its build leaves ELR out).
  await pg.open(server.url);
  await page.locator('details.settings summary').click();
  assert.equal(await pg.tid('setting-elr').count(), 0);
  await pg.open(`${server.url}full/`);
  await page.locator('details.settings summary').click();
  assert.equal(await pg.tid('setting-elr').isChecked(), false, 'off unless turned on');
  await pg.tid('setting-elr').check();
  await pg.tid('apply-settings').click();
  await pg.tid('broker-1').waitFor();
  await page.locator('details.settings summary').click();
  assert.equal(await pg.tid('setting-elr').isChecked(), true, 'the new cluster has ELR');
  // Survives a reload (autosave).
  await page.reload();
  await pg.tid('broker-1').waitFor();
  await page.locator('details.settings summary').click();
  assert.equal(await pg.tid('setting-elr').isChecked(), true, 'kept across a reload');
  await pg.tid('help').click();
  assert.match(await pg.tid('help-elr').textContent(), /Kafka 4\.0 has ELR off by default; clusters newly formatted with Kafka 4\.1 or later have it on/);
  await screenshot(page, 'elr-help');
  assert.deepEqual(errors, []);
  await page.close();
});
