#pragma once

#include "shop/infra/clock/clock.hpp"
#include "shop/infra/clock/time_text.hpp"

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <optional>

// Optional fields of the API's JSON (API.md, Conventions): a value the resource may lack is `null`,
// never left out, and a time is RFC 3339.
namespace shop::infra::http {

// `null`, or the value as boost::json::value_from makes it.
template <class T>
boost::json::value json_or_null(const std::optional<T>& value) {
  return value ? boost::json::value_from(*value) : boost::json::value(nullptr);
}

// `null`, or the time in RFC 3339.
inline boost::json::value time_or_null(const std::optional<clock::TimePoint>& time) {
  return time ? boost::json::value(clock::format_rfc3339(*time)) : boost::json::value(nullptr);
}

}  // namespace shop::infra::http
