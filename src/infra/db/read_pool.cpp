#include "read_pool.hpp"

#include "pg_result.hpp"
#include "shop/infra/db/errors.hpp"

#include <libpq-fe.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace shop::infra::db {

namespace asio = boost::asio;

namespace {

class Registrations;

// A connection's socket, registered with the reactor of the io_context that last ran a query on it
// and kept so: a query costs no epoll_ctl to add the descriptor and none to remove it. libpq owns the
// descriptor, so it is released, never closed, here, and before PQfinish closes it.
class RegisteredSocket {
 public:
  RegisteredSocket() = default;
  ~RegisteredSocket() { reset(); }
  RegisteredSocket(const RegisteredSocket&) = delete;
  RegisteredSocket& operator=(const RegisteredSocket&) = delete;

  // `fd` registered with the reactor of `executor`'s io_context.
  asio::posix::stream_descriptor& get(const asio::any_io_executor& executor, int fd);
  // Lets go of the registration, if any.
  void reset();

 private:
  friend class Registrations;
  std::optional<asio::posix::stream_descriptor> socket_;
  Registrations* registered_with_ = nullptr;  // the service of socket_'s io_context, while it lives
};

}  // namespace

struct ReadPool::Connection {
  PGconn* conn = nullptr;
  std::unordered_map<std::string, const StatementCatalog::Entry*> prepared;  // by name
  RegisteredSocket socket;

  ~Connection() { close(); }
  bool usable() const { return conn != nullptr && PQstatus(conn) == CONNECTION_OK; }
  void close() {
    socket.reset();
    if (conn != nullptr) PQfinish(conn);
    conn = nullptr;
    prepared.clear();
  }
};

// A coroutine waiting for a free connection; release() hands one over through the channel.
struct ReadPool::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : channel(executor, 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code, Connection*)> channel;
};

// Returns the connection on scope exit. One whose query was interrupted mid-protocol is closed, so
// that the next user reconnects instead of reading someone else's results.
class ReadPool::Lease {
 public:
  Lease(ReadPool& pool, Connection* connection) : pool_(pool), connection_(connection) {}
  ~Lease() {
    if (!clean_) connection_->close();
    pool_.release(connection_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  void mark_clean() { clean_ = true; }

 private:
  ReadPool& pool_;
  Connection* connection_;
  bool clean_ = false;
};

namespace {

// The sockets registered with one io_context. The pool outlives any io_context, and a caller on
// another one (a test, a tool) just works: when a context shuts down, this service (made after the
// context's descriptor service, so shut down before it) has every socket let go of its registration
// while the reactor is still there, and the next query registers with its own context again.
class Registrations : public asio::execution_context::service {
 public:
  static asio::execution_context::id id;

  explicit Registrations(asio::execution_context& context) : service(context) {}

  void add(RegisteredSocket* socket) {
    std::lock_guard lock(mutex_);
    sockets_.push_back(socket);
  }
  void remove(RegisteredSocket* socket) {
    {
      std::lock_guard lock(mutex_);
      sockets_.erase(std::remove(sockets_.begin(), sockets_.end(), socket), sockets_.end());
    }
    let_go(*socket);
  }

 private:
  void shutdown() override {
    std::vector<RegisteredSocket*> sockets;
    {
      std::lock_guard lock(mutex_);
      sockets.swap(sockets_);
    }
    for (auto* socket : sockets) let_go(*socket);
  }
  // Unlinked before the release: releasing drops a query's pending wait, whose coroutine may end
  // right there and close its connection, which must then find nothing left to let go of.
  static void let_go(RegisteredSocket& socket) {
    socket.registered_with_ = nullptr;
    std::optional<asio::posix::stream_descriptor> descriptor;
    descriptor.swap(socket.socket_);
    if (descriptor) descriptor->release();
  }

  std::mutex mutex_;
  std::vector<RegisteredSocket*> sockets_;
};

asio::execution_context::id Registrations::id;

asio::posix::stream_descriptor& RegisteredSocket::get(const asio::any_io_executor& executor, int fd) {
  auto& context = asio::query(executor, asio::execution::context_as<asio::execution_context&>);
  if (registered_with_ != nullptr && &registered_with_->context() == &context &&
      socket_->native_handle() == fd) {
    return *socket_;
  }
  reset();
  socket_.emplace(executor, fd);
  // After the descriptor: its service now exists in this context, so this one is made after it.
  registered_with_ = &asio::use_service<Registrations>(context);
  registered_with_->add(this);
  return *socket_;
}

void RegisteredSocket::reset() {
  if (registered_with_ != nullptr) registered_with_->remove(this);
}

asio::awaitable<void> flush(PGconn* conn, asio::posix::stream_descriptor& socket,
                            std::string_view statement) {
  for (;;) {
    const int rc = PQflush(conn);
    if (rc == 0) co_return;
    if (rc < 0) throw_connection_error(conn, statement);
    co_await socket.async_wait(asio::posix::stream_descriptor::wait_write, asio::use_awaitable);
  }
}

// Reads every result of the command; returns the first (one statement, one result), frees the rest.
asio::awaitable<PGresult*> collect(PGconn* conn, asio::posix::stream_descriptor& socket,
                                   std::string_view statement) {
  PGresult* first = nullptr;
  try {
    for (;;) {
      while (PQisBusy(conn) != 0) {
        co_await socket.async_wait(asio::posix::stream_descriptor::wait_read, asio::use_awaitable);
        if (PQconsumeInput(conn) == 0) throw_connection_error(conn, statement);
      }
      PGresult* result = PQgetResult(conn);
      if (result == nullptr) break;
      if (first == nullptr) {
        first = result;
      } else {
        PQclear(result);
      }
    }
  } catch (...) {
    if (first != nullptr) PQclear(first);
    throw;
  }
  if (first == nullptr) throw_connection_error(conn, statement);
  co_return first;
}

}  // namespace

ReadPool::ReadPool(std::string conninfo, std::size_t size, std::chrono::milliseconds statement_timeout,
                   exec::WorkerPool& workers, StatementCatalog& catalog)
    : conninfo_(std::move(conninfo)),
      statement_timeout_(statement_timeout),
      workers_(workers),
      catalog_(catalog) {
  for (std::size_t i = 0; i < size; ++i) {
    connections_.push_back(std::make_unique<Connection>());
    idle_.push_back(connections_.back().get());
  }
}

ReadPool::~ReadPool() = default;

std::size_t ReadPool::in_use() const {
  std::lock_guard lock(mutex_);
  return connections_.size() - idle_.size();
}

asio::awaitable<ReadPool::Connection*> ReadPool::acquire() {
  // Shared with release(), which may still be inside try_send when this coroutine resumes elsewhere.
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Connection* connection = idle_.back();
      idle_.pop_back();
      co_return connection;
    }
    waiters_.push_back(waiter);
  }
  auto [ec, connection] = co_await waiter->channel.async_receive(asio::as_tuple(asio::use_awaitable));
  if (ec) {
    std::lock_guard lock(mutex_);
    waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), waiter), waiters_.end());
    throw std::system_error(ec, "waiting for a database connection");
  }
  co_return connection;
}

