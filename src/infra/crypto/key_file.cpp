#include "shop/infra/crypto/key_file.hpp"

#include "libsodium.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

namespace shop::infra::crypto {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDevFileHeader =
    "# shopd development keys, written because this file did not exist. Never use them in production.\n";

[[noreturn]] void throw_errno(int error, std::string_view what, const fs::path& path) {
  throw std::system_error(error, std::generic_category(), fmt::format("{} {}", what, path.string()));
}

// Keys that group or others may read are as good as leaked, and keys they may write can be
// swapped for theirs; either way the file must be fixed before it is used. Checked on the open
// descriptor, so the file checked is the file read.
void refuse_shared_access(int fd, const fs::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    throw_errno(error, "cannot stat key file", path);
  }
  const auto mode = info.st_mode & 07777;
  if ((mode & 066) != 0) {
    ::close(fd);
    throw std::runtime_error(fmt::format(
        "key file {} has mode {:04o}: it must not be readable or writable by group or others (chmod 600 it)",
        path.string(), mode));
  }
}

std::string read_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno(errno, "cannot open key file", path);
  refuse_shared_access(fd, path);
  std::string out;
  char buffer[4096];
  for (;;) {
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      wipe(out);
      sodium_memzero(buffer, sizeof buffer);
      throw_errno(error, "cannot read key file", path);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  sodium_memzero(buffer, sizeof buffer);
  return out;
}

// The file's lines minus '#' comments, in the ring's text form (newlines separate entries).
std::string without_comments(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && line[first] == '#') continue;
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

// Creates `path` (which must not exist) with mode 0600 and writes `content` to disk.
void write_private_file(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw_errno(errno, "cannot create key file", path);
  auto fail = [&](std::string_view what) {
    const int error = errno;
    ::close(fd);
    ::unlink(path.c_str());
    throw_errno(error, what, path);
  };
  // The umask can only have removed bits from 0600; set it exactly so the mode does not depend on it.
  if (::fchmod(fd, 0600) != 0) fail("cannot set the mode of key file");
  while (!content.empty()) {
    const auto n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write key file");
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) fail("cannot sync key file");
  ::close(fd);
}

}  // namespace

KeyRing load_key_file(const fs::path& path) {
  std::string content = read_file(path);
  std::string text = without_comments(content);
  wipe(content);
  try {
    auto ring = KeyRing::parse(text);
    wipe(text);
    return ring;
  } catch (const std::invalid_argument& e) {
    wipe(text);
    throw std::invalid_argument(fmt::format("key file {}: {}", path.string(), e.what()));
  }
}

DevKeyFile load_or_create_dev_key_file(const fs::path& path) {
  if (fs::exists(path)) return {load_key_file(path), false};
  if (path.has_parent_path()) fs::create_directories(path.parent_path());

  KeyRing ring = KeyRing::generate();
  std::string content = std::string(kDevFileHeader) + ring.to_text() + "\n";
  // Written in full under a temporary name, then linked into place: link() fails rather than
  // replace an existing file, so a reader never sees half a file and a process that lost a race to
  // create it loads the winner's keys instead of overwriting them.
  init_sodium();
  fs::path temporary = path;
  temporary += fmt::format(".{}-{:08x}.tmp", ::getpid(), randombytes_random());
  try {
    write_private_file(temporary, content);
  } catch (...) {
    wipe(content);
    throw;
  }
  wipe(content);
  const int linked = ::link(temporary.c_str(), path.c_str());
  const int error = errno;
  ::unlink(temporary.c_str());
  if (linked != 0) {
    if (error == EEXIST) return {load_key_file(path), false};
    throw_errno(error, "cannot create key file", path);
  }
  return {std::move(ring), true};
}

}  // namespace shop::infra::crypto
