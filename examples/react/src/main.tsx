// A React shop page: a cart with the Vipps button, and (when Vipps sends the shopper back
// with ?orderId=…) the return view. Rendered under StrictMode.
import { StrictMode, useCallback, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { StateChangeDetail } from 'vipps-checkout';
import { VippsCheckout, VippsReturn } from './VippsCheckout';

const simulator = document.documentElement.dataset.simulator;

function App() {
  const [qty, setQty] = useState(1);
  const [state, setState] = useState('');
  const onState = useCallback((d: StateChangeDetail) => setState(d.state + (d.orderId ? ` ${d.orderId}` : '')), []);
  if (new URLSearchParams(location.search).has('orderId')) {
    return (
      <main>
        <h1>Takk!</h1>
        <VippsReturn onState={onState} />
        <p role="status" data-testid="state">{state}</p>
      </main>
    );
  }
  return (
    <main>
      <h1>React-butikk</h1>
      <label>
        Antall ullsokker{' '}
        <input type="number" min={1} max={9} value={qty} onChange={(e) => setQty(Number(e.target.value) || 1)} />
      </label>
      <VippsCheckout items={[{ sku: 'socks', qty }]} allowOrigins={simulator} onState={onState} />
      <p role="status" data-testid="state">{state}</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