void ReadPool::release(Connection* connection) {
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
      idle_.push_back(connection);
      return;
    }
    waiter = waiters_.front();
    waiters_.pop_front();
  }
  waiter->channel.try_send(boost::system::error_code{}, connection);  // capacity 1, so it never fails
}

asio::awaitable<void> ReadPool::connect(Connection& connection) {
  connection.close();
  co_await workers_.run([&] {
    PGconn* conn = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(conn);
      PQfinish(conn);
      throw Unavailable("", "cannot connect to the database: " + message, "08001");
    }
    PGresult* result = PQexec(conn, session_setup_sql(statement_timeout_.count()).c_str());
    const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok || PQsetnonblocking(conn, 1) != 0) {
      const std::string message = PQerrorMessage(conn);
      PQfinish(conn);
      throw Unavailable("", "cannot set up a database connection: " + message, "08001");
    }
    connection.conn = conn;
  });
}

asio::awaitable<Rows> ReadPool::run(Connection& connection, const Statement& statement,
                                    const Params& params) {
  PGconn* conn = connection.conn;
  auto& socket = connection.socket.get(co_await asio::this_coro::executor, PQsocket(conn));
  const std::string name(statement.name);
  auto known = connection.prepared.find(name);
  if (known == connection.prepared.end() || known->second->sql != statement.sql) {
    const auto& entry = catalog_.entry(statement);  // throws for a clash of names
    if (PQsendPrepare(conn, entry.name.c_str(), entry.sql.c_str(), 0, nullptr) == 0) {
      throw_connection_error(conn, statement.name);
    }
    co_await flush(conn, socket, statement.name);
    PQclear(checked(conn, co_await collect(conn, socket, statement.name), statement.name));
    known = connection.prepared.insert_or_assign(name, &entry).first;
  }
  const auto values = parameter_values(statement.name, params);
  StatementTimer timer(*known->second);
  if (PQsendQueryPrepared(conn, name.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                          nullptr, 0) == 0) {
    throw_connection_error(conn, statement.name);
  }
  co_await flush(conn, socket, statement.name);
  co_return Rows(checked(conn, co_await collect(conn, socket, statement.name), statement.name));
}

asio::awaitable<Rows> ReadPool::query(const Statement& statement, const Params& params) {
  for (int attempt = 1;; ++attempt) {
    Connection* connection = co_await acquire();
    Lease lease(*this, connection);
    const bool fresh = !connection->usable();
    if (fresh) co_await connect(*connection);
    try {
      auto result = co_await run(*connection, statement, params);
      lease.mark_clean();
      co_return result;
    } catch (const Unavailable&) {
      // A connection that died while idle (a database restart) fails on first use: one retry on a
      // fresh connection. Reads have no effects, so this is always safe.
      if (fresh || attempt > 1) throw;
    } catch (const DbError&) {
      lease.mark_clean();  // the server answered; the connection is fine
      throw;
    }
  }
}

}  // namespace shop::infra::db
