# The lws patch step of both native builds (native/CMakeLists.txt and native/fuzz/CMakeLists.txt): native/patches
# applied to the release tarball by ApplyPatches.cmake. Their checksum is part of the command, so a changed patch
# re-runs the step. Needs LWS_TARBALL; gives LWS_PATCH_COMMAND for ExternalProject_Add(... PATCH_COMMAND ...).
set(LWS_PATCH_DIR ${CMAKE_CURRENT_LIST_DIR}/../native/patches)
file(GLOB LWS_PATCHES ${LWS_PATCH_DIR}/*.patch)
set(LWS_PATCHES_SHA "")
foreach(p IN LISTS LWS_PATCHES)
  file(SHA256 ${p} h)
  string(APPEND LWS_PATCHES_SHA ${h})
endforeach()
string(SHA256 LWS_PATCHES_SHA "${LWS_PATCHES_SHA}")
set(LWS_PATCH_COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=<SOURCE_DIR> -DPATCH_DIR=${LWS_PATCH_DIR}
    -DPATCHES_SHA=${LWS_PATCHES_SHA} -DTARBALL=${LWS_TARBALL} -P ${CMAKE_CURRENT_LIST_DIR}/ApplyPatches.cmake)
