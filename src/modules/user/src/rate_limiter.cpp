#include "rate_limiter.hpp"

#include "sql_time.hpp"

namespace shop::user {
namespace {

constexpr infra::db::Statement kReadBucket{
    "users_rate_limit_read",
    "SELECT hits, ceil(extract(epoch FROM window_start + make_interval(secs => $3::bigint) - " SHOP_USER_SQL_TIME("$2") "))::bigint"
    " FROM users.rate_limits WHERE bucket = $1 AND window_start > " SHOP_USER_SQL_TIME("$2") " - make_interval(secs => $3::bigint)"};

// A window that has passed starts again at this hit.
constexpr infra::db::Statement kHit{
    "users_rate_limit_hit",
    "INSERT INTO users.rate_limits AS r (bucket, window_start, hits) VALUES ($1, " SHOP_USER_SQL_TIME("$2") ", 1)"
    " ON CONFLICT (bucket) DO UPDATE SET"
    "  hits = CASE WHEN r.window_start <= " SHOP_USER_SQL_TIME("$2") " - make_interval(secs => $3::bigint) THEN 1 ELSE r.hits + 1 END,"
    "  window_start = CASE WHEN r.window_start <= " SHOP_USER_SQL_TIME("$2") " - make_interval(secs => $3::bigint)"
    "                 THEN " SHOP_USER_SQL_TIME("$2") " ELSE r.window_start END"};

constexpr infra::db::Statement kReset{"users_rate_limit_reset",
                                      "DELETE FROM users.rate_limits WHERE bucket = $1"};

}  // namespace

std::string RateLimiter::bucket(const Limit& limit, std::string_view subject) const {
  return std::string(limit.name) + ":" + index_.compute_hex("ratelimit", subject);
}

boost::asio::awaitable<std::optional<std::chrono::seconds>> RateLimiter::exhausted(const Limit& limit,
                                                                                   std::string_view subject) {
  const auto rows =
      co_await db_.query(kReadBucket, bucket(limit, subject), infra::clock::epoch_microseconds(clock_.now()),
                         static_cast<long long>(limit.window.count()));
  if (rows.rows() == 0 || rows.integer(0, 0) < limit.max_hits) co_return std::nullopt;
  co_return std::chrono::seconds(std::max<std::int64_t>(1, rows.integer(0, 1)));
}

boost::asio::awaitable<void> RateLimiter::hit(const Limit& limit, std::string_view subject) {
  co_await db_.query(kHit, bucket(limit, subject), infra::clock::epoch_microseconds(clock_.now()),
                     static_cast<long long>(limit.window.count()));
}

boost::asio::awaitable<void> RateLimiter::reset(const Limit& limit, std::string_view subject) {
  co_await db_.query(kReset, bucket(limit, subject));
}

}  // namespace shop::user
