#include "shop/infra/events/dead_letters.hpp"
#include "shop/infra/events/dispatcher.hpp"
#include "shop/infra/events/outbox.hpp"
#include "shop/infra/events/retention.hpp"

#include "support/eventually.hpp"
#include "support/project_migrations.hpp"
#include "support/test_database.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <latch>

namespace events = shop::infra::events;
using shop::infra::clock::ManualClock;
using shop::infra::clock::SystemClock;
using shop::infra::db::Database;
using shop::infra::db::Statement;
using shop::infra::db::Tx;
using shop::test::eventually;
using shop::test::query_value;
using shop::test::TestDatabase;
using namespace std::chrono_literals;

namespace {

// A test database with shopd's schema and a table where handlers leave their effects.
struct EventsDatabase {
  EventsDatabase() {
    shop::test::apply_project_migrations(t.url());
    query_value(
        t.url(),
        "CREATE TABLE public.effects (event_id text NOT NULL, subscriber text NOT NULL, source text)");
  }
  std::string count(const std::string& where = "true") const {
    return query_value(t.url(), "SELECT count(*) FROM public.effects WHERE " + where);
  }
  TestDatabase t;
};

Database connect(const TestDatabase& t, std::size_t pool_size = 4) {
  return Database({.url = t.url(), .pool_size = pool_size, .read_pool_size = 1});
}

void record_effect(Tx& tx, const events::Event& event, const std::string& subscriber,
                   const std::string& source = "") {
  static constexpr Statement kRecord{
      "test.record_effect", "INSERT INTO public.effects (event_id, subscriber, source) VALUES ($1, $2, $3)"};
  tx.exec(kRecord, event.id, subscriber, source);
}

events::Subscription recording(const std::string& name, const std::string& type,
                               const std::string& source = "") {
  events::Subscription s(name);
  s.on(type, [name, source](Tx& tx, const events::Event& e) { record_effect(tx, e, name, source); });
  return s;
}

std::string publish_one(Database& db, const std::string& type, int n, events::PublishOptions options = {}) {
  auto publish = [&](Tx& tx) { return events::publish(tx, type, 1, boost::json::object{{"n", n}}, options); };
  return db.transact_blocking(publish);
}

// The event type of a publishing module, as it would sit in its include/.
struct ThingShipped {
  static constexpr std::string_view kType = "test.ThingShipped";
  static constexpr int kVersion = 1;
  std::int64_t thing_id = 0;
  std::string carrier;
};
void tag_invoke(boost::json::value_from_tag, boost::json::value& v, const ThingShipped& e) {
  v = {{"thing_id", e.thing_id}, {"carrier", e.carrier}};
}
ThingShipped tag_invoke(boost::json::value_to_tag<ThingShipped>, const boost::json::value& v) {
  return {v.at("thing_id").to_number<std::int64_t>(), boost::json::value_to<std::string>(v.at("carrier"))};
}

}  // namespace

TEST_CASE("a committed event reaches every subscriber of its type once", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  events::Dispatcher dispatcher(db, clock, {});
  dispatcher.add(recording("alpha", "test.Happened"));
  dispatcher.add(recording("beta", "test.Happened"));
  dispatcher.add(recording("gamma", "test.Other"));
  dispatcher.register_subscriptions();

  const auto id = publish_one(db, "test.Happened", 7);
  CHECK(dispatcher.dispatch_once() == 2);
  CHECK(dispatcher.dispatch_once() == 0);
  CHECK(data.count("event_id = '" + id + "' AND subscriber = 'alpha'") == "1");
  CHECK(data.count("event_id = '" + id + "' AND subscriber = 'beta'") == "1");
  CHECK(data.count("subscriber = 'gamma'") == "0");
  CHECK(query_value(data.t.url(), "SELECT count(*) FROM shopd.event_deliveries WHERE status = 'handled'") ==
        "2");
}

