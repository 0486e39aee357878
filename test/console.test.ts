// The web console in a real browser (Debian's chromium driven by playwright-core): the streams
// list, a stream page (shards, lineage, charts, hot keys after enabling shard-level metrics) and
// the record browser (TRIM_HORIZON, text / JSON / hex). SHARDLINE_SCREENSHOTS=1 refreshes
// docs/screenshots/*.png.
// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators (rendered text), not DOM nodes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { kinesis, randomName, startTestServer, type TestServer, waitFor } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const inCi = Boolean(process.env.CI);
const skip =
  !existsSync(CHROMIUM) && !inCi
    ? `${CHROMIUM} is missing (apt-get install chromium); this browser test runs in CI`
    : false;
const SHOTS = process.env.SHARDLINE_SCREENSHOTS
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : undefined;

describe('web console', { skip }, () => {
  let t: TestServer;
  let client: KinesisClient;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  const name = randomName('console');
  const other = randomName('console-b');

  before(async () => {
    t = await startTestServer({ stateDelayMs: 0 });
    client = kinesis(t.endpoint);
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    await client.send(
      new CreateStreamCommand({ StreamName: other, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }),
    );
    profile = await mkdtemp(join(tmpdir(), 'shardline-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    if (SHOTS) await mkdir(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    client?.destroy();
    await t?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function put(count: number, key: (i: number) => string): Promise<number> {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: name,
        Records: Array.from({ length: count }, (_, i) => ({
          PartitionKey: key(i),
          Data: Buffer.from(JSON.stringify({ order: i, item: `widget-${i}` })),
        })),
      }),
    );
    return count - (out.FailedRecordCount ?? 0);
  }

  it('lists the streams with status, mode, shards, retention and rates', async () => {
    await put(60, (i) => (i % 3 === 0 ? `user-${i}` : 'hot-key'));
    await page.goto(`${t.endpoint}/console`);
    const row = page.locator('tr', { has: page.locator(`a:text-is("${name}")`) });
    await row.waitFor();
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[0], name);
    assert.equal(cells[1], 'ACTIVE');
    assert.equal(cells[2], 'PROVISIONED');
    assert.equal(cells[3], '2');
    assert.equal(cells[4], '24 h');
    // The next refresh shows the incoming rate of the last 10 s.
    await waitFor(
      async () => ((await row.locator('td').nth(5).innerText()).startsWith('0/s') ? undefined : true),
      8_000,
      250,
    );
    const otherRow = page.locator('tr', { has: page.locator(`a:text-is("${other}")`) });
    assert.equal(await otherRow.locator('td').nth(2).innerText(), 'ON_DEMAND');
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'streams.png') });
  });

  it('shows a stream: shards with lineage, charts, hot keys once shard-level metrics are on', async () => {
    await client.send(
      new SplitShardCommand({
        StreamName: name,
        ShardToSplit: 'shardId-000000000001',
        NewStartingHashKey: '255211775190703847597530955573826158592',
      }),
    );
    await page.click(`a:text-is("${name}")`);
    await page.locator('h1', { hasText: name }).waitFor();
    const shardTable = page.locator('table', {
      has: page.locator('caption', { hasText: /^\d+ shards? \(open/ }),
    });
    await waitFor(
      async () => ((await shardTable.locator('tbody tr').count()) === 4 ? true : undefined),
      8_000,
      200,
    );
    const lineage = await shardTable.locator('tbody tr').nth(1).locator('td').nth(3).innerText();
    assert.equal(lineage, 'root → #2, #3');
    assert.equal(await shardTable.locator('tbody tr').nth(1).locator('td').nth(1).innerText(), 'closed');
    assert.ok((await page.locator('svg.chart').count()) >= 4);

    // Keyboard: the toggle is a real button.
    const toggle = page.getByRole('button', { name: 'Enable shard-level metrics' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Disable shard-level metrics' }).waitFor();
    const ok = await put(200, (i) => (i % 4 === 0 ? `user-${i}` : 'hot-key'));
    assert.ok(ok > 0);
    const hot = page.locator('table', { has: page.locator('caption', { hasText: 'Heaviest keys' }) });
    await waitFor(async () => ((await hot.innerText()).includes('hot-key') ? true : undefined), 10_000, 250);
    const first = await hot.locator('tbody tr').first().locator('td').allInnerTexts();
    assert.equal(first[1], 'hot-key');
    // Per-shard sparklines appear with the shard series.
    await waitFor(async () => ((await page.locator('svg.spark').count()) > 0 ? true : undefined), 8_000, 250);
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'stream.png'), fullPage: true });
  });

  it('browses records from TRIM_HORIZON as text, JSON and hex', async () => {
    await page.click('a:text-is("Browse records →")');
    await page.locator('form.reader select[name="shard"]').selectOption('shardId-000000000000');
    await page.getByLabel('Start at').selectOption('TRIM_HORIZON');
    await page.getByRole('button', { name: 'Read' }).click();
    const records = page.locator('table', { has: page.locator('caption', { hasText: 'record' }) });
    await records.waitFor();
    const caption = await records.locator('caption').innerText();
    assert.match(caption, /^[1-9]\d* records?$/);
    const firstData = await records.locator('tbody tr').first().locator('pre').innerText();
    assert.match(firstData, /^\{"order":\d+,"item":"widget-\d+"\}$/);
    await page.getByLabel('JSON').check();
    assert.match(
      await records.locator('tbody tr').first().locator('pre').innerText(),
      /^\{\n {2}"order": \d+,\n {2}"item": "widget-\d+"\n\}$/,
    );
    await page.getByLabel('HEX').check();
    assert.match(
      await records.locator('tbody tr').first().locator('pre').innerText(),
      /^7b 22 6f 72 64 65 72 22/,
    );
    await page.getByLabel('TEXT').check();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'records.png'), fullPage: true });
  });

  it('reports API errors in the page (one line, no stack)', async () => {
    await page.goto(`${t.endpoint}/console#/streams/does-not-exist`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(
      await alert.innerText(),
      /^ResourceNotFoundException: Stream does-not-exist under account \d{12} not found\.$/,
    );
  });
});
