#include "dead_letters_command.hpp"

#include "shop/infra/events/dead_letters.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <iostream>
#include <optional>

namespace shop::app {
namespace {

namespace events = infra::events;

constexpr const char* kUsage =
    "usage: shopd dead-letters list [--limit N] [--after ID]\n"
    "       shopd dead-letters replay ID\n";

std::optional<std::int64_t> parse_id(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

int usage_error(const std::string& why) {
  std::cerr << "shopd dead-letters: " << why << "\n" << kUsage;
  return 2;
}

// The error on one line, cut to fit a terminal row.
std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > 120) text = text.substr(0, 117) + "...";
  return text;
}

int list(infra::db::Database& db, std::span<const std::string> args) {
  std::int64_t limit = 50;
  std::int64_t after = 0;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    const auto value = i + 1 < args.size() ? parse_id(args[i + 1]).value_or(-1) : -1;
    if (args[i] == "--limit" && value >= 1 && value <= 1000) {
      limit = value;
    } else if (args[i] == "--after" && value >= 0) {
      after = value;
    } else {
      return usage_error("bad argument '" + args[i] + "' (--limit takes 1..1000, --after an id)");
    }
  }
  auto fetch = [&](infra::db::Tx& s) {
    return events::list_dead_letters(s, static_cast<std::size_t>(limit), after);
  };
  const auto page = db.transact_blocking(fetch);
  if (page.items.empty()) {
    std::cout << "no dead letters\n";
    return 0;
  }
  std::cout << fmt::format("{:>8}  {:<28}  {:<32}  {:>8}  {:<20}  {}\n", "ID", "SUBSCRIBER", "EVENT TYPE",
                           "ATTEMPTS", "FAILED AT (UTC)", "LAST ERROR");
  for (const auto& letter : page.items) {
    std::cout << fmt::format("{:>8}  {:<28}  {:<32}  {:>8}  {:%Y-%m-%d %H:%M:%S}  {}\n", letter.id,
                             letter.subscriber, letter.event.type, letter.attempts,
                             std::chrono::floor<std::chrono::seconds>(letter.failed_at),
                             one_line(letter.last_error));
  }
  if (page.next_after)
    std::cout << fmt::format("more: shopd dead-letters list --after {}\n", *page.next_after);
  return 0;
}

int replay(infra::db::Database& db, const infra::clock::Clock& clock, std::span<const std::string> args) {
  if (args.size() != 1) return usage_error("replay takes one id");
  const auto id = parse_id(args[0]);
  if (!id) return usage_error("'" + args[0] + "' is not an id");
  auto replay_one = [&](infra::db::Tx& tx) { return events::replay_dead_letter(tx, *id, clock.now()); };
  if (!db.transact_blocking(replay_one)) {
    std::cerr << "shopd dead-letters: no dead letter " << *id << "\n";
    return 1;
  }
  std::cout << "dead letter " << *id << " is due for delivery again\n";
  return 0;
}

}  // namespace

int run_dead_letters_command(infra::db::Database& db, const infra::clock::Clock& clock,
                             std::span<const std::string> args) {
  if (args.empty()) return usage_error("a subcommand is required");
  if (args[0] == "list") return list(db, args.subspan(1));
  if (args[0] == "replay") return replay(db, clock, args.subspan(1));
  return usage_error("unknown subcommand '" + args[0] + "'");
}

}  // namespace shop::app