TEST_CASE("a typed subscriber receives the decoded event and refuses a newer version", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  std::vector<ThingShipped> received;
  events::Subscription s("typed");
  s.on<ThingShipped>([&](Tx&, const ThingShipped& e, const events::Event& meta) {
    CHECK(meta.type == "test.ThingShipped");
    CHECK(meta.version == 1);
    received.push_back(e);
  });
  events::Dispatcher dispatcher(db, clock, {.max_attempts = 1});
  dispatcher.add(std::move(s));
  dispatcher.register_subscriptions();

  auto publish = [](Tx& tx) {
    events::publish(tx, ThingShipped{42, "post"});
    events::publish(tx, "test.ThingShipped", 2, boost::json::object{{"thing_id", 1}, {"carrier", "x"}});
  };
  db.transact_blocking(publish);
  CHECK(dispatcher.dispatch_once() == 2);
  REQUIRE(received.size() == 1);
  CHECK(received[0].thing_id == 42);
  CHECK(received[0].carrier == "post");
  auto list = [](Tx& tx) { return events::list_dead_letters(tx, 10); };
  const auto dead = db.transact_blocking(list);
  REQUIRE(dead.items.size() == 1);
  CHECK(dead.items[0].event.version == 2);
  CHECK_THAT(dead.items[0].last_error, Catch::Contains("newer than this release understands"));
}

TEST_CASE("a rolled-back transaction publishes nothing", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  events::Dispatcher dispatcher(db, clock, {});
  dispatcher.add(recording("alpha", "test.Happened"));
  dispatcher.register_subscriptions();

  auto publish_then_fail = [](Tx& tx) {
    events::publish(tx, "test.Happened", 1, boost::json::object{{"n", 1}});
    throw std::runtime_error("the change this event announced failed");
  };
  CHECK_THROWS_WITH(db.transact_blocking(publish_then_fail), "the change this event announced failed");
  CHECK(query_value(data.t.url(), "SELECT count(*) FROM shopd.outbox_events") == "0");
  CHECK(query_value(data.t.url(), "SELECT count(*) FROM shopd.event_deliveries") == "0");
  CHECK(dispatcher.dispatch_once() == 0);
  CHECK(data.count() == "0");
}

TEST_CASE("a dispatcher that dies mid-delivery leaves the event to the next one which handles it once",
          "[db][events]") {
  EventsDatabase data;
  ManualClock clock;
  auto db_a = connect(data.t);
  auto db_b = connect(data.t);

  // A records its effect, then stalls while its backend is killed: the crash as PostgreSQL sees it.
  std::latch effect_written(1);
  std::latch backend_killed(1);
  std::atomic<int> backend_pid = 0;
  events::Subscription stalling("alpha");
  stalling.on("test.Happened", [&](Tx& tx, const events::Event& e) {
    record_effect(tx, e, "alpha", "a");
    static constexpr Statement kBackendPid{"test.backend_pid", "SELECT pg_backend_pid()"};
    backend_pid = static_cast<int>(tx.query(kBackendPid)[0].integer(0));
    effect_written.count_down();
    backend_killed.wait();
  });
  events::Dispatcher a(db_a, clock, {});
  a.add(std::move(stalling));
  a.register_subscriptions();
  const auto id = publish_one(db_b, "test.Happened", 1);

  std::thread dying([&] { CHECK_THROWS(a.dispatch_once()); });
  effect_written.wait();
  query_value(data.t.url(), "SELECT pg_terminate_backend(" + std::to_string(backend_pid.load()) + ")");
  backend_killed.count_down();
  dying.join();
  CHECK(data.count() == "0");

  events::Dispatcher b(db_b, clock, {});
  b.add(recording("alpha", "test.Happened", "b"));
  CHECK(b.dispatch_once() == 1);
  CHECK(b.dispatch_once() == 0);
  CHECK(data.count("event_id = '" + id + "'") == "1");
  CHECK(data.count("source = 'b'") == "1");
}

