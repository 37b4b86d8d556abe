#include "rate_limiter.hpp"

#include <algorithm>
#include <vector>

namespace shop::user {
namespace {

using infra::db::Statement;

// A window that has ended starts again at this attempt. Buckets are locked in sorted order, so two
// counts of overlapping buckets cannot deadlock.
constexpr Statement kCount{"users.rate_limit_count", R"sql(
INSERT INTO users.rate_limits AS r (bucket, window_ends_at, hits)
SELECT t.bucket, $2::timestamptz + make_interval(secs => t.window_seconds), 1
FROM unnest($1::text[], $3::bigint[]) AS t(bucket, window_seconds)
ORDER BY t.bucket
ON CONFLICT (bucket) DO UPDATE SET
  hits = CASE WHEN r.window_ends_at <= $2::timestamptz THEN 1 ELSE r.hits + 1 END,
  window_ends_at = CASE WHEN r.window_ends_at <= $2::timestamptz THEN EXCLUDED.window_ends_at
                        ELSE r.window_ends_at END
RETURNING bucket, hits, ceil(extract(epoch FROM window_ends_at - $2::timestamptz))::bigint)sql"};

constexpr Statement kForgive{"users.rate_limit_forgive", "DELETE FROM users.rate_limits WHERE bucket = $1"};
constexpr Statement kRefund{"users.rate_limit_refund",
                            "UPDATE users.rate_limits SET hits = hits - 1 WHERE bucket = $1 AND hits > 0"};
constexpr Statement kPurge{"users.rate_limit_purge",
                           "DELETE FROM users.rate_limits WHERE window_ends_at <= $1"};

}  // namespace

std::string RateLimiter::bucket(const Limit& limit, std::string_view subject) const {
  return std::string(limit.name) + ":" + index_.compute_hex("ratelimit", subject);
}

std::optional<std::chrono::seconds> RateLimiter::count(infra::db::Tx& tx,
                                                       std::initializer_list<Attempt> attempts) const {
  std::vector<std::string> buckets;
  std::vector<std::int64_t> windows;
  for (const auto& a : attempts) {
    buckets.push_back(bucket(a.limit, a.subject));
    windows.push_back(a.limit.window.count());
  }
  std::optional<std::chrono::seconds> wait;
  for (const auto row : tx.query(kCount, buckets, clock_.now(), windows)) {
    const auto at = std::find(buckets.begin(), buckets.end(), row.text(0)) - buckets.begin();
    const auto& limit = std::data(attempts)[at].limit;
    if (row.integer(1) <= limit.max_hits) continue;
    const std::chrono::seconds left(std::max<std::int64_t>(1, row.integer(2)));
    wait = std::max(wait.value_or(left), left);
  }
  return wait;
}

void RateLimiter::forgive(infra::db::Tx& tx, const Limit& limit, std::string_view subject) const {
  tx.exec(kForgive, bucket(limit, subject));
}

void RateLimiter::refund(infra::db::Tx& tx, const Limit& limit, std::string_view subject) const {
  tx.exec(kRefund, bucket(limit, subject));
}

std::int64_t RateLimiter::purge_expired(infra::db::Tx& tx) const {
  return tx.exec(kPurge, clock_.now());
}

}  // namespace shop::user
