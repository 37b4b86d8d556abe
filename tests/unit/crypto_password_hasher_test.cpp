#include "shop/infra/crypto/password_hasher.hpp"

#include "shop/infra/exec/worker_pool.hpp"

#include <sodium.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using shop::infra::crypto::kWeakCostForTests;
using shop::infra::crypto::PasswordCost;
using shop::infra::crypto::PasswordHasher;
using shop::infra::exec::WorkerPool;
namespace asio = boost::asio;

namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * kKiB;

// Argon2id's minimum: microseconds per hash, so these tests stay fast.
constexpr PasswordCost kCheap{1, 8 * kKiB};

}  // namespace

TEST_CASE("PasswordHasher verifies the right password and no other", "[unit][crypto]") {
  WorkerPool cpu(1);
  const PasswordHasher hasher(kCheap, cpu, kWeakCostForTests);
  const std::string hash = hasher.hash_now("correct horse");
  CHECK(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"));
  CHECK(hasher.verify_now(hash, "correct horse"));
  CHECK_FALSE(hasher.verify_now(hash, "correct horse "));
  CHECK_FALSE(hasher.verify_now(hash, "Correct horse"));
  CHECK_FALSE(hasher.verify_now(hash, ""));
  // A fresh salt each time: equal passwords do not give equal hashes.
  CHECK(hasher.hash_now("correct horse") != hash);

  const std::string empty_hash = hasher.hash_now("");
  CHECK(hasher.verify_now(empty_hash, ""));
  CHECK_FALSE(hasher.verify_now(empty_hash, "x"));
}

TEST_CASE("PasswordHasher rejects malformed stored hashes without throwing", "[unit][crypto]") {
  WorkerPool cpu(1);
  const PasswordHasher hasher(kCheap, cpu, kWeakCostForTests);
  const std::string hash = hasher.hash_now("pw");
  for (const std::string& bad :
       {std::string(), std::string("pw"), std::string("$argon2id$"), hash + std::string(1, '\0'),
        std::string(500, 'a'), hash + std::string(200, 'A')}) {
    CHECK_FALSE(hasher.verify_now(bad, "pw"));
    CHECK(hasher.needs_rehash(bad));
  }
  CHECK_FALSE(hasher.verify_now(hash.substr(0, hash.size() - 1), "pw"));
  CHECK_FALSE(hasher.verify_now(hash.substr(0, hash.size() - 2), "pw"));
}

TEST_CASE("PasswordHasher asks for a rehash when the cost or algorithm differs", "[unit][crypto]") {
  WorkerPool cpu(1);
  const PasswordHasher current(kCheap, cpu, kWeakCostForTests);
  const PasswordHasher more_passes({2, 8 * kKiB}, cpu, kWeakCostForTests);
  const PasswordHasher more_memory({1, 16 * kKiB}, cpu, kWeakCostForTests);
  const std::string hash = current.hash_now("pw");
  CHECK_FALSE(current.needs_rehash(hash));
  CHECK(more_passes.needs_rehash(hash));
  CHECK(more_memory.needs_rehash(hash));
  // A hash made under the old cost still verifies, so the login that notices can rehash it.
  CHECK(more_passes.verify_now(hash, "pw"));

  // Argon2i (older, same cost numbers) verifies but is upgraded to Argon2id.
  const PasswordHasher argon2i_cost({3, 8 * kKiB}, cpu, kWeakCostForTests);
  char argon2i[crypto_pwhash_argon2i_STRBYTES];
  REQUIRE(crypto_pwhash_argon2i_str(argon2i, "pw", 2, 3, 8 * kKiB) == 0);
  CHECK(argon2i_cost.verify_now(argon2i, "pw"));
  CHECK(argon2i_cost.needs_rehash(argon2i));
}

TEST_CASE("PasswordHasher's default cost is the production floor and weaker costs need the test flag",
          "[unit][crypto]") {
  constexpr auto kDefault = PasswordCost::interactive_default();
  STATIC_REQUIRE(kDefault.ops_limit >= 2);
  STATIC_REQUIRE(kDefault.mem_limit_bytes >= 19 * kMiB);

  WorkerPool cpu(1);
  CHECK_THROWS_AS(PasswordHasher(kCheap, cpu), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher({1, kDefault.mem_limit_bytes}, cpu), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher({kDefault.ops_limit, kDefault.mem_limit_bytes - 1}, cpu),
                  std::invalid_argument);
  // Outside Argon2id's own limits even with the flag.
  CHECK_THROWS_AS(PasswordHasher({0, 8 * kKiB}, cpu, kWeakCostForTests), std::invalid_argument);
  CHECK_THROWS_AS(PasswordHasher({1, kKiB}, cpu, kWeakCostForTests), std::invalid_argument);

  // The one test at full cost: the hash records m=19 MiB (in KiB) and t=2.
  const PasswordHasher hasher(kDefault, cpu);
  CHECK(hasher.cost() == kDefault);
  const std::string hash = hasher.hash_now("pw");
  CHECK(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
  CHECK_FALSE(hasher.needs_rehash(hash));
}

TEST_CASE("PasswordHasher hashes on the worker pool while the I/O thread stays free", "[unit][crypto]") {
  WorkerPool cpu(1);
  const PasswordHasher hasher(kCheap, cpu, kWeakCostForTests);
  asio::io_context io;
  const auto io_thread = std::this_thread::get_id();
  std::promise<void> release;
  const auto released = release.get_future().share();
  std::thread::id pool_thread;
  std::thread::id resumed_on;
  bool hashed = false;
  bool io_ran_while_hash_pending = false;

  // Holds the pool's only thread until released, so the hash can only wait in the pool's queue.
  auto occupy_pool = [&]() -> asio::awaitable<void> {
    co_await cpu.call([&] {
      pool_thread = std::this_thread::get_id();
      released.wait();
    });
  };
  auto hash = [&]() -> asio::awaitable<std::string> {
    std::string h = co_await hasher.hash("secret");
    resumed_on = std::this_thread::get_id();
    hashed = true;
    co_return h;
  };
  // Gets the I/O thread while the hash is queued: awaiting the hash did not hold the thread.
  auto watch = [&]() -> asio::awaitable<void> {
    while (cpu.running() != 1 || cpu.queued() != 1) co_await asio::post(io, asio::use_awaitable);
    io_ran_while_hash_pending = !hashed && std::this_thread::get_id() == io_thread;
    release.set_value();
  };
  auto occupied = asio::co_spawn(io, occupy_pool(), asio::use_future);
  auto hashed_future = asio::co_spawn(io, hash(), asio::use_future);
  auto watched = asio::co_spawn(io, watch(), asio::use_future);
  io.run();
  occupied.get();
  watched.get();
  const std::string result = hashed_future.get();

  CHECK(io_ran_while_hash_pending);
  CHECK(pool_thread != io_thread);
  CHECK(resumed_on == io_thread);
  CHECK(hasher.verify_now(result, "secret"));
}

TEST_CASE("PasswordHasher's awaitable verify and dummy_verify answer on the I/O thread", "[unit][crypto]") {
  WorkerPool cpu(2);
  const PasswordHasher hasher(kCheap, cpu, kWeakCostForTests);
  const std::string hash = hasher.hash_now("secret");
  asio::io_context io;
  const auto io_thread = std::this_thread::get_id();
  std::vector<std::thread::id> resumed_on;
  auto task = [&]() -> asio::awaitable<std::vector<bool>> {
    std::vector<bool> out;
    out.push_back(co_await hasher.verify(hash, "secret"));
    resumed_on.push_back(std::this_thread::get_id());
    out.push_back(co_await hasher.verify(hash, "wrong"));
    resumed_on.push_back(std::this_thread::get_id());
    out.push_back(co_await hasher.dummy_verify("secret"));
    resumed_on.push_back(std::this_thread::get_id());
    co_return out;
  };
  auto result = asio::co_spawn(io, task(), asio::use_future);
  io.run();
  CHECK(result.get() == std::vector<bool>{true, false, false});
  CHECK(std::all_of(resumed_on.begin(), resumed_on.end(), [&](auto id) { return id == io_thread; }));
}

TEST_CASE("PasswordHasher's dummy_verify costs about as much as a real verify", "[unit][crypto]") {
  // Enough memory that one verify takes milliseconds, so the timing is Argon2id's, not noise.
  WorkerPool cpu(1);
  const PasswordHasher hasher({1, 4 * kMiB}, cpu, kWeakCostForTests);
  const std::string hash = hasher.hash_now("secret");
  using Clock = std::chrono::steady_clock;
  auto time = [](auto&& f) {
    const auto start = Clock::now();
    f();
    return Clock::now() - start;
  };
  std::vector<Clock::duration> real;
  std::vector<Clock::duration> dummy;
  for (int i = 0; i < 7; ++i) {  // interleaved, so load on the machine affects both alike
    real.push_back(time([&] { CHECK_FALSE(hasher.verify_now(hash, "wrong")); }));
    dummy.push_back(time([&] { CHECK_FALSE(hasher.dummy_verify_now("wrong")); }));
  }
  auto median = [](std::vector<Clock::duration> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const auto real_median = median(real);
  const auto dummy_median = median(dummy);
  CHECK(dummy_median * 3 > real_median);
  CHECK(dummy_median < real_median * 3);
}
