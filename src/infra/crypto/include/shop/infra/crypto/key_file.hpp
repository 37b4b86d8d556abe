#pragma once

#include "shop/infra/crypto/key_ring.hpp"

#include <filesystem>

// Keys kept in a file: the key ring's text form (see key_ring.hpp), one entry per line, lines that
// start with '#' ignored. Whether a missing file is an error (production) or a reason to make one
// (development) is the caller's policy; the two functions below serve the two cases.
namespace shop::infra::crypto {

// Loads the ring from `path`. Throws std::system_error if the file cannot be read,
// std::runtime_error (naming the path and its mode) if group or others may read or write it, and
// std::invalid_argument (naming the path, never the keys) if its content is not a valid ring.
KeyRing load_key_file(const std::filesystem::path& path);

struct DevKeyFile {
  KeyRing keys;
  bool created;  // true when this call wrote the file; the caller should log that it did
};

// For development only: loads `path`, or when it does not exist writes a fresh random ring there
// (mode 0600, parent directories created) and returns it. Safe against two processes starting at
// once: the file appears complete or not at all, and the loser of the race loads the winner's keys.
DevKeyFile load_or_create_dev_key_file(const std::filesystem::path& path);

}  // namespace shop::infra::crypto
