#include "shop/infra/log/log.hpp"

#include <catch2/catch.hpp>

#include <string>

using shop::infra::log::format_line;
using shop::infra::log::Level;

namespace {

// The line after its timestamp, which is all a test can predict.
std::string after_timestamp(const std::string& line) {
  return line.substr(line.find(" level="));
}

}  // namespace

TEST_CASE("log lines are logfmt with plain values bare and others quoted", "[unit][log]") {
  CHECK(after_timestamp(format_line(Level::kInfo, "http", "request", {{"status", 200}, {"path", "/a b"}})) ==
        " level=info module=http msg=request status=200 path=\"/a b\"\n");
  CHECK(after_timestamp(format_line(Level::kWarn, "app", "x", {{"empty", ""}, {"q", "say \"hi\"\\"}})) ==
        " level=warn module=app msg=x empty=\"\" q=\"say \\\"hi\\\"\\\\\"\n");
}

TEST_CASE("log values escape every control byte, so none can forge a line or reach a terminal raw",
          "[unit][log]") {
  const std::string forged = "/x\r\nts=2024-01-01T00:00:00.000Z level=error msg=forged\x1b[31m\x7f\x01\t";
  const auto line = format_line(Level::kInfo, "http", "request", {{"path", forged}});
  CHECK(after_timestamp(line) ==
        " level=info module=http msg=request "
        "path=\"/x\\r\\nts=2024-01-01T00:00:00.000Z level=error msg=forged\\x1b[31m\\x7f\\x01\\t\"\n");
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    const auto byte = static_cast<unsigned char>(line[i]);
    INFO("byte " << i << " is " << static_cast<int>(byte));
    CHECK((byte >= 0x20 && byte != 0x7f));
  }
  // A control byte alone makes a value quoted.
  CHECK(after_timestamp(format_line(Level::kInfo, "m", "x", {{"v", "a\x1b"}})) ==
        " level=info module=m msg=x v=\"a\\x1b\"\n");
  // Bytes above 0x7f (UTF-8) pass as they are.
  CHECK(after_timestamp(format_line(Level::kInfo, "m", "x", {{"v", "김민지"}})) ==
        " level=info module=m msg=x v=김민지\n");
}
