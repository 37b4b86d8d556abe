#include "personal_data.hpp"

#include <fmt/format.h>

#include <soci/soci.h>

#include <stdexcept>

namespace shop::user {
namespace {

std::string associated_data(std::string_view column, std::string_view row_id) {
  return fmt::format("{}:{}", column, row_id);
}

constexpr const char* kEmailInUse =
    "SELECT count(*) FROM users.accounts"
    " WHERE email_bidx IN (SELECT CAST(i AS bytea) FROM unnest(string_to_array(:indexes, ' ')) i)";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_bytea(std::string_view bytes) {
  std::string out = "\\x";
  out.reserve(2 + bytes.size() * 2);
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

std::optional<std::string> from_bytea(std::string_view text) {
  if (!text.starts_with("\\x") || text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i < text.size(); i += 2) {
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string seal(const infra::crypto::FieldCipher& cipher, std::string_view value, std::string_view column,
                 std::string_view row_id) {
  return to_bytea(cipher.encrypt(value, associated_data(column, row_id)));
}

std::string open(const infra::crypto::FieldCipher& cipher, std::string_view stored, std::string_view column,
                 std::string_view row_id) {
  const auto bytes = from_bytea(stored);
  auto plain = bytes ? cipher.decrypt(*bytes, associated_data(column, row_id)) : std::nullopt;
  if (!plain) throw std::runtime_error(fmt::format("{} of a row does not decrypt", column));
  return std::move(*plain);
}

std::string email_index(const infra::crypto::BlindIndex& index, std::string_view normalized_email) {
  return to_bytea(index.compute("email", normalized_email));
}

bool email_in_use(infra::db::Session& session, const infra::crypto::BlindIndex& index,
                  std::string_view normalized_email) {
  std::string indexes;
  for (const auto& bytes : index.compute_all("email", normalized_email)) {
    if (!indexes.empty()) indexes += ' ';
    indexes += to_bytea(bytes);
  }
  long long found = 0;
  session.sql() << kEmailInUse, soci::use(indexes), soci::into(found);
  return found > 0;
}

}  // namespace shop::user
