#pragma once

#include "storefront.hpp"

#include "shop/catalog/catalog_module.hpp"

#include <string>

// What every part of the catalog works with, built once from CatalogDeps.
namespace shop::catalog {

struct CatalogContext {
  explicit CatalogContext(const CatalogDeps& deps)
      : db(deps.db), clock(deps.clock), options(deps.options), storefront(deps.db, deps.options.cache) {}

  infra::db::Database& db;
  const infra::clock::Clock& clock;
  CatalogOptions options;
  Storefront storefront;
};

// Who asks to change a product or its stock: its seller may, an admin may, nobody else.
struct Actor {
  std::string id;
  bool admin = false;

  bool may_change(const std::string& seller_id) const { return admin || id == seller_id; }
};

// Why a change of a product or its stock did not happen.
enum class ChangeRefused {
  kNotFound,       // no such product, or it is deleted
  kForbidden,      // the actor neither owns it nor is an admin
  kBelowReserved,  // a stock adjustment would leave fewer units on hand than are reserved
};

}  // namespace shop::catalog
