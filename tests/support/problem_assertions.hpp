#pragma once

#include "support/http_client.hpp"

#include <source_location>
#include <string>
#include <string_view>

// One-line checks of RFC 9457 problem documents, the answer to every failed request.
namespace shop::test {

// The stable `code` of a problem document, or of the gateway stand-in's error body (throws if the
// body has none).
std::string code_of(const HttpResponse& response);

// CHECKs that `response` is a problem document with this status and code. A failure names the
// caller's line and shows the response body.
void expect_problem(const HttpResponse& response, unsigned status, std::string_view code,
                    std::source_location where = std::source_location::current());

}  // namespace shop::test
