// Embedding, as a teacher does it: a share link opened in a fresh browser, the embed code, a
// link that pins a sandbox, a course page on another origin driving the page through the
// postMessage API, and the page deployed under a sub-path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { serveDist, openBrowser, openPage, screenshot, watchRequests } from './harness.mjs';
import { Playground } from './page.mjs';

let server, host, browser;
before(async () => {
  server = await serveDist();
  host = await serveDist('examples');
  browser = await openBrowser();
});
after(async () => { await browser?.close(); await server?.close(); await host?.close(); });

/** What a person sees of the session: the stage, the clock and its trace hash. */
async function seen(pg) {
  return { stage: await pg.stageHtml(), clock: await pg.tid('clock').textContent(), trace: await pg.attr('clock', 'data-trace') };
}

async function copied(pg, button, field) {
  if (!(await pg.page.locator('details.share-menu').evaluate((d) => d.open))) await pg.tid('share').click();
  await pg.tid(button).click();
  await pg.page.waitForFunction((f) => document.querySelector(`[data-testid="${f}"]`).value.length > 0, field);
  return pg.tid(field).inputValue();
}

test('a share link opened in a fresh browser gives the same trace hash and the same page; the reader\'s own session is untouched', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await pg.open(server.url);
  await pg.produce({ value: 'a', partition: '0' });
  await pg.stepUntil(async () => Number(await pg.attr(pg.replica(0, 2), 'data-leo')) === 1, { what: 'replication' });
  await pg.tid('crash-1').click();
  for (let i = 0; i < 25; i++) await pg.step();
  await pg.stepBack();
  await pg.stepBack();
  const here = await seen(pg);
  const link = await copied(pg, 'copy-link', 'share-link');
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#s=v1\.[A-Za-z0-9_-]+$/);
  await screenshot(page, 'share-menu', { fullPage: false });

  // A stranger's browser, with a session of their own.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = await context.newPage();
  const otherErrors = [];
  other.on('pageerror', (e) => otherErrors.push(e.message));
  watchRequests(other, otherErrors);
  const opg = new Playground(other);
  await opg.open(server.url);
  await opg.produce({ value: 'theirs', partition: '1' });
  await opg.step();
  const theirs = await other.evaluate(() => localStorage.getItem('kplay.session.v1'));
  // A link opened as a new page (a click in a chat, a new tab): only its fragment differs
  // from the page's address, so go elsewhere first or the browser would only scroll.
  await other.goto('about:blank');
  await other.goto(link);
  await opg.tid('link-banner').waitFor();
  await other.waitForFunction((t) => document.querySelector('[data-testid="clock"]')?.dataset.trace === t, here.trace);
  assert.deepEqual(await seen(opg), here, 'same trace hash, clock and stage');
  await opg.step();
  await other.reload();
  await opg.tid('link-banner').waitFor();
  assert.equal(await other.evaluate(() => localStorage.getItem('kplay.session.v1')), theirs, 'their own session is untouched');
  await opg.tid('keep-session').click();
  assert.notEqual(await other.evaluate(() => localStorage.getItem('kplay.session.v1')), theirs, 'kept: now it is theirs');
  assert.equal(await opg.tid('link-banner').isVisible(), false);
  // A damaged link is named; the page still opens.
  await other.goto('about:blank');
  await other.goto(`${server.url}#s=v1.AAAA*`);
  await opg.tid('param-error').waitFor();
  assert.match(await opg.tid('param-error').textContent(), /share link: character \d+ \(`\*`\) is not base64url/);
  await other.goto(`${server.url}?x=1#s=v9.abc`);
  await other.waitForFunction(() => /version `v9` is not one this page reads/.test(document.querySelector('[data-testid="param-error"]')?.textContent ?? ''));
  assert.deepEqual(otherErrors, []);
  await context.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson\'s share link and embed code open the same stop; the embed code is an iframe snippet', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await page.goto(`${server.url}?lesson=old-leader-truncates&stop=2`);
  await page.locator('[data-testid="tour"][data-stop="2"]').waitFor();
  const here = await seen(pg);
  const code = await copied(pg, 'copy-embed', 'embed-code');
  assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?embed=1&amp;lesson=old-leader-truncates&amp;stop=2" title="Kafka Replication Playground: [^"]+" width="800" height="500" loading="lazy" style="border:0"><\/iframe>$/);
  const link = await copied(pg, 'copy-link', 'share-link');
  const src = code.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
  await page.goto(src);
  await page.locator('[data-testid="tour"][data-stop="2"]').waitFor();
  assert.equal(await pg.attr('app', 'data-mode'), 'embed');
  assert.equal(await pg.attr('clock', 'data-trace'), here.trace, 'the embed code opens the same moment');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const opg = new Playground(other);
  await opg.open(server.url);
  await opg.produce({ value: 'theirs', partition: '0' });
  await opg.step();
  const theirs = await other.evaluate(() => localStorage.getItem('kplay.session.v1'));
  await other.goto('about:blank');
  await other.goto(link);
  await other.locator('[data-testid="tour"][data-stop="2"]').waitFor();
  assert.equal(await opg.attr('clock', 'data-trace'), here.trace);
  // Kept: the lesson is theirs now (it reopens after a reload), and their sandbox is intact.
  await opg.tid('keep-session').click();
  await other.reload();
  await other.locator('[data-testid="tour"][data-stop="2"]').waitFor();
  await opg.tid('open-sandbox').click();
  await opg.tid('broker-1').waitFor();
  assert.equal(await other.evaluate(() => localStorage.getItem('kplay.session.v1')), theirs, 'their sandbox is not replaced by the link\'s empty one');
  await fresh.close();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link pins a sandbox: seed, brokers, partitions, min ISR, unclean election, truncation mode and panels', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await page.goto(`${server.url}?brokers=5&partitions=2&minIsr=2&unclean=1&mode=kip101&seed=7&panels=produce,settings`);
  await pg.tid('broker-5').waitFor();
  assert.equal(await page.locator('[data-testid^="broker-"]').filter({ has: page.locator('button') }).count() >= 5, true);
  assert.equal(await pg.tid('partition-orders-1').count(), 1);
  assert.equal(await pg.tid('partition-orders-2').count(), 0);
  assert.equal(await pg.tid('produce').count(), 1, 'the produce panel shows');
  assert.equal(await pg.tid('invariants').isVisible() || await pg.tid('event-log').isVisible(), false, 'the other panels do not');
  await page.locator('details.settings summary').click();
  assert.equal(await pg.tid('setting-min-isr').inputValue(), '2');
  assert.equal(await pg.tid('setting-unclean').isChecked(), true);
  assert.equal(await pg.tid('link-banner').isVisible(), true, 'a pinned sandbox is the link\'s, not saved over the reader\'s');
  const link = await copied(pg, 'copy-link', 'share-link');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await other.locator('[data-testid="broker-5"]').waitFor();
  assert.equal(await new Playground(other).attr('clock', 'data-trace'), await pg.attr('clock', 'data-trace'));
  await fresh.close();
  await page.goto(`${server.url}?brokers=40&mode=raft&panels=chat`);
  await pg.tid('param-error').waitFor();
  const m = await pg.tid('param-error').textContent();
  assert.match(m, /`brokers`: expected a number from 1 to 12, found `40`/);
  assert.match(m, /`mode`: expected fetch, kip279, kip101 or hw/);
  assert.match(m, /`chat` is not a panel/);
  await page.goto(`${server.url}?lesson=kip-101-scenario-1&compare=1&stop=2`);
  await pg.tid('compare').waitFor();
  assert.equal(await page.locator('[data-testid="tour"][data-stop="2"]').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a course page on another origin drives an embedded lesson through the postMessage API', async () => {
  const { page, errors } = await openPage(browser, { width: 1000, height: 1000 });
  await page.goto(`${host.url}host.html?src=${encodeURIComponent(server.url)}`);
  const frame = page.frameLocator('#kplay');
  await frame.locator('[data-testid="app"][data-mode="embed"]').waitFor();
  await page.waitForFunction(() => window.received.some((m) => m.event === 'ready'));
  const ask = (method, args) => page.evaluate(([m, a]) => window.call(m, a), [method, args]);
  const state = await ask('getState');
  assert.equal(state.ns, 'kplay');
  assert.equal(state.v, 1);
  assert.equal(typeof state.result.step, 'number');
  const loaded = await ask('load', { lesson: 'unclean-election' });
  assert.equal(loaded.result.lesson, 'unclean-election');
  assert.equal(loaded.result.stop, 1);
  await frame.locator('[data-testid="tour"][data-lesson="unclean-election"]').waitFor();
  const stepped = await ask('step', { n: 3 });
  assert.equal(stepped.result.step, loaded.result.step + 3);
  const at2 = await ask('goto', { stop: 2 });
  assert.equal(at2.result.stop, 2);
  await page.waitForFunction(() => window.received.some((m) => m.event === 'stop' && m.data.stop === 2));
  assert.ok(await page.evaluate(() => window.received.some((m) => m.event === 'step')));
  assert.ok(at2.result.partitions.length >= 1 && 'leaderEpoch' in at2.result.partitions[0] && Array.isArray(at2.result.partitions[0].isr));
  const bad = await ask('goto', { stop: 'two' });
  assert.equal(bad.error.code, 'bad_args');
  assert.match(bad.error.message, /goto: args\.stop should be a stop number from 1/);
  const unknown = await ask('fly');
  assert.equal(unknown.error.code, 'unknown_method');
  const cmd = await ask('command', { command: { do: 'crash' } });
  assert.match(cmd.error.message, /missing field `broker`/);
  // Answered once the Korean catalogue has arrived and the page speaks it.
  const ko = await ask('setLang', { lang: 'ko' });
  assert.equal(ko.result.lang, 'ko');
  await frame.locator('html[lang="ko"]').waitFor();
  // An event arrives for a violation too: an unclean election in free play loses data.
  await page.click('#state');
  await page.waitForFunction(() => /answer/.test(document.getElementById('log').textContent));
  await screenshot(page, 'host-page');
  assert.ok(await page.evaluate(() => window.received.some((m) => m.event === 'resize' && m.data.height > 0)), 'the page reports its height');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the page refuses requests from an origin it was not told to answer', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${host.url}host.html?src=${encodeURIComponent(server.url)}`);
  await page.frameLocator('#kplay').locator('[data-testid="app"]').waitFor();
  // Re-point the frame with an origin list that does not hold the host's origin.
  await page.evaluate((src) => { document.getElementById('kplay').src = src; }, `${server.url}?embed=1&origin=${encodeURIComponent('https://course.example')}`);
  await page.frameLocator('#kplay').locator('[data-testid="app"]').waitFor();
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => window.received.length);
  await page.evaluate(() => { window.call('getState'); });
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => window.received.length), before, 'no answer, no event');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a sub-path deploy (trunk build --public-url /course/kplay/) serves and runs a lesson', { skip: !existsSync('dist-sub/index.html') && 'no dist-sub/ (scripts/test.sh builds it)' }, async () => {
  const sub = await serveDist('dist-sub', '/course/kplay/');
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await page.goto(`${sub.url}?lesson=first-record&stop=2`);
  await page.locator('[data-testid="tour"][data-stop="2"]').waitFor();
  await pg.tid('open-library').click();
  await page.locator('[data-testid^="lesson-"]').first().waitFor();
  assert.deepEqual(errors, [], 'every asset and lesson under /course/kplay/, nothing from elsewhere');
  await page.close();
  await sub.close();
});
