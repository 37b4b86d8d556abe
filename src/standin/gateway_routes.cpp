#include "gateway_routes.hpp"

#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <strings.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <utility>

namespace shop::pg_standin {
namespace {

namespace asio = boost::asio;
namespace http = infra::http;
namespace json = boost::json;
using http::Method;
using http::Request;
using http::Response;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kDefaultSlowDelay{3000};
constexpr std::int64_t kMaxDelayMs = 600'000;
constexpr std::int64_t kMaxAmount = 1'000'000'000'000;
constexpr std::size_t kMaxIdempotencyKey = 300;  // the real gateway's limit

struct FailureWire {
  Failure failure;
  unsigned status;
  std::string_view code;
};
// The real gateway's statuses and codes (IDEMPOTENT_REQUEST_PROCESSING at 422 and PAYMENT_MISMATCH are
// this stand-in's choices, docs/pg-standin.md).
constexpr std::array<FailureWire, 9> kFailures{{
    {Failure::kRejectCard, 400, "REJECT_CARD_PAYMENT"},
    {Failure::kInternalError, 500, "FAILED_INTERNAL_SYSTEM_PROCESSING"},
    {Failure::kAlreadyProcessed, 400, "ALREADY_PROCESSED_PAYMENT"},
    {Failure::kPaymentMismatch, 400, "PAYMENT_MISMATCH"},
    {Failure::kIdempotencyKeyReused, 422, "IDEMPOTENT_REQUEST_PROCESSING"},
    {Failure::kNotFound, 404, "NOT_FOUND_PAYMENT"},
    {Failure::kNotCancelablePayment, 400, "NOT_CANCELABLE_PAYMENT"},
    {Failure::kAlreadyCanceled, 400, "ALREADY_CANCELED_PAYMENT"},
    {Failure::kNotCancelableAmount, 400, "NOT_CANCELABLE_AMOUNT"},
}};

// The gateway's error body is {"code","message"}, not a problem document: clients parse what the
// real gateway sends.
Response gateway_error(unsigned status, std::string_view code, std::string_view message) {
  return http::json_response(status, json::object{{"code", code}, {"message", message}});
}

// A request the gateway refuses before any payment rule applies (credentials, body); the handler
// wrappers turn it into the gateway's error answer.
class RequestRefused : public std::runtime_error {
 public:
  RequestRefused(unsigned status, std::string code, const std::string& message)
      : std::runtime_error(message), status_(status), code_(std::move(code)) {}

  Response to_response() const {
    auto response = gateway_error(status_, code_, what());
    if (status_ == 401) response.header("WWW-Authenticate", R"(Basic realm="pg-standin")");
    return response;
  }

