// The console's files over HTTP, without a browser (console.test.ts drives a real one where
// chromium exists): every asset is served from the build, the browser-side Kinesis client is served
// compiled under /console/client/, every relative module import of a served script resolves to a
// served file, and none of them imports a node: module.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.js';

const skip = process.env.SHARDLINE_ENDPOINT ? 'needs the in-process server' : false;

describe('console assets', { skip }, () => {
  let t: TestServer;

  before(async () => {
    t = await startTestServer({ stateDelayMs: 0 });
  });
  after(async () => {
    await t?.close();
  });

  async function get(path: string): Promise<{ status: number; type: string; text: string }> {
    const res = await fetch(`${t.endpoint}${path}`);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  it('serves the page, its scripts and the client modules they import', async () => {
    const page = await get('/console/');
    assert.equal(page.status, 200);
    assert.match(page.type, /^text\/html/);
    assert.match(page.text, /<script type="module" src="\/console\/app.js">/);
    const style = await get('/console/style.css');
    assert.equal(style.status, 200);

    const pending = ['/console/app.js'];
    const served = new Set<string>();
    while (pending.length > 0) {
      const path = pending.pop() as string;
      if (served.has(path)) continue;
      const res = await get(path);
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      assert.match(res.type, /^text\/javascript/, path);
      served.add(path);
      for (const m of res.text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm)) {
        const spec = m[1] as string;
        assert.ok(!spec.startsWith('node:'), `${path} imports ${spec}`);
        assert.ok(spec.startsWith('./') || spec.startsWith('../'), `${path}: bare import ${spec}`);
        pending.push(new URL(spec, `http://x${path}`).pathname);
      }
    }
    for (const path of ['/console/kinesis.js', '/console/client/browser.js', '/console/client/kinesis.js'])
      assert.ok(served.has(path), `${path} not reached from app.js (reached: ${[...served].join(' ')})`);
  });

  it('serves nothing else', async () => {
    for (const path of [
      '/console/client/node.js',
      '/console/client/../routes.js',
      '/console/client/sigv4.test.js',
      '/console/../package.json',
      '/console/routes.js',
    ]) {
      const res = await get(path);
      assert.ok(res.status === 404 || res.status >= 400, `${path}: ${res.status}`);
      assert.doesNotMatch(res.text, /import|export/, path);
    }
  });
});
