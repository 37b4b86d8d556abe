#include "shop/infra/mail/mail.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>

namespace shop::infra::mail {
namespace {

// The Message-ID made safe as a file name: its local part and domain keep [A-Za-z0-9.-].
std::string file_name(const std::string& message_id) {
  std::string name = message_id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
  }
  if (name.empty() || name.front() == '.') name = "m" + name;  // never a hidden file
  return name;
}

class FileTransport final : public MailTransport {
 public:
  explicit FileTransport(std::filesystem::path directory) : directory_(std::move(directory)) {}

  void send(const MailMessage& message) override {
    const auto id = message.message_id.empty() ? random_message_id() : message.message_id;
    const auto name = file_name(id);
    const auto text = format_message(message, std::chrono::system_clock::now(), id);
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec)
      throw MailError(fmt::format("cannot create mail directory {}: {}", directory_.string(), ec.message()));
    const auto temporary = directory_ / ("." + name + ".tmp");
    {
      std::ofstream out(temporary, std::ios::binary);
      out << text;
      if (!out.flush()) throw MailError(fmt::format("cannot write {}", temporary.string()));
    }
    std::filesystem::rename(temporary, directory_ / (name + ".eml"), ec);
    if (ec) throw MailError(fmt::format("cannot store mail in {}: {}", directory_.string(), ec.message()));
  }

 private:
  std::filesystem::path directory_;
};

}  // namespace

std::unique_ptr<MailTransport> make_file_transport(std::filesystem::path directory) {
  return std::make_unique<FileTransport>(std::move(directory));
}

}  // namespace shop::infra::mail
