-- One schema per bounded context (DESIGN.md): a module's SQL names only its own schema, which is
-- what lets a module move to its own database later. Infrastructure tables live in `shopd`, which
-- the migrator itself creates.
CREATE SCHEMA IF NOT EXISTS users;
CREATE SCHEMA IF NOT EXISTS catalog;
CREATE SCHEMA IF NOT EXISTS wishlist;
CREATE SCHEMA IF NOT EXISTS orders;
CREATE SCHEMA IF NOT EXISTS payments;
CREATE SCHEMA IF NOT EXISTS notification;
