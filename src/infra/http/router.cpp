#include "shop/infra/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace shop::infra::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, Access access) {
  const auto parts = split_path(pattern);
  if (parts.empty()) throw std::logic_error("route pattern must start with '/': " + pattern);
  Route route{method, pattern, {}, std::move(handler), std::move(access)};
  for (auto part : parts) {
    if (part.find_first_of("{}") != std::string_view::npos && !is_param(part)) {
      throw std::logic_error("malformed route segment in " + pattern);
    }
    route.segments.emplace_back(part);
  }
  for (const Route& existing : routes_) {
    if (existing.method == method && existing.pattern == pattern) {
      throw std::logic_error("route registered twice: " + std::string(method_name(method)) + " " + pattern);
    }
  }
  routes_.push_back(std::move(route));
}

Router::Match Router::match(Method method, std::string_view path) const {
  const auto parts = split_path(path);
  Match best;
  // Specificity: literal segments beat parameters, compared from the left.
  std::vector<bool> best_shape;
  for (const Route& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    std::vector<bool> shape;
    bool matches = true;
    for (std::size_t i = 0; i < parts.size() && matches; ++i) {
      const bool param = is_param(route.segments[i]);
      matches = param ? !parts[i].empty() : route.segments[i] == parts[i];
      shape.push_back(param);
    }
    if (!matches) continue;
    if (route.method != method) {
      if (best.kind != Match::Kind::kFound) {
        best.kind = Match::Kind::kMethodNotAllowed;
        if (std::find(best.allowed.begin(), best.allowed.end(), route.method) == best.allowed.end()) {
          best.allowed.push_back(route.method);
        }
      }
      continue;
    }
    if (best.kind == Match::Kind::kFound && !(shape < best_shape)) continue;
    best.kind = Match::Kind::kFound;
    best.handler = &route.handler;
    best.access = &route.access;
    best.pattern = route.pattern;
    best.params.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (shape[i]) {
        const auto& seg = route.segments[i];
        best.params.emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[i]));
      }
    }
    best_shape = std::move(shape);
  }
  if (best.kind == Match::Kind::kFound) best.allowed.clear();
  return best;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back({r.method, r.pattern, r.access});
  return out;
}

}  // namespace shop::infra::http
