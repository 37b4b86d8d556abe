#include "shop/infra/mail/mail.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <cstring>
#include <mutex>

namespace shop::infra::mail {
namespace {

// libcurl reads the message through this callback.
struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// "Name <a@b>" -> "<a@b>"; "a@b" -> "<a@b>": the envelope wants the bare address.
std::string envelope_address(const std::string& header_value) {
  const auto open = header_value.rfind('<');
  const auto close = header_value.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return header_value.substr(open, close - open + 1);
  }
  return "<" + header_value + ">";
}

class SmtpTransport final : public MailTransport {
 public:
  explicit SmtpTransport(SmtpOptions options) : options_(std::move(options)) {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  void send(const MailMessage& message) override {
    const auto id = message.message_id.empty() ? random_message_id() : message.message_id;
    Upload upload{format_message(message, std::chrono::system_clock::now(), id), 0};
    const std::string url = fmt::format("smtp://{}:{}", options_.host, options_.port);
    const std::string from = envelope_address(message.from);
    const std::string to = envelope_address(message.to);

    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) throw MailError("curl_easy_init failed");
    curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    if (options_.tls == SmtpOptions::Tls::kStartTls)
      curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!options_.username.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(recipients);
    if (rc != CURLE_OK) {
      throw MailError(fmt::format("SMTP delivery to {}:{} failed: {}", options_.host, options_.port,
                                  curl_easy_strerror(rc)));
    }
  }

 private:
  SmtpOptions options_;
};

}  // namespace

std::unique_ptr<MailTransport> make_smtp_transport(SmtpOptions options) {
  return std::make_unique<SmtpTransport>(std::move(options));
}

}  // namespace shop::infra::mail
