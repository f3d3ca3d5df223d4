// The reference backend's web page, opened in a real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core; .ci/run installs it): each received receipt shows as its paper preview beside its basket.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDevBackend, type TestDevBackend } from '../helpers/dev-backend.js';
import { batch, post, submission } from './submissions.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser: Browser;
let backend: TestDevBackend | undefined;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 });
}, 90_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
});

describe('dev-backend page', () => {
  it('shows a received receipt as paper beside its basket, in a real browser', async () => {
    backend = await startDevBackend({ token: 'page-token' });
    const withRaw = submission('coffee-tm-t88-card', 'job-paper');
    const withoutRaw = submission('coffee-mp4200-cash', 'job-bare', { rawJob: false });
    const drift = [{ link: 'front', layout: 'generic', reconciledShare: 0.62, since: '2026-11-23T09:00:00Z' }];
    const sent = await post(backend.url, { ...batch([withRaw, withoutRaw]), drift }, { authorization: 'Bearer page-token' });
    expect(sent.status).toBe(200);

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      const response = await page.goto(`${backend.url}/`, { waitUntil: 'load', timeout: 60_000 });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toMatch(/dev-backend/);
      expect(await page.locator('.count').innerText()).toMatch(/^2 receipts held/);
      const receipts = page.locator('article.receipt');
      expect(await receipts.count()).toBe(2);
      // Newest first: the receipt sent without its raw job says so instead of showing paper.
      const bare = receipts.nth(0);
      expect(await bare.getAttribute('data-key')).toBe('job-bare:1');
      expect(await bare.locator('.paper').count()).toBe(0);
      expect(await bare.locator('.no-preview').innerText()).toMatch(/no raw job/);

      const paper = receipts.nth(1);
      expect(await paper.getAttribute('data-key')).toBe('job-paper:1');
      const basket = withRaw.basket as { merchant: { name: string }; items: { description: string }[]; total: number; currency: string };
      // The paper preview is the decoded raw job: the printed text, laid out in the receipt's columns.
      const printed = await paper.locator('.paper').innerText();
      for (const item of basket.items) expect(printed).toContain(item.description);
      const box = await paper.locator('.paper').boundingBox();
      expect(box!.height).toBeGreaterThan(200);
      // The basket beside it: merchant, items, the total as money.
      const side = paper.locator('.basket');
      expect(await side.locator('.merchant').innerText()).toBe(basket.merchant.name);
      expect(await side.locator('table.items tr').count()).toBe(basket.items.length + 2);
      expect(await side.locator('.total').innerText()).toBe(`${(basket.total / 100).toFixed(2)} ${basket.currency}`);
      const paperBox = (await paper.locator('.preview').boundingBox())!;
      const basketBox = (await side.boundingBox())!;
      expect(basketBox.x).toBeGreaterThanOrEqual(paperBox.x + paperBox.width);
      // The agent's drift alarm is shown above the receipts.
      expect(await page.locator('.drift tr').nth(1).innerText()).toMatch(/^agent-test\s+front\s+generic\s+62%\s+2026-11-23T09:00:00Z/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('escapes what an agent sent: markup in a basket is shown as text, never run', async () => {
    backend = await startDevBackend();
    const hostile = submission('coffee-pos80-card', 'job-hostile', { rawJob: false });
    const basket = hostile.basket as { merchant: Record<string, unknown>; items: { description: string }[] };
    const markup = '<img src=x onerror="document.title=\'pwned\'">';
    const sent = { ...hostile, basket: { ...basket, merchant: { ...basket.merchant, name: markup }, items: basket.items.map((i) => ({ ...i, description: `<script>document.title='pwned'</script>` })) } };
    expect((await post(backend.url, batch([sent]))).json).toEqual({ results: [{ idempotencyKey: 'job-hostile:1', status: 'stored' }] });
    const page = await browser.newPage();
    try {
      await page.goto(`${backend.url}/`, { waitUntil: 'load', timeout: 60_000 });
      expect(await page.title()).not.toBe('pwned');
      expect(await page.locator('.merchant').innerText()).toBe(markup);
      expect(await page.locator('article.receipt img').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('still serves the page when a raw job is garbage: the decoder shows what it made of it', async () => {
    backend = await startDevBackend();
    let seed = 7;
    const garbage = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff));
    const junk = { ...submission('coffee-pos80-card', 'job-garbage'), rawJob: { encoding: 'base64' as const, data: garbage.toString('base64') } };
    expect((await post(backend.url, batch([junk, submission('coffee-pos80-card', 'job-fine')]))).status).toBe(200);
    const response = await fetch(`${backend.url}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect([...html.matchAll(/data-key="([^"]+)"/g)].map((m) => m[1])).toEqual(['job-fine:1', 'job-garbage:1']);
  });

  it('pages back through older receipts and says when there is nothing yet', async () => {
    backend = await startDevBackend();
    const empty = await (await fetch(`${backend.url}/`)).text();
    expect(empty).toMatch(/Nothing received yet/);
    expect(empty).not.toMatch(/class="drift"/);
    const many = Array.from({ length: 55 }, (_, i) => submission('coffee-pos58-32col-card', `job-${i}`, { rawJob: false }));
    await post(backend.url, batch(many));
    const first = await (await fetch(`${backend.url}/`)).text();
    expect(first.match(/<article /g)?.length).toBe(50);
    const older = /href="(\/\?before=\d+)"/.exec(first)![1]!;
    const second = await (await fetch(`${backend.url}${older}`)).text();
    expect([...second.matchAll(/data-key="([^"]+)"/g)].map((m) => m[1])).toEqual(['job-4:1', 'job-3:1', 'job-2:1', 'job-1:1', 'job-0:1']);
    expect(second).not.toMatch(/before=/);
  });
});
