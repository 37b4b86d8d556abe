#include "idle_connections.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace shop::infra::http_client {
namespace {

// A server that closed an idle connection has sent its FIN (or, over TLS, a close_notify) by now; one
// that sends anything unasked is no longer in step. Either way the socket has something to read.
bool quiet(Connection& connection) {
  char byte = 0;
  const auto n = ::recv(connection.tcp().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

void IdleConnections::drop_expired(std::deque<std::unique_ptr<Connection>>& queue) const {
  const auto now = std::chrono::steady_clock::now();
  while (!queue.empty() && now - queue.front()->idle_since >= max_idle_time_) queue.pop_front();
}

std::unique_ptr<Connection> IdleConnections::take(const std::string& origin) {
  const auto it = idle_.find(origin);
  if (it == idle_.end()) return nullptr;
  auto& queue = it->second;
  drop_expired(queue);
  while (!queue.empty()) {
    auto connection = std::move(queue.back());
    queue.pop_back();
    if (quiet(*connection)) return connection;
  }
  return nullptr;
}

void IdleConnections::put(const std::string& origin, std::unique_ptr<Connection> connection) {
  auto& queue = idle_[origin];
  drop_expired(queue);
  if (queue.size() >= max_per_origin_) return;
  connection->idle_since = std::chrono::steady_clock::now();
  queue.push_back(std::move(connection));
}

}  // namespace shop::infra::http_client
