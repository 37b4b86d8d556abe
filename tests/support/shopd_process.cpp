#include "support/shopd_process.hpp"

#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace shop::test {
namespace {

std::string new_log_path() {
  static std::atomic<int> counter{0};
  return fmt::format("{}/shopd-test-{}-{}.log", std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp",
                     ::getpid(), counter++);
}

void apply_limits(const ProcessLimits& limits) {
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  if (limits.open_files_hard) files.rlim_max = *limits.open_files_hard;
  if (limits.open_files_soft) files.rlim_cur = *limits.open_files_soft;
  if (::setrlimit(RLIMIT_NOFILE, &files) != 0) ::_exit(126);
}

// stdin_path: the file the child reads as its standard input ("" for /dev/null).
pid_t spawn(const std::vector<std::string>& args, const EnvList& env, const std::string& log_path,
            const std::string& stdin_path = "", const ProcessLimits& limits = {}) {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    apply_limits(limits);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, STDOUT_FILENO);
      ::dup2(fd, STDERR_FILENO);
    }
    const int in = ::open(stdin_path.empty() ? "/dev/null" : stdin_path.c_str(), O_RDONLY);
    if (in >= 0) ::dup2(in, STDIN_FILENO);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    std::string binary = SHOPD_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
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
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

EnvList base_shopd_env(const std::string& database_url) {
  return {
      {"SHOPD_CONFIG", "/dev/null"},
      {"SHOPD_ENV", "development"},
      {"SHOPD_LISTEN", "127.0.0.1:0"},
      {"SHOPD_IO_THREADS", "2"},
      {"SHOPD_DB_POOL_SIZE", "4"},
      {"SHOPD_DATABASE_URL", database_url},
      {"SHOPD_LOG_LEVEL", "info"},
      // One development key per test process, outside the source tree.
      {"SHOPD_DEV_KEY_FILE", fmt::format("{}/shopd-test-{}.keys",
                                         std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp", ::getpid())},
  };
}

ProcessResult run_shopd(const std::vector<std::string>& args, const EnvList& env,
                        std::chrono::seconds timeout, const std::string& input) {
  const auto log_path = new_log_path();
  const auto input_path = log_path + ".stdin";
  std::ofstream(input_path, std::ios::binary) << input;
  const pid_t pid = spawn(args, env, log_path, input_path);
  auto code = reap(pid, timeout);
  if (!code) {
    ::kill(pid, SIGKILL);
    code = reap(pid, std::chrono::seconds(5));
  }
  ProcessResult result{code.value_or(-1), read_file(log_path)};
  std::remove(log_path.c_str());
  std::remove(input_path.c_str());
  return result;
}

ShopdProcess::ShopdProcess(const EnvList& env, std::vector<std::string> args, ProcessLimits limits)
    : log_path_(new_log_path()) {
  pid_ = spawn(args, env, log_path_, "", limits);
}

ShopdProcess::~ShopdProcess() {
  if (!exit_code_) {
    ::kill(pid_, SIGKILL);
    reap(pid_, std::chrono::seconds(5));
  }
  std::remove(log_path_.c_str());
}

std::uint16_t ShopdProcess::wait_until_listening(std::chrono::seconds timeout) {
  constexpr std::string_view kListening = "msg=listening address=";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto text = log();
    if (const auto at = text.find(kListening); at != std::string::npos) {
      const auto end = text.find(' ', at + kListening.size());
      const auto address = text.substr(at + kListening.size(), end - at - kListening.size());
      return static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
    }
    if (auto code = wait_for_exit(std::chrono::milliseconds(0))) {
      throw std::runtime_error(fmt::format("shopd exited with {} before listening:\n{}", *code, text));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("shopd did not start listening in time:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void ShopdProcess::signal(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

std::optional<int> ShopdProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (!exit_code_) exit_code_ = reap(pid_, timeout);
  return exit_code_;
}

std::string ShopdProcess::log() const {
  return read_file(log_path_);
}

}  // namespace shop::test
