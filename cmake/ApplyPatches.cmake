# Applies lws-java's patches to the extracted lws source (ExternalProject's patch step):
#   cmake -DSOURCE_DIR=<lws source> -DPATCH_DIR=<native/patches> -P ApplyPatches.cmake
# A patch that is already applied (the step re-ran on the same tree) is skipped.
file(GLOB patches ${PATCH_DIR}/*.patch)
list(SORT patches)
find_program(PATCH_TOOL patch REQUIRED)
foreach(p IN LISTS patches)
  execute_process(COMMAND ${PATCH_TOOL} -p1 -R --dry-run -s -f -i ${p} WORKING_DIRECTORY ${SOURCE_DIR}
                  RESULT_VARIABLE already OUTPUT_QUIET ERROR_QUIET)
  if(already EQUAL 0)
    message(STATUS "lws patch already applied: ${p}")
    continue()
  endif()
  execute_process(COMMAND ${PATCH_TOOL} -p1 -N -s -i ${p} WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "lws patch does not apply: ${p}")
  endif()
  message(STATUS "lws patch applied: ${p}")
endforeach()
