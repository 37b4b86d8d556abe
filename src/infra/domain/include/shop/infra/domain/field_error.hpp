#pragma once

#include <string>
#include <vector>

namespace shop::infra::domain {

// One invalid input field: where it is ("items[2].quantity") and what is wrong with it. Domain
// rules report every bad field at once; the HTTP edge lists them in one 400 problem document.
struct FieldError {
  std::string field;
  std::string message;
};

using FieldErrors = std::vector<FieldError>;

}  // namespace shop::infra::domain
