-- The order module's tables (src/modules/order). An order copies what it sold (names, prices,
-- sellers) and seals its shipping address, so it stays true and private whatever happens to the
-- product or the customer's account later.
CREATE TABLE orders.orders (
  id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipping', 'delivered', 'cancelled',
                                         'expired', 'payment_failed', 'return_requested', 'returned')),
  total_amount bigint NOT NULL CHECK (total_amount > 0),
  currency text NOT NULL DEFAULT 'KRW',
  payment_order_id text NOT NULL UNIQUE,  -- the orderId the payment gateway knows it by
  shipping_address_ct bytea NOT NULL,     -- the address as JSON, sealed to the order (FieldCipher)
  expires_at timestamptz,                 -- while pending_payment
  cancel_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- A customer's orders, newest first (GET /orders), by status too.
CREATE INDEX orders_by_customer ON orders.orders (customer_id, created_at DESC, id DESC);
CREATE INDEX orders_by_customer_status ON orders.orders (customer_id, status, created_at DESC, id DESC);
-- Every order, newest first, for admins.
CREATE INDEX orders_by_time ON orders.orders (created_at DESC, id DESC);
-- The expiry job's claim.
CREATE INDEX orders_unpaid_by_expiry ON orders.orders (expires_at) WHERE status = 'pending_payment';

CREATE TABLE orders.order_lines (
  order_id uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  product_id uuid NOT NULL,
  seller_id uuid NOT NULL,
  name text NOT NULL,
  unit_price bigint NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  PRIMARY KEY (order_id, line_no)
);
-- A seller's orders (GET /seller/orders).
CREATE INDEX order_lines_by_seller ON orders.order_lines (seller_id, order_id);
