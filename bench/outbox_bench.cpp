// Events per second through the outbox: publish (in the publisher's transaction), deliver (claim,
// handler, mark handled) and the handler's own write, against a migrated database. Run by
// bench/outbox.sh, which puts these rates in its table next to pgbench measured in the same run.
//
// usage: outbox_bench DATABASE_URL [EVENTS] [PUBLISHERS]
// Prints one line per measurement: KEY UNIT RATE LABEL (the label is the rest of the line).
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <atomic>
#include <string>
#include <string_view>
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

void report(std::string_view key, std::string_view unit, double rate, std::string_view label) {
  fmt::print("{} {} {:.1f} {}\n", key, unit, rate, label);
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

  {
    Setup s(url, 32);
    report("publish_plain", "tx/s", run_commands(s.db, count, publishers, false),
           "commands without an event");
    report("publish_event", "tx/s", run_commands(s.db, count, publishers, true), "commands with their event");
  }
  report("deliver_1", "ev/s", drain_rate(url, count, publishers, 1), "deliveries, claimed one by one");
  report("deliver_32", "ev/s", drain_rate(url, count, publishers, 32), "deliveries, claimed 32 at a time");
  {
    // Publishing and delivering at once: events/s from the first publish to the last handler.
    Setup s(url, 32);
    s.dispatcher.start();
    const auto start = Clock::now();
    run_commands(s.db, count, publishers, true);
    wait_for_effects(s.db, 2LL * count);
    report("end_to_end", "ev/s", count / seconds_since(start), "published, delivered twice, recorded");
    s.dispatcher.stop();
  }
  return 0;
}
