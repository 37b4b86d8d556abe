#include "gateway.hpp"

#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/base64.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace shop::payment {
namespace {

using infra::http_client::CallResult;
using Kind = GatewayAnswer::Kind;

std::string text_at(const boost::json::value& body, std::string_view key) {
  const auto* object = body.if_object();
  const auto* value = object == nullptr ? nullptr : object->if_contains(key);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

// What a call came to. A 2xx is DONE only if the body says so; anything else from a 2xx is as
// good as unknown (the gateway answered, but not with a charge we can vouch for).
GatewayAnswer interpret(const CallResult& result, bool lookup) {
  switch (result.outcome) {
    case CallResult::Outcome::kUnavailable:
      return {.kind = Kind::kUnavailable, .retry_after = result.retry_after};
    case CallResult::Outcome::kNotSent:
      return {.kind = Kind::kNotCharged, .message = result.reason};
    case CallResult::Outcome::kUnknownOutcome:
      return {.kind = Kind::kUnknown, .message = result.reason};
    case CallResult::Outcome::kResponse:
      break;
  }
  const auto status = result.response.status;
  boost::system::error_code ec;
  const auto body = boost::json::parse(result.response.body, ec);
  if (status >= 200 && status < 300 && !ec && text_at(body, "status") == "DONE") {
    return {.kind = Kind::kDone,
            .method = text_at(body, "method"),
            .approved_at = infra::clock::parse_iso_timestamp(text_at(body, "approvedAt"))};
  }
  if (lookup && status == 404) return {.kind = Kind::kNotFound};
  if (status >= 400 && status < 500 && !lookup) {
    return {.kind = Kind::kDeclined, .code = text_at(body, "code"), .message = text_at(body, "message")};
  }
  if (status >= 500 && !result.unanswered_attempt) {
    return {.kind = Kind::kNotCharged, .code = text_at(body, "code"), .message = text_at(body, "message")};
  }
  return {.kind = Kind::kUnknown, .message = "HTTP " + std::to_string(status)};
}

}  // namespace

Gateway::Gateway(const PaymentOptions& options, const infra::clock::Clock& clock,
                 infra::metrics::Registry* metrics)
    : base_url_(options.gateway_url),
      authorization_("Basic " + infra::crypto::encode_base64(options.secret_key + ":")),
      caller_(options.gateway, clock, metrics) {}

infra::http::Headers Gateway::headers() const {
  return {{"Authorization", authorization_}, {"Content-Type", "application/json"}};
}

infra::http_client::GatewayRequest Gateway::confirm_request(const ConfirmCall& call) const {
  const boost::json::object body{
      {"paymentKey", call.payment_key}, {"orderId", call.gateway_order_id}, {"amount", call.amount}};
  return {.method = infra::http::Method::kPost,
          .url = base_url_ + "/v1/payments/confirm",
          .headers = headers(),
          .body = boost::json::serialize(body),
          .idempotency_key = call.payment_key};
}

boost::asio::awaitable<infra::http_client::CallResult> Gateway::confirm(const ConfirmCall& call) {
  // Not a coroutine itself: the request is built here and moved into the caller's frame.
  return caller_.call(confirm_request(call));
}

GatewayAnswer Gateway::confirm_answer(const infra::http_client::CallResult& result) {
  return interpret(result, false);
}

RefundAnswer Gateway::cancel_blocking(const CancelCall& call) {
  const boost::json::object body{{"cancelReason", call.reason}, {"cancelAmount", call.amount}};
  infra::http_client::GatewayRequest request{
      .method = infra::http::Method::kPost,
      .url = base_url_ + "/v1/payments/" + call.payment_key + "/cancel",
      .headers = headers(),
      .body = boost::json::serialize(body),
      .idempotency_key = call.idempotency_key};
  const auto result = caller_.call_blocking(std::move(request));
  if (result.outcome != CallResult::Outcome::kResponse) return {.error = result.reason};
  boost::system::error_code ec;
  const auto answer = boost::json::parse(result.response.body, ec);
  const auto status = result.response.status;
  if (!ec && ((status >= 200 && status < 300 && text_at(answer, "status") == "CANCELED") ||
              text_at(answer, "code") == "ALREADY_CANCELED_PAYMENT")) {
    return {.refunded = true};
  }
  return {.error = "HTTP " + std::to_string(status) + " " + text_at(answer, "code")};
}

GatewayAnswer Gateway::lookup_blocking(const std::string& payment_key) {
  infra::http_client::GatewayRequest request{.method = infra::http::Method::kGet,
                                             .url = base_url_ + "/v1/payments/" + payment_key,
                                             .headers = headers(),
                                             .body = {},
                                             .idempotency_key = std::nullopt};
  return interpret(caller_.call_blocking(std::move(request)), true);
}

}  // namespace shop::payment
