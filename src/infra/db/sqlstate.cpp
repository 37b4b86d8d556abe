#include "sqlstate.hpp"

#include "shop/infra/db/errors.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <stdexcept>

namespace shop::infra::db {

bool is_unavailable_state(const std::string& state) {
  // 08: connection exception; 57P01..03: admin/crash shutdown, cannot connect now.
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

void throw_for_sqlstate(const std::string& message, const std::string& state, bool broken) {
  if (broken || is_unavailable_state(state)) throw Unavailable(message, state.empty() ? "08006" : state);
  if (state == "40001" || state == "40P01") throw SerializationFailure(message, state);
  if (state == "23505" || state == "23P01") throw Conflict(message, state);
  throw DbError(message, state);
}

// SOCI mangles URIs ("postgresql://u@h/db" reaches the server as database "db="), so URIs and
// key=value strings alike are handed over as key='value' pairs parsed by libpq itself.
std::string to_keyword_conninfo(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = error == nullptr ? "out of memory" : error;
    PQfreemem(error);
    throw std::invalid_argument("bad database URL: " + message);
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string value;
    for (const char* c = o->val; *c != '\0'; ++c) {
      if (*c == '\'' || *c == '\\') value += '\\';
      value += *c;
    }
    out += fmt::format("{}{}='{}'", out.empty() ? "" : " ", o->keyword, value);
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace shop::infra::db
