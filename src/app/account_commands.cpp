// `shopd create-admin` and `shopd seed-demo`: accounts made by the operator, not through the API.
#include "application.hpp"

#include "shop/infra/crypto/opaque_token.hpp"

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

}  // namespace

int Application::create_admin(std::span<const std::string> args) {
  if (args.size() != 2 || args[0] != "--username") {
    std::cerr << "usage: shopd create-admin --username U   (the password is read from stdin)\n";
    return 2;
  }
  const auto password = read_password();
  if (!wait_for_database() || !migrations_ready()) return 1;
  try {
    const auto id = users_->create_account(args[1], password, "", "", "", user::Role::kAdmin);
    std::cout << "admin " << args[1] << " created (id " << id << ")\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "shopd create-admin: " << e.what() << "\n";
    return 1;
  }
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
    try {
      users_->create_account(d.username, password, std::string(d.username) + "@demo.shop.example", d.name,
                             d.phone, d.role);
      std::cout << "  " << user::role_name(d.role) << "\t" << d.username << "\t" << password << "\n";
    } catch (const std::runtime_error&) {
      std::cout << "  " << user::role_name(d.role) << "\t" << d.username
                << "\t(exists already; password unchanged)\n";
    }
  }
  return 0;
}

}  // namespace shop::app
