# Included by each scenario below: the real cmake/shop_module.cmake and two small modules, beta
# using alpha through alpha's API. Each scenario then adds the one link it is about.
include(${CMAKE_CURRENT_LIST_DIR}/../../../cmake/shop_module.cmake)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/modules/alpha ${CMAKE_BINARY_DIR}/alpha)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/modules/beta ${CMAKE_BINARY_DIR}/beta)
