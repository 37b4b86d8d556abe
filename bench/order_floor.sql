-- The floor of placing an order, for pgbench: the five writes issue 11 requires of a one-line order
-- and nothing else, one statement each, with no HTTP, no shopd, no reads and no checks. The
-- Idempotency-Key's answer, the stock taken, the order, its line (with its trigger) and OrderPlaced.
-- What shopd does beyond this (the address snapshot, the reservation record that lets a job release
-- the stock, the checks that name a refused line, the session, the HTTP) costs on top of it, so no
-- shopd can place orders faster than this runs. bench/orders.sh runs it beside TPC-B.
-- Variables (pgbench -D): products (rows in public.bench_products), customer, seller.
\set p random(1, :products)
SELECT gen_random_uuid() AS order_id, gen_random_uuid() AS request_key,
       (SELECT id FROM public.bench_products WHERE n = :p) AS product_id \gset
BEGIN;
INSERT INTO shopd.idempotency_keys (owner_id, key, fingerprint, created_at, status, content_type, body)
VALUES (:customer::uuid, :request_key, repeat('f', 64), now(), 201, 'application/json',
        '{"id":"' || :order_id::text || '","status":"pending_payment","items":[{"quantity":1}]}');
UPDATE catalog.products SET reserved = reserved + 1 WHERE id = :product_id::uuid AND on_hand - reserved >= 1;
INSERT INTO orders.orders (id, customer_id, status, total_amount, payment_order_id, shipping_address_ct,
                           expires_at, created_at, updated_at)
VALUES (:order_id::uuid, :customer::uuid, 'pending_payment', 1000, 'shopd-' || :order_id::text,
        decode(repeat('5a', 160), 'hex'), now() + interval '1 day', now(), now());
INSERT INTO orders.order_lines (order_id, line_no, product_id, seller_id, name, unit_price, quantity)
VALUES (:order_id::uuid, 1, :product_id::uuid, :seller::uuid, 'Bench item', 1000, 1);
INSERT INTO shopd.outbox_events (id, type, version, payload)
VALUES (gen_random_uuid(), 'order.OrderPlaced', 1,
        jsonb_build_object('order_id', :order_id::text, 'customer_id', :customer::text, 'total_amount', 1000));
COMMIT;
