/**
 * The records of the seed order topologies, exactly as ../shared/DOMAIN.md fixes them (field names and
 * order). The Avro schemas in `schemas/` describe the same shapes. Times are epoch milliseconds.
 */

export type Side = 'BUY' | 'SELL';

/** `orders`, key `orderId`. `REPLACE` changes `quantity`; `CANCEL` cancels the unfilled rest. */
export interface OrderEvent {
  orderId: string;
  parentOrderId: string | null;
  account: string;
  symbol: string;
  side: Side;
  quantity: number;
  limitPrice: number | null;
  eventType: 'NEW' | 'REPLACE' | 'CANCEL';
  eventTime: number;
}

/** `fills`, key `orderId`: an execution report. */
export interface Fill {
  fillId: string;
  orderId: string;
  quantity: number;
  price: number;
  eventTime: number;
}

export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'OVERFILLED';

/** `order-state` (and `orders-filled`), key `orderId`. */
export interface OrderState {
  orderId: string;
  parentOrderId: string | null;
  account: string;
  symbol: string;
  side: Side;
  quantity: number;
  filledQuantity: number;
  averagePrice: number | null;
  status: OrderStatus;
  fillCount: number;
  lastEventTime: number;
}

export type AnomalyKind = 'DUPLICATE_FILL' | 'OVERFILL' | 'FILL_AFTER_CANCEL' | 'LATE_CANCEL' | 'UNKNOWN_ORDER';

/** `order-anomalies`, key `orderId`. */
export interface OrderAnomaly {
  orderId: string;
  kind: AnomalyKind;
  detail: string;
  eventTime: number;
}

export type ParentOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'OVERFILLED';

/** `parent-order-state` (and `parent-orders-filled`), key `parentOrderId`. */
export interface ParentOrderState {
  parentOrderId: string;
  quantity: number;
  filledQuantity: number;
  childCount: number;
  openChildCount: number;
  status: ParentOrderStatus;
  lastEventTime: number;
}

/** `payment-orders` / `stock-orders`, key `orderId`: one side's answer in the saga. */
export interface SagaAnswer {
  orderId: string;
  status: 'ACCEPT' | 'REJECT';
  source: 'PAYMENT' | 'STOCK';
  eventTime: number;
}

/** `order-decisions`, key `orderId`. */
export interface OrderDecision {
  orderId: string;
  status: 'CONFIRMED' | 'REJECTED' | 'ROLLBACK' | 'TIMED_OUT';
  rollbackSource: 'PAYMENT' | 'STOCK' | null;
}
