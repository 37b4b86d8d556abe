#include "personal_data.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace shop::user {
namespace {

std::string associated_data(std::string_view column, std::string_view row_id) {
  return fmt::format("{}:{}", column, row_id);
}

}  // namespace

std::string seal(const infra::crypto::FieldCipher& cipher, std::string_view value, std::string_view column,
                 std::string_view row_id) {
  return cipher.encrypt(value, associated_data(column, row_id));
}

std::string open(const infra::crypto::FieldCipher& cipher, std::string_view sealed, std::string_view column,
                 std::string_view row_id) {
  auto plain = cipher.decrypt(sealed, associated_data(column, row_id));
  if (!plain) throw std::runtime_error(fmt::format("{} of a row does not decrypt", column));
  return std::move(*plain);
}

std::optional<std::string> open_optional(const infra::crypto::FieldCipher& cipher,
                                         const std::optional<std::string>& sealed, std::string_view column,
                                         std::string_view row_id) {
  if (!sealed) return std::nullopt;
  return open(cipher, *sealed, column, row_id);
}

std::vector<std::string> email_indexes(const infra::crypto::BlindIndex& index,
                                       std::string_view normalized_email) {
  return index.compute_all("email", normalized_email);
}

}  // namespace shop::user
