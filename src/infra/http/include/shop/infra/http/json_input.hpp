#pragma once

#include "shop/infra/domain/text_rule.hpp"
#include "shop/infra/http/message.hpp"
#include "shop/infra/http/problem.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// Reads and validates a JSON request body. Every bad field is collected, so one 400 names them all;
// a field the handler did not ask for is `unknown_field`, so a client typo or a smuggled `role`
// never passes silently. Usage:
//   JsonInput in(request);
//   auto name = in.root().text("name", {.min = 1, .max = 50});
//   auto limit = in.root().integer("purchase_limit", 1, 1000, Presence::kOptional);
//   in.finish();  // throws Problem 400 if anything was wrong
namespace shop::infra::http {

using domain::Presence;
using domain::TextRule;

class FieldReader {
 public:
  FieldReader(const boost::json::object& object, std::string prefix, std::vector<FieldError>& errors);

  std::optional<std::string> text(std::string_view field, const TextRule& rule);
  std::optional<std::int64_t> integer(std::string_view field, std::int64_t min, std::int64_t max,
                                      Presence presence = Presence::kRequired);
  std::optional<bool> boolean(std::string_view field, Presence presence = Presence::kRequired);
  // An array of at most `max_items` strings, each held to `rule` (an error names "field[2]").
  std::optional<std::vector<std::string>> texts(std::string_view field, const TextRule& rule,
                                                std::size_t max_items,
                                                Presence presence = Presence::kRequired);
  // An array of at most `max_items` objects, each read by a reader of its own whose errors name
  // "field[3].quantity" and whose unknown fields are reported like the root's. The readers live
  // as long as this one.
  std::optional<std::vector<FieldReader*>> objects(std::string_view field, std::size_t max_items,
                                                   Presence presence = Presence::kRequired);
  // True if the field is present as JSON null: how a PATCH clears an optional value. Read it
  // before the field's typed reader, which would refuse the null.
  bool is_null(std::string_view field);
  // Adds an error for a field, for checks that span fields.
  void reject(std::string_view field, std::string message);
  // Fields present but never asked for; called by JsonInput::finish.
  void report_unknown(std::vector<FieldError>& unknown) const;

 private:
  const boost::json::value* find(std::string_view field, Presence presence);
  std::string path(std::string_view field) const;

  const boost::json::object& object_;
  std::string prefix_;
  std::vector<FieldError>& errors_;
  std::set<std::string, std::less<>> asked_;
  std::list<FieldReader> items_;  // objects()'s readers: a list keeps their addresses
};

class JsonInput {
 public:
  // kOptional: an empty body reads as {} (a POST whose fields are all optional).
  enum class Body { kRequired, kOptional };
  // 415 unless the body is declared JSON; 400 malformed_json unless it parses to an object.
  explicit JsonInput(const Request& request, Body body = Body::kRequired);
  JsonInput(const JsonInput&) = delete;
  JsonInput& operator=(const JsonInput&) = delete;

  FieldReader& root() { return root_; }
  // Throws Problem 400: `unknown_field` if a field was not asked for, else `validation_failed`.
  void finish();

 private:
  boost::json::object object_;
  std::vector<FieldError> errors_;
  FieldReader root_;
};

}  // namespace shop::infra::http
