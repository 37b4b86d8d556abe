# shop_module(<name> [DEPENDS <module>...] [API_LIBS <target>...] [WIRING_LIBS <target>...]
#             [LIBS <target>...])
#
# Declares the bounded context in the calling folder (src/modules/<name>/) as three targets:
#   shop_<name>_api     INTERFACE: include/, the public face (interfaces, value types, events).
#                       Links the shop_<x>_api of each DEPENDS module and API_LIBS, which may only
#                       be shop_infra_* targets and header libraries (Boost::json, Boost::headers,
#                       fmt::fmt): what the public headers include.
#   shop_<name>_wiring  INTERFACE: wiring/, the factory, its deps struct and options; for src/app
#                       (shop_app) and the tests only. Links shop_<name>_api and WIRING_LIBS.
#   shop_<name>         STATIC: src/**/*.cpp with src/ as private include directory; links PUBLIC
#                       shop_<name>_api, PRIVATE shop_<name>_wiring and LIBS.
# An openapi.json next to the module's CMakeLists.txt is its OpenAPI fragment: src/app embeds every
# fragment listed in the global property SHOP_OPENAPI_FRAGMENTS.
#
# Once every target is declared (a call deferred to the end of the top-level CMakeLists.txt, so a
# later target_link_libraries cannot get around it) the boundaries are checked and configuring stops
# with FATAL_ERROR naming both targets when
#   - a module's targets link another module's implementation or wiring target,
#   - an API target links anything but other modules' API targets, shop_infra_* targets and the
#     header libraries, or its own module's implementation or wiring,
#   - a shop_infra_* target links any module target (infrastructure knows no module),
#   - a target other than shop_app, the module's own implementation and the executables under
#     tests/ links a wiring target, or one other than shop_app and those executables links a
#     module's implementation.
include_guard(GLOBAL)

set_property(GLOBAL PROPERTY SHOP_API_HEADER_LIBS Boost::json Boost::headers fmt::fmt)

