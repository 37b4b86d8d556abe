#pragma once

#include <array>
#include <cstddef>

// A 32-byte key held by value and wiped when it goes away, so copies made while keys move between
// containers do not linger in freed memory.
namespace shop::infra::crypto {

inline constexpr std::size_t kKeyBytes = 32;

class SecretKey {
 public:
  using Bytes = std::array<unsigned char, kKeyBytes>;

  // All zero; only a placeholder to assign a real key into.
  SecretKey() = default;
  explicit SecretKey(const Bytes& bytes) : bytes_(bytes) {}
  ~SecretKey();
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;

  // Fresh bytes from the operating system's CSPRNG.
  static SecretKey random();

  const unsigned char* data() const { return bytes_.data(); }
  unsigned char* data() { return bytes_.data(); }
  static constexpr std::size_t size() { return kKeyBytes; }

  // Constant time, so comparing keys leaks nothing about where they differ.
  bool operator==(const SecretKey& other) const;

 private:
  Bytes bytes_{};
};

}  // namespace shop::infra::crypto
