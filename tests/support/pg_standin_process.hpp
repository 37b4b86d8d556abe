#pragma once

#include "support/child_process.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The payment gateway stand-in, shopd-pg-standin, as a child process on a free loopback port: for the
// stand-in's own tests and for shopd's payment tests (point SHOPD_GATEWAY_URL at url() and
// SHOPD_GATEWAY_SECRET_KEY at secret_key()). docs/pg-standin.md describes what it answers.
namespace shop::test {

// Runs `shopd-pg-standin args...` to completion (--help, argument errors).
ProcessResult run_pg_standin(const std::vector<std::string>& args,
                             std::chrono::seconds timeout = std::chrono::seconds(30));

class PgStandinProcess {
 public:
  // Starts it and waits for its "listening" line; throws with its log if it exits first.
  explicit PgStandinProcess(std::string secret_key = "test_sk_pg_standin");

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:PORT"
  const std::string& secret_key() const { return secret_key_; }
  // The header the gateway takes: HTTP Basic with the secret key as user name and an empty password.
  std::pair<std::string, std::string> authorization() const;

  // POST /control; throws unless it answers 200. delay_ms goes with "slow" only.
  void set_mode(std::string_view mode, std::optional<int> delay_ms = std::nullopt) const;
  // GET /control/record: {"mode","delay_ms","refused_while_down","payments":{key: {...}}}.
  boost::json::object record() const;
  // record()'s entry for one paymentKey; throws if the gateway never saw it.
  boost::json::object record_of(std::string_view payment_key) const;

  void signal(int sig) { process_.signal(sig); }
  // Exit code, or nullopt if still running after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout) {
    return process_.wait_for_exit(timeout);
  }
  std::string log() const { return process_.log(); }

 private:
  std::string secret_key_;
  ChildProcess process_;  // SIGKILLed when destroyed if still running
  std::uint16_t port_ = 0;
};

}  // namespace shop::test