function(shop_module name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;API_LIBS;WIRING_LIBS;LIBS" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})

  add_library(shop_${name}_api INTERFACE)
  target_include_directories(shop_${name}_api INTERFACE ${dir}/include)
  target_link_libraries(shop_${name}_api INTERFACE ${ARG_API_LIBS})
  foreach(dep IN LISTS ARG_DEPENDS)
    target_link_libraries(shop_${name}_api INTERFACE shop_${dep}_api)
  endforeach()

  add_library(shop_${name}_wiring INTERFACE)
  if(IS_DIRECTORY ${dir}/wiring)
    target_include_directories(shop_${name}_wiring INTERFACE ${dir}/wiring)
  endif()
  target_link_libraries(shop_${name}_wiring INTERFACE shop_${name}_api ${ARG_WIRING_LIBS})

  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/src/*.cpp)
  add_library(shop_${name} STATIC ${sources})
  target_include_directories(shop_${name} PRIVATE ${dir}/src)
  target_link_libraries(shop_${name} PUBLIC shop_${name}_api PRIVATE shop_${name}_wiring ${ARG_LIBS})

  # The boundary check reads these instead of guessing from names.
  set_property(TARGET shop_${name}_api shop_${name}_wiring shop_${name} PROPERTY SHOP_MODULE ${name})
  set_property(TARGET shop_${name}_api PROPERTY SHOP_MODULE_PART api)
  set_property(TARGET shop_${name}_wiring PROPERTY SHOP_MODULE_PART wiring)
  set_property(TARGET shop_${name} PROPERTY SHOP_MODULE_PART implementation)

  set_property(GLOBAL APPEND PROPERTY SHOP_MODULES ${name})
  if(EXISTS ${dir}/openapi.json)
    set_property(GLOBAL APPEND PROPERTY SHOP_OPENAPI_FRAGMENTS ${dir}/openapi.json)
  endif()
endfunction()

# Every target declared in `dir` and the folders below it, into `out`.
function(_shop_targets_below dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _shop_targets_below(${sub} below)
    list(APPEND targets ${below})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

# The targets `target` links directly (LINK_LIBRARIES and INTERFACE_LINK_LIBRARIES), with aliases
# resolved and generator expressions searched for target names, into `out`.
function(_shop_linked_targets target out)
  get_target_property(type ${target} TYPE)
  set(items)
  if(NOT type STREQUAL "INTERFACE_LIBRARY")
    get_target_property(private ${target} LINK_LIBRARIES)
    if(private)
      list(APPEND items ${private})
    endif()
  endif()
  get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
  if(interface)
    list(APPEND items ${interface})
  endif()
  set(linked)
  foreach(item IN LISTS items)
    # "::@(dir)" brackets links made from another folder than the target's.
    if(item MATCHES "^::@")
      continue()
    endif()
    set(candidates ${item})
    if(item MATCHES "\\$<")
      string(REGEX MATCHALL "[A-Za-z0-9_.+-]+(::[A-Za-z0-9_.+-]+)*" candidates "${item}")
    endif()
    foreach(name IN LISTS candidates)
      if(TARGET ${name})
        get_target_property(aliased ${name} ALIASED_TARGET)
        if(aliased)
          set(name ${aliased})
        endif()
        list(APPEND linked ${name})
      elseif(NOT item MATCHES "\\$<")
        list(APPEND linked ${name})  # a plain library name or path; an API may not link it either
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES linked)
  set(${out} ${linked} PARENT_SCOPE)
endfunction()

function(_shop_check_module_boundaries)
  get_property(header_libs GLOBAL PROPERTY SHOP_API_HEADER_LIBS)
  list(JOIN header_libs ", " header_text)
  set(tests_dir ${CMAKE_SOURCE_DIR}/tests)
  _shop_targets_below(${CMAKE_SOURCE_DIR} targets)
  set(errors)
  foreach(target IN LISTS targets)
    get_target_property(own_module ${target} SHOP_MODULE)
    get_target_property(own_part ${target} SHOP_MODULE_PART)
    get_target_property(type ${target} TYPE)
    get_target_property(source_dir ${target} SOURCE_DIR)
    set(is_app FALSE)
    if(target STREQUAL "shop_app")
      set(is_app TRUE)
    endif()
    set(is_test FALSE)
    if(type STREQUAL "EXECUTABLE")
      cmake_path(IS_PREFIX tests_dir ${source_dir} NORMALIZE is_test)
    endif()

    _shop_linked_targets(${target} linked)
    foreach(dep IN LISTS linked)
      set(dep_module NOTFOUND)
      set(dep_part NOTFOUND)
      if(TARGET ${dep})
        get_target_property(dep_module ${dep} SHOP_MODULE)
        get_target_property(dep_part ${dep} SHOP_MODULE_PART)
      endif()

      set(dep_text ${dep})
      if(dep_module)
        set(dep_text "${dep}, the ${dep_part} target of module ${dep_module}")
      endif()
      if(own_part STREQUAL "api")
        if(NOT (dep_part STREQUAL "api" AND NOT dep_module STREQUAL own_module)
           AND NOT dep MATCHES "^shop_infra_" AND NOT dep IN_LIST header_libs)
          list(APPEND errors "${target} links ${dep_text}: an API target may link only other modules' \
shop_<x>_api targets, shop_infra_* targets and header libraries (${header_text})")
        endif()
      elseif(target MATCHES "^shop_infra_" AND dep_module)
        list(APPEND errors "${target} links ${dep_text}: infrastructure knows no module")
      elseif(own_module AND dep_module AND NOT dep_module STREQUAL own_module
             AND NOT dep_part STREQUAL "api")
        list(APPEND errors "${target} links ${dep_text}: \
a module may link only other modules' shop_<x>_api targets")
      elseif(dep_part STREQUAL "wiring" AND NOT dep_module STREQUAL own_module AND NOT is_app
             AND NOT is_test)
        list(APPEND errors "${target} links ${dep_text}: \
only shop_app (src/app) and the test executables under tests/ may link a wiring target")
      elseif(dep_part STREQUAL "implementation" AND NOT own_module AND NOT is_app AND NOT is_test)
        list(APPEND errors "${target} links ${dep_text}: \
only shop_app (src/app) and the test executables under tests/ may link a module's implementation")
      endif()
    endforeach()
  endforeach()
  if(errors)
    list(JOIN errors "\n  " text)
    message(FATAL_ERROR "Module boundary violated (cmake/shop_module.cmake):\n  ${text}")
  endif()
endfunction()

cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _shop_check_module_boundaries)
