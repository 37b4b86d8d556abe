#pragma once

#include <cstddef>
#include <string>

// Random values from the system's CSPRNG.
namespace shop::infra::crypto {

// `count` uniformly random decimal digits ("042917"): one-time codes.
std::string random_digits(std::size_t count);

// A version 4 UUID in its text form: ids a row needs before it is written (personal data is sealed
// to its row's id).
std::string random_uuid();

}  // namespace shop::infra::crypto
