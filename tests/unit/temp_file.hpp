#pragma once

#include <stdlib.h>  // mkstemp
#include <unistd.h>  // close

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::unit {

// A uniquely named file in the temp directory holding `content`, removed when this goes away.
class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    std::string pattern = (std::filesystem::temp_directory_path() / "shopd-unit-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw std::runtime_error("mkstemp failed for " + pattern);
    ::close(fd);
    path_ = pattern;
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path_);
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace shop::unit
