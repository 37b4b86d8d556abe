#include "shop/infra/http/problem.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace shop::infra::http {
namespace {

// Enough for any real form; a body of a million unknown keys must not make a response many times its
// size. What is left out is counted in `errors_omitted`.
constexpr std::size_t kMaxListedErrors = 50;

}  // namespace

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
    const std::size_t listed = std::min(errors_.size(), kMaxListedErrors);
    boost::json::array list;
    list.reserve(listed);
    for (std::size_t i = 0; i < listed; ++i) {
      list.push_back({{"field", errors_[i].field}, {"message", errors_[i].message}});
    }
    doc["errors"] = std::move(list);
    if (listed < errors_.size()) doc["errors_omitted"] = errors_.size() - listed;
  }
  Response response = json_response(status_, doc);
  response.content_type = "application/problem+json";
  response.headers = headers_;
  return response;
}

}  // namespace shop::infra::http
