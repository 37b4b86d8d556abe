-- The references of the tables a large order fills, checked once per statement instead of once per
-- row. PostgreSQL checks a FOREIGN KEY with one query per inserted row: for a 1,000-line order that
-- was 3,000 queries (its reservation lines against products and reservations, its order lines
-- against the order), about a fifth of the order's time in the database. Each trigger below checks
-- all of a statement's rows in one query with the same guarantees:
-- - a row refers to a parent that exists, and holds FOR KEY SHARE on it until the transaction ends,
--   as a foreign key does, so the parent cannot be deleted or re-keyed under it;
-- - a parent that rows still refer to cannot be deleted (or its rows go with it, for ON DELETE
--   CASCADE), whoever deletes it and however they race;
-- - a referring column or a referenced key is never changed by an UPDATE (nothing in shopd does;
--   a foreign key would re-check, these refuse).
-- The statement-level trigger sees all of its statement's rows through a transition table, so the
-- check is one index lookup per distinct parent, and a failed check raises foreign_key_violation
-- (23503) as the constraint did.

-- The checks of inserted rows (AFTER INSERT ... FOR EACH STATEMENT, REFERENCING NEW TABLE AS
-- new_rows), one query per table, hold FOR KEY SHARE on the parents they find. They are written out
-- for each table rather than as one function taking the names: PL/pgSQL keeps the plans of its
-- static statements but plans EXECUTE's text on every call, which made a one-line order cost 0.8 ms
-- more. A one-row statement pays about 20 us for its trigger, against some 7 us per foreign key.
CREATE FUNCTION catalog.reservation_lines_need_parents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (WITH products AS (SELECT FROM catalog.products p
                            WHERE p.id IN (SELECT product_id FROM new_rows) FOR KEY SHARE OF p),
               reservations AS (SELECT FROM catalog.reservations r
                                WHERE r.order_id IN (SELECT order_id FROM new_rows) FOR KEY SHARE OF r)
          SELECT (SELECT count(*) FROM products) = (SELECT count(DISTINCT product_id) FROM new_rows)
             AND (SELECT count(*) FROM reservations) = (SELECT count(DISTINCT order_id) FROM new_rows)) THEN
    RAISE foreign_key_violation USING MESSAGE = CASE
      WHEN EXISTS (SELECT FROM new_rows n
                   WHERE NOT EXISTS (SELECT FROM catalog.products p WHERE p.id = n.product_id))
        THEN 'catalog.reservation_lines.product_id refers to a row missing from catalog.products'
      ELSE 'catalog.reservation_lines.order_id refers to a row missing from catalog.reservations' END;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION orders.order_lines_need_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (WITH orders AS (SELECT FROM orders.orders o
                          WHERE o.id IN (SELECT order_id FROM new_rows) FOR KEY SHARE OF o)
          SELECT (SELECT count(*) FROM orders) = (SELECT count(DISTINCT order_id) FROM new_rows)) THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'orders.order_lines.order_id refers to a row missing from orders.orders';
  END IF;
  RETURN NULL;
END $$;

-- AFTER DELETE ... FOR EACH STATEMENT, REFERENCING OLD TABLE AS old_rows, on the parent table.
-- shopd never deletes a product or an order, so one function taking the names serves them. A refused
-- basket deletes the reservation it claimed, which has no lines: that check is static, below.
-- Arguments: the parent's key column, the referring table, the referring column, and 'restrict' or
-- 'cascade'.
CREATE FUNCTION shopd.guard_referred_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  referred boolean;
BEGIN
  IF TG_ARGV[3] = 'cascade' THEN
    EXECUTE format('DELETE FROM %s WHERE %I IN (SELECT %I FROM old_rows)', TG_ARGV[1], TG_ARGV[2],
                   TG_ARGV[0]);
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT EXISTS (SELECT FROM %s WHERE %I IN (SELECT %I FROM old_rows))', TG_ARGV[1],
                 TG_ARGV[2], TG_ARGV[0]) INTO referred;
  IF referred THEN
    RAISE foreign_key_violation USING
      MESSAGE = format('%I.%I rows are still referred to by %s.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME,
                       TG_ARGV[1], TG_ARGV[2]);
  END IF;
  RETURN NULL;
END $$;

-- BEFORE UPDATE OF the column FOR EACH ROW WHEN it changes. Argument: the column.
CREATE FUNCTION shopd.refuse_reference_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE foreign_key_violation USING
    MESSAGE = format('%I.%I.%I is a reference and never changes', TG_TABLE_SCHEMA, TG_TABLE_NAME,
                     TG_ARGV[0]);
END $$;

-- catalog.reservation_lines -> catalog.products (id), catalog.reservations (order_id)
ALTER TABLE catalog.reservation_lines
  DROP CONSTRAINT reservation_lines_product_id_fkey,
  DROP CONSTRAINT reservation_lines_order_id_fkey;
CREATE TRIGGER reservation_lines_parents_exist AFTER INSERT ON catalog.reservation_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION catalog.reservation_lines_need_parents();
CREATE TRIGGER products_referred_by_reservation_lines AFTER DELETE ON catalog.products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION shopd.guard_referred_rows('id', 'catalog.reservation_lines', 'product_id', 'restrict');
CREATE FUNCTION catalog.reservations_keep_their_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM catalog.reservation_lines l WHERE l.order_id IN (SELECT order_id FROM old_rows)) THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'catalog.reservations rows are still referred to by catalog.reservation_lines.order_id';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reservations_referred_by_lines AFTER DELETE ON catalog.reservations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION catalog.reservations_keep_their_lines();

-- orders.order_lines -> orders.orders (id) ON DELETE CASCADE
ALTER TABLE orders.order_lines DROP CONSTRAINT order_lines_order_id_fkey;
CREATE TRIGGER order_lines_order_exists AFTER INSERT ON orders.order_lines
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION orders.order_lines_need_orders();
CREATE TRIGGER orders_lines_go_with_them AFTER DELETE ON orders.orders
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION shopd.guard_referred_rows('id', 'orders.order_lines', 'order_id', 'cascade');

-- The keys and referring columns above never change: one row trigger per column, firing only when an
-- UPDATE sets that column to something else.
DO $$
DECLARE
  fixed record;
BEGIN
  FOR fixed IN SELECT * FROM (VALUES
    ('reservation_lines_product_fixed', 'catalog.reservation_lines', 'product_id'),
    ('reservation_lines_order_fixed', 'catalog.reservation_lines', 'order_id'),
    ('products_id_fixed', 'catalog.products', 'id'),
    ('reservations_order_id_fixed', 'catalog.reservations', 'order_id'),
    ('order_lines_order_fixed', 'orders.order_lines', 'order_id'),
    ('orders_id_fixed', 'orders.orders', 'id')
  ) AS f(trigger_name, table_name, column_name) LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF %I ON %s FOR EACH ROW'
                   ' WHEN (OLD.%2$I IS DISTINCT FROM NEW.%2$I)'
                   ' EXECUTE FUNCTION shopd.refuse_reference_change(%2$L)',
                   fixed.trigger_name, fixed.column_name, fixed.table_name);
  END LOOP;
END $$;
