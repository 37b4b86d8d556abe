#pragma once

#include "catalog_context.hpp"

#include "shop/catalog/catalog.hpp"

#include <optional>
#include <string_view>

// The stock orders hold (Catalog's reserve, release, commit, restock), always in the caller's
// transaction. Every movement of stock is one conditional UPDATE over all lines at once, after the
// products' rows are locked in id order: two baskets that share products wait for each other
// instead of deadlocking, and the purchase limit is counted only once the lock is held, so two
// baskets of one customer cannot both count what the other is about to take.
namespace shop::catalog {

infra::domain::Outcome<Reservation, ReserveRefused> reserve(const CatalogContext& ctx, infra::db::Tx& tx,
                                                            const ReserveRequest& request);
infra::domain::Outcome<infra::domain::Done, TransitionRefused> release(const CatalogContext& ctx,
                                                                       infra::db::Tx& tx,
                                                                       std::string_view order_id);
infra::domain::Outcome<infra::domain::Done, TransitionRefused> commit(const CatalogContext& ctx,
                                                                      infra::db::Tx& tx,
                                                                      std::string_view order_id);
infra::domain::Outcome<infra::domain::Done, TransitionRefused> restock(const CatalogContext& ctx,
                                                                       infra::db::Tx& tx,
                                                                       std::string_view order_id);
std::optional<Reservation> find_reservation(infra::db::Tx& tx, std::string_view order_id);

}  // namespace shop::catalog
