// Importing the package touches no `window`: server-side rendering frameworks import it
// in Node, where there is no DOM. Nothing may run until a mount.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

test('pkg/index.js imports in plain Node and defines nothing by itself', async () => {
  assert.equal(typeof globalThis.window, 'undefined');
  const api = await import(join(ROOT, 'pkg/index.js'));
  for (const name of ['mount', 'mountReturn', 'defineElements', 'load']) {
    assert.equal(typeof api[name], 'function', name);
  }
  assert.doesNotThrow(() => api.defineElements(), 'no customElements registry: nothing to do');
  assert.throws(() => api.mount(null, {}), /needs an HTMLElement/);
});
