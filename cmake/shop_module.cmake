# shop_module(<name> [DEPENDS <module>...] [API_LIBS <target>...] [LIBS <target>...])
#
# Declares a bounded context as two targets:
#   shop_<name>_api  INTERFACE: src/modules/<name>/include, the module's only public face
#   shop_<name>      STATIC:    src/modules/<name>/src/*.cpp, private to the module
# Another module may link only shop_<x>_api (DEPENDS names those); only src/app links shop_<name>.
# API_LIBS are what the public headers themselves include (infrastructure types, Boost.JSON).
# The build thereby enforces the module boundary.
function(shop_module name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;API_LIBS;LIBS" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})

  add_library(shop_${name}_api INTERFACE)
  target_include_directories(shop_${name}_api INTERFACE ${dir}/include)
  target_link_libraries(shop_${name}_api INTERFACE ${ARG_API_LIBS})
  foreach(dep IN LISTS ARG_DEPENDS)
    target_link_libraries(shop_${name}_api INTERFACE shop_${dep}_api)
  endforeach()

  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${dir}/src/*.cpp)
  add_library(shop_${name} STATIC ${sources})
  target_include_directories(shop_${name} PRIVATE ${dir}/src)
  target_link_libraries(shop_${name} PUBLIC shop_${name}_api PRIVATE ${ARG_LIBS})
  set_property(GLOBAL APPEND PROPERTY SHOP_MODULES shop_${name})
endfunction()
