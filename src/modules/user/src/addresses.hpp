#pragma once

#include "user_context.hpp"

#include "shop/infra/domain/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

// A user's shipping addresses: at most kMaxAddresses, exactly one of them the default once there is
// any. Every field is personal data, sealed to its row.
namespace shop::user {

inline constexpr int kMaxAddresses = 20;

struct Address {
  std::string id;
  std::string recipient, phone, zip_code, line1;
  std::optional<std::string> line2;
  bool is_default = false;
  infra::clock::TimePoint created_at;
};
boost::json::object to_json(const Address& address);

// The fields of a new address (all but line2 and is_default required) or of a change (all optional).
struct AddressFields {
  std::optional<std::string> recipient = std::nullopt, phone = std::nullopt, zip_code = std::nullopt,
                             line1 = std::nullopt, line2 = std::nullopt;
  std::optional<bool> is_default = std::nullopt;
};

std::vector<Address> list_addresses(const UserContext& ctx, infra::db::Tx& tx, const std::string& user_id);
// One of the user's addresses (nullopt: the user has no such address).
std::optional<Address> find_address(const UserContext& ctx, infra::db::Tx& tx, const std::string& user_id,
                                    const std::string& address_id);
boost::asio::awaitable<std::vector<Address>> list_addresses(UserContext& ctx, std::string user_id);

enum class AddressRefused { kLimitReached, kNotFound };
// The first address becomes the default whatever is_default says.
boost::asio::awaitable<infra::domain::Outcome<Address, AddressRefused>> add_address(UserContext& ctx,
                                                                                    std::string user_id,
                                                                                    AddressFields fields);
boost::asio::awaitable<infra::domain::Outcome<Address, AddressRefused>> change_address(UserContext& ctx,
                                                                                       std::string user_id,
                                                                                       std::string address_id,
                                                                                       AddressFields fields);
// Deleting the default makes the oldest remaining address the default.
boost::asio::awaitable<infra::domain::Outcome<infra::domain::Done, AddressRefused>> remove_address(
    UserContext& ctx, std::string user_id, std::string address_id);

}  // namespace shop::user