TEST_CASE("a failing handler is retried with backoff then dead-lettered and replay delivers it",
          "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  std::atomic<bool> failing = true;
  events::Subscription flaky("flaky");
  flaky.on("test.Happened", [&](Tx& tx, const events::Event& e) {
    record_effect(tx, e, "flaky");  // rolled back with the failure
    if (failing) throw std::runtime_error("the mail server said no");
  });
  events::Dispatcher dispatcher(db, clock, {.max_attempts = 3, .retry_base = 1s, .retry_max = 1h});
  dispatcher.add(std::move(flaky));
  dispatcher.add(recording("steady", "test.Happened"));
  dispatcher.register_subscriptions();
  publish_one(db, "test.Happened", 1);

  CHECK(dispatcher.dispatch_once() == 2);  // flaky fails (attempt 1); steady is unaffected
  CHECK(data.count("subscriber = 'steady'") == "1");
  CHECK(dispatcher.dispatch_once() == 0);
  clock.advance(999ms);
  CHECK(dispatcher.dispatch_once() == 0);
  clock.advance(1ms);
  CHECK(dispatcher.dispatch_once() == 1);  // attempt 2; the next waits 2 s
  clock.advance(1999ms);
  CHECK(dispatcher.dispatch_once() == 0);
  clock.advance(1ms);
  CHECK(dispatcher.dispatch_once() == 1);  // attempt 3: dead
  clock.advance(24h);
  CHECK(dispatcher.dispatch_once() == 0);
  CHECK(data.count("subscriber = 'flaky'") == "0");

  auto list = [](Tx& tx) { return events::list_dead_letters(tx, 10); };
  const auto dead = db.transact_blocking(list);
  REQUIRE(dead.items.size() == 1);
  CHECK(dead.items[0].subscriber == "flaky");
  CHECK(dead.items[0].attempts == 3);
  CHECK(dead.items[0].last_error == "the mail server said no");
  CHECK(dead.items[0].event.type == "test.Happened");
  CHECK(dead.items[0].event.payload.at("n").to_number<int>() == 1);
  CHECK_FALSE(dead.next_after.has_value());

  failing = false;
  const auto letter = dead.items[0].id;
  auto replay = [&](Tx& tx) { return events::replay_dead_letter(tx, letter, clock.now()); };
  CHECK(db.transact_blocking(replay));
  CHECK_FALSE(db.transact_blocking(replay));  // no longer a dead letter
  CHECK(dispatcher.dispatch_once() == 1);
  CHECK(data.count("subscriber = 'flaky'") == "1");
  CHECK(db.transact_blocking(list).items.empty());
}

TEST_CASE("retry delays double up to the maximum", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t, 1);
  ManualClock clock;
  events::Dispatcher dispatcher(db, clock, {.retry_base = 1s, .retry_max = 10s});
  CHECK(dispatcher.retry_delay(1) == 1s);
  CHECK(dispatcher.retry_delay(2) == 2s);
  CHECK(dispatcher.retry_delay(4) == 8s);
  CHECK(dispatcher.retry_delay(5) == 10s);
  CHECK(dispatcher.retry_delay(1000) == 10s);
}

TEST_CASE("dead letters page by id", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  events::Subscription broken("broken");
  broken.on("test.Happened", [](Tx&, const events::Event&) { throw std::runtime_error("no"); });
  events::Dispatcher dispatcher(db, clock, {.max_attempts = 1});
  dispatcher.add(std::move(broken));
  dispatcher.register_subscriptions();
  for (int i = 0; i < 5; ++i) publish_one(db, "test.Happened", i);
  CHECK(dispatcher.dispatch_once() == 5);

  auto page = [](std::int64_t after) {
    return [after](Tx& tx) { return events::list_dead_letters(tx, 2, after); };
  };
  auto first = page(0);
  const auto p1 = db.transact_blocking(first);
  REQUIRE(p1.items.size() == 2);
  REQUIRE(p1.next_after.has_value());
  auto second = page(*p1.next_after);
  const auto p2 = db.transact_blocking(second);
  REQUIRE(p2.items.size() == 2);
  CHECK(p2.items[0].id > p1.items[1].id);
  auto third = page(*p2.next_after);
  const auto p3 = db.transact_blocking(third);
  CHECK(p3.items.size() == 1);
  CHECK_FALSE(p3.next_after.has_value());
}

TEST_CASE("a delayed event is delivered when its time comes", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  events::Dispatcher dispatcher(db, clock, {});
  dispatcher.add(recording("alpha", "test.Due"));
  dispatcher.register_subscriptions();

  publish_one(db, "test.Due", 1, {.deliver_at = clock.now() + 30min});
  CHECK(dispatcher.dispatch_once() == 0);
  clock.advance(29min);
  CHECK(dispatcher.dispatch_once() == 0);
  clock.advance(1min);
  CHECK(dispatcher.dispatch_once() == 1);
  CHECK(data.count() == "1");
}

TEST_CASE("a commit wakes a listening dispatcher without waiting for its poll", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  SystemClock clock;
  events::Dispatcher dispatcher(db, clock, {.poll_interval = 10min});
  dispatcher.add(recording("alpha", "test.Happened"));
  dispatcher.register_subscriptions();
  dispatcher.start();
  REQUIRE(eventually([&] { return dispatcher.listening(); }, 10s));

  publish_one(db, "test.Happened", 1);
  CHECK(eventually([&] { return data.count() == "1"; }, 10s));
  dispatcher.stop();
}

