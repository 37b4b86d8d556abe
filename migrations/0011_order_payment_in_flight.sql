-- An order with a payment the gateway has not answered yet must not expire under it: the charge may
-- have gone through. The payment module sets the flag through the order module's interface when it
-- records the attempt, and each way a payment ends clears it.
ALTER TABLE orders.orders ADD COLUMN payment_in_flight boolean NOT NULL DEFAULT false;
DROP INDEX orders.orders_unpaid_by_expiry;
CREATE INDEX orders_unpaid_by_expiry ON orders.orders (expires_at)
  WHERE status = 'pending_payment' AND NOT payment_in_flight;
