#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// The real shopd binary as a child process, as an operator would run it: configured through the
// environment, listening on port 0, its log captured for the test to read.
namespace shop::test {

using EnvList = std::vector<std::pair<std::string, std::string>>;

// Environment every test process gets: port 0, two I/O threads, no config file, debug-free logs.
EnvList base_shopd_env(const std::string& database_url);

struct ProcessResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

// Runs `shopd args...` to completion (for `routes`, `migrate`, `--help`, config errors), with
// `input` as its standard input.
ProcessResult run_shopd(const std::vector<std::string>& args, const EnvList& env,
                        std::chrono::seconds timeout = std::chrono::seconds(60),
                        const std::string& input = "");

// Resource limits the child starts with, as `ulimit` or systemd would set them.
struct ProcessLimits {
  std::optional<std::uint64_t> open_files_soft;  // RLIMIT_NOFILE
  std::optional<std::uint64_t> open_files_hard;
};

class ShopdProcess {
 public:
  ShopdProcess(const EnvList& env, std::vector<std::string> args = {"serve"}, ProcessLimits limits = {});
  ~ShopdProcess();  // SIGKILL if still running
  ShopdProcess(const ShopdProcess&) = delete;
  ShopdProcess& operator=(const ShopdProcess&) = delete;

  // Waits for the "listening" log line and returns its port; throws with the log if it exits first.
  std::uint16_t wait_until_listening(std::chrono::seconds timeout = std::chrono::seconds(30));
  void signal(int sig);
  // Exit code, or nullopt if still running after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
};

}  // namespace shop::test
