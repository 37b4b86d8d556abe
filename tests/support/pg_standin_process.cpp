#include "support/pg_standin_process.hpp"

#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

#include "shop/infra/crypto/base64.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace shop::test {
namespace {

std::string new_log_path() {
  static std::atomic<int> counter{0};
  return fmt::format("{}/pg-standin-test-{}-{}.log", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                     ::getpid(), counter++);
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log_path) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    const int in = ::open("/dev/null", O_RDONLY);
    if (in >= 0) ::dup2(in, STDIN_FILENO);
    std::string binary = SHOPD_PG_STANDIN_BINARY;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  return pid;
}

std::optional<int> reap(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

ProcessResult run_pg_standin(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  const auto log_path = new_log_path();
  const pid_t pid = spawn(args, log_path);
  auto code = reap(pid, timeout);
  if (!code) {
    ::kill(pid, SIGKILL);
    code = reap(pid, std::chrono::seconds(5));
  }
  ProcessResult result{code.value_or(-1), read_file(log_path)};
  std::remove(log_path.c_str());
  return result;
}

PgStandinProcess::PgStandinProcess(std::string secret_key)
    : secret_key_(std::move(secret_key)), log_path_(new_log_path()) {
  pid_ = spawn({"--listen", "127.0.0.1:0", "--secret-key", secret_key_}, log_path_);
  constexpr std::string_view kListening = "msg=listening address=";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const auto text = log();
    if (const auto at = text.find(kListening); at != std::string::npos) {
      const auto end = text.find(' ', at + kListening.size());
      const auto address = text.substr(at + kListening.size(), end - at - kListening.size());
      port_ = static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
      return;
    }
    // A constructor that throws runs no destructor: the child must not outlive it.
    if (auto code = wait_for_exit(std::chrono::milliseconds(0))) {
      std::remove(log_path_.c_str());
      throw std::runtime_error(
          fmt::format("shopd-pg-standin exited with {} before listening:\n{}", *code, text));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      reap(pid_, std::chrono::seconds(5));
      std::remove(log_path_.c_str());
      throw std::runtime_error("shopd-pg-standin did not start listening in time:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

PgStandinProcess::~PgStandinProcess() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    reap(pid_, std::chrono::seconds(5));
  }
  std::remove(log_path_.c_str());
}

std::string PgStandinProcess::url() const {
  return fmt::format("http://127.0.0.1:{}", port_);
}

std::pair<std::string, std::string> PgStandinProcess::authorization() const {
  return {"Authorization", "Basic " + infra::crypto::encode_base64(secret_key_ + ":")};
}

void PgStandinProcess::set_mode(std::string_view mode, std::optional<int> delay_ms) const {
  boost::json::object body{{"mode", mode}};
  if (delay_ms) body["delay_ms"] = *delay_ms;
  const auto response = http_request(port_, "POST", "/control", boost::json::serialize(body));
  if (response.status != 200) {
    throw std::runtime_error(fmt::format("POST /control answered {}: {}", response.status, response.body));
  }
}

boost::json::object PgStandinProcess::record() const {
  const auto response = http_request(port_, "GET", "/control/record");
  if (response.status != 200) {
    throw std::runtime_error(
        fmt::format("GET /control/record answered {}: {}", response.status, response.body));
  }
  return response.json().as_object();
}

boost::json::object PgStandinProcess::record_of(std::string_view payment_key) const {
  const auto all = record();
  const auto* entry = all.at("payments").as_object().if_contains(payment_key);
  if (entry == nullptr) throw std::runtime_error(fmt::format("the gateway never saw {}", payment_key));
  return entry->as_object();
}

void PgStandinProcess::signal(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

std::optional<int> PgStandinProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (!exit_code_) exit_code_ = reap(pid_, timeout);
  return exit_code_;
}

std::string PgStandinProcess::log() const {
  return read_file(log_path_);
}

}  // namespace shop::test
