// `shopd create-admin` and `shopd seed-demo`: accounts (and demo products) made by the operator, not
// through the API.
#include "application.hpp"

#include "shop/infra/crypto/opaque_token.hpp"
#include "shop/infra/exec/run_blocking.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <stdexcept>

namespace shop::app {
namespace {

// One line from stdin; with a terminal, prompted and without echo.
std::string read_password() {
  const bool terminal = ::isatty(STDIN_FILENO) != 0;
  termios saved{};
  if (terminal) {
    std::cerr << "password: " << std::flush;
    ::tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

std::string describe(const user::AccountRefused& refused) {
  switch (refused.reason) {
    case user::AccountRefused::Reason::kInvalid: {
      std::string text;
      for (const auto& e : refused.fields) text += (text.empty() ? "" : "; ") + e.field + ": " + e.message;
      return text;
    }
    case user::AccountRefused::Reason::kUsernameTaken:
      return "the username is taken";
    case user::AccountRefused::Reason::kEmailTaken:
      return "the e-mail address is taken";
    case user::AccountRefused::Reason::kTooManySignups:
      return "too many signups";
  }
  return "refused";
}

}  // namespace

int Application::create_admin(std::span<const std::string> args) {
  if (args.size() != 2 || args[0] != "--username") {
    std::cerr << "usage: shopd create-admin --username U   (the password is read from stdin)\n";
    return 2;
  }
  const auto password = read_password();
  if (!wait_for_database() || !migrations_ready()) return 1;
  // Database failures are not caught here: main() reports them and exits non-zero.
  user::OperatorAccount admin{.username = args[1], .password = password, .role = user::Role::kAdmin};
  const auto created = infra::exec::run_blocking(users_->create_account(std::move(admin)));
  if (!created) {
    std::cerr << "shopd create-admin: " << describe(created.error()) << "\n";
    return 1;
  }
  std::cout << "admin " << args[1] << " created (id " << *created << ")\n";
  return 0;
}

int Application::seed_demo() {
  if (!wait_for_database() || !migrations_ready()) return 1;
  struct Demo {
    const char* username;
    const char* name;
    const char* phone;
    user::Role role;
  };
  const Demo demos[] = {{"demo_admin", "Demo Admin", "010-0000-0001", user::Role::kAdmin},
                        {"demo_seller", "Demo Seller", "010-0000-0002", user::Role::kSeller},
                        {"demo_customer", "Demo Customer", "010-0000-0003", user::Role::kCustomer}};
  std::cout << "demo accounts (passwords are shown once; they are stored only as Argon2id hashes):\n";
  for (const auto& d : demos) {
    const auto password = infra::crypto::generate_opaque_token().substr(0, 16);
    user::OperatorAccount account{.username = d.username,
                                  .password = password,
                                  .email = std::string(d.username) + "@demo.shop.example",
                                  .name = d.name,
                                  .phone = d.phone,
                                  .role = d.role};
    const auto created = infra::exec::run_blocking(users_->create_account(std::move(account)));
    const auto role = user::role_name(d.role);
    if (created) {
      std::cout << "  " << role << "\t" << d.username << "\t" << password << "\n";
    } else if (created.error().reason == user::AccountRefused::Reason::kUsernameTaken ||
               created.error().reason == user::AccountRefused::Reason::kEmailTaken) {
      std::cout << "  " << role << "\t" << d.username << "\t(exists already; password unchanged)\n";
    } else {
      std::cerr << "shopd seed-demo: " << d.username << ": " << describe(created.error()) << "\n";
      return 1;
    }
  }
  // The seller's products, for one made now or by an earlier run (the products' ids are fixed, so
  // a second run adds none).
  const auto seller = infra::exec::run_blocking(users_->account_id("demo_seller"));
  if (!seller) {
    std::cerr << "shopd seed-demo: demo_seller is not an active account\n";
    return 1;
  }
  const auto products = infra::exec::run_blocking(catalog_->seed_demo_products(*seller));
  std::cout << "demo products for demo_seller: " << products << " created"
            << (products == 0 ? " (they exist already)" : ", one of them a limited sale") << "\n";
  return 0;
}

}  // namespace shop::app
