#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/db/database.hpp"
#include "shop/infra/http/message.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace shop::infra::metrics {
class Counter;
class Registry;
}  // namespace shop::infra::metrics

// The `Idempotency-Key` of the API (API.md, Conventions): the same key from the same user with the
// same request returns the first response again (same status and body) and has no other effect; the
// same key with a different request is `422 idempotency_key_reused`.
//
// The key is claimed by an INSERT in the very transaction that does the work, and the response is
// stored in it too: they commit together or not at all. Two identical requests at the same moment
// meet on the key's row: the second waits for the first to commit and then answers its response, so
// there is one effect and both callers see the same answer. Work that throws rolls back and stores
// nothing, so a retry runs again. Keys are kept at least 24 hours, then purged by a job.
//
// Work that cannot be one transaction, because it calls another system between two of its own
// (POST /payments/confirm), runs under run_spanning(): the key is claimed in a transaction before
// the work and its response stored in another after it. A request that finds its key claimed but
// not yet answered is `409 idempotency_key_in_use` with Retry-After: its first is still running.
namespace shop::infra::idempotency {

class IdempotencyKeys {
 public:
  // `metrics` may be null.
  IdempotencyKeys(db::Database& db, const clock::Clock& clock, metrics::Registry* metrics);

  // The work of a request under its key: runs `work` in a transaction (it may run again after a
  // serialization failure, like any transaction) unless the key already answered. `owner` is the
  // caller's user id. Throws Problem 400 when the header is missing or not 1..255 printable ASCII,
  // 422 when the key was used for another request.
  using Work = std::function<http::Response(db::Tx&)>;
  boost::asio::awaitable<http::Response> run(const http::Request& request, std::string owner,
                                             Work work) const;

  // The same for work that spans transactions, with the key optional: without the header the work
  // just runs. A 5xx response or a throw releases the key instead of storing anything, since it
  // asks the client to try again. A claim left unanswered for `abandoned_after` (its process died
  // mid-work) is taken over by the next request with the key, so the work must be safe to run again
  // after a crash, and `abandoned_after` longer than the work can take. Throws Problem 409 while the
  // first request with the key is still running.
  using SpanningWork = std::function<boost::asio::awaitable<http::Response>()>;
  boost::asio::awaitable<http::Response> run_spanning(const http::Request& request, std::string owner,
                                                      std::chrono::seconds abandoned_after,
                                                      SpanningWork work) const;

  // Deletes keys older than `cutoff`, a batch at a time; returns how many.
  std::int64_t purge(db::Tx& tx, clock::TimePoint cutoff) const;

 private:
  // Counts a replay and marks its response.
  void replayed(const http::Request& request, http::Response& response) const;

  db::Database& db_;
  const clock::Clock& clock_;
  metrics::Registry* metrics_;
};

// The request's identity for its key: method, route and the body as JSON in a canonical form (so a
// re-sent body with other whitespace is the same request).
std::string request_fingerprint(const http::Request& request);

}  // namespace shop::infra::idempotency
