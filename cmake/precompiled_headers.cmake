# shop_precompile(<target>... [TESTS])
#
# Compiles the targets with the heavy third-party headers that nearly every file includes through
# our own headers (Asio's coroutine machinery via router.hpp and database.hpp, Boost.JSON, fmt, the
# standard library; Catch2 for TESTS) precompiled once per build instead of parsed again in every
# file. Two targets hold the precompiled headers and the others reuse theirs (REUSE_FROM); GCC
# accepts a reused one only where the macros it depends on are the same, so each target also links
# what the holder links, and with -Winvalid-pch and -Werror a mismatch fails the build loudly.
# SHOP_PCH=OFF compiles without them (to measure, or to check that every file includes what it uses).
option(SHOP_PCH "Precompile the heavy Boost, fmt and Catch2 headers" ON)

set(shop_pch_headers
  <boost/asio/awaitable.hpp> <boost/asio/co_spawn.hpp> <boost/asio/io_context.hpp>
  <boost/asio/post.hpp> <boost/asio/use_awaitable.hpp> <boost/asio/use_future.hpp>
  <boost/json.hpp> <fmt/format.h>
  <algorithm> <atomic> <chrono> <cstdint> <functional> <map> <memory> <mutex> <optional> <set>
  <stdexcept> <string> <string_view> <thread> <vector>)
set(shop_pch_libs Boost::headers Boost::json fmt::fmt)

if(SHOP_PCH)
  # The holders compile an empty file: all they make is the precompiled header.
  file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/shop_pch.cpp CONTENT "")
  add_library(shop_pch OBJECT ${CMAKE_BINARY_DIR}/shop_pch.cpp)
  target_link_libraries(shop_pch PRIVATE ${shop_pch_libs})
  target_precompile_headers(shop_pch PRIVATE ${shop_pch_headers})
  if(SHOP_BUILD_TESTS)
    add_library(shop_test_pch OBJECT ${CMAKE_BINARY_DIR}/shop_pch.cpp)
    target_link_libraries(shop_test_pch PRIVATE ${shop_pch_libs} Catch2::Catch2)
    target_precompile_headers(shop_test_pch PRIVATE ${shop_pch_headers} <catch2/catch.hpp>)
  endif()
endif()

function(shop_precompile)
  cmake_parse_arguments(ARG "TESTS" "" "" ${ARGN})
  if(NOT SHOP_PCH)
    return()
  endif()
  set(holder shop_pch)
  set(libs ${shop_pch_libs})
  if(ARG_TESTS)
    set(holder shop_test_pch)
    list(APPEND libs Catch2::Catch2)
  endif()
  foreach(target IN LISTS ARG_UNPARSED_ARGUMENTS)
    target_link_libraries(${target} PRIVATE ${libs})
    target_precompile_headers(${target} REUSE_FROM ${holder})
  endforeach()
endfunction()
