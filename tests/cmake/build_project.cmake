# cmake -DSOURCE=DIR -DBINARY=DIR -DGENERATOR=G -DCXX=COMPILER -DRUN=PROGRAM... -P build_project.cmake
# Configures SOURCE afresh in BINARY, builds it and runs each RUN program (relative to BINARY): a
# small project that must not only configure but also compile, link and work.
file(REMOVE_RECURSE ${BINARY})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BINARY} -G ${GENERATOR}
                        -DCMAKE_CXX_COMPILER=${CXX} COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BINARY} COMMAND_ERROR_IS_FATAL ANY)
string(REPLACE "|" ";" RUN "${RUN}")
foreach(program IN LISTS RUN)
  execute_process(COMMAND ${BINARY}/${program} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
