#include "shop/infra/mail/mail.hpp"

#include "shop/infra/crypto/base64.hpp"

#include <fmt/format.h>

#include <ctime>
#include <random>

namespace shop::infra::mail {
namespace {

void require_single_line(const std::string& value, const char* header) {
  if (value.find_first_of("\r\n") != std::string::npos) {
    throw std::invalid_argument(fmt::format("mail header {} contains a line break", header));
  }
}

bool is_ascii(const std::string& text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

// RFC 2047 encoded-word for a header value that is not plain ASCII.
std::string encode_header(const std::string& value) {
  return is_ascii(value) ? value : "=?UTF-8?B?" + crypto::encode_base64(value) + "?=";
}

std::string rfc5322_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", kDays[tm.tm_wday], tm.tm_mday,
                     kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

std::string random_message_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}@shopd", rng(), rng());
}

std::string format_message(const MailMessage& message, std::chrono::system_clock::time_point date,
                           const std::string& message_id) {
  require_single_line(message.from, "From");
  require_single_line(message.to, "To");
  require_single_line(message.subject, "Subject");
  if (message_id.empty() || message_id.find_first_of("\r\n<> ") != std::string::npos) {
    throw std::invalid_argument("mail Message-ID must be non-empty, without brackets, spaces or line breaks");
  }
  std::string out = fmt::format(
      "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
      message.from, message.to, encode_header(message.subject), rfc5322_date(date), message_id);
  for (std::size_t start = 0; start < message.body.size();) {
    auto end = message.body.find('\n', start);
    if (end == std::string::npos) end = message.body.size();
    std::string_view line(message.body.data() + start, end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    out += line;
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

}  // namespace shop::infra::mail
