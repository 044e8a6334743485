# Cross-compiling linux-arm64 (aarch64) on a Debian/Ubuntu x86_64 host with the distribution's cross toolchain:
#   apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu
#   dpkg --add-architecture arm64 && apt-get update && apt-get install libssl-dev:arm64 zlib1g-dev:arm64
# scripts/build-native.sh linux-arm64 passes this file when the host is not aarch64 (scripts/cross-arm64.sh).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(LWSJ_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${LWSJ_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${LWSJ_CROSS_TRIPLE}-g++)
set(CMAKE_AR ${LWSJ_CROSS_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${LWSJ_CROSS_TRIPLE}-ranlib CACHE FILEPATH "")

# Debian multiarch: the arm64 libraries live in /usr/lib/aarch64-linux-gnu and the arch-specific headers
# (openssl/configuration.h, ...) in /usr/include/aarch64-linux-gnu; the cross gcc searches both itself.
# find_* must look there and never pick the host's x86_64 libraries.
set(CMAKE_LIBRARY_ARCHITECTURE ${LWSJ_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH /usr/${LWSJ_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/include/x86_64-linux-gnu /lib/x86_64-linux-gnu)
