// Page object for the playground: data-testid locators and the waits the flows need.
import assert from 'node:assert/strict';

export class Playground {
  constructor(page) { this.page = page; }
  tid(id) { return this.page.locator(`[data-testid="${id}"]`); }
  // Switches the language; Korean's catalogue is fetched the first time, and the page
  // changes language (`<html lang>`) only once it has arrived.
  async lang(code) {
    await this.tid(`lang-${code}`).click();
    await this.page.locator(`html[lang="${code}"]`).waitFor();
  }
  /** Opens the page on the sandbox (a newcomer lands on the lessons: go to the sandbox). */
  async open(url) {
    await this.page.goto(url);
    await this.page.locator('[data-testid="broker-1"], [data-testid="library"]').first().waitFor();
    if (await this.tid('library').count()) await this.tid('open-sandbox').click();
    await this.tid('broker-1').waitFor();
  }
  /** Opens the page on the library. */
  async openLibrary(url) {
    await this.page.goto(url);
    await this.page.locator('[data-testid="broker-1"], [data-testid="library"]').first().waitFor();
    if (!(await this.tid('library').count())) await this.tid('open-library').click();
    await this.page.locator('[data-testid^="lesson-"]').first().waitFor();
  }
  /** Opens a lesson from the library by its id and waits for its tour. */
  async openLesson(id) {
    await this.tid(`lesson-${id}`).click();
    await this.page.locator(`[data-testid="tour"][data-lesson="${id}"]`).waitFor();
  }
  async tourStop() { return Number(await this.attr('tour', 'data-stop')); }
  async tourStops() { return Number(await this.attr('tour', 'data-stops')); }
  /** Next, then waits for the tour to arrive at the following stop (playing paused again). */
  async next() {
    const before = await this.tourStop();
    await this.tid('tour-next').click();
    await this.page.waitForFunction((n) => {
      const t = document.querySelector('[data-testid="tour"]');
      return t && Number(t.dataset.stop) === n && document.querySelector('[data-testid="play"]');
    }, before + 1, { timeout: 60_000 });
  }
  async back() {
    const before = await this.tourStop();
    await this.tid('tour-back').click();
    await this.page.waitForFunction((n) => Number(document.querySelector('[data-testid="tour"]')?.dataset.stop) === n, before - 1);
  }
  async attr(id, name) { return this.tid(id).getAttribute(name); }
  async step() { await this.tid('step').click(); }
  async stepBack() { await this.tid('step-back').click(); }
  async play(speed = '1') {
    await this.tid('speed').selectOption(speed);
    if (await this.tid('play').count()) await this.tid('play').click();
  }
  async pause() { if (await this.tid('pause').count()) await this.tid('pause').click(); }
  async produce({ value = 'm', acks = 'all', partition = 'any', count = 1 } = {}) {
    await this.tid('produce-value').fill(value);
    await this.tid('produce-acks').selectOption(acks);
    await this.tid('produce-partition').selectOption(partition);
    await this.tid('produce-count').fill(String(count));
    await this.tid('produce').click();
  }
  partition(p) { return `partition-orders-${p}`; }
  replica(p, b) { return `replica-orders-${p}-${b}`; }
  /** Replica attributes of partition p for brokers 1..3, e.g. {1: {leo, hw, role}}. */
  async replicas(p, brokers = [1, 2, 3]) {
    const out = {};
    for (const b of brokers) {
      const r = this.tid(this.replica(p, b));
      out[b] = { leo: Number(await r.getAttribute('data-leo')), hw: Number(await r.getAttribute('data-hw')), role: await r.getAttribute('data-role') };
    }
    return out;
  }
  /** Plays until `cond()` holds (checked every 100 ms), then pauses. */
  async playUntil(cond, { speed = '4', timeout = 20_000, what = 'condition' } = {}) {
    await this.play(speed);
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      if (await cond()) { await this.pause(); return; }
      await this.page.waitForTimeout(100);
    }
    await this.pause();
    assert.fail(`timed out waiting for ${what}`);
  }
  /** Steps until `cond()` holds. */
  async stepUntil(cond, { max = 400, what = 'condition' } = {}) {
    for (let i = 0; i < max; i++) {
      if (await cond()) return i;
      await this.step();
    }
    assert.fail(`no ${what} within ${max} steps`);
  }
  /** The stage's markup, without what carries no state: an empty style, and Leptos's empty
   *  comment markers (an element drawn by `inner_html` keeps its marker until the first
   *  redraw replaces its contents). */
  async stageHtml() { return (await this.page.locator('main.stage').innerHTML()).replaceAll(' style=""', '').replaceAll('<!---->', ''); }
  async currentStep() { return Number((await this.tid('clock').textContent()).match(/(\d+)/)[1]); }
}
