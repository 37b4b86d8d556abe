#pragma once

#include "shop/infra/db/tx.hpp"

#include <string_view>

namespace shop::user {

// Whether a user may withdraw now. The user module declares it and asks it in the withdrawal's
// transaction; the order module implements it (orders paid, shipping or awaiting a return keep a
// user from leaving), and src/app wires the two, so user never depends on order.
class WithdrawalGuard {
 public:
  virtual ~WithdrawalGuard() = default;
  virtual bool has_orders_in_progress(infra::db::Tx& tx, std::string_view user_id) const = 0;
};

}  // namespace shop::user
