#include "support/private_cluster.hpp"

#include "support/test_database.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace shop::test {
namespace {

const std::string kPgScript = std::string(SHOP_SOURCE_DIR) + "/scripts/pg.sh";

std::string run_command(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  std::string out;
  std::array<char, 512> chunk{};
  while (std::fgets(chunk.data(), chunk.size(), pipe) != nullptr) out += chunk.data();
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error(fmt::format("`{}` failed:\n{}", command, out));
  return out;
}

}  // namespace

PrivateCluster::PrivateCluster() {
  std::string templ = std::filesystem::temp_directory_path().string() + "/shopd-pg-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  ::chmod(dir_.c_str(), 0711);  // the server may run as `postgres` and must reach its data directory
  port_ = static_cast<std::uint16_t>(std::stoi(run_command(kPgScript + " free-port")));
  start();
  query_value(with_database(url(), "postgres"), "CREATE DATABASE shopd");
}

PrivateCluster::~PrivateCluster() {
  try {
    stop();
  } catch (const std::exception&) {
    // Best effort: the directory goes anyway.
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void PrivateCluster::start() {
  run_command(fmt::format("{} start-throwaway {}/pg {}", kPgScript, dir_, port_));
}

void PrivateCluster::stop() {
  run_command(fmt::format("{} stop {}/pg", kPgScript, dir_));
}

std::string PrivateCluster::url() const {
  return fmt::format("postgresql://postgres@127.0.0.1:{}/shopd", port_);
}

}  // namespace shop::test
