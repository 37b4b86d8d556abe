#include "support/pg_standin_process.hpp"

#include "support/http_client.hpp"

#include "shop/infra/crypto/base64.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace shop::test {

ProcessResult run_pg_standin(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  return run_to_completion(SHOPD_PG_STANDIN_BINARY, args, {}, timeout, "");
}

PgStandinProcess::PgStandinProcess(std::string secret_key)
    : secret_key_(std::move(secret_key)),
      process_(SHOPD_PG_STANDIN_BINARY, {"--listen", "127.0.0.1:0", "--secret-key", secret_key_}),
      port_(process_.wait_until_listening()) {}

std::string PgStandinProcess::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

std::pair<std::string, std::string> PgStandinProcess::authorization() const {
  return {"Authorization", "Basic " + infra::crypto::encode_base64(secret_key_ + ":")};
}

void PgStandinProcess::set_mode(std::string_view mode, std::optional<int> delay_ms) const {
  boost::json::object body{{"mode", mode}};
  if (delay_ms) body["delay_ms"] = *delay_ms;
  const auto response = http_request(port_, "POST", "/control", boost::json::serialize(body));
  if (response.status != 200) {
    throw std::runtime_error(fmt::format("POST /control answered {}: {}", response.status, response.body));
  }
}

boost::json::object PgStandinProcess::record() const {
  const auto response = http_request(port_, "GET", "/control/record");
  if (response.status != 200) {
    throw std::runtime_error(
        fmt::format("GET /control/record answered {}: {}", response.status, response.body));
  }
  return response.json().as_object();
}

boost::json::object PgStandinProcess::record_of(std::string_view payment_key) const {
  const auto all = record();
  const auto* entry = all.at("payments").as_object().if_contains(payment_key);
  if (entry == nullptr) throw std::runtime_error(fmt::format("the gateway never saw {}", payment_key));
  return entry->as_object();
}

}  // namespace shop::test
