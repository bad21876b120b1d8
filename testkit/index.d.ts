/** A payment as the simulator's ledger has it (`GET /_sim/payments`). */
export interface SimPayment {
  orderId: string;
  state: 'initiated' | 'reserved' | 'captured' | 'refunded' | 'cancelled' | 'voided' | 'failed' | 'expired';
  paymentType: 'regular' | 'express';
  amount: number;
  reservedAmount: number;
  capturedAmount: number;
  refundedAmount: number;
  transactionText: string;
  merchantInfo: Record<string, unknown>;
  customerInfo: Record<string, unknown>;
  url: string;
  mobileNumber: string | null;
  deliveries: unknown[];
  apiCalls: Record<string, number>;
  [key: string]: unknown;
}

export interface Fault {
  route: 'accessToken' | 'initiate' | 'details' | 'status' | 'capture' | 'cancel' | 'refund' | 'forceApprove' | 'callback' | 'shipping';
  status?: number;
  latencyMs?: number;
  count?: number;
  orderId?: string;
  drop?: boolean;
  after?: boolean;
  errorGroup?: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface Choices { mobileNumber?: string; addressId?: number; shippingMethodId?: string; reserveAmount?: number }

export declare class Simulator {
  constructor(origin: string);
  readonly origin: string;
  readonly credentials: { clientId: string; clientSecret: string; subscriptionKey: string; msn: string };
  payments(): Promise<SimPayment[]>;
  payment(orderId: string): Promise<SimPayment>;
  approve(orderId: string, choices?: Choices): Promise<SimPayment>;
  reject(orderId: string): Promise<SimPayment>;
  expire(orderId: string): Promise<SimPayment>;
  fail(orderId: string, error?: { errorCode?: string; errorMessage?: string }): Promise<SimPayment>;
  removeConsent(orderId: string): Promise<SimPayment>;
  fault(spec: Fault): Promise<unknown>;
  clearFaults(): Promise<unknown>;
  reset(): Promise<unknown>;
  phoneUrl(number: string): string;
  waitFor(test?: (p: SimPayment) => boolean, options?: { orderId?: string; timeoutMs?: number }): Promise<SimPayment>;
  stop(): Promise<void>;
}

/** Starts `vipps-sim` on a free loopback port. */
export declare function startSimulator(options?: { binary?: string; flags?: string[]; stderr?: 'inherit' | 'ignore' }): Promise<Simulator>;
