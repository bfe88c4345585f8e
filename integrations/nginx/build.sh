#!/usr/bin/env bash
# Builds ngx_http_iamgate_module.so, a dynamic module for Debian's nginx
# (packages nginx and nginx-dev, same version), linked with the static
# libiamgate of the release preset.
#
# Usage: integrations/nginx/build.sh        (prints the module's path last)
#
# Environment:
#   IAMGATE_BUILD_DIR        configured CMake build of iamgate (default build/release;
#                            the release preset is configured when it is missing)
#   IAMGATE_SKIP_LIB_BUILD=1 use IAMGATE_BUILD_DIR/core/libiamgate.a as it is
#   IAMGATE_NGINX_BUILD      where the nginx source tree is copied and configured
#                            (default build/nginx-module; reused while the nginx
#                            version, its configure flags and config are unchanged)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib_build=${IAMGATE_BUILD_DIR:-$root/build/release}
out=${IAMGATE_NGINX_BUILD:-$root/build/nginx-module}
src=/usr/share/nginx/src
jobs=$(nproc 2>/dev/null || echo 2)

for f in "$src/configure" "$src/conf_flags"; do
  [ -f "$f" ] || { echo "build.sh: $f missing: apt-get install nginx-dev" >&2; exit 1; }
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] ||
  { echo "build.sh: nginx missing: apt-get install nginx" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

# 1. the library (incremental; only the iamgate target)
if [ "${IAMGATE_SKIP_LIB_BUILD:-0}" != 1 ] || [ ! -f "$lib_build/core/libiamgate.a" ]; then
  if [ ! -f "$lib_build/build.ninja" ] && [ ! -f "$lib_build/Makefile" ]; then
    [ "$lib_build" = "$root/build/release" ] ||
      { echo "build.sh: $lib_build is not a configured build" >&2; exit 1; }
    (cd "$root" && cmake --preset release >/dev/null)
  fi
  cmake --build "$lib_build" --target iamgate -j "$jobs" >&2
fi
export IAMGATE_BUILD_DIR="$lib_build"

# 2. nginx's source tree, configured once with Debian's flags plus the module
version=$("$nginx_bin" -v 2>&1 | sed -n 's|^nginx version: nginx/||p')
src_version=$(sed -n 's/^#define NGINX_VERSION *"\(.*\)"/\1/p' "$src/src/core/nginx.h")
if [ "$version" != "$src_version" ]; then
  echo "build.sh: nginx is $version but nginx-dev is $src_version" >&2
  exit 1
fi
# Debian's own compiler flags (nginx -V), for the same hardening and -O2.
cc_opt="-g -O2 -fstack-protector-strong -Wformat -Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2"
ld_opt="-Wl,-z,relro -Wl,-z,now -fPIC"
stamp="$version $(md5sum "$src/conf_flags" "$here/config" | awk '{print $1}' | tr '\n' ' ') $lib_build $cc_opt"
if [ ! -f "$out/objs/Makefile" ] || [ "$(cat "$out/.iamgate-stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "build.sh: configuring nginx $version in $out" >&2
  rm -rf "$out"
  mkdir -p "$out"
  cp -a "$src/." "$out/"
  (
    cd "$out"
    # shellcheck disable=SC1091
    . ./conf_flags
    ./configure "${NGX_CONF_FLAGS[@]}" --with-cc-opt="$cc_opt" --with-ld-opt="$ld_opt" \
      --add-dynamic-module="$here" >configure.log 2>&1 ||
      { tail -30 configure.log >&2; exit 1; }
  )
  echo "$stamp" >"$out/.iamgate-stamp"
fi

# 3. the module (relinked every time: libiamgate.a is not a make dependency)
rm -f "$out/objs/ngx_http_iamgate_module.so"
make -C "$out" -f objs/Makefile modules -j "$jobs" >&2
echo "$out/objs/ngx_http_iamgate_module.so"
