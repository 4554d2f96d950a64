// Lessons and tours, as a student uses them: the library first, a lesson opened from its card,
// every stop walked with Next and back with Back, highlights present, free play, both
// languages, the sandbox kept, a hostile lesson shown as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdir } from 'node:fs/promises';
import { serveDist, openBrowser, openPage, screenshot, ARTIFACTS } from './harness.mjs';
import { Playground } from './page.mjs';

let server, browser, index;
before(async () => {
  server = await serveDist();
  browser = await openBrowser();
  index = await (await fetch(`${server.url}library/index.json`)).json();
});
after(async () => { await browser?.close(); await server?.close(); });

const lessonFile = async (file) => (await fetch(`${server.url}library/${file}`)).json();

/** The tour panel and stage at a stop, for comparing Next and Back. */
async function snapshot(pg) {
  return { stop: await pg.tourStop(), caption: await pg.tid('tour-caption').textContent(), stage: await pg.stageHtml(), clock: await pg.tid('clock').textContent() };
}

test('a newcomer lands on the library: a first lesson to start, the rest by level, a search box', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await page.goto(server.url);
  await pg.tid('library').waitFor();
  await page.locator('[data-testid^="lesson-"]').first().waitFor();
  const cards = await page.locator('.library-cards [data-testid^="lesson-"]').count();
  assert.equal(cards, index.lessons.length, 'every lesson once');
  assert.ok(index.lessons.length >= 18);
  assert.equal(await page.locator('.cards.start [data-testid^="start-"]').getAttribute('data-testid'), `start-${index.lessons[0].id}`);
  await screenshot(page, 'library-1280');
  await pg.tid('library-search').fill('KIP-101');
  const found = await page.locator('.library-cards [data-testid^="lesson-"]').evaluateAll((els) => els.map((e) => e.dataset.testid));
  assert.ok(found.length >= 1, 'a KIP-101 lesson is found');
  assert.ok(found.length < index.lessons.length, `search narrows the list: ${found}`);
  await pg.tid('library-search').fill('zzzz-no-such-lesson');
  await page.getByText('No lesson matches.').waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson: every stop with Next, every highlight there, then Back to the start with the identical page', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  const first = index.lessons[0];
  const lesson = (await lessonFile(first.file)).lesson;
  await pg.openLesson(first.id);
  await pg.tid('speed').selectOption('10');
  assert.equal(await pg.tourStop(), 1);
  assert.equal(await pg.tourStops(), lesson.tour.length);
  const forward = [await snapshot(pg)];
  for (let i = 1; i < lesson.tour.length; i++) {
    await pg.next();
    forward.push(await snapshot(pg));
  }
  for (let i = 0; i < lesson.tour.length; i++) assert.equal(forward[i].caption, lesson.tour[i].caption.en, `stop ${i + 1}'s caption`);
  assert.equal(await pg.tid('tour-next').isDisabled(), true, 'no Next after the last stop');
  for (let i = lesson.tour.length - 2; i >= 0; i--) {
    await pg.back();
    assert.deepEqual(await snapshot(pg), forward[i], `stop ${i + 1} is the same page going back`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test('every lesson of the library: each stop is reached in order and each highlight target is on the page', async () => {
  const { page, errors } = await openPage(browser, { width: 1920, height: 1080 });
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  const missing = [];
  for (const card of index.lessons) {
    const lesson = (await lessonFile(card.file)).lesson;
    if (!(await pg.tid('library').count())) await pg.tid('open-library').click();
    await pg.openLesson(card.id);
    await pg.tid('speed').selectOption('10');
    for (let i = 0; i < lesson.tour.length; i++) {
      if (i > 0) await pg.next();
      assert.equal(await pg.tourStop(), i + 1, `${card.id}: stop ${i + 1}`);
      for (const id of lesson.tour[i].look ?? []) {
        if (!(await pg.tid(id).count())) missing.push(`${card.id} stop ${i + 1}: ${id}`);
      }
      // The highlight is drawn: an outline on the first target.
      const look = lesson.tour[i].look ?? [];
      if (look.length && (await pg.tid(look[0]).count())) {
        const outline = await pg.tid(look[0]).first().evaluate((e) => getComputedStyle(e).outlineStyle);
        assert.equal(outline, 'solid', `${card.id} stop ${i + 1}: ${look[0]} is outlined`);
      }
    }
  }
  assert.deepEqual(missing, [], 'highlight targets missing at their stop');
  assert.deepEqual(errors, []);
  await page.close();
});

test('try it yourself: free play from a stop, the sandbox untouched, and back to the tour', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await pg.open(server.url);
  await pg.produce({ value: 'mine', partition: '0' });
  const leader = await pg.attr(pg.partition(0), 'data-leader');
  await pg.stepUntil(async () => Number(await pg.attr(pg.replica(0, leader), 'data-leo')) === 1, { what: 'the record appended' });
  const sandboxStep = await pg.currentStep();
  await pg.tid('open-library').click();
  const first = index.lessons[0];
  await pg.openLesson(first.id);
  await pg.tid('speed').selectOption('10');
  await pg.next();
  const stop = await pg.tourStop();
  await pg.tid('tour-fork').click();
  assert.equal(await pg.attr('tour', 'data-forked'), 'true');
  // Free play: the controls work on the lesson's cluster from this moment.
  await pg.tid('step').click();
  await page.reload();
  await pg.tid('tour').waitFor();
  assert.equal(await pg.attr('tour', 'data-forked'), 'true', 'free play survives a reload');
  await pg.tid('tour-resume').click();
  assert.equal(await pg.attr('tour', 'data-forked'), 'false');
  assert.equal(await pg.tourStop(), stop);
  // The user's own session is where they left it.
  await pg.tid('open-sandbox').click();
  await pg.tid('broker-1').waitFor();
  assert.equal(await pg.currentStep(), sandboxStep);
  assert.match(await pg.tid(`log-cell-orders-0-${leader}-0`).getAttribute('title'), /mine/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson reopens after a reload at the same stop, and speaks Korean', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  const card = index.lessons[1];
  const lesson = (await lessonFile(card.file)).lesson;
  await pg.openLesson(card.id);
  await pg.tid('speed').selectOption('10');
  await pg.next();
  const before = await snapshot(pg);
  await page.reload();
  await pg.tid('tour').waitFor();
  assert.deepEqual(await snapshot(pg), before);
  await pg.lang('ko');
  assert.equal(await pg.tid('tour-caption').textContent(), lesson.tour[1].caption.ko);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  // Keyboard: N for Next, B for Back.
  await page.keyboard.press('n');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="tour"]').dataset.stop) === 3 && document.querySelector('[data-testid="play"]'));
  await page.keyboard.press('b');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="tour"]').dataset.stop) === 2);
  await pg.lang('en');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a lesson whose texts hold <script> and HTML shows them as text', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  const doc = await lessonFile(index.lessons[0].file);
  doc.lesson.id = 'hostile';
  doc.name = 'hostile';
  doc.lesson.title.en = '<img src=x onerror="window.__pwned=1">Title';
  doc.lesson.tour[0].caption.en = '<script>window.__pwned=2</script><b>bold?</b>';
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}/hostile-lesson.json`;
  await writeFile(path, JSON.stringify(doc));
  await pg.tid('open-sandbox').click();
  await pg.tid('import').setInputFiles(path);
  await page.locator('[data-testid="tour"][data-lesson="hostile"]').waitFor();
  assert.equal(await pg.tid('tour-caption').textContent(), '<script>window.__pwned=2</script><b>bold?</b>');
  assert.equal(await page.locator('.tour-title').textContent(), '<img src=x onerror="window.__pwned=1">Title');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('[data-testid="tour"] b, [data-testid="tour"] img').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('screenshots: three tours at three stops, in both languages and three widths', async () => {
  const shots = [['first-record', 1280, 800, 'en'], [index.lessons.find((l) => /kip-101-scenario-1/.test(l.id))?.id, 1920, 1080, 'en'], [index.lessons.find((l) => /unclean/.test(l.id))?.id, 768, 1000, 'ko']];
  for (const [id, width, height, lang] of shots) {
    if (!id) continue;
    const { page, errors } = await openPage(browser, { width, height });
    const pg = new Playground(page);
    await pg.openLibrary(server.url);
    if (lang === 'ko') await pg.lang('ko');
    await pg.openLesson(id);
    await pg.tid('speed').selectOption('10');
    const n = await pg.tourStops();
    const picks = [1, Math.ceil(n / 2), n];
    for (let s = 1; s <= n; s++) {
      if (s > 1) await pg.next();
      if (picks.includes(s)) await screenshot(page, `tour-${id}-${width}-${lang}-stop${s}`, { fullPage: false });
    }
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('compare mode: KIP-101 scenario 1 with HW truncation beside leader epochs loses m2 on one side only', async () => {
  const { page, errors } = await openPage(browser, { width: 1920, height: 1080 });
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  await pg.openLesson('kip-101-scenario-1');
  await pg.tid('compare-toggle').click();
  await pg.tid('compare').waitFor();
  const a = page.locator('[data-testid="compare-side-a"]');
  const b = page.locator('[data-testid="compare-side-b"]');
  assert.equal(await a.locator('[data-testid="broker-1"]').count(), 1);
  assert.equal(await b.locator('[data-testid="broker-1"]').count(), 1);
  await pg.tid('speed').selectOption('10');
  const stops = await pg.tourStops();
  while (await pg.tourStop() < stops) {
    await pg.next();
    // Both sides step together: side b is never ahead of side a's command.
    assert.equal(await a.locator('[data-testid="broker-1"]').count(), 1);
  }
  // The end: m2 at offset 1 is gone from side a (legacy HW) and kept on side b (leader epochs).
  assert.equal(await a.locator('[data-testid="log-cell-t-0-1-1"]').count(), 0);
  assert.match(await b.locator('[data-testid="log-cell-t-0-1-1"]').getAttribute('title'), /m2/);
  const diff = await pg.tid('compare-diff').textContent();
  assert.match(diff, /m2/);
  assert.match(diff, /leader epochs/);
  assert.match(diff, /I9 is broken only on “legacy HW truncation/);
  await screenshot(page, 'compare-kip-101-1920');
  // Back to the plain lesson at the same stop.
  await pg.tid('compare-toggle').click();
  await page.locator('[data-testid="compare"]').waitFor({ state: 'detached' });
  assert.equal(await pg.tourStop(), stops);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the space-time diagram draws the run as lanes and arrows, and a click on a mark jumps to its step', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  await pg.openLibrary(server.url);
  await pg.openLesson(index.lessons[0].id);
  await pg.tid('speed').selectOption('10');
  await pg.next();
  await pg.next();
  const st = pg.tid('spacetime');
  assert.equal(await st.evaluate((d) => d.open), true, 'open in a lesson');
  assert.ok(await st.locator('line.arrow').count() > 0, 'messages are arrows');
  const marks = st.locator('[data-testid^="st-event-"]');
  assert.ok(await marks.count() > 0);
  const target = Number((await marks.first().getAttribute('data-testid')).replace('st-event-', ''));
  await marks.first().dispatchEvent('click');
  await page.waitForFunction((s) => Number(document.querySelector('[data-testid="clock"]').textContent.match(/(\d+)/)[1]) === s, target);
  assert.equal(await pg.currentStep(), target);
  assert.equal(await st.locator('line.now').count(), 1);
  await screenshot(page, 'spacetime-1280');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a URL opens a lesson at a stop, in Korean; a bad parameter is named and the rest still applies', async () => {
  const { page, errors } = await openPage(browser);
  const pg = new Playground(page);
  const card = index.lessons.find((l) => l.id === 'kip-101-scenario-1');
  const lesson = (await lessonFile(card.file)).lesson;
  await page.goto(`${server.url}?lesson=kip-101-scenario-1&stop=3&lang=ko&speed=4`);
  await page.locator('[data-testid="tour"][data-stop="3"]').waitFor();
  await page.locator('html[lang="ko"]').waitFor();
  assert.equal(await pg.tid('tour-caption').textContent(), lesson.tour[2].caption.ko);
  assert.equal(await pg.tid('speed').inputValue(), '4');
  assert.equal(await pg.tid('param-error').count(), 0);
  await page.goto(`${server.url}?lesson=old-leader-truncates&stop=99&colour=red&lang=fr`);
  await pg.tid('param-error').waitFor();
  await page.locator('[data-testid="tour"][data-lesson="old-leader-truncates"]').waitFor();
  await page.waitForFunction(() => /stop/.test(document.querySelector('[data-testid="param-error"]').textContent));
  const message = await pg.tid('param-error').textContent();
  assert.match(message, /unknown URL parameter `colour`/);
  assert.match(message, /`lang`: expected en or ko, found `fr`/);
  assert.match(message, /`stop`: the lesson has \d+ stops, not 99/);
  await page.goto(`${server.url}?lesson=no-such-lesson`);
  await page.waitForFunction(() => /no lesson `no-such-lesson`/.test(document.querySelector('[data-testid="param-error"]')?.textContent ?? ''));
  await pg.tid('param-error').locator('button').click();
  assert.equal(await pg.tid('param-error').count(), 0, 'dismissible');
  assert.deepEqual(errors, []);
  await page.close();
});

test('embed=1: a compact lesson for an iframe that never touches the reader\'s own storage', async () => {
  const { page, errors } = await openPage(browser, { width: 800, height: 500 });
  const pg = new Playground(page);
  // The reader's own session first.
  await pg.open(server.url);
  await pg.produce({ value: 'mine', partition: '0' });
  await pg.step();
  const before = await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
  await page.goto(`${server.url}?lesson=old-leader-truncates&stop=2&embed=1`);
  await page.locator('[data-testid="tour"][data-stop="2"]').waitFor();
  assert.equal(await pg.attr('app', 'data-mode'), 'embed');
  assert.equal(await page.locator('aside.side').isVisible(), false, 'the panels fold away');
  assert.equal(await pg.tid('open-full').getAttribute('href'), `${server.url}?lesson=old-leader-truncates&stop=2`);
  assert.equal(await pg.tid('open-full').getAttribute('target'), '_blank');
  await screenshot(page, 'embed-800x500', { fullPage: false });
  await pg.tid('speed').selectOption('10');
  await pg.next();
  await pg.tid('panels-toggle').click();
  assert.equal(await page.locator('aside.side').isVisible(), true);
  await pg.tid('tour-fork').click();
  await pg.tid('step').click();
  await pg.lang('ko');
  assert.equal(await page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort())), before, 'storage untouched');
  // And the full page still opens the reader's own session.
  await page.goto(server.url);
  await pg.tid('broker-1').waitFor();
  assert.equal(await pg.attr('app', 'data-mode'), 'full');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the embed\'s language choice was not remembered');
  assert.deepEqual(errors, []);
  await page.close();
});
