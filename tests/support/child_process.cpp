#include "support/child_process.hpp"

#include "support/temp_dir.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace shop::test {
namespace {

std::string new_log_path(const std::string& binary) {
  static std::atomic<int> counter{0};
  const char* tmp = std::getenv("TMPDIR");
  return fmt::format("{}/{}-test-{}-{}.log", tmp ? tmp : "/tmp", binary.substr(binary.rfind('/') + 1),
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
pid_t spawn(const std::string& binary, const std::vector<std::string>& args, const EnvList& env,
            const std::string& log_path, const std::string& stdin_path, const ProcessLimits& limits) {
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
    std::string path = binary;
    std::vector<std::string> copy = args;
    std::vector<char*> argv{path.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(path.c_str(), argv.data());
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

int kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  return reap(pid, std::chrono::seconds(5)).value_or(-1);
}

}  // namespace

ProcessResult run_to_completion(const std::string& binary, const std::vector<std::string>& args,
                                const EnvList& env, std::chrono::seconds timeout, const std::string& input) {
  const auto log_path = new_log_path(binary);
  const auto input_path = log_path + ".stdin";
  std::ofstream(input_path, std::ios::binary) << input;
  const pid_t pid = spawn(binary, args, env, log_path, input_path, {});
  const auto code = reap(pid, timeout);
  ProcessResult result{code ? *code : kill_and_reap(pid), read_file(log_path)};
  std::remove(log_path.c_str());
  std::remove(input_path.c_str());
  return result;
}

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& args,
                           const EnvList& env, const ProcessLimits& limits)
    : binary_(binary.substr(binary.rfind('/') + 1)), log_path_(new_log_path(binary)) {
  pid_ = spawn(binary, args, env, log_path_, "", limits);
}

ChildProcess::~ChildProcess() {
  if (!exit_code_) kill_and_reap(pid_);
  std::remove(log_path_.c_str());
}

std::uint16_t ChildProcess::wait_until_listening(std::chrono::seconds timeout) {
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
      throw std::runtime_error(fmt::format("{} exited with {} before listening:\n{}", binary_, *code, text));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error(fmt::format("{} did not start listening in time:\n{}", binary_, text));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ChildProcess::signal(int sig) {
  if (!exit_code_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (!exit_code_) exit_code_ = reap(pid_, timeout);
  return exit_code_;
}

std::string ChildProcess::log() const {
  return read_file(log_path_);
}

}  // namespace shop::test
