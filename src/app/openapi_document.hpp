#pragma once

#include "shop/infra/embed/embedded_file.hpp"

#include <span>
#include <string>

namespace shop::app {

// The OpenAPI document: base.json with the `paths` and `components` of every other fragment merged
// in. A path or component defined twice is a programming error (std::logic_error).
std::string build_openapi_document(std::span<const infra::EmbeddedFile> fragments);

}  // namespace shop::app
