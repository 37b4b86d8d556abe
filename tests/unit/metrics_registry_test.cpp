#include "shop/infra/metrics/registry.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using Catch::Matchers::Contains;
using shop::infra::metrics::Registry;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("Registry renders counters with HELP, TYPE and labels", "[unit][metrics]") {
  Registry registry;
  auto& ok =
      registry.counter("shop_requests_total", "Requests served.", {{"route", "/a"}, {"status", "200"}});
  auto& bad =
      registry.counter("shop_requests_total", "Requests served.", {{"route", "/a"}, {"status", "500"}});
  ok.add();
  ok.add(4);
  bad.add(2);
  auto& plain = registry.counter("shop_starts_total", "Starts.");
  plain.add();

  const auto text = registry.render();
  CAPTURE(text);
  CHECK(has_line(text, "# HELP shop_requests_total Requests served."));
  CHECK(has_line(text, "# TYPE shop_requests_total counter"));
  CHECK(has_line(text, R"(shop_requests_total{route="/a",status="200"} 5)"));
  CHECK(has_line(text, R"(shop_requests_total{route="/a",status="500"} 2)"));
  CHECK(has_line(text, "shop_starts_total 1"));
  // HELP and TYPE come once per family, before its series.
  CHECK(text.find("# TYPE shop_requests_total") < text.find("shop_requests_total{"));
  CHECK(text.find("# HELP shop_requests_total") == text.rfind("# HELP shop_requests_total"));
}

TEST_CASE("Registry returns the same counter for the same name and labels", "[unit][metrics]") {
  Registry registry;
  auto& a = registry.counter("c_total", "C.", {{"k", "v"}});
  auto& b = registry.counter("c_total", "C.", {{"k", "v"}});
  auto& other = registry.counter("c_total", "C.", {{"k", "w"}});
  CHECK(&a == &b);
  CHECK(&a != &other);
  a.add(3);
  CHECK(b.value() == 3);
  CHECK(other.value() == 0);
}

TEST_CASE("Registry escapes label values", "[unit][metrics]") {
  Registry registry;
  registry.counter("esc_total", "Escapes.", {{"v", R"(say "hi" \ bye)"}}).add();
  registry.counter("esc_total", "Escapes.", {{"v", "two\nlines"}}).add();
  const auto text = registry.render();
  CAPTURE(text);
  CHECK(has_line(text, R"(esc_total{v="say \"hi\" \\ bye"} 1)"));
  CHECK(has_line(text, R"(esc_total{v="two\nlines"} 1)"));
}

TEST_CASE("Registry renders histograms with cumulative buckets, +Inf, sum and count", "[unit][metrics]") {
  Registry registry;
  auto& h = registry.histogram("latency_seconds", "Latency.", {{"route", "/x"}}, {0.1, 0.5, 1});
  h.observe(0.05);
  h.observe(0.1);  // on a bound: counts in that bucket (le means <=)
  h.observe(0.3);
  h.observe(2);
  CHECK(h.count() == 4);
  CHECK(h.sum() == Approx(2.45));

  const auto text = registry.render();
  CAPTURE(text);
  CHECK(has_line(text, "# HELP latency_seconds Latency."));
  CHECK(has_line(text, "# TYPE latency_seconds histogram"));
  CHECK(has_line(text, R"(latency_seconds_bucket{route="/x",le="0.1"} 2)"));
  CHECK(has_line(text, R"(latency_seconds_bucket{route="/x",le="0.5"} 3)"));
  CHECK(has_line(text, R"(latency_seconds_bucket{route="/x",le="1"} 3)"));
  CHECK(has_line(text, R"(latency_seconds_bucket{route="/x",le="+Inf"} 4)"));
  CHECK(has_line(text, R"(latency_seconds_sum{route="/x"} 2.45)"));
  CHECK(has_line(text, R"(latency_seconds_count{route="/x"} 4)"));
  // Buckets are listed in increasing order, +Inf last.
  CHECK(text.find(R"(le="0.1")") < text.find(R"(le="0.5")"));
  CHECK(text.find(R"(le="1")") < text.find(R"(le="+Inf")"));
  CHECK(text.find(R"(le="+Inf")") < text.find("latency_seconds_sum"));
}

TEST_CASE("Registry renders an unlabelled histogram with only the le label", "[unit][metrics]") {
  Registry registry;
  registry.histogram("h_seconds", "H.", {}, {1}).observe(0.5);
  const auto text = registry.render();
  CAPTURE(text);
  CHECK(has_line(text, R"(h_seconds_bucket{le="1"} 1)"));
  CHECK(has_line(text, R"(h_seconds_bucket{le="+Inf"} 1)"));
  CHECK(has_line(text, "h_seconds_sum 0.5"));
  CHECK(has_line(text, "h_seconds_count 1"));
}

TEST_CASE("Registry reads gauges when rendering", "[unit][metrics]") {
  Registry registry;
  double in_use = 3;
  registry.gauge("pool_in_use", "Connections in use.", {{"pool", "db"}}, [&in_use] { return in_use; });
  CHECK(has_line(registry.render(), R"(pool_in_use{pool="db"} 3)"));
  in_use = 7.5;
  const auto text = registry.render();
  CAPTURE(text);
  CHECK(has_line(text, "# TYPE pool_in_use gauge"));
  CHECK(has_line(text, R"(pool_in_use{pool="db"} 7.5)"));
}

TEST_CASE("Registry refuses one name registered as two types", "[unit][metrics]") {
  Registry registry;
  registry.counter("thing", "A counter.");
  CHECK_THROWS_AS(registry.histogram("thing", "Now a histogram.", {}, {1}), std::logic_error);
  CHECK_THROWS_AS(registry.gauge("thing", "Now a gauge.", {}, [] { return 1.0; }), std::logic_error);

  registry.gauge("level", "A gauge.", {}, [] { return 1.0; });
  CHECK_THROWS_AS(registry.counter("level", "Now a counter."), std::logic_error);

  const auto text = registry.render();
  CHECK(has_line(text, "# TYPE thing counter"));
  CHECK(has_line(text, "# TYPE level gauge"));
  CHECK_THAT(text, !Contains("histogram"));
}