 private:
  unsigned status_;
  std::string code_;
};

RequestRefused invalid_request(const std::string& message) {
  return {400, "INVALID_REQUEST", message};
}

// The real gateway answers in Korean time with an offset (2026-11-20T18:30:00+09:00), so a client
// must parse offsets, not only "Z". fmt::gmtime because fmt 9 formats a time_point in local time.
std::string rfc3339_kst(TimePoint t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}+09:00",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(t + std::chrono::hours(9))));
}

json::object to_json(const Payment& payment) {
  json::array cancels;
  for (const Cancel& c : payment.cancels) {
    cancels.push_back(json::object{{"cancelAmount", c.amount},
                                   {"cancelReason", c.reason},
                                   {"canceledAt", rfc3339_kst(c.canceled_at)},
                                   {"transactionKey", c.transaction_key}});
  }
  json::value approved_at = nullptr;
  if (payment.approved_at) approved_at = rfc3339_kst(*payment.approved_at);
  return {{"paymentKey", payment.payment_key},
          {"orderId", payment.order_id},
          {"status", status_name(payment.status)},
          {"totalAmount", payment.total_amount},
          {"balanceAmount", payment.balance_amount},
          {"method", "CARD"},
          {"requestedAt", rfc3339_kst(payment.requested_at)},
          {"approvedAt", std::move(approved_at)},
          {"cancels", std::move(cancels)}};
}

Response to_response(const Answer& answer) {
  if (const auto* payment = std::get_if<Payment>(&answer)) return http::json_response(200, to_json(*payment));
  const auto& refusal = std::get<Refusal>(answer);
  const auto wire = std::find_if(kFailures.begin(), kFailures.end(),
                                 [&](const FailureWire& w) { return w.failure == refusal.failure; });
  return gateway_error(wire->status, wire->code, refusal.message);
}

void check_credentials(const Request& request, const std::string& credentials) {
  constexpr std::string_view kScheme = "Basic ";
  const auto header = request.header("Authorization");
  if (!header || header->size() <= kScheme.size() ||
      strncasecmp(header->data(), kScheme.data(), kScheme.size()) != 0) {
    throw RequestRefused(401, "UNAUTHORIZED_KEY",
                         "Send the secret key as the user name of HTTP Basic auth, with an empty password.");
  }
  const auto decoded = infra::crypto::decode_base64(header->substr(kScheme.size()));
  if (!decoded || *decoded != credentials) {
    throw RequestRefused(401, "UNAUTHORIZED_KEY",
                         "The secret key is not valid, or the password is not empty.");
  }
}

json::object parse_body(const Request& request, std::initializer_list<std::string_view> fields) {
  boost::system::error_code ec;
  auto value = json::parse(request.body, ec);
  if (ec || !value.is_object()) throw invalid_request("The body must be a JSON object.");
  // A field the gateway does not take is refused rather than ignored: a client's typo
  // (cancel_amount for cancelAmount) would otherwise cancel in full without a word.
  for (const auto& [name, field_value] : value.as_object()) {
    if (std::find(fields.begin(), fields.end(), std::string_view(name)) == fields.end()) {
      throw invalid_request(fmt::format("Unknown field '{}'.", std::string_view(name)));
    }
  }
  return std::move(value.as_object());
}

bool key_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// paymentKey and orderId, with the real gateway's rules: letters, digits, '-' and '_'.
std::string key_field(const json::object& body, std::string_view name, std::size_t min, std::size_t max) {
  const auto* value = body.if_contains(name);
  if (value == nullptr || !value->is_string())
    throw invalid_request(fmt::format("'{}' must be a string.", name));
  std::string text(value->get_string());
  if (text.size() < min || text.size() > max || !std::all_of(text.begin(), text.end(), key_character)) {
    throw invalid_request(fmt::format("'{}' must be {} to {} letters, digits, '-' or '_'.", name, min, max));
  }
  return text;
}

// nullopt when absent; an integer from min to max otherwise (null is refused, never "absent").
std::optional<std::int64_t> integer_field(const json::object& body, std::string_view name, std::int64_t min,
                                          std::int64_t max) {
  const auto* value = body.if_contains(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_int64() || value->get_int64() < min || value->get_int64() > max) {
    throw invalid_request(fmt::format("'{}' must be an integer from {} to {}.", name, min, max));
  }
  return value->get_int64();
}

std::optional<std::string> idempotency_key(const Request& request) {
  const auto key = request.header("Idempotency-Key");
  if (!key) return std::nullopt;
  const bool printable = std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (key->empty() || key->size() > kMaxIdempotencyKey || !printable) {
    throw invalid_request(
        fmt::format("Idempotency-Key must be 1 to {} printable ASCII characters.", kMaxIdempotencyKey));
  }
  return std::string(*key);
}

struct Reply {
  Response response;
  bool withheld = false;  // never sent
};

// Runs `call`, turning a RequestRefused into the gateway's error answer.
template <class Call>
Reply refusals_answered(Call&& call) {
  try {
    return call();
  } catch (const RequestRefused& refused) {
    return {refused.to_response()};
  }
}

// A /v1 call: refused while down, authenticated, answered late while slow, or never answered.
http::Handler gateway_call(GatewayState& state, std::string credentials,
                           std::function<Reply(const Request&)> call) {
  return [&state, credentials = std::move(credentials),
          call = std::move(call)](Request& request) -> asio::awaitable<Response> {
    const ModeSetting setting = state.mode();
    if (setting.mode == Mode::kDown) {
      state.count_refused_while_down();
      co_return gateway_error(503, "SERVICE_UNAVAILABLE", R"(The gateway is down (pg-standin mode "down").)");
    }
    Reply reply = refusals_answered([&] {
      check_credentials(request, credentials);
      return call(request);
    });
    if (reply.withheld) {
      // The outcome is recorded; only the answer is lost. The connection stays open, holding no
      // thread and no lock, until the client gives up or the process stops (the server's drain
      // timeout then drops it).
      asio::steady_timer never(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
      for (;;) co_await never.async_wait(kTuple);
    }
    if (setting.mode == Mode::kSlow) {
      // After the work, before the answer: a client that times out has still been charged.
      asio::steady_timer delay(co_await asio::this_coro::executor, setting.delay);
      co_await delay.async_wait(kTuple);
    }
    co_return std::move(reply.response);
  };
}

Reply confirm(GatewayState& state, const Request& request) {
  const auto body = parse_body(request, {"paymentKey", "orderId", "amount"});
  const auto amount = integer_field(body, "amount", 1, kMaxAmount);
  if (!amount) throw invalid_request("'amount' is required.");
  auto result =
      state.confirm(ConfirmRequest{key_field(body, "paymentKey", 1, 200), key_field(body, "orderId", 6, 64),
                                   *amount, idempotency_key(request)});
  return {to_response(result.answer), result.withheld};
}

Reply cancel(GatewayState& state, const Request& request) {
  const auto body = parse_body(request, {"cancelReason", "cancelAmount"});
  const auto* reason = body.if_contains("cancelReason");
  if (reason == nullptr || !reason->is_string() || reason->get_string().empty() ||
      reason->get_string().size() > 200) {
    throw invalid_request("'cancelReason' must be a string of 1 to 200 bytes.");
  }
  return {to_response(state.cancel(
      CancelRequest{std::string(request.param("paymentKey")), std::string(reason->get_string()),
                    integer_field(body, "cancelAmount", 1, kMaxAmount), idempotency_key(request)}))};
}

Reply lookup(GatewayState& state, const Request& request) {
  if (auto payment = state.payment(request.param("paymentKey"))) return {to_response(std::move(*payment))};
  return {to_response(Refusal{Failure::kNotFound, "There is no payment with this paymentKey."})};
}

json::object to_json(const ModeSetting& setting) {
  return {{"mode", mode_name(setting.mode)}, {"delay_ms", setting.delay.count()}};
}

Response set_mode(GatewayState& state, const Request& request) {
  const auto body = parse_body(request, {"mode", "delay_ms"});
  const auto* mode_value = body.if_contains("mode");
  const auto mode = mode_value != nullptr && mode_value->is_string()
                        ? parse_mode(std::string_view(mode_value->get_string()))
                        : std::nullopt;
  if (!mode) throw invalid_request(R"('mode' must be "up", "down" or "slow".)");
  const auto delay_ms = integer_field(body, "delay_ms", 0, kMaxDelayMs);
  if (delay_ms && *mode != Mode::kSlow) throw invalid_request(R"('delay_ms' goes with mode "slow" only.)");
  const ModeSetting setting{
      *mode, *mode == Mode::kSlow ? std::chrono::milliseconds(delay_ms.value_or(kDefaultSlowDelay.count()))
                                  : std::chrono::milliseconds(0)};
  state.set_mode(setting);
  infra::log::info("pg-standin", "mode set",
                   {{"mode", mode_name(setting.mode)}, {"delay_ms", setting.delay.count()}});
  return http::json_response(200, to_json(setting));
}

Response record(const GatewayState& state) {
  const Record record = state.record();
  json::object payments;
  for (const auto& [payment_key, key] : record.keys) {
    json::array idempotency_keys;
    for (const auto& k : key.idempotency_keys) idempotency_keys.emplace_back(k);
    json::array cancels;
    for (const auto& c : key.cancels) {
      json::value applied_with = nullptr;
      if (c.idempotency_key) applied_with = *c.idempotency_key;
      cancels.push_back(json::object{{"amount", c.amount}, {"idempotency_key", std::move(applied_with)}});
    }
    payments[payment_key] = json::object{{"confirm_requests", key.confirm_requests},
                                         {"approvals", key.approvals},
                                         {"idempotency_keys", std::move(idempotency_keys)},
                                         {"cancel_requests", key.cancel_requests},
                                         {"cancels", std::move(cancels)}};
  }
  auto body = to_json(record.mode);
  body["refused_while_down"] = record.refused_while_down;
  body["payments"] = std::move(payments);
  return http::json_response(200, body);
}

}  // namespace

void register_gateway_routes(http::Router& router, GatewayState& state, const std::string& secret_key) {
  // Basic auth of "<secret key>:" (an empty password), as the real gateway takes it.
  const std::string credentials = secret_key + ":";
  router.add(Method::kPost, "/v1/payments/confirm",
             gateway_call(state, credentials, [&state](const Request& r) { return confirm(state, r); }));
  router.add(Method::kGet, "/v1/payments/{paymentKey}",
             gateway_call(state, credentials, [&state](const Request& r) { return lookup(state, r); }));
  router.add(Method::kPost, "/v1/payments/{paymentKey}/cancel",
             gateway_call(state, credentials, [&state](const Request& r) { return cancel(state, r); }));

  router.add(Method::kPost, "/control", [&state](Request& request) -> asio::awaitable<Response> {
    co_return refusals_answered([&] { return Reply{set_mode(state, request)}; }).response;
  });
  router.add(Method::kGet, "/control/record",
             [&state](Request&) -> asio::awaitable<Response> { co_return record(state); });
}

}  // namespace shop::pg_standin
