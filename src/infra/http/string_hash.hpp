#pragma once

#include <functional>
#include <string_view>

// Private to infra/http: a hash for std::string keys that also takes a std::string_view, so that a
// map keyed by std::string (with std::equal_to<>) is searched per request without building a key.
namespace shop::infra::http {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace shop::infra::http
