-- The catalog module's tables: products, their stock and its history, and the reservations orders
-- hold. Stock never oversells because every change is one conditional UPDATE under the product's row
-- lock, and the CHECK on reserved <= on_hand stands behind it.

-- Trigram matching for `?q=`; a trusted extension, so the database's owner may create it. It is
-- database-wide by nature and lives in the default schema.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE catalog.products (
  id uuid PRIMARY KEY,
  seller_id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 5000),
  price bigint NOT NULL CHECK (price BETWEEN 1 AND 100000000),
  category text CHECK (char_length(category) <= 50 AND category ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  image_urls text[] NOT NULL DEFAULT '{}' CHECK (cardinality(image_urls) <= 10),
  sale_opens_at timestamptz,        -- a limited sale: nothing is reserved before it
  purchase_limit integer CHECK (purchase_limit > 0),  -- units one customer may hold in all
  on_hand bigint NOT NULL CHECK (on_hand >= 0),
  reserved bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz,           -- soft delete: gone from the storefront, still held by orders
  CHECK (reserved <= on_hand)
);

-- Every list is a keyset walk of one of these, newest first or by price, each with the id as the
-- unique tiebreaker; a backward scan serves the descending sorts. Deleted products are in none.
CREATE INDEX products_newest ON catalog.products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_by_price ON catalog.products (price, id) WHERE deleted_at IS NULL;
CREATE INDEX products_seller_newest ON catalog.products (seller_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_seller_by_price ON catalog.products (seller_id, price, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_newest ON catalog.products (category, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_by_price ON catalog.products (category, price, id) WHERE deleted_at IS NULL;

-- `q` of three characters or more: trigrams serve ILIKE '%q%' (Hangul included, as word characters).
-- fastupdate off: a product is searchable by the index at once, and the planner's cost of the index
-- does not grow with a pending list between vacuums.
CREATE INDEX products_name_trigrams ON catalog.products USING gin (name gin_trgm_ops)
  WITH (fastupdate = off) WHERE deleted_at IS NULL;

-- `q` of one or two characters has no trigram; Korean names are often searched by one or two
-- syllables (배, 사과), so every 1- and 2-character piece of the lower-cased name is indexed too.
CREATE FUNCTION catalog.name_pieces(name text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN ARRAY(
    SELECT DISTINCT substr(lower(name), i, n)
    FROM generate_series(1, char_length(name)) AS i, (VALUES (1), (2)) AS piece(n)
    WHERE i + n - 1 <= char_length(name));
CREATE INDEX products_name_pieces ON catalog.products USING gin (catalog.name_pieces(name))
  WITH (fastupdate = off) WHERE deleted_at IS NULL;

-- What a search for `q` asks of those indexes, as immutable functions of q so that the planner
-- folds them into constants it can match against the indexes:
--   name ILIKE catalog.contains_pattern(q)
--     AND (char_length(q) > 2 OR catalog.name_pieces(name) @> catalog.query_pieces(q))
-- The pieces every name containing q has: q's 2-character pieces, or q itself if shorter.
CREATE FUNCTION catalog.query_pieces(q text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN char_length(q) < 2 THEN ARRAY[lower(q)]
    ELSE ARRAY(SELECT DISTINCT substr(lower(q), i, 2) FROM generate_series(1, char_length(q) - 1) AS i) END;
-- '%q%' with q's own %, _ and \ matching themselves.
CREATE FUNCTION catalog.contains_pattern(q text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%';

-- Every change of on_hand a person made (the initial stock included): who, by how much, why, when.
CREATE TABLE catalog.stock_adjustments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES catalog.products (id),
  actor_id uuid NOT NULL,
  delta bigint NOT NULL CHECK (delta <> 0),
  reason text,
  on_hand_after bigint NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE INDEX stock_adjustments_by_product ON catalog.stock_adjustments (product_id, id);

-- Stock an order holds: reserved, then released (cancelled or expired unpaid) or sold, and a sale
-- later restocked (returned, or cancelled after payment). The order id makes every call idempotent.
CREATE TABLE catalog.reservations (
  order_id uuid PRIMARY KEY,
  customer_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('reserved', 'released', 'sold', 'restocked')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- Purchase limits count a customer's live reservations and sales.
CREATE INDEX reservations_live_by_customer ON catalog.reservations (customer_id)
  WHERE status IN ('reserved', 'sold');

-- One line per product of a reservation, with the name, price and seller it was reserved at.
CREATE TABLE catalog.reservation_lines (
  order_id uuid NOT NULL REFERENCES catalog.reservations (order_id),
  product_id uuid NOT NULL REFERENCES catalog.products (id),
  quantity bigint NOT NULL CHECK (quantity > 0),
  name text NOT NULL,
  unit_price bigint NOT NULL,
  seller_id uuid NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX reservation_lines_by_product ON catalog.reservation_lines (product_id);
