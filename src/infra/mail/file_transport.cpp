#include "shop/infra/mail/mail.hpp"

#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <random>

namespace shop::infra::mail {
namespace {

std::string unique_name() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return fmt::format("{}-{:016x}", now, rng());
}

class FileTransport final : public MailTransport {
 public:
  explicit FileTransport(std::filesystem::path directory) : directory_(std::move(directory)) {}

  void send(const MailMessage& message) override {
    const auto name = unique_name();
    const auto text = format_message(message, std::chrono::system_clock::now(), name + "@shopd.local");
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) throw MailError(fmt::format("cannot create mail directory {}: {}", directory_.string(), ec.message()));
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
