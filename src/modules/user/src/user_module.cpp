#include "shop/user/user_module.hpp"

#include "accounts.hpp"
#include "addresses.hpp"
#include "personal_data.hpp"
#include "routes.hpp"
#include "sessions.hpp"
#include "validation.hpp"

#include "shop/infra/log/log.hpp"

namespace shop::user {
namespace {

constexpr infra::db::Statement kAccountId{
    "users.account_id", "SELECT id FROM users.accounts WHERE username = $1 AND status = 'active'"};
constexpr infra::db::Statement kContact{
    "users.contact",
    "SELECT username, email_ct, name_ct FROM users.accounts WHERE id = $1 AND status = 'active'"};

class Directory final : public UserDirectory {
 public:
  explicit Directory(const UserContext& ctx) : ctx_(ctx) {}

  std::optional<ShippingAddress> shipping_address(infra::db::Tx& tx, AddressRef ref) const override {
    if (!is_uuid(ref.user_id) || !is_uuid(ref.address_id)) return std::nullopt;
    auto a = find_address(ctx_, tx, std::string(ref.user_id), std::string(ref.address_id));
    if (!a) return std::nullopt;
    return ShippingAddress{std::move(a->recipient), std::move(a->phone), std::move(a->zip_code),
                           std::move(a->line1), std::move(a->line2)};
  }

  std::optional<Contact> contact(infra::db::Tx& tx, std::string_view user_id) const override {
    if (!is_uuid(user_id)) return std::nullopt;
    const std::string id(user_id);
    const auto row = tx.query(kContact, id).first();
    if (!row) return std::nullopt;
    return Contact{id, row->string(0),
                   open_optional(ctx_.cipher, row->optional_bytes(1), "users.accounts.email", id),
                   open_optional(ctx_.cipher, row->optional_bytes(2), "users.accounts.name", id)};
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

  void register_jobs(infra::scheduler::Scheduler& scheduler) override {
    scheduler.every("users.retention", ctx_.options.purge_interval, [this](infra::db::Tx& tx) {
      const auto sessions = purge_sessions(ctx_, tx);
      const auto counters = ctx_.limiter.purge_expired(tx);
      const auto accounts = purge_expired_pending_accounts(ctx_, tx);
      if (sessions + counters + accounts > 0) {
        infra::log::info(
            "user", "retention",
            {{"sessions_and_tokens", sessions}, {"counters", counters}, {"unverified_accounts", accounts}});
      }
    });
  }

  boost::asio::awaitable<infra::domain::Outcome<std::string, AccountRefused>> create_account(
      OperatorAccount account) override {
    // Named, not braced into the call: g++ 12 frees a braced temporary's strings twice when it is a
    // coroutine's argument.
    AccountRequest request{.username = std::move(account.username),
                           .password = std::move(account.password),
                           .email = std::move(account.email),
                           .name = std::move(account.name),
                           .phone = std::move(account.phone),
                           .role = account.role,
                           .active = true};
    co_return co_await user::create_account(ctx_, std::move(request));
  }

  boost::asio::awaitable<std::optional<std::string>> account_id(std::string username) override {
    const auto row = (co_await ctx_.db.query(kAccountId, username)).first();
    if (!row) co_return std::nullopt;
    co_return row->string(0);
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

std::unique_ptr<UserModule> make_user_module(UserDeps deps) {
  return std::make_unique<Module>(deps);
}

}  // namespace shop::user
