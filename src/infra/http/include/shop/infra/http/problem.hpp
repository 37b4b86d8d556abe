#pragma once

#include "shop/infra/domain/field_error.hpp"
#include "shop/infra/http/message.hpp"

#include <exception>
#include <string>
#include <vector>

// RFC 9457 problem documents. A handler throws Problem for an outcome the client must see as an
// error; the server turns it, and every other failure, into `application/problem+json`. The document
// lists the first 50 field errors; `errors_omitted` counts the rest.
namespace shop::infra::http {

using domain::FieldError;

class Problem : public std::exception {
 public:
  Problem(unsigned status, std::string code, std::string title, std::string detail = {},
          std::vector<FieldError> errors = {});

  Problem& header(std::string name, std::string value);
  const char* what() const noexcept override { return title_.c_str(); }
  unsigned status() const { return status_; }
  const std::string& code() const { return code_; }
  Response to_response() const;

 private:
  unsigned status_;
  std::string code_;
  std::string title_;
  std::string detail_;
  std::vector<FieldError> errors_;
  Headers headers_;
};

}  // namespace shop::infra::http
