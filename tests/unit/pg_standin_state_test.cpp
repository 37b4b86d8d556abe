// The payment gateway stand-in's rules, without HTTP (the binary's own tests are
// tests/http/pg_standin_test.cpp).
#include "shop/pg_standin/gateway_state.hpp"

#include <catch2/catch.hpp>

#include <latch>
#include <thread>
#include <vector>

using shop::infra::clock::ManualClock;
using shop::pg_standin::Answer;
using shop::pg_standin::CancelRequest;
using shop::pg_standin::ConfirmRequest;
using shop::pg_standin::Failure;
using shop::pg_standin::GatewayState;
using shop::pg_standin::Mode;
using shop::pg_standin::ModeSetting;
using shop::pg_standin::Payment;
using shop::pg_standin::PaymentStatus;
using shop::pg_standin::Refusal;
using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

namespace {

ConfirmRequest confirm_of(std::string key, std::optional<std::string> idempotency_key = std::nullopt,
                          std::int64_t amount = 15'000, std::string order_id = "order-0001") {
  return {std::move(key), std::move(order_id), amount, std::move(idempotency_key)};
}

CancelRequest cancel_of(std::string key, std::optional<std::int64_t> amount,
                        std::optional<std::string> idempotency_key = std::nullopt) {
  return {std::move(key), "customer asked", amount, std::move(idempotency_key)};
}

Payment payment_in(const Answer& answer) {
  REQUIRE(std::holds_alternative<Payment>(answer));
  return std::get<Payment>(answer);
}

Failure failure_in(const Answer& answer) {
  REQUIRE(std::holds_alternative<Refusal>(answer));
  return std::get<Refusal>(answer).failure;
}

}  // namespace

