# Cross-compiling windows-x86_64 on a Debian/Ubuntu x86_64 host with mingw-w64 (scripts/cross-windows.sh):
#   apt-get install gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 libz-mingw-w64-dev
# OpenSSL is cross-built from source by that script (OPENSSL_ROOT_DIR); zlib is Debian's static libz.a for mingw
# (ZLIB_ROOT=/usr/x86_64-w64-mingw32). scripts/build-native.sh windows-x86_64 passes this file on a non-Windows host.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

set(LWSJ_CROSS_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${LWSJ_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${LWSJ_CROSS_TRIPLE}-g++)
set(CMAKE_RC_COMPILER ${LWSJ_CROSS_TRIPLE}-windres)
set(CMAKE_AR ${LWSJ_CROSS_TRIPLE}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${LWSJ_CROSS_TRIPLE}-ranlib CACHE FILEPATH "")

# The mingw sysroot first; OPENSSL_ROOT_DIR lies outside it, so hints are searched as given too (BOTH). The host's
# own headers and libraries (Debian's libssl-dev, zlib1g-dev in /usr) must never be picked.
set(CMAKE_FIND_ROOT_PATH /usr/${LWSJ_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
set(CMAKE_IGNORE_PATH /usr/include /usr/include/x86_64-linux-gnu /usr/lib /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu
    /usr/local/include /usr/local/lib)

# pkg-config must describe the mingw sysroot, not the host: lws asks it for OpenSSL and would link the host's -lssl.
set(ENV{PKG_CONFIG_LIBDIR} /usr/${LWSJ_CROSS_TRIPLE}/lib/pkgconfig)
set(ENV{PKG_CONFIG_PATH} "")

# lws probes OpenSSL's functions (HMAC_CTX_new, SSL_CTX_set_ciphersuites, ...) by linking small programs against the
# static libcrypto.a, which needs these Windows libraries; CMake's FindOpenSSL adds them only to its imported
# targets, not to the OPENSSL_LIBRARIES that lws uses. Without them every probe fails and lws_config.h describes an
# OpenSSL 1.0 (HMAC_CTX by value: no build).
set(CMAKE_C_STANDARD_LIBRARIES "-lws2_32 -lcrypt32 -lbcrypt -luser32 -ladvapi32 -lkernel32" CACHE STRING "")
