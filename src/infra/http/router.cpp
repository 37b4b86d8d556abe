#include "shop/infra/http/router.hpp"

#include "string_hash.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace shop::infra::http {
namespace {

// Patterns deeper than this are refused by add(), so a path deeper than this matches nothing.
constexpr std::size_t kMaxSegments = 16;

struct Segments {
  std::array<std::string_view, kMaxSegments> parts;
  std::size_t size = 0;
};

// The segments of "/a/b/c"; nullopt for a path without its leading slash or deeper than any route.
std::optional<Segments> split_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  path.remove_prefix(1);
  Segments out;
  while (true) {
    if (out.size == kMaxSegments) return std::nullopt;
    const auto slash = path.find('/');
    out.parts[out.size++] = path.substr(0, slash);
    if (slash == std::string_view::npos) return out;
    path.remove_prefix(slash + 1);
  }
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

struct Router::Node {
  std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> literals;
  std::unique_ptr<Node> param;      // any non-empty segment, whatever the parameter's name
  std::vector<std::size_t> routes;  // indices into routes_ of the patterns that end here
};

struct Router::Search {
  Method method;
  Segments path;
  const Route* found = nullptr;
  std::vector<Method> allowed;  // the methods of the patterns that fit the path
};

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

void Router::add(Method method, std::string pattern, Handler handler, Access access) {
  const auto parts = split_path(pattern);
  if (!parts) {
    throw std::logic_error("route pattern must start with '/' and have at most " +
                           std::to_string(kMaxSegments) + " segments: " + pattern);
  }
  Route route{method, pattern, {}, std::move(handler), std::move(access)};
  Node* node = root_.get();
  for (std::size_t i = 0; i < parts->size; ++i) {
    const auto part = parts->parts[i];
    if (part.find_first_of("{}") != std::string_view::npos && !is_param(part)) {
      throw std::logic_error("malformed route segment in " + pattern);
    }
    route.segments.emplace_back(part);
    auto& next = is_param(part) ? node->param : node->literals[std::string(part)];
    if (!next) next = std::make_unique<Node>();
    node = next.get();
  }
  for (const auto index : node->routes) {
    if (routes_[index].method == method && routes_[index].pattern == pattern) {
      throw std::logic_error("route registered twice: " + std::string(method_name(method)) + " " + pattern);
    }
  }
  node->routes.push_back(routes_.size());
  routes_.push_back(std::move(route));
}

// Depth first, a literal segment before a parameter, so the first route found for the method is the
// most specific: a literal beats a parameter in the same place, compared from the left. Of patterns
// that differ only in their parameters' names, the first added wins.
bool Router::search(const Node& node, Search& state, std::size_t depth) const {
  if (depth == state.path.size) {
    for (const auto index : node.routes) {
      const Route& route = routes_[index];
      if (route.method == state.method) {
        state.found = &route;
        return true;
      }
      if (std::find(state.allowed.begin(), state.allowed.end(), route.method) == state.allowed.end()) {
        state.allowed.push_back(route.method);
      }
    }
    return false;
  }
  const auto part = state.path.parts[depth];
  if (const auto literal = node.literals.find(part); literal != node.literals.end()) {
    if (search(*literal->second, state, depth + 1)) return true;
  }
  return node.param && !part.empty() && search(*node.param, state, depth + 1);
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match best;
  const auto parts = split_path(path);
  if (!parts) return best;
  Search state{method, *parts, nullptr, {}};
  if (!search(*root_, state, 0)) {
    if (!state.allowed.empty()) best.kind = Match::Kind::kMethodNotAllowed;
    best.allowed = std::move(state.allowed);
    return best;
  }
  const Route& found = *state.found;
  best.kind = Match::Kind::kFound;
  best.handler = &found.handler;
  best.access = &found.access;
  best.pattern = found.pattern;
  for (std::size_t i = 0; i < parts->size; ++i) {
    const auto& segment = found.segments[i];
    if (is_param(segment))
      best.params.emplace_back(segment.substr(1, segment.size() - 2), std::string(parts->parts[i]));
  }
  return best;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.push_back({r.method, r.pattern, r.access});
  return out;
}

}  // namespace shop::infra::http