TEST_CASE("pg-standin state approves a new paymentKey once and records it", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  const auto result = state.confirm(confirm_of("pay-1"));
  CHECK_FALSE(result.withheld);
  const Payment payment = payment_in(result.answer);
  CHECK(payment.payment_key == "pay-1");
  CHECK(payment.order_id == "order-0001");
  CHECK(payment.total_amount == 15'000);
  CHECK(payment.balance_amount == 15'000);
  CHECK(payment.status == PaymentStatus::kDone);
  CHECK(payment.approved_at == clock.now());
  CHECK(payment.cancels.empty());
  CHECK(state.payment("pay-1") == payment);
  CHECK_FALSE(state.payment("pay-2").has_value());

  const auto record = state.record();
  REQUIRE(record.keys.contains("pay-1"));
  CHECK(record.keys.at("pay-1").confirm_requests == 1);
  CHECK(record.keys.at("pay-1").approvals == 1);
  CHECK(record.keys.at("pay-1").idempotency_keys.empty());
}

TEST_CASE("pg-standin state replays a confirm under the same Idempotency-Key and refuses others",
          "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  const Payment first = payment_in(state.confirm(confirm_of("pay-1", "idem-1")).answer);
  clock.advance(5s);

  SECTION("the same key and body answer the first answer again, even after a cancel") {
    REQUIRE(std::holds_alternative<Payment>(state.cancel(cancel_of("pay-1", 1000))));
    CHECK(payment_in(state.confirm(confirm_of("pay-1", "idem-1")).answer) == first);
  }
  SECTION("without the key, or with another, it was already processed") {
    CHECK(failure_in(state.confirm(confirm_of("pay-1")).answer) == Failure::kAlreadyProcessed);
    CHECK(failure_in(state.confirm(confirm_of("pay-1", "idem-2")).answer) == Failure::kAlreadyProcessed);
  }
  SECTION("another orderId or amount for the key is a mismatch") {
    CHECK(failure_in(state.confirm(confirm_of("pay-1", "idem-2", 16'000)).answer) ==
          Failure::kPaymentMismatch);
    CHECK(failure_in(state.confirm(confirm_of("pay-1", {}, 15'000, "order-0002")).answer) ==
          Failure::kPaymentMismatch);
  }
  SECTION("the same key with another body is refused, whatever the paymentKey") {
    CHECK(failure_in(state.confirm(confirm_of("pay-1", "idem-1", 16'000)).answer) ==
          Failure::kIdempotencyKeyReused);
    CHECK(failure_in(state.confirm(confirm_of("pay-2", "idem-1")).answer) == Failure::kIdempotencyKeyReused);
    CHECK_FALSE(state.payment("pay-2").has_value());
    CHECK(failure_in(state.cancel(cancel_of("pay-1", {}, "idem-1"))) == Failure::kIdempotencyKeyReused);
    CHECK(state.payment("pay-1")->status == PaymentStatus::kDone);
  }
  const auto record = state.record().keys.at("pay-1");
  CHECK(record.approvals == 1);
  CHECK(record.confirm_requests >= 2);
}

TEST_CASE("pg-standin state records idempotency keys once each, first seen first", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  state.confirm(confirm_of("pay-1", "b"));
  state.confirm(confirm_of("pay-1", "a"));
  state.confirm(confirm_of("pay-1", "b"));
  state.confirm(confirm_of("pay-1"));
  const auto record = state.record().keys.at("pay-1");
  CHECK(record.confirm_requests == 4);
  CHECK(record.idempotency_keys == std::vector<std::string>{"b", "a"});
}

TEST_CASE("pg-standin state declines decline- keys and records them as ABORTED", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  const auto result = state.confirm(confirm_of("decline-1", "idem-1"));
  CHECK_FALSE(result.withheld);
  CHECK(failure_in(result.answer) == Failure::kRejectCard);
  const auto payment = state.payment("decline-1");
  REQUIRE(payment.has_value());
  CHECK(payment->status == PaymentStatus::kAborted);
  CHECK_FALSE(payment->approved_at.has_value());
  CHECK(payment->balance_amount == 0);
  // A retry, with the same key or not, is declined again; it cannot be canceled.
  CHECK(failure_in(state.confirm(confirm_of("decline-1", "idem-1")).answer) == Failure::kRejectCard);
  CHECK(failure_in(state.confirm(confirm_of("decline-1")).answer) == Failure::kRejectCard);
  CHECK(failure_in(state.cancel(cancel_of("decline-1", {}))) == Failure::kNotCancelablePayment);
  CHECK(state.record().keys.at("decline-1").approvals == 0);
}

TEST_CASE("pg-standin state fails error- keys without recording a payment", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  CHECK(failure_in(state.confirm(confirm_of("error-1", "idem-1")).answer) == Failure::kInternalError);
  CHECK(failure_in(state.confirm(confirm_of("error-1", "idem-1")).answer) == Failure::kInternalError);
  CHECK_FALSE(state.payment("error-1").has_value());
  CHECK(failure_in(state.cancel(cancel_of("error-1", {}))) == Failure::kNotFound);
  const auto record = state.record().keys.at("error-1");
  CHECK(record.confirm_requests == 2);
  CHECK(record.approvals == 0);
}

TEST_CASE("pg-standin state charges hang- keys but withholds every answer", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  const auto first = state.confirm(confirm_of("hang-1", "idem-1"));
  CHECK(first.withheld);
  CHECK(payment_in(first.answer).status == PaymentStatus::kDone);
  CHECK(state.payment("hang-1")->status == PaymentStatus::kDone);
  const auto retry = state.confirm(confirm_of("hang-1", "idem-1"));
  CHECK(retry.withheld);
  CHECK(payment_in(retry.answer) == payment_in(first.answer));
  CHECK(state.confirm(confirm_of("hang-1")).withheld);
  CHECK(state.record().keys.at("hang-1").approvals == 1);
  // Only confirms hang: a refund of such a payment is answered.
  CHECK(payment_in(state.cancel(cancel_of("hang-1", {}))).status == PaymentStatus::kCanceled);
}

TEST_CASE("pg-standin state cancels in full, in parts, and never beyond the balance", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  state.confirm(confirm_of("pay-1", {}, 10'000));

  SECTION("no amount cancels the whole balance") {
    const Payment canceled = payment_in(state.cancel(cancel_of("pay-1", {})));
    CHECK(canceled.status == PaymentStatus::kCanceled);
    CHECK(canceled.balance_amount == 0);
    REQUIRE(canceled.cancels.size() == 1);
    CHECK(canceled.cancels[0].amount == 10'000);
    CHECK(canceled.cancels[0].reason == "customer asked");
    CHECK(canceled.cancels[0].transaction_key == "pay-1-cancel-1");
    CHECK(failure_in(state.cancel(cancel_of("pay-1", {}))) == Failure::kAlreadyCanceled);
    CHECK(failure_in(state.cancel(cancel_of("pay-1", 1))) == Failure::kAlreadyCanceled);
  }
  SECTION("partial cancels add up to a full one") {
    const Payment part = payment_in(state.cancel(cancel_of("pay-1", 3'000)));
    CHECK(part.status == PaymentStatus::kPartialCanceled);
    CHECK(part.balance_amount == 7'000);
    CHECK(failure_in(state.cancel(cancel_of("pay-1", 7'001))) == Failure::kNotCancelableAmount);
    const Payment rest = payment_in(state.cancel(cancel_of("pay-1", 7'000)));
    CHECK(rest.status == PaymentStatus::kCanceled);
    CHECK(rest.balance_amount == 0);
    REQUIRE(rest.cancels.size() == 2);
    CHECK(rest.cancels[1].transaction_key == "pay-1-cancel-2");
    CHECK(state.payment("pay-1") == rest);
  }
  SECTION("a repeated cancel under the same Idempotency-Key cancels once") {
    const Payment first = payment_in(state.cancel(cancel_of("pay-1", 3'000, "cancel-1")));
    clock.advance(1s);
    CHECK(payment_in(state.cancel(cancel_of("pay-1", 3'000, "cancel-1"))) == first);
    CHECK(state.payment("pay-1")->balance_amount == 7'000);
    CHECK(failure_in(state.cancel(cancel_of("pay-1", 2'000, "cancel-1"))) == Failure::kIdempotencyKeyReused);
    const auto record = state.record().keys.at("pay-1");
    CHECK(record.cancel_requests == 3);
    REQUIRE(record.cancels.size() == 1);
    CHECK(record.cancels[0].amount == 3'000);
    CHECK(record.cancels[0].idempotency_key == "cancel-1");
  }
  SECTION("an unknown key is not found") {
    CHECK(failure_in(state.cancel(cancel_of("pay-2", {}))) == Failure::kNotFound);
  }
}

TEST_CASE("pg-standin state approves one of many concurrent duplicate confirms", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  constexpr int kThreads = 20;
  const bool same_key = GENERATE(true, false);
  std::vector<Answer> answers(kThreads, Refusal{Failure::kNotFound, ""});
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      answers[static_cast<std::size_t>(i)] =
          state.confirm(confirm_of("pay-1", same_key ? std::optional<std::string>("idem-1") : std::nullopt))
              .answer;
    });
  }
  for (auto& t : threads) t.join();
  int approved = 0;
  for (const auto& answer : answers) {
    if (std::holds_alternative<Payment>(answer)) {
      ++approved;
    } else {
      CHECK(std::get<Refusal>(answer).failure == Failure::kAlreadyProcessed);
    }
  }
  // With the key, every answer is the payment; without, one is and the others were already processed.
  CHECK(approved == (same_key ? kThreads : 1));
  const auto record = state.record().keys.at("pay-1");
  CHECK(record.confirm_requests == kThreads);
  CHECK(record.approvals == 1);
}

TEST_CASE("pg-standin state keeps the mode and counts calls refused while down", "[unit][pg-standin]") {
  ManualClock clock;
  GatewayState state(clock);
  CHECK(state.mode().mode == Mode::kUp);
  state.set_mode(ModeSetting{Mode::kSlow, 250ms});
  CHECK(state.mode().mode == Mode::kSlow);
  CHECK(state.mode().delay == 250ms);
  state.count_refused_while_down();
  state.count_refused_while_down();
  CHECK(state.record().refused_while_down == 2);
  CHECK(state.record().mode.mode == Mode::kSlow);

  CHECK(shop::pg_standin::parse_mode("down") == Mode::kDown);
  CHECK_FALSE(shop::pg_standin::parse_mode("DOWN").has_value());
  CHECK(shop::pg_standin::mode_name(Mode::kSlow) == "slow");
  CHECK(shop::pg_standin::status_name(PaymentStatus::kPartialCanceled) == "PARTIAL_CANCELED");
}
