#include "support/shopd_process.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

namespace shop::test {

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
  return run_to_completion(SHOPD_BINARY, args, env, timeout, input);
}

}  // namespace shop::test
