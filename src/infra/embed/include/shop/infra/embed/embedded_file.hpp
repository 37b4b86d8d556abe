#pragma once

#include <span>
#include <string_view>

namespace shop::infra {

// A file compiled into the binary by shop_embed_files() (cmake/embed_files.cmake).
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

}  // namespace shop::infra
