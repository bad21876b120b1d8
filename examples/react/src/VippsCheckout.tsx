// The few lines a React shop copies: the widget's custom elements in React, with the
// typed `vipps:statechange` event. React 19 passes props to custom elements as
// attributes and properties; the listener is attached with a ref, as React has no
// on-prop for custom events. Safe under StrictMode's double mount: the element mounts
// once more and replaces itself.
import { useEffect, useRef } from 'react';
import { defineElements, type StateChangeDetail } from 'vipps-checkout';

defineElements();

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'vipps-checkout': { payload: string; mode?: string; lang?: string; 'allow-origins'?: string; store?: string; ref?: React.Ref<HTMLElement> };
      'vipps-checkout-return': { lang?: string; ref?: React.Ref<HTMLElement> };
    }
  }
}

function useStateChange(onState?: (detail: StateChangeDetail) => void) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !onState) return;
    const listener = (e: CustomEvent<StateChangeDetail>) => onState(e.detail);
    el.addEventListener('vipps:statechange', listener);
    return () => el.removeEventListener('vipps:statechange', listener);
  }, [onState]);
  return ref;
}

export function VippsCheckout(props: {
  items: { sku: string; qty: number }[];
  express?: boolean;
  allowOrigins?: string;
  onState?: (detail: StateChangeDetail) => void;
}) {
  const ref = useStateChange(props.onState);
  return (
    <vipps-checkout
      ref={ref}
      payload={JSON.stringify({ items: props.items })}
      mode={props.express ? 'express' : 'pay'}
      allow-origins={props.allowOrigins}
    />
  );
}

export function VippsReturn(props: { onState?: (detail: StateChangeDetail) => void }) {
  const ref = useStateChange(props.onState);
  return <vipps-checkout-return ref={ref} />;
}
