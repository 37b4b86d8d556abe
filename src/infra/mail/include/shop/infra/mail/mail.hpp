#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

// Outgoing mail. A transport sends one message, blocking; callers run it off the I/O threads (the
// notification outbox subscriber does), and a MailError means "try again later", never "lost".
namespace shop::infra::mail {

struct MailMessage {
  std::string from;     // "shopd <no-reply@shop.example>" or a bare address
  std::string to;       // one recipient address
  std::string subject;  // UTF-8
  std::string body;     // UTF-8 plain text, lines separated by \n
  // "local@domain" without brackets. A message sent again (a retried delivery) keeps its id, so a
  // receiver can drop the copy and the file transport overwrites its own. Empty: a random one.
  std::string message_id;
};

class MailError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Throws MailError if the message could not be handed over; std::invalid_argument if the message
  // itself is unsendable (a line break in a header, say).
  virtual void send(const MailMessage& message) = 0;
};

// The message in RFC 5322 form: CRLF lines, MIME headers, UTF-8 plain text, a non-ASCII subject
// encoded as RFC 2047. Throws std::invalid_argument for CR or LF in from, to or subject.
std::string format_message(const MailMessage& message, std::chrono::system_clock::time_point date,
                           const std::string& message_id);

// A fresh "<random>@shopd" id for a message that brings none.
std::string random_message_id();

// One `.eml` file per message in a directory (development, tests), named after the Message-ID:
// written to a temporary name and renamed, so a reader never sees half a message.
std::unique_ptr<MailTransport> make_file_transport(std::filesystem::path directory);

struct SmtpOptions {
  std::string host = "127.0.0.1";
  int port = 25;
  enum class Tls { kNone, kStartTls } tls = Tls::kStartTls;  // kStartTls refuses to send in the clear
  std::string username;                                      // empty: no AUTH
  std::string password;
  std::chrono::milliseconds timeout{10'000};
};
std::unique_ptr<MailTransport> make_smtp_transport(SmtpOptions options);

}  // namespace shop::infra::mail
