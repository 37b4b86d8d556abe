#include "shop/infra/idempotency/idempotency_keys.hpp"

#include "shop/infra/crypto/digest.hpp"
#include "shop/infra/http/problem.hpp"
#include "shop/infra/http/problems.hpp"
#include "shop/infra/metrics/registry.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <exception>
#include <optional>

namespace shop::infra::idempotency {
namespace {

using db::Statement;

constexpr Statement kClaim{
    "idempotency.claim",
    "INSERT INTO shopd.idempotency_keys (owner_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT DO NOTHING"};
// run_spanning's claim: a new key, or one whose first request was abandoned unanswered.
constexpr Statement kClaimOrTakeOver{
    "idempotency.claim_or_take_over",
    "INSERT INTO shopd.idempotency_keys AS k (owner_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (owner_id, key) DO UPDATE SET created_at = excluded.created_at"
    " WHERE k.status IS NULL AND k.fingerprint = excluded.fingerprint AND k.created_at < $5"};
constexpr Statement kRelease{
    "idempotency.release",
    "DELETE FROM shopd.idempotency_keys WHERE owner_id = $1 AND key = $2 AND status IS NULL"};
constexpr Statement kFind{"idempotency.find",
                          "SELECT fingerprint, status, content_type, body FROM shopd.idempotency_keys"
                          " WHERE owner_id = $1 AND key = $2"};
constexpr Statement kStore{"idempotency.store",
                           "UPDATE shopd.idempotency_keys SET status = $3, content_type = $4, body = $5"
                           " WHERE owner_id = $1 AND key = $2"};
constexpr Statement kPurge{"idempotency.purge",
                           "DELETE FROM shopd.idempotency_keys WHERE (owner_id, key) IN (SELECT owner_id, "
                           "key FROM shopd.idempotency_keys"
                           " WHERE created_at < $1 LIMIT 5000)"};

std::string read_key(const http::Request& request) {
  const auto key = request.header("Idempotency-Key");
  const bool printable =
      key && std::all_of(key->begin(), key->end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
  if (!key || key->empty() || key->size() > 255 || !printable) {
    throw http::Problem(400, "idempotency_key_required", "Idempotency-Key required",
                        "Send an Idempotency-Key header of 1 to 255 printable ASCII characters.");
  }
  return std::string(*key);
}

// What a request finds under a key that was claimed before it.
enum class Kind { kDone, kReplayed, kReused, kRunning };
std::pair<Kind, http::Response> claimed_before(const std::optional<db::Row>& row,
                                               const std::string& fingerprint) {
  // No row: the first request released its key a moment ago, and may be running again.
  if (!row) return {Kind::kRunning, {}};
  if (row->text(0) != fingerprint) return {Kind::kReused, {}};
  if (row->is_null(1)) return {Kind::kRunning, {}};  // claimed, not answered yet
  return {Kind::kReplayed,
          http::Response{static_cast<unsigned>(row->integer(1)), row->string(2), row->string(3), {}}};
}

// Throws the problem of a key that cannot answer this request; true if it answers from before.
bool answered_before(Kind kind) {
  switch (kind) {
    case Kind::kReused:
      throw http::Problem(422, "idempotency_key_reused", "Idempotency key reused",
                          "This Idempotency-Key was sent before with a different request.");
    case Kind::kRunning:
      throw http::conflict("idempotency_key_in_use", "Idempotency key in use",
                           "The first request with this Idempotency-Key is still being processed; try "
                           "again shortly.")
          .header("Retry-After", "1");
    case Kind::kReplayed:
      return true;
    case Kind::kDone:
      break;
  }
  return false;
}

}  // namespace

std::string request_fingerprint(const http::Request& request) {
  boost::system::error_code ec;
  const auto body = boost::json::parse(request.body, ec);
  // A body that is not JSON is compared as sent; the handler refuses it anyway.
  const std::string canonical = ec ? request.body : boost::json::serialize(body);
  return crypto::sha256_hex(
      fmt::format("{} {}\n{}", http::method_name(request.method), request.route, canonical));
}

IdempotencyKeys::IdempotencyKeys(db::Database& db, const clock::Clock& clock, metrics::Registry* metrics)
    : db_(db), clock_(clock), metrics_(metrics) {}

boost::asio::awaitable<http::Response> IdempotencyKeys::run(const http::Request& request, std::string owner,
                                                            Work work) const {
  const std::string key = read_key(request);
  const std::string fingerprint = request_fingerprint(request);
  auto attempt = [&](db::Tx& tx) -> std::pair<Kind, http::Response> {
    if (tx.exec(kClaim, owner, key, fingerprint, clock_.now()) == 0) {
      // Claimed before: a concurrent holder has committed by now (the INSERT waited for it).
      return claimed_before(tx.query(kFind, owner, key).first(), fingerprint);
    }
    http::Response response = work(tx);
    tx.defer(kStore, owner, key, response.status, response.content_type, response.body);
    return {Kind::kDone, std::move(response)};
  };
  auto [kind, response] = co_await db_.transact(attempt);
  if (answered_before(kind)) replayed(request, response);
  co_return response;
}

boost::asio::awaitable<http::Response> IdempotencyKeys::run_spanning(const http::Request& request,
                                                                     std::string owner,
                                                                     std::chrono::seconds abandoned_after,
                                                                     SpanningWork work) const {
  if (!request.header("Idempotency-Key")) co_return co_await work();
  const std::string key = read_key(request);
  const std::string fingerprint = request_fingerprint(request);
  auto claim = [&](db::Tx& tx) -> std::pair<Kind, http::Response> {
    const auto now = clock_.now();
    if (tx.exec(kClaimOrTakeOver, owner, key, fingerprint, now, now - abandoned_after) == 1)
      return {Kind::kDone, {}};
    return claimed_before(tx.query(kFind, owner, key).first(), fingerprint);
  };
  auto [kind, claimed] = co_await db_.transact(claim);
  if (answered_before(kind)) {
    replayed(request, claimed);
    co_return claimed;
  }

  std::exception_ptr failed;
  http::Response response;
  try {
    response = co_await work();
  } catch (...) {
    failed = std::current_exception();
  }
  auto settle = [&](db::Tx& tx) {
    if (failed || response.status >= 500) {
      tx.exec(kRelease, owner, key);
    } else {
      tx.exec(kStore, owner, key, response.status, response.content_type, response.body);
    }
  };
  if (failed) {
    // The work's error is the answer; a key left claimed by a failed release is taken over later.
    try {
      co_await db_.transact(settle);
    } catch (const std::exception&) {
    }
    std::rethrow_exception(failed);
  }
  co_await db_.transact(settle);
  co_return response;
}

void IdempotencyKeys::replayed(const http::Request& request, http::Response& response) const {
  if (metrics_ != nullptr) {
    metrics_
        ->counter("shopd_idempotent_replays_total", "Requests answered from an earlier response by key.",
                  {{"route", request.route}})
        .add();
  }
  response.headers.emplace_back("Idempotent-Replayed", "true");
}

std::int64_t IdempotencyKeys::purge(db::Tx& tx, clock::TimePoint cutoff) const {
  return tx.exec(kPurge, cutoff);
}

}  // namespace shop::infra::idempotency
