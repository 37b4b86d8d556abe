#pragma once

#include <sodium.h>

#include <string>
#include <string_view>

// Every file of this area reaches libsodium through here: it is initialised before first use, and
// std::string's char meets libsodium's unsigned char in one place.
namespace shop::infra::crypto {

// Runs sodium_init() once per process (thread-safe); throws std::runtime_error if it fails.
void init_sodium();

inline const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
inline unsigned char* bytes_of(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

// Wipes a string holding secrets before its memory is released.
inline void wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
}

}  // namespace shop::infra::crypto
