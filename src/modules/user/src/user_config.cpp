#include "shop/user/user_module.hpp"

namespace shop::user {
namespace {

using infra::config::Knob;

constexpr Knob kKnobs[] = {
    {"auth.access_ttl", "SHOPD_ACCESS_TTL", "15m", "lifetime of an access token"},
    {"auth.refresh_ttl", "SHOPD_REFRESH_TTL", "14d",
     "lifetime of a refresh token (each use issues a new one)"},
    {"auth.session_lifetime", "SHOPD_SESSION_LIFETIME", "30d",
     "a session ends this long after its login, however recently its tokens rotated"},
    {"auth.code_ttl", "SHOPD_VERIFICATION_CODE_TTL", "10m", "lifetime of an e-mail verification code"},
    {"auth.resend_interval", "SHOPD_VERIFICATION_RESEND_INTERVAL", "1m",
     "least time between two verification mails"},
    {"auth.verify_attempts", "SHOPD_VERIFICATION_ATTEMPTS", "5", "wrong codes before a code is void"},
    {"auth.verification_max_failures", "SHOPD_VERIFICATION_MAX_FAILURES", "15",
     "wrong codes per account in all, across resends; then verify and resend answer 429 until it expires"},
    {"auth.pending_account_ttl", "SHOPD_PENDING_ACCOUNT_TTL", "24h",
     "an account still unverified this long after signup no longer holds its username or e-mail"},
    {"auth.login_per_username", "SHOPD_LOGIN_LIMIT_PER_USERNAME", "10",
     "login attempts per username per window (a successful login forgives them); also password re-checks per "
     "account"},
    {"auth.login_per_address", "SHOPD_LOGIN_LIMIT_PER_ADDRESS", "50",
     "failed logins per client address per window"},
    {"auth.login_window", "SHOPD_LOGIN_LIMIT_WINDOW", "15m", "the window of the login limits"},
    {"auth.signup_limit_per_address", "SHOPD_SIGNUP_LIMIT_PER_ADDRESS", "100",
     "signups per client address per hour (429 with Retry-After above)"},
    {"auth.purge_interval", "SHOPD_AUTH_PURGE_INTERVAL", "1h",
     "how often ended sessions, expired tokens and counters, and expired unverified accounts are deleted"},
};

}  // namespace

std::span<const Knob> user_knobs() {
  return kKnobs;
}

UserOptions read_user_options(const infra::config::Settings& s, std::string mail_from) {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  const auto secs = [&](std::string_view key, seconds min) {
    return duration_cast<seconds>(s.duration(key, min));
  };
  const auto count = [&](std::string_view key, int max) { return static_cast<int>(s.integer(key, 1, max)); };
  UserOptions o;
  o.access_ttl = secs("auth.access_ttl", seconds(10));
  o.refresh_ttl = secs("auth.refresh_ttl", o.access_ttl);
  o.session_lifetime = secs("auth.session_lifetime", seconds(10));
  o.code_ttl = secs("auth.code_ttl", seconds(1));
  o.pending_account_ttl = secs("auth.pending_account_ttl", o.code_ttl);
  o.purge_interval = secs("auth.purge_interval", seconds(1));
  o.mail_from = std::move(mail_from);
  o.limits.resend_interval = secs("auth.resend_interval", seconds(1));
  o.limits.verify_attempts = count("auth.verify_attempts", 100);
  o.limits.verification_max_failures = count("auth.verification_max_failures", 10'000);
  o.limits.login_per_username = count("auth.login_per_username", 1'000'000);
  o.limits.login_per_address = count("auth.login_per_address", 1'000'000);
  o.limits.login_window = secs("auth.login_window", seconds(1));
  o.limits.signup_per_address = count("auth.signup_limit_per_address", 1'000'000);
  return o;
}

}  // namespace shop::user
