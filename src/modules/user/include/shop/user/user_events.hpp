#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>

// Facts the user module publishes. They carry ids only: personal data stays in the user module,
// and a subscriber that needs it asks UserDirectory.
namespace shop::user {

struct UserRegistered {
  static constexpr std::string_view kType = "user.UserRegistered";
  static constexpr int kVersion = 1;
  std::string user_id;
};

struct UserWithdrawn {
  static constexpr std::string_view kType = "user.UserWithdrawn";
  static constexpr int kVersion = 1;
  std::string user_id;
};

template <class E>
requires std::same_as<E, UserRegistered> || std::same_as<E, UserWithdrawn>
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const E& e) {
  v = {{"user_id", e.user_id}};
}

template <class E>
requires std::same_as<E, UserRegistered> || std::same_as<E, UserWithdrawn> E
tag_invoke(boost::json::value_to_tag<E>, const boost::json::value& v) {
  return E{boost::json::value_to<std::string>(v.at("user_id"))};
}

}  // namespace shop::user
