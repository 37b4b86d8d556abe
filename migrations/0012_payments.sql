-- The payment module's tables (src/modules/payment). A payment row is written before the gateway is
-- asked and updated with its answer, so a crash between the two leaves a `pending` row that the
-- reconciliation job settles by asking the gateway: no charge is lost and none is made twice (the
-- gateway takes the payment key as its Idempotency-Key).
CREATE TABLE payments.payments (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL,
  customer_id uuid NOT NULL,
  payment_key text NOT NULL UNIQUE,
  amount bigint NOT NULL CHECK (amount > 0),
  status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
  method text,
  approved_at timestamptz,
  failure_code text,
  next_check_at timestamptz,  -- while pending: when reconciliation asks the gateway next
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- One payment of an order can be pending or completed at a time.
CREATE UNIQUE INDEX payments_one_live_per_order ON payments.payments (order_id)
  WHERE status IN ('pending', 'completed');
CREATE INDEX payments_to_reconcile ON payments.payments (next_check_at) WHERE status = 'pending';

-- One row per seller per completed payment: what the shop owes the seller for that order.
CREATE TABLE payments.settlements (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments.payments (id),
  order_id uuid NOT NULL,
  seller_id uuid NOT NULL,
  gross bigint NOT NULL CHECK (gross > 0),
  fee bigint NOT NULL CHECK (fee >= 0),
  net bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'settled', 'reversed')),
  sold_at timestamptz NOT NULL,
  settled_at timestamptz,
  UNIQUE (payment_id, seller_id),
  CHECK (net = gross - fee)
);
CREATE INDEX settlements_by_seller ON payments.settlements (seller_id, sold_at DESC, id DESC);
CREATE INDEX settlements_due ON payments.settlements (sold_at) WHERE status = 'pending';
