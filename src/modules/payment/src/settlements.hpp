#pragma once

#include "shop/order/orders.hpp"

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/tx.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// What the shop owes each seller for a paid order: one row per seller per payment, fee 3.3 %
// rounded down to the won, net = gross - fee; settled by a job once settlement_delay has passed.
namespace shop::payment {

// The fee on `gross` won: 3.3 %, rounded down.
std::int64_t settlement_fee(std::int64_t gross);

void write_settlements(infra::db::Tx& tx, const std::string& payment_id, const order::Order& order,
                       infra::clock::TimePoint sold_at);

// pending -> settled for rows sold before `cutoff`; returns how many.
std::int64_t settle_due(infra::db::Tx& tx, infra::clock::TimePoint cutoff, infra::clock::TimePoint now);

// pending -> reversed for the payment's rows, when it is refunded; returns how many rows were
// settled already (paid out, so they stay as they are).
std::int64_t reverse_settlements(infra::db::Tx& tx, std::string_view payment_id);

struct SettlementFilter {
  std::string seller_id;
  std::optional<std::string> status = std::nullopt;
  std::optional<infra::clock::TimePoint> after_sold = std::nullopt;  // the keyset cursor
  std::string after_id = {};
  std::size_t limit = 20;
};
// Newest first; each {"id","payment_id","order_id","gross","fee","net","status","sold_at","settled_at"}
// with its sold_at (for the cursor).
struct SettlementRow {
  boost::json::object json;
  infra::clock::TimePoint sold_at;
  std::string id;
};
std::vector<SettlementRow> list_settlements(infra::db::Tx& tx, const SettlementFilter& filter);

}  // namespace shop::payment
