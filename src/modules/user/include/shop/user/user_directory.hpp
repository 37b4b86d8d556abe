#pragma once

#include "shop/infra/db/tx.hpp"

#include <optional>
#include <string>
#include <string_view>

// What other modules may ask of the user module: who a user is and how to reach them. The answers
// come decrypted; callers must not store or log them.
namespace shop::user {

enum class Role { kCustomer, kSeller, kAdmin };
std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct Contact {
  std::string user_id;
  std::string username;
  std::optional<std::string> email;  // accounts made by `shopd create-admin` may have none
  std::optional<std::string> name;
};

// An address as an order snapshots it when it is placed.
struct ShippingAddress {
  std::string recipient, phone, zip_code, line1;
  std::optional<std::string> line2 = std::nullopt;
};

// Which address: one of `user_id`'s own, by its id.
struct AddressRef {
  std::string_view user_id;
  std::string_view address_id;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  // nullopt for an unknown or withdrawn user. Runs in the caller's transaction.
  virtual std::optional<Contact> contact(infra::db::Tx& tx, std::string_view user_id) const = 0;
  // One of the user's own addresses, decrypted; nullopt if the user has no address with this id.
  virtual std::optional<ShippingAddress> shipping_address(infra::db::Tx& tx, AddressRef ref) const = 0;
};

}  // namespace shop::user
