#include "shop/infra/http/problem.hpp"

#include <boost/json.hpp>

namespace shop::infra::http {

Problem::Problem(unsigned status, std::string code, std::string title, std::string detail,
                 std::vector<FieldError> errors)
    : status_(status),
      code_(std::move(code)),
      title_(std::move(title)),
      detail_(std::move(detail)),
      errors_(std::move(errors)) {}

Problem& Problem::header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Response Problem::to_response() const {
  boost::json::object doc{
      {"type", "urn:shopd:problem:" + code_},
      {"title", title_},
      {"status", status_},
      {"code", code_},
  };
  if (!detail_.empty()) doc["detail"] = detail_;
  if (!errors_.empty()) {
    boost::json::array list;
    for (const auto& e : errors_) list.push_back({{"field", e.field}, {"message", e.message}});
    doc["errors"] = std::move(list);
  }
  Response response = json_response(status_, doc);
  response.content_type = "application/problem+json";
  response.headers = headers_;
  return response;
}

}  // namespace shop::infra::http
