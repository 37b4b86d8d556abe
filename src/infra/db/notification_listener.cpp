#include "shop/infra/db/notification_listener.hpp"

#include "shop/infra/log/log.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace shop::infra::db {
namespace {

constexpr int kReconnectDelayMs = 1000;

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

// Connects and issues LISTEN; null (after logging) if either fails.
Connection listen_on(const std::string& conninfo, const std::string& channel) {
  Connection conn(PQconnectdb(conninfo.c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    log::warn("db", "notification listener cannot connect", {{"error", PQerrorMessage(conn.get())}});
    return {nullptr, PQfinish};
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(conn.get(), fmt::format("LISTEN \"{}\"", channel).c_str()), PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    log::warn("db", "LISTEN failed", {{"channel", channel}, {"error", PQerrorMessage(conn.get())}});
    return {nullptr, PQfinish};
  }
  return conn;
}

// Reads what arrived into `payloads`; false if the connection broke.
bool drain(PGconn* conn, std::vector<std::string>& payloads) {
  if (PQconsumeInput(conn) == 0) return false;
  while (PGnotify* n = PQnotifies(conn)) {
    payloads.emplace_back(n->extra);
    PQfreemem(n);
  }
  return true;
}

}  // namespace

NotificationListener::NotificationListener(std::string conninfo, std::string channel,
                                           std::function<void()> on_notify)
    : NotificationListener(
          std::move(conninfo), std::move(channel),
          ListenerHandlers{.on_notify = [on_notify](std::span<const std::string>) { on_notify(); },
                           .on_listening = on_notify}) {}

NotificationListener::NotificationListener(std::string conninfo, std::string channel,
                                           ListenerHandlers handlers)
    : conninfo_(std::move(conninfo)), channel_(std::move(channel)), handlers_(std::move(handlers)) {
  for (char c : channel_) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      throw std::invalid_argument("bad channel name");
  }
  stop_fd_ = eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

NotificationListener::~NotificationListener() {
  stop();
  close(stop_fd_);
}

void NotificationListener::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
}

void NotificationListener::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto n = ::write(stop_fd_, &one, sizeof one);
  thread_.join();
}

bool NotificationListener::sleep_or_stop(int milliseconds) {
  pollfd stop{stop_fd_, POLLIN, 0};
  return ::poll(&stop, 1, milliseconds) == 0;
}

void NotificationListener::run() {
  for (;;) {
    Connection conn = listen_on(conninfo_, channel_);
    if (!conn) {
      if (!sleep_or_stop(kReconnectDelayMs)) return;
      continue;
    }
    listening_ = true;
    // Whatever committed while we were not listening is for the users to find (by polling, or by
    // forgetting what they cached): they hear that LISTEN is in effect again.
    if (handlers_.on_listening) handlers_.on_listening();
    std::vector<std::string> payloads;
    for (;;) {
      pollfd fds[2] = {{PQsocket(conn.get()), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
      if ((fds[1].revents & POLLIN) != 0) {
        listening_ = false;
        return;
      }
      if (fds[0].revents == 0) continue;
      payloads.clear();
      if (!drain(conn.get(), payloads)) break;
      if (!payloads.empty()) handlers_.on_notify(payloads);
    }
    listening_ = false;
    if (handlers_.on_lost) handlers_.on_lost();
    log::warn("db", "notification listener lost its connection; reconnecting", {{"channel", channel_}});
    if (!sleep_or_stop(kReconnectDelayMs)) return;
  }
}

}  // namespace shop::infra::db
