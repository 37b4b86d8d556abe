-- The wishlist module's table: product ids and quantities only. Names, prices and availability are
-- the catalog's, read when the wishlist is (no foreign key: a module's SQL names its own schema).
CREATE TABLE wishlist.items (
  user_id uuid NOT NULL,
  product_id uuid NOT NULL,
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 999),
  added_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, product_id)
);
