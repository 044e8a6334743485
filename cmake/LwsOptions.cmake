# The libwebsockets build that lws-java ships: one place for the pinned release and its options.
set(LWS_VERSION 4.3.5)
set(LWS_SHA256 87f99ad32803ed325fceac5327aae1f5c1b417d54ee61ad36cffc8df5f5ab276)
# libuv under lws (native/CMakeLists.txt, LWSJ_LIBUV): Debian's source package of the release (libuv1_<v>.orig.tar.gz)
set(LIBUV_VERSION 1.50.0)
set(LIBUV_SHA256 ec9de6ecf2a780fd2afb3b007947d2cd57c3bb17f3b9e721a66774980d35cd4d)
# OpenSSL for the Windows build (scripts/cross-windows.sh builds it with mingw-w64): the release tarball
set(WIN_OPENSSL_VERSION 3.0.22)
set(WIN_OPENSSL_SHA256 67ebca7e50d17383028045486653492195b83db95f8558709701bb47b5c1ef81)

if(MSVC)
  set(LWS_C_FLAGS "/DNDEBUG")
else()
  set(LWS_C_FLAGS "-ffile-prefix-map=<SOURCE_DIR>=lws -DNDEBUG")
endif()

# LWSJ_SANITIZE=ON (Maven profile "sanitize", scripts/sanitize.sh): lws and the engine built with AddressSanitizer
# and UndefinedBehaviorSanitizer, frame pointers kept, for runs with the sanitizer runtime preloaded.
option(LWSJ_SANITIZE "build lws and the lwsj engine with ASan + UBSan" OFF)
set(LWSJ_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -g)
if(LWSJ_SANITIZE)
  list(JOIN LWSJ_SANITIZE_FLAGS " " flags)
  string(APPEND LWS_C_FLAGS " ${flags}")
endif()

set(LWS_CMAKE_OPTIONS
  -DCMAKE_BUILD_TYPE=Release
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON
  -DLWS_WITH_STATIC=ON
  -DLWS_WITH_SHARED=OFF
  -DLWS_WITHOUT_TESTAPPS=ON
  -DLWS_WITH_MINIMAL_EXAMPLES=OFF
  -DLWS_WITHOUT_SERVER=OFF
  -DLWS_WITHOUT_CLIENT=OFF
  # TLS through OpenSSL; permessage-deflate needs the extensions (off by default in lws) and zlib.
  -DLWS_WITH_SSL=ON
  -DLWS_WITHOUT_EXTENSIONS=OFF
  -DLWS_WITH_ZLIB=ON
  -DLWS_WITH_BUNDLED_ZLIB=OFF
  # IPv6 literals in URLs and listening on ::1.
  -DLWS_IPV6=ON
  # WebSocket over HTTP/1.1 only: no h2 ALPN, so browsers and peers take the RFC 6455 upgrade path.
  -DLWS_WITH_HTTP2=OFF
  # Client connections through a SOCKS5 proxy (io.github.lwsjava.client.Proxy.socks5); HTTP CONNECT proxies
  # (LWS_CLIENT_HTTP_PROXYING) are on by default. Both are set per vhost: the engine makes one client vhost per
  # distinct proxy, and never lets lws read the http_proxy / socks_proxy environment variables.
  -DLWS_WITH_SOCKS5=ON
  # Access logs in the common log format, per vhost (log_filepath in the vhost's creation info): lws writes them
  # for the files it serves itself, the HTTP answers of the facade and WebSocket upgrades alike. Patch 0038 escapes
  # what the peer sent in them.
  -DLWS_WITH_ACCESS_LOG=ON
  -DDISABLE_WERROR=ON
  # The same lws on every build machine (issue 18): lws's CMake probes the machine for optional headers and
  # libraries, and what it finds changes lws_config.h, the public headers (so the Parser's bindings) and the
  # link. Each probe that a development package can flip is pinned here to the result of a clean Debian 12.
  # <sys/capability.h> and libcap (libcap-dev, also pulled in by libwebsockets-dev): lws would add a
  # cap_value_t array to lws_context_creation_info and link -lcap.
  -DLWS_HAVE_SYS_CAPABILITY_H=OFF
  -DLWS_HAVE_LIBCAP=OFF
  # Event libraries (libuv1-dev, libev-dev, libevent-dev, libglib2.0-dev, libsystemd-dev for sd-event, libubox
  # for uloop): off by default in 4.3.5, each would look for the system's library and link it. lws-java builds
  # libuv itself (native/CMakeLists.txt turns LWS_WITH_LIBUV on with it, LWSJ_LIBUV); the fuzz build and the
  # others stay on lws's own poll() loop.
  -DLWS_WITH_LIBUV=OFF
  -DLWS_WITH_LIBEV=OFF
  -DLWS_WITH_LIBEVENT=OFF
  -DLWS_WITH_GLIB=OFF
  -DLWS_WITH_SDEVENT=OFF
  -DLWS_WITH_ULOOP=OFF
  # Other libraries lws links when asked (libsqlite3-dev, libhubbub, libdbus-1-dev, miniz), and the
  # overlayfs/mount helpers: off by default, off here for good.
  -DLWS_WITH_SQLITE3=OFF
  -DLWS_WITH_HUBBUB=OFF
  -DLWS_ROLE_DBUS=OFF
  -DLWS_WITH_MINIZ=OFF
  -DLWS_WITH_FSMOUNT=OFF
  # <openssl/ecdh.h>: lws looks for it on the system's include path only, so it was found with Debian's
  # libssl-dev in /usr/include and missed with an OpenSSL elsewhere (OPENSSL_ROOT_DIR); every OpenSSL lws-java
  # builds with has it, and lws merely includes it.
  -DLWS_HAVE_OPENSSL_ECDH_H=ON
  # lws names its version after `git describe` in its source directory, which is inside the lws-java checkout
  # (so the version, LWS_BUILD_HASH, changed with every lws-java commit), or "unknown" where git is missing: a
  # fixed name instead, "4.3.5-lws-java" (lws_get_library_version()).
  -DCMAKE_DISABLE_FIND_PACKAGE_Git=ON
  -DLWS_BUILD_HASH=lws-java
  # Keep absolute build paths out of the binaries (MSVC has no -ffile-prefix-map and records none).
  "-DCMAKE_C_FLAGS=${LWS_C_FLAGS}"
)

# Dependencies (docs/platforms.md): static OpenSSL and zlib on every platform, chosen with
# -DOPENSSL_USE_STATIC_LIBS=ON -DZLIB_USE_STATIC_LIBS=ON and where needed -DOPENSSL_ROOT_DIR=... -DZLIB_ROOT=...
# (scripts/build-native.sh; LWSJ_STATIC_DEPS=0 for the system's shared libraries). native/CMakeLists.txt hands
# these, and a cross toolchain file, on to the lws build.
set(LWS_FORWARDED_VARIABLES
  CMAKE_TOOLCHAIN_FILE CMAKE_OSX_ARCHITECTURES CMAKE_OSX_DEPLOYMENT_TARGET CMAKE_MSVC_RUNTIME_LIBRARY
  OPENSSL_ROOT_DIR OPENSSL_USE_STATIC_LIBS OPENSSL_MSVC_STATIC_RT ZLIB_ROOT ZLIB_USE_STATIC_LIBS
  ZLIB_LIBRARY ZLIB_INCLUDE_DIR)
