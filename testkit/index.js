// vipps-sim-testkit: the simulator, driven from a shop's own tests (Playwright, node:test,
// anything with fetch). Start it on a free port, point the shop's backend at `origin`,
// and act as the shopper (approve, reject, expire) or as a failing Vipps (faults).
import { spawn } from 'node:child_process';

const CREDENTIALS = Object.freeze({
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
  subscriptionKey: 'sim-subscription-key',
  msn: '123456',
});

/** Starts `vipps-sim` (on PATH, or `binary`) on a free loopback port; resolves once it
 * answers. `flags`: more command-line flags (e.g. `['--payment-timeout', '30']`). */
export async function startSimulator({ binary = 'vipps-sim', flags = [], stderr = 'inherit' } = {}) {
  const child = spawn(binary, ['--listen', '127.0.0.1:0', ...flags], { stdio: ['ignore', 'pipe', stderr] });
  const origin = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`vipps-sim did not start: ${seen}`)), 15000);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`vipps-sim exited (${code}): ${seen}`)); });
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(seen);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
  });
  child.stdout.resume();
  return new Simulator(origin, child);
}

export class Simulator {
  constructor(origin, child = null) {
    /** The simulator's base URL: the shop's Vipps API URL in tests. */
    this.origin = origin;
    /** The keys the simulator accepts by default. */
    this.credentials = CREDENTIALS;
    this.child = child;
  }

  async #call(method, path, body) {
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) {
      throw Object.assign(new Error(`vipps-sim ${method} ${path}: ${res.status} ${text}`), { status: res.status, body: json });
    }
    return json;
  }

  /** Every payment the shop started, oldest first (the ledger). */
  payments() { return this.#call('GET', '/_sim/payments'); }
  /** One payment's record: state, amounts, merchantInfo, callbacks delivered, … */
  payment(orderId) { return this.#call('GET', `/_sim/payments/${encodeURIComponent(orderId)}`); }
  /** The shopper approves (optional `{mobileNumber, addressId, shippingMethodId, reserveAmount}`).
   * Resolves after the shop's callback was delivered. */
  approve(orderId, choices = {}) { return this.#call('POST', `/_sim/payments/${encodeURIComponent(orderId)}/approve`, choices); }
  /** The shopper rejects in the app. */
  reject(orderId) { return this.#call('POST', `/_sim/payments/${encodeURIComponent(orderId)}/reject`, {}); }
  /** Nobody acts: the payment times out now. */
  expire(orderId) { return this.#call('POST', `/_sim/payments/${encodeURIComponent(orderId)}/expire`, {}); }
  /** The reservation fails (`{errorCode: '42'}`: refused by the card issuer). */
  fail(orderId, error = {}) { return this.#call('POST', `/_sim/payments/${encodeURIComponent(orderId)}/fail`, error); }
  /** The shopper removes the shop in the app (express or `scope` payments). */
  removeConsent(orderId) { return this.#call('POST', `/_sim/payments/${encodeURIComponent(orderId)}/remove-consent`, {}); }
  /** A fault: `{route: 'details', status: 503, count: 2}`, `{route: 'callback', drop: true}`, … */
  fault(spec) { return this.#call('POST', '/_sim/faults', spec); }
  clearFaults() { return this.#call('DELETE', '/_sim/faults'); }
  /** Forgets every payment and fault. */
  reset() { return this.#call('POST', '/_sim/reset', {}); }
  /** The page of the test phone `number` (payment requests pushed to it). */
  phoneUrl(number) { return `${this.origin}/_sim/phone/${encodeURIComponent(number)}`; }

  /** Waits until the newest payment (or `orderId`'s) passes `test`; resolves with it. */
  async waitFor(test = () => true, { orderId, timeoutMs = 10000 } = {}) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const list = orderId ? [await this.payment(orderId).catch(() => null)].filter(Boolean) : await this.payments();
      const found = list.reverse().find(test);
      if (found) return found;
      if (Date.now() > until) throw new Error('vipps-sim: no payment matched in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops the simulator this kit started. */
  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    await new Promise((ok) => { this.child.once('exit', ok); this.child.kill('SIGTERM'); });
  }
}
