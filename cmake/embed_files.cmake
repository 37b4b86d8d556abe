# shop_embed_files(<target> FUNCTION <qualified::name> FILES <file>...)
#
# Compiles the files into <target> as a sorted list of shop::infra::EmbeddedFile{name, content},
# returned by `std::span<const shop::infra::EmbeddedFile> <qualified::name>()`. The binary then
# carries its migrations and OpenAPI fragments and needs no source tree at run time.
set(SHOP_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files_script.cmake)

function(shop_embed_files target)
  cmake_parse_arguments(ARG "" "FUNCTION" "FILES" ${ARGN})
  string(MAKE_C_IDENTIFIER ${ARG_FUNCTION} id)
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${id}.cpp)
  list(SORT ARG_FILES)
  list(JOIN ARG_FILES "|" joined)  # a ';' list would be split into separate command arguments
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFUNCTION=${ARG_FUNCTION} "-DFILES=${joined}"
            -P ${SHOP_EMBED_SCRIPT}
    DEPENDS ${ARG_FILES} ${SHOP_EMBED_SCRIPT}
    COMMENT "Embedding files for ${ARG_FUNCTION}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
  target_link_libraries(${target} PRIVATE shop_infra_embed)
endfunction()
