#include "shop/user/user_module.hpp"

#include "personal_data.hpp"
#include "routes.hpp"
#include "sessions.hpp"
#include "validation.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace shop::user {
namespace {

constexpr const char* kContact =
    "SELECT username, COALESCE(email_ct::text, ''), COALESCE(name_ct::text, '') FROM users.accounts"
    " WHERE id = CAST(:id AS uuid) AND status = 'active'";
constexpr const char* kNewId = "SELECT gen_random_uuid()::text";
constexpr const char* kTaken = "the username or e-mail address is taken";
constexpr const char* kInsertActive =
    "INSERT INTO users.accounts (id, username, password_hash, email_ct, email_bidx, name_ct, phone_ct, role, "
    "status)"
    " VALUES (CAST(:id AS uuid), :username, :hash, CAST(NULLIF(:email, '') AS bytea), CAST(NULLIF(:bidx, '') "
    "AS bytea),"
    " CAST(NULLIF(:name, '') AS bytea), CAST(NULLIF(:phone, '') AS bytea), :role, 'active') ON CONFLICT DO "
    "NOTHING";

class Directory final : public UserDirectory {
 public:
  explicit Directory(const UserContext& ctx) : ctx_(ctx) {}

  std::optional<Contact> contact(infra::db::Session& session, std::string_view user_id) const override {
    if (!is_uuid(user_id)) return std::nullopt;
    const std::string id(user_id);
    std::string username, email, name;
    session.sql() << kContact, soci::use(id), soci::into(username), soci::into(email), soci::into(name);
    if (!session.sql().got_data()) return std::nullopt;
    return Contact{id, username, email.empty() ? "" : open(ctx_.cipher, email, "users.accounts.email", id),
                   name.empty() ? "" : open(ctx_.cipher, name, "users.accounts.name", id)};
  }

 private:
  const UserContext& ctx_;
};

class Module final : public UserModule {
 public:
  explicit Module(const UserDeps& deps) : ctx_(deps), directory_(ctx_) {}

  const UserDirectory& directory() const override { return directory_; }

  infra::http::Authenticator authenticator() const override {
    return [this](std::string token) { return authenticate(ctx_, std::move(token)); };
  }

  void register_routes(infra::http::Router& router) override {
    register_signup_routes(router, ctx_);
    register_session_routes(router, ctx_);
    register_me_routes(router, ctx_);
    register_address_routes(router, ctx_);
    register_admin_routes(router, ctx_);
  }

  std::string create_account(const std::string& username, const std::string& password,
                             const std::string& email, const std::string& name, const std::string& phone,
                             Role role) override {
    if (!valid_username(username)) throw std::invalid_argument("username: must be 4 to 20 of a-z, 0-9 and _");
    if (password.size() < 8 || password.size() > 128 || password == username) {
      throw std::invalid_argument("password: must be 8 to 128 characters and not the username");
    }
    const auto normal_email = normalize_email(email);
    if (!email.empty() && !valid_email(normal_email))
      throw std::invalid_argument("email: must be an e-mail address");
    const auto normal_phone = phone.empty() ? std::optional<std::string>("") : normalize_phone(phone);
    if (!normal_phone)
      throw std::invalid_argument("phone: must be a Korean mobile number such as 010-1234-5678");
    const auto hash = ctx_.passwords.hash_now(password);
    const std::string role_text(role_name(role));
    auto create = [&](infra::db::Tx& tx) {
      if (!normal_email.empty() && email_in_use(tx, ctx_.index, normal_email))
        throw std::runtime_error(kTaken);
      std::string id;
      tx.sql() << kNewId, soci::into(id);
      auto sealed = [&](const std::string& value, std::string_view column) {
        return value.empty() ? std::string() : seal(ctx_.cipher, value, column, id);
      };
      const auto email_ct = sealed(normal_email, "users.accounts.email");
      const auto bidx = normal_email.empty() ? std::string() : email_index(ctx_.index, normal_email);
      const auto name_ct = sealed(name, "users.accounts.name");
      const auto phone_ct = sealed(*normal_phone, "users.accounts.phone");
      soci::statement insert = (tx.sql().prepare << kInsertActive, soci::use(id), soci::use(username),
                                soci::use(hash), soci::use(email_ct), soci::use(bidx), soci::use(name_ct),
                                soci::use(phone_ct), soci::use(role_text));
      insert.execute(true);
      if (insert.get_affected_rows() == 0) throw std::runtime_error(kTaken);
      return id;
    };
    return ctx_.db.transact_blocking(create);
  }

 private:
  UserContext ctx_;
  Directory directory_;
};

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kCustomer:
      return "customer";
    case Role::kSeller:
      return "seller";
    case Role::kAdmin:
      return "admin";
  }
  return "customer";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "customer") return Role::kCustomer;
  if (name == "seller") return Role::kSeller;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

infra::http::Problem too_many(std::string code, std::chrono::seconds retry_after, std::string detail) {
  return infra::http::Problem(429, std::move(code), "Too many requests", std::move(detail))
      .header("Retry-After", std::to_string(std::max<long long>(1, retry_after.count())));
}

std::unique_ptr<UserModule> make_user_module(UserDeps deps) {
  return std::make_unique<Module>(deps);
}

}  // namespace shop::user
