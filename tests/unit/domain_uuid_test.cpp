// The check every id from a path or a query string passes before it reaches SQL.
#include "shop/infra/domain/uuid.hpp"

#include <catch2/catch.hpp>

using shop::infra::domain::is_uuid;

TEST_CASE("is_uuid takes the text form of a UUID in either case, and nothing else", "[unit][domain]") {
  CHECK(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
  CHECK(is_uuid("123E4567-E89B-12D3-A456-4266141740FF"));
  CHECK(is_uuid("00000000-0000-0000-0000-000000000000"));
  CHECK_FALSE(is_uuid(""));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400"));    // one digit short
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-4266141740000"));  // one too many
  CHECK_FALSE(is_uuid("123e4567e-89b-12d3-a456-426614174000"));   // a dash out of place
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400`"));  // just below 'a'
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400@"));  // just below 'A'
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400/"));  // just below '0'
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-42661417400:"));  // just above '9'
  CHECK_FALSE(is_uuid("123e4567-e89b-12d3-a456-4266141740\xc3\xa4"));
}
