#!/usr/bin/env bash
# Prints the DEBIAN/control of patrol's .deb (make deb). $1: the staging folder (root/ holds the files to package,
# shlibs/ is scratch space); $2: the version; $3: the Debian architecture.
# Depends comes from the libraries the binary really links: dpkg-shlibdeps reads its NEEDED entries and maps each
# library to the package that ships it, with the minimum version of the symbols used.
set -euo pipefail
staging=$1 version=$2 arch=$3
binary="$staging/root/usr/bin/patrol"
# dpkg-shlibdeps wants a source package's debian/control to exist; a minimal one is enough.
mkdir -p "$staging/shlibs/debian"
printf 'Source: patrol\n\nPackage: patrol\nArchitecture: any\n' > "$staging/shlibs/debian/control"
depends=$(cd "$staging/shlibs" && dpkg-shlibdeps -O "$binary" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "deb-control: dpkg-shlibdeps found no libraries for $binary" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$staging/root" | cut -f1)
cat <<CONTROL
Package: patrol
Version: $version
Architecture: $arch
Maintainer: patrol maintainers <patrol@localhost>
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Description: keep one GitHub token as an Actions secret across a fleet of repositories
 patrol seals a GitHub token and keeps it as an Actions secret in every
 repository of a fleet: it rolls it out, rotates it, warns before it expires
 and checks the credential end to end. Man pages: patrol(1) and
 patrol-COMMAND(1); completions for bash, zsh and fish.
CONTROL
