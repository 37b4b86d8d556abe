#include "personal_data.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace shop::user {
namespace {

// "column:row id", built by hand: it is made for every sealed field a request opens.
std::string associated_data(std::string_view column, std::string_view row_id) {
  std::string out;
  out.reserve(column.size() + 1 + row_id.size());
  out.append(column).append(1, ':').append(row_id);
  return out;
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
