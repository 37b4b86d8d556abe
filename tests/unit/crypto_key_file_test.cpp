#include "shop/infra/crypto/base64.hpp"
#include "shop/infra/crypto/key_file.hpp"

#include "support/temp_dir.hpp"

#include <sys/stat.h>
#include <cstdlib>  // mkdtemp

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using Catch::Matchers::Contains;
using shop::infra::crypto::DevKeyFile;
using shop::infra::crypto::encode_base64;
using shop::infra::crypto::load_key_file;
using shop::infra::crypto::load_or_create_dev_key_file;
namespace fs = std::filesystem;

using shop::test::TempDir;

namespace {

// A key file as an operator should leave it: readable by its owner only.
void write(const fs::path& path, const std::string& content, fs::perms perms = fs::perms::owner_read) {
  fs::remove(path);  // a read-only file from before would not open for writing
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
  }
  fs::permissions(path, perms);
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("The dev key file is created private, with its directories, and reused", "[unit][crypto]") {
  TempDir dir;
  const auto path = dir.path() / "state" / "dev" / "keys";
  const DevKeyFile first = load_or_create_dev_key_file(path);
  CHECK(first.created);
  CHECK(first.keys.ids().size() == 1);
  REQUIRE(fs::exists(path));
  CHECK(mode_of(path) == 0600);
  // Nothing else was left behind (the temporary it was written under is gone).
  CHECK(std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()) == 1);

  const DevKeyFile second = load_or_create_dev_key_file(path);
  CHECK_FALSE(second.created);
  CHECK(second.keys.to_text() == first.keys.to_text());
  CHECK(load_key_file(path).to_text() == first.keys.to_text());
}

TEST_CASE("Processes starting at once share one dev key file", "[unit][crypto]") {
  TempDir dir;
  for (int round = 0; round < 10; ++round) {
    const auto path = dir.path() / std::to_string(round) / "keys";
    std::vector<std::string> texts(4);
    std::vector<bool> created(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      threads.emplace_back([&, i] {
        auto file = load_or_create_dev_key_file(path);
        texts[i] = file.keys.to_text();
        created[i] = file.created;
      });
    }
    for (auto& t : threads) t.join();
    CHECK(std::count(created.begin(), created.end(), true) == 1);
    for (const auto& text : texts) CHECK(text == texts[0]);
  }
}

TEST_CASE("load_key_file reads the ring, skipping comment lines", "[unit][crypto]") {
  TempDir dir;
  const auto path = dir.path() / "keys";
  write(path, "# rotated 2024-05-01\n1:" + encode_base64(std::string(32, 'a')) +
                  "\n\n  # next\n2:" + encode_base64(std::string(32, 'b')) + "\n");
  const auto ring = load_key_file(path);
  CHECK(ring.ids().size() == 2);
  CHECK(ring.current_id() == 2);
}

TEST_CASE("load_key_file fails clearly on a missing or bad file", "[unit][crypto]") {
  TempDir dir;
  const auto missing = dir.path() / "none";
  CHECK_THROWS_AS(load_key_file(missing), std::system_error);
  CHECK_THROWS_WITH(load_key_file(missing), Contains(missing.string()));
  CHECK_FALSE(fs::exists(missing));  // only loading never creates

  const auto bad = dir.path() / "bad";
  const std::string short_key = encode_base64(std::string(16, 'k'));
  write(bad, "1:" + short_key + "\n");
  CHECK_THROWS_AS(load_key_file(bad), std::invalid_argument);
  CHECK_THROWS_WITH(load_key_file(bad),
                    Contains(bad.string()) && Contains("16 bytes") && !Contains(short_key));
  // The dev loader does not paper over a broken file by replacing it.
  CHECK_THROWS_AS(load_or_create_dev_key_file(bad), std::invalid_argument);
}

TEST_CASE("load_key_file refuses a file that group or others may read or write", "[unit][crypto]") {
  TempDir dir;
  const auto path = dir.path() / "keys";
  const std::string ring = "1:" + encode_base64(std::string(32, 'a')) + "\n";
  using fs::perms;
  for (const auto shared : {perms::group_read, perms::group_write, perms::others_read, perms::others_write}) {
    write(path, ring, perms::owner_read | perms::owner_write | shared);
    const auto mode = fmt::format("{:04o}", mode_of(path));
    INFO("mode " << mode);
    CHECK_THROWS_AS(load_key_file(path), std::runtime_error);
    CHECK_THROWS_WITH(load_key_file(path),
                      Contains(path.string()) && Contains(mode) && Contains("chmod 600"));
    // The development loader is held to the same rule for a file it did not just write.
    CHECK_THROWS_WITH(load_or_create_dev_key_file(path), Contains(mode));
  }
  // Owner-only modes, and execute bits, are fine.
  for (const auto mode : {perms::owner_read, perms::owner_read | perms::owner_write,
                          perms::owner_read | perms::group_exec | perms::others_exec}) {
    write(path, ring, mode);
    CHECK(load_key_file(path).ids().size() == 1);
  }
}
