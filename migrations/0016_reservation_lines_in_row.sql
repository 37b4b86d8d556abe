-- A reservation's lines live in its row, as one array, instead of in catalog.reservation_lines.
-- A reservation is written once with all its lines and then moves as a whole (released, sold,
-- restocked): nothing reads or changes one line alone. As rows of a table of their own, each line
-- cost a heap row and two index entries, and each basket a statement trigger for the references
-- (migration 0014). pgbench, the order's statements at 8 clients, alternating, 3 rounds: 1,330-1,603
-- us of PostgreSQL CPU per one-line order with the lines table, 1,090-1,257 with the array.
--
-- What the table's keys and references guaranteed, the array keeps:
-- - one line per product, each with a positive quantity, at least one line (the domain below,
--   checked where the column is written, not on every status change);
-- - a line's product exists: the basket's statement takes each line's stock in the same statement
--   and the caller refuses the basket unless every line was taken;
-- - a product that a reservation holds cannot be deleted (the trigger below; shopd never deletes a
--   product, it marks it deleted).
CREATE TYPE catalog.reserved_line AS (
  product_id uuid,
  quantity bigint,
  name text,
  unit_price bigint,
  seller_id uuid
);

CREATE FUNCTION catalog.reserved_lines_are_valid(lines catalog.reserved_line[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT cardinality(lines) >= 1
     AND (SELECT count(*) = count(DISTINCT l.product_id)
                 AND bool_and(l.product_id IS NOT NULL AND l.quantity > 0 AND l.name IS NOT NULL
                              AND l.unit_price IS NOT NULL AND l.seller_id IS NOT NULL)
          FROM unnest(lines) AS l)
$$;
CREATE DOMAIN catalog.reserved_lines AS catalog.reserved_line[]
  CHECK (catalog.reserved_lines_are_valid(VALUE));

ALTER TABLE catalog.reservations ADD COLUMN lines catalog.reserved_lines;
UPDATE catalog.reservations r
SET lines = (SELECT array_agg(ROW(l.product_id, l.quantity, l.name, l.unit_price, l.seller_id)::catalog.reserved_line
                              ORDER BY l.product_id)
             FROM catalog.reservation_lines l WHERE l.order_id = r.order_id);
ALTER TABLE catalog.reservations ALTER COLUMN lines SET NOT NULL;

DROP TRIGGER products_referred_by_reservation_lines ON catalog.products;
DROP TRIGGER reservations_referred_by_lines ON catalog.reservations;
DROP FUNCTION catalog.reservations_keep_their_lines();
DROP TABLE catalog.reservation_lines;
DROP FUNCTION catalog.reservation_lines_need_parents();

-- No index finds the reservations of a product: the check reads them all, which is fine for a
-- delete that shopd never makes and that an operator makes by hand.
CREATE FUNCTION catalog.products_keep_their_reservations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM catalog.reservations r, unnest(r.lines) AS l
             WHERE l.product_id IN (SELECT id FROM old_rows)) THEN
    RAISE foreign_key_violation USING
      MESSAGE = 'catalog.products rows are still referred to by catalog.reservations.lines';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER products_referred_by_reservations AFTER DELETE ON catalog.products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
  EXECUTE FUNCTION catalog.products_keep_their_reservations();
