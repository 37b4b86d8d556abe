-- The life of a paid order (API.md, Orders): its timed steps, its delivery, its return, and the
-- refund the payment module makes when a paid order is cancelled or returned.

-- When the order's next timed step is due (paid -> shipping after ship_after, shipping -> delivered
-- after deliver_after, return_requested -> returned after return_processing); NULL when none is.
-- The job that takes the steps claims due rows with SKIP LOCKED, so several processes take each
-- step once between them.
ALTER TABLE orders.orders ADD COLUMN step_due_at timestamptz;
CREATE INDEX orders_step_due ON orders.orders (step_due_at) WHERE step_due_at IS NOT NULL;

-- The order's copy of its payment, so the order reads whole without asking the payment module
-- (which depends on the order module, not the other way round).
ALTER TABLE orders.orders ADD COLUMN payment_id uuid, ADD COLUMN payment_method text,
  ADD COLUMN paid_at timestamptz, ADD COLUMN refunded_at timestamptz;

-- Created when the order is paid; the goods' way to the customer and, for a return, back.
CREATE TABLE orders.deliveries (
  order_id uuid PRIMARY KEY REFERENCES orders.orders (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('preparing', 'shipping', 'delivered', 'cancelled')),
  tracking_number text,
  created_at timestamptz NOT NULL,
  shipped_at timestamptz,
  delivered_at timestamptz,
  return_reason text,
  return_requested_at timestamptz,
  returned_at timestamptz
);

-- Orders paid before this migration (nothing moved an order past `paid` before it): their copy of
-- the payment, their delivery, and their shipping due a day after the payment (ship_after's
-- default; the configured value is not known here).
UPDATE orders.orders o SET payment_id = p.id, payment_method = p.method,
  paid_at = COALESCE(p.approved_at, p.updated_at),
  step_due_at = COALESCE(p.approved_at, p.updated_at) + interval '1 day'
FROM payments.payments p WHERE p.order_id = o.id AND p.status = 'completed' AND o.status = 'paid';
INSERT INTO orders.deliveries (order_id, status, created_at)
SELECT id, 'preparing', updated_at FROM orders.orders WHERE status = 'paid';

-- A completed payment whose order was cancelled or returned is refunded in full.
ALTER TABLE payments.payments DROP CONSTRAINT payments_status_check;
ALTER TABLE payments.payments ADD CONSTRAINT payments_status_check
  CHECK (status IN ('pending', 'completed', 'failed', 'refunded'));

-- A refund is written when the order's event is handled (in the outbox delivery's transaction), and
-- then asked of the gateway outside any transaction until it succeeds: a crash between the two
-- leaves a `requested` row that is tried again, under the same Idempotency-Key.
CREATE TABLE payments.refunds (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL UNIQUE REFERENCES payments.payments (id),  -- full refunds: one per payment
  order_id uuid NOT NULL,
  amount bigint NOT NULL CHECK (amount > 0),
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('requested', 'completed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,  -- while requested
  last_error text,
  requested_at timestamptz NOT NULL,
  refunded_at timestamptz
);
CREATE INDEX refunds_due ON payments.refunds (next_attempt_at) WHERE status = 'requested';
