// Argon2id at production cost is ~50 ms of CPU and 19 MiB per hash. It runs on a worker pool, so the
// I/O threads keep answering while every worker is busy hashing.
#include "shop/infra/crypto/password_hasher.hpp"
#include "shop/infra/http/server.hpp"

#include "support/http_client.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace http = shop::infra::http;
using Clock = std::chrono::steady_clock;

namespace {

double median_ms(std::vector<Clock::duration> samples) {
  REQUIRE_FALSE(samples.empty());
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return std::chrono::duration<double, std::milli>(samples[samples.size() / 2]).count();
}

// Waits until the pool has work queued behind its busy threads.
bool eventually_saturated(const shop::infra::exec::WorkerPool& pool) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (pool.queued() == 0 || pool.running() < pool.size()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST_CASE("/healthz stays fast while password hashing saturates its pool", "[http][edge][crypto]") {
  shop::infra::exec::WorkerPool cpu(2);
  const shop::infra::crypto::PasswordHasher hasher(shop::infra::crypto::PasswordCost::interactive_default(),
                                                   cpu);
  http::Router router;
  router.add(http::Method::kPost, "/hash", [&](http::Request&) -> boost::asio::awaitable<http::Response> {
    co_await hasher.hash("correct horse battery staple");
    co_return http::json_response(200, {{"hashed", true}});
  });
  router.add(http::Method::kGet, "/healthz", [](http::Request&) -> boost::asio::awaitable<http::Response> {
    co_return http::json_response(200, {{"status", "ok"}});
  });
  shop::infra::metrics::Registry metrics;
  auto nobody = [](std::string) -> boost::asio::awaitable<std::optional<http::Caller>> {
    co_return std::nullopt;
  };
  http::Server server({.listen = "127.0.0.1:0", .io_threads = 2, .access_log = false}, router, nobody,
                      metrics, nullptr);
  server.start();
  const auto address = server.local_address();
  const auto port = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));

  // Three times as many hashing clients as workers: the pool always has a queue.
  std::atomic<bool> loading = true;
  std::vector<std::vector<Clock::duration>> hash_times(6);
  std::vector<std::thread> load;
  for (auto& times : hash_times) {
    load.emplace_back([&] {
      shop::test::HttpConnection c(port, std::chrono::seconds(60));
      while (loading) {
        const auto start = Clock::now();
        REQUIRE(c.request("POST", "/hash").status == 200);
        times.push_back(Clock::now() - start);
      }
    });
  }
  REQUIRE(eventually_saturated(cpu));

  std::vector<Clock::duration> health_times;
  shop::test::HttpConnection probe(port);
  for (int i = 0; i < 40; ++i) {
    const auto start = Clock::now();
    REQUIRE(probe.request("GET", "/healthz").status == 200);
    health_times.push_back(Clock::now() - start);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const std::size_t queued_at_end = cpu.queued();
  loading = false;
  for (auto& t : load) t.join();
  server.drain();
  server.wait();

  std::vector<Clock::duration> all_hashes;
  for (const auto& times : hash_times) all_hashes.insert(all_hashes.end(), times.begin(), times.end());
  const double health_ms = median_ms(health_times);
  const double hash_ms = median_ms(all_hashes);
  INFO("median /healthz " << health_ms << " ms, median /hash " << hash_ms << " ms, " << all_hashes.size()
                          << " hashes");
  CHECK(queued_at_end > 0);  // the pool was saturated throughout
  // Were hashing on the I/O threads, a probe would wait behind whole hashes (and their queue).
  CHECK(health_ms * 10 < hash_ms);
}
