#pragma once

#include "support/child_process.hpp"

#include <chrono>
#include <string>
#include <vector>

// The real shopd binary as a child process, as an operator would run it: configured through the
// environment, listening on port 0, its log captured for the test to read.
namespace shop::test {

// Environment every test process gets: port 0, two I/O threads, no config file, debug-free logs.
EnvList base_shopd_env(const std::string& database_url);

// Runs `shopd args...` to completion (for `routes`, `migrate`, `--help`, config errors), with
// `input` as its standard input.
ProcessResult run_shopd(const std::vector<std::string>& args, const EnvList& env,
                        std::chrono::seconds timeout = std::chrono::seconds(60),
                        const std::string& input = "");

// `shopd serve` unless told otherwise; SIGKILLed when destroyed if still running.
class ShopdProcess : public ChildProcess {
 public:
  explicit ShopdProcess(const EnvList& env, const std::vector<std::string>& args = {"serve"},
                        const ProcessLimits& limits = {})
      : ChildProcess(SHOPD_BINARY, args, env, limits) {}
};

}  // namespace shop::test
