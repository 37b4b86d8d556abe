#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// A binary of the project as a child process, as an operator would run it: configured through its
// arguments and environment, its standard output and error captured in a log for the test to read.
// shopd (support/shopd_process.hpp) and the gateway stand-in (support/pg_standin_process.hpp) are
// both run through it.
namespace shop::test {

using EnvList = std::vector<std::pair<std::string, std::string>>;

struct ProcessResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

// Resource limits the child starts with, as `ulimit` or systemd would set them.
struct ProcessLimits {
  std::optional<std::uint64_t> open_files_soft;  // RLIMIT_NOFILE
  std::optional<std::uint64_t> open_files_hard;
};

// Runs `binary args...` to completion with `input` as its standard input; SIGKILL after `timeout`.
ProcessResult run_to_completion(const std::string& binary, const std::vector<std::string>& args,
                                const EnvList& env, std::chrono::seconds timeout, const std::string& input);

class ChildProcess {
 public:
  // Starts `binary args...` with /dev/null as its standard input.
  ChildProcess(const std::string& binary, const std::vector<std::string>& args, const EnvList& env = {},
               const ProcessLimits& limits = {});
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits for the "listening" log line both binaries write and returns its port; throws with the
  // log if the child exits first or does not get there in time.
  std::uint16_t wait_until_listening(std::chrono::seconds timeout = std::chrono::seconds(30));
  void signal(int sig);
  // Exit code (128 + the signal for a signalled one), or nullopt if still running after `timeout`.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
  std::string log() const;

 private:
  std::string binary_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace shop::test