TEST_CASE("only an event with a subscriber wakes the dispatchers", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  SystemClock clock;
  events::Dispatcher dispatcher(db, clock, {});
  dispatcher.add(recording("alpha", "test.Happened"));
  dispatcher.register_subscriptions();
  std::atomic<int> heard{0};
  std::atomic<bool> listening{false};
  shop::infra::db::NotificationListener listener(
      db.conninfo(), "shopd_events",
      {.on_notify =
           [&](std::span<const std::string> payloads) { heard += static_cast<int>(payloads.size()); },
       .on_listening = [&] { listening = true; }});
  listener.start();
  REQUIRE(eventually([&] { return listening.load(); }, 10s));

  publish_one(db, "test.Unheard", 1);
  publish_one(db, "test.Happened", 2);
  // PostgreSQL delivers notifications in commit order: once the second is heard, a first would be too.
  REQUIRE(eventually([&] { return heard.load() >= 1; }, 10s));
  CHECK(heard.load() == 1);
  listener.stop();
}

TEST_CASE("two dispatchers on a burst of 10000 events handle each once per subscriber",
          "[db][events][slow]") {
  EventsDatabase data;
  constexpr int kEvents = 10'000;
  auto db_a = connect(data.t);
  auto db_b = connect(data.t);
  SystemClock clock;
  // Like two shopd processes: separate pools, each with two dispatching threads.
  events::Dispatcher a(db_a, clock, {.threads = 2, .poll_interval = 50ms});
  events::Dispatcher b(db_b, clock, {.threads = 2, .poll_interval = 50ms});
  for (const char* subscriber : {"alpha", "beta"}) {
    a.add(recording(subscriber, "test.Burst", "a"));
    b.add(recording(subscriber, "test.Burst", "b"));
  }
  a.register_subscriptions();
  b.register_subscriptions();
  a.start();
  b.start();

  auto publish_many = [](Tx& tx) {
    for (int i = 0; i < 500; ++i) events::publish(tx, "test.Burst", 1, boost::json::object{{"n", i}});
  };
  for (int i = 0; i < kEvents / 500; ++i) db_a.transact_blocking(publish_many);

  CHECK(eventually([&] { return data.count() == std::to_string(2 * kEvents); }, 100s));
  a.stop();
  b.stop();
  CHECK(data.count() == std::to_string(2 * kEvents));
  CHECK(query_value(data.t.url(),
                    "SELECT count(*) FROM (SELECT event_id, subscriber FROM public.effects"
                    " GROUP BY event_id, subscriber HAVING count(*) > 1) AS repeated") == "0");
  CHECK(query_value(data.t.url(), "SELECT count(DISTINCT event_id) FROM public.effects") ==
        std::to_string(kEvents));
  CHECK(query_value(data.t.url(), "SELECT count(*) FROM shopd.event_deliveries WHERE status <> 'handled'") ==
        "0");
  // Both took part, or the test proved nothing about two of them.
  CHECK(data.count("source = 'a'") != "0");
  CHECK(data.count("source = 'b'") != "0");
}

TEST_CASE("retention purges handled events and keeps pending ones and dead letters", "[db][events]") {
  EventsDatabase data;
  auto db = connect(data.t);
  ManualClock clock;
  events::Subscription picky("picky");
  picky.on("test.Happened", [](Tx&, const events::Event& e) {
    if (e.payload.at("n").to_number<int>() == 2) throw std::runtime_error("not this one");
  });
  events::Dispatcher dispatcher(db, clock, {.max_attempts = 1});
  dispatcher.add(std::move(picky));
  dispatcher.add(recording("late", "test.Later"));
  dispatcher.register_subscriptions();
  publish_one(db, "test.Happened", 1);                                  // handled
  publish_one(db, "test.Happened", 2);                                  // dead letter
  publish_one(db, "test.Later", 3, {.deliver_at = clock.now() + 24h});  // still pending
  CHECK(dispatcher.dispatch_once() == 2);

  auto purge_at = [](shop::infra::clock::TimePoint cutoff) {
    return [cutoff](Tx& tx) { return events::purge_handled(tx, cutoff); };
  };
  auto too_early = purge_at(std::chrono::system_clock::now() - 1h);
  CHECK(db.transact_blocking(too_early) == 0);
  auto later = purge_at(std::chrono::system_clock::now() + 1h);
  CHECK(db.transact_blocking(later) == 1);
  CHECK(query_value(data.t.url(), "SELECT count(*) FROM shopd.outbox_events") == "2");
  CHECK(query_value(data.t.url(), "SELECT string_agg(status, ',' ORDER BY id) FROM shopd.event_deliveries") ==
        "dead,pending");
}
