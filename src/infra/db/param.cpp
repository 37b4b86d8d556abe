#include "shop/infra/clock/time_text.hpp"
#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/db/statement.hpp"

#include <fmt/format.h>

namespace shop::infra::db {

Param::Param(clock::TimePoint time) {
  if (time == clock::TimePoint::max()) {
    text_ = "infinity";
  } else if (time == clock::TimePoint::min()) {
    text_ = "-infinity";
  } else {
    text_ = clock::format_rfc3339_micros(time);
  }
}

Param::Param(std::chrono::microseconds interval) : text_(fmt::format("{} microseconds", interval.count())) {}

namespace {

std::string bytea_text(std::string_view bytes) {
  return "\\x" + crypto::encode_hex(bytes);
}

// Array literal with every element quoted: only '"' and '\' need escaping inside the quotes.
template <class Range, class ToText>
std::string array_literal(const Range& items, ToText to_text) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : to_text(item)) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}

}  // namespace

Param::Param(Bytes bytes) : text_(bytea_text(bytes.data)) {}

Param::Param(BytesArray bytes) : text_(array_literal(bytes.items, bytea_text)) {}

Param::Param(std::span<const std::string> texts)
    : text_(array_literal(texts, [](const std::string& t) -> const std::string& { return t; })) {}

Param::Param(std::span<const std::int64_t> integers)
    : text_(fmt::format("{{{}}}", fmt::join(integers, ","))) {}

}  // namespace shop::infra::db
