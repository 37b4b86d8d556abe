// Events per second through the outbox: publish (in the publisher's transaction), deliver (claim,
// handler, mark handled) and the handler's own write, against a migrated database. Run by
// bench/outbox.sh, which prints these numbers next to a baseline of the same transactions without
// an event.
//
// usage: outbox_bench DATABASE_URL [EVENTS] [PUBLISHERS]
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace events = shop::infra::events;
using shop::infra::db::Database;
using shop::infra::db::Tx;
using Clock = std::chrono::steady_clock;

namespace {

using shop::infra::db::Statement;

constexpr Statement kReset[] = {
    {"bench.drop", "DROP TABLE IF EXISTS public.bench_orders, public.bench_effects"},
    {"bench.create_orders",
     "CREATE TABLE public.bench_orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int NOT NULL)"},
    {"bench.create_effects",
     "CREATE TABLE public.bench_effects (event_id text NOT NULL, subscriber text NOT NULL)"},
    {"bench.truncate_outbox",
     "TRUNCATE shopd.event_deliveries, shopd.outbox_events, shopd.event_subscriptions"},
};
constexpr Statement kInsertOrder{"bench.insert_order", "INSERT INTO public.bench_orders (n) VALUES ($1)"};
constexpr Statement kRecordEffect{"bench.record_effect",
                                  "INSERT INTO public.bench_effects (event_id, subscriber) VALUES ($1, $2)"};
constexpr Statement kCountEffects{"bench.count_effects", "SELECT count(*) FROM public.bench_effects"};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// `count` transactions over `threads` threads, each inserting an order and, if `with_event`,
// publishing its event. Returns transactions per second.
double run_commands(Database& db, int count, int threads, bool with_event) {
  std::atomic<int> next = 0;
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int n = next++; n < count; n = next++) {
        auto command = [n, with_event](Tx& tx) {
          tx.exec(kInsertOrder, n);
          if (with_event) events::publish(tx, "bench.OrderPlaced", 1, boost::json::object{{"n", n}});
        };
        db.transact_blocking(command);
      }
    });
  }
  for (auto& w : workers) w.join();
  return count / seconds_since(start);
}

long long effects(Database& db) {
  auto count = [](Tx& tx) { return tx.query(kCountEffects)[0].integer(0); };
  return db.transact_blocking(count);
}

void wait_for_effects(Database& db, long long expected) {
  while (effects(db) < expected) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

events::Subscription recording(const std::string& name) {
  events::Subscription s(name);
  s.on("bench.OrderPlaced", [name](Tx& tx, const events::Event& e) { tx.exec(kRecordEffect, e.id, name); });
  return s;
}

struct Setup {
  Setup(const std::string& url, std::size_t batch_size)
      : db({.url = url, .pool_size = 8, .read_pool_size = 1}),
        dispatcher(db, clock,
                   {.threads = 2, .batch_size = batch_size, .poll_interval = std::chrono::milliseconds(20)}) {
    auto reset = [](Tx& tx) {
      for (const auto& statement : kReset) tx.exec(statement);
    };
    db.transact_blocking(reset);
    dispatcher.add(recording("bench.first"));
    dispatcher.add(recording("bench.second"));
    dispatcher.register_subscriptions();
  }
  Database db;
  shop::infra::clock::SystemClock clock;
  events::Dispatcher dispatcher;
};

// Publishes `count` events with nobody dispatching, then times the dispatcher draining them.
double drain_rate(const std::string& url, int count, int publishers, std::size_t batch_size) {
  Setup s(url, batch_size);
  run_commands(s.db, count, publishers, true);
  const auto start = Clock::now();
  s.dispatcher.start();
  wait_for_effects(s.db, 2LL * count);
  const double rate = 2.0 * count / seconds_since(start);
  s.dispatcher.stop();
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "usage: outbox_bench DATABASE_URL [EVENTS] [PUBLISHERS]\n");
    return 2;
  }
  const std::string url = argv[1];
  const int count = argc > 2 ? std::stoi(argv[2]) : 20'000;
  const int publishers = argc > 3 ? std::stoi(argv[3]) : 8;
  shop::infra::log::set_level(shop::infra::log::Level::kWarn);

  fmt::print("outbox benchmark: {} events, {} publishing threads, 2 subscribers, 2 dispatching threads\n",
             count, publishers);
  {
    Setup s(url, 32);
    const double plain = run_commands(s.db, count, publishers, false);
    const double published = run_commands(s.db, count, publishers, true);
    fmt::print("publish   command transactions/s without an event {:>9.0f}\n", plain);
    fmt::print("publish   command transactions/s with its event   {:>9.0f}   ratio {:.2f}\n", published,
               published / plain);
  }
  const double batch1 = drain_rate(url, count, publishers, 1);
  const double batch32 = drain_rate(url, count, publishers, 32);
  fmt::print("deliver   deliveries/s handled+recorded, batch 1      {:>9.0f}\n", batch1);
  fmt::print("deliver   deliveries/s handled+recorded, batch 32     {:>9.0f}   ratio {:.2f}\n", batch32,
             batch32 / batch1);
  {
    // Publishing and delivering at once: events/s from the first publish to the last handler.
    Setup s(url, 32);
    s.dispatcher.start();
    const auto start = Clock::now();
    run_commands(s.db, count, publishers, true);
    wait_for_effects(s.db, 2LL * count);
    fmt::print("end-to-end events/s published, delivered to 2 subscribers and recorded {:>9.0f}\n",
               count / seconds_since(start));
    s.dispatcher.stop();
  }
  return 0;
}
