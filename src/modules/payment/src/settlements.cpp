#include "settlements.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/random.hpp"
#include "shop/infra/http/json_values.hpp"

#include <map>

namespace shop::payment {
namespace {

using infra::db::Statement;

constexpr Statement kInsert{
    "payments.insert_settlements",
    "INSERT INTO payments.settlements (id, payment_id, order_id, seller_id, gross, fee, net, status, sold_at)"
    " SELECT s.id, $1, $2, s.seller_id, s.gross, s.fee, s.gross - s.fee, 'pending', $3"
    " FROM unnest($4::uuid[], $5::uuid[], $6::bigint[], $7::bigint[]) AS s(id, seller_id, gross, fee)"};
constexpr Statement kSettle{"payments.settle_due",
                            "UPDATE payments.settlements SET status = 'settled', settled_at = $2"
                            " WHERE status = 'pending' AND sold_at < $1"};
// Returns the rows that were settled already, and so could not be reversed.
constexpr Statement kReverse{
    "payments.reverse_settlements",
    "WITH r AS (UPDATE payments.settlements SET status = 'reversed' WHERE payment_id = $1 AND status = "
    "'pending' RETURNING id)"
    " SELECT count(*) FROM payments.settlements WHERE payment_id = $1 AND status = 'settled'"};
// $2/$3 the cursor (a first page passes 'infinity'), $4 the limit, $5 the status or NULL for all.
constexpr Statement kList{
    "payments.seller_settlements",
    "SELECT id, payment_id, order_id, gross, fee, net, status, sold_at, settled_at FROM payments.settlements"
    " WHERE seller_id = $1 AND (sold_at, id) < ($2::timestamptz, $3::uuid) AND ($5::text IS NULL OR status = "
    "$5)"
    " ORDER BY sold_at DESC, id DESC LIMIT $4"};

}  // namespace

std::int64_t settlement_fee(std::int64_t gross) {
  return gross * 33 / 1000;
}

void write_settlements(infra::db::Tx& tx, const std::string& payment_id, const order::Order& order,
                       infra::clock::TimePoint sold_at) {
  std::map<std::string, std::int64_t> gross_by_seller;
  for (const auto& line : order.items) gross_by_seller[line.seller_id] += line.line_total();
  std::vector<std::string> ids, sellers;
  std::vector<std::int64_t> gross, fees;
  for (const auto& [seller, amount] : gross_by_seller) {
    ids.push_back(infra::crypto::random_uuid());
    sellers.push_back(seller);
    gross.push_back(amount);
    fees.push_back(settlement_fee(amount));
  }
  tx.defer(kInsert, payment_id, order.id, sold_at, ids, sellers, gross, fees);
}

std::int64_t settle_due(infra::db::Tx& tx, infra::clock::TimePoint cutoff, infra::clock::TimePoint now) {
  return tx.exec(kSettle, cutoff, now);
}

std::int64_t reverse_settlements(infra::db::Tx& tx, std::string_view payment_id) {
  return tx.query(kReverse, payment_id)[0].integer(0);
}

std::vector<SettlementRow> list_settlements(infra::db::Tx& tx, const SettlementFilter& f) {
  using infra::clock::format_rfc3339;
  const infra::db::Param after =
      f.after_sold ? infra::db::Param(*f.after_sold) : infra::db::Param("infinity");
  const std::string after_id = f.after_sold ? f.after_id : "ffffffff-ffff-ffff-ffff-ffffffffffff";
  std::vector<SettlementRow> out;
  for (const auto row : tx.query(kList, f.seller_id, after, after_id, f.limit, f.status)) {
    out.push_back({{{"id", row.string(0)},
                    {"payment_id", row.string(1)},
                    {"order_id", row.string(2)},
                    {"gross", row.integer(3)},
                    {"fee", row.integer(4)},
                    {"net", row.integer(5)},
                    {"status", row.string(6)},
                    {"sold_at", format_rfc3339(row.time(7))},
                    {"settled_at", infra::http::time_or_null(row.optional_time(8))}},
                   row.time(7),
                   row.string(0)});
  }
  return out;
}

}  // namespace shop::payment
