#pragma once

#include "connection.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>

// Keep-alive connections waiting for their next request, per origin. Used only on the client's I/O
// thread, so it needs no lock.
namespace shop::infra::http_client {

class IdleConnections {
 public:
  IdleConnections(std::size_t max_per_origin, std::chrono::milliseconds max_idle_time)
      : max_per_origin_(max_per_origin), max_idle_time_(max_idle_time) {}

  // The most recently used connection to `origin` that still looks usable, or null. Connections idle
  // too long, or that the server has closed or written to since, are closed on the way.
  std::unique_ptr<Connection> take(const std::string& origin);
  // Keeps `connection` for reuse, or closes it when the origin already has max_per_origin.
  void put(const std::string& origin, std::unique_ptr<Connection> connection);
  void clear() { idle_.clear(); }

 private:
  void drop_expired(std::deque<std::unique_ptr<Connection>>& queue) const;

  std::size_t max_per_origin_;
  std::chrono::milliseconds max_idle_time_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;  // oldest first
};

}  // namespace shop::infra::http_client
