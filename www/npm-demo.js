// The JS-API way in: mount() the button into an element, follow its events, unmount.
import { mount } from '/pkg/index.js';

const target = document.getElementById('js-button');
const log = document.getElementById('event-log');
const options = {
  endpoint: '/api/vipps',
  payload: { items: [{ sku: 'mittens', qty: 1 }] },
  allowOrigins: document.documentElement.dataset.simOrigin,
};

target.addEventListener('vipps:statechange', (e) => {
  const li = document.createElement('li');
  li.textContent = `vipps:statechange → ${e.detail.state}${e.detail.error ? ` (${e.detail.error.code})` : ''}`;
  log.append(li);
});

let handle = mount(target, options);
document.getElementById('remount').addEventListener('click', () => {
  // Mounting again is harmless: the earlier mount is replaced.
  handle = mount(target, options);
});
