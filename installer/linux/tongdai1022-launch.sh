#!/bin/sh
# /usr/bin/tongdai1022 and the menu entry: starts the user's newer signed update when there is one
# (unpacked whole and named in versions/current by desktop/app_versions.py, verified by tufup before),
# else the desk installed by the package. The same choice as the installed program's own hand-off
# (installer/tongdai1022_main.py), made here without starting a Python for it. Versions that are not
# plain numbers (0.3.0rc1) are left to that hand-off, which compares them as Python does.
installed_dir="${TONGDAI1022_INSTALLED_DIR:-/opt/tongdai1022}"
installed="$installed_dir/tongdai1022"
if [ -z "$TONGDAI1022_INSTALLED_ONLY" ]; then
  versions="${TONGDAI1022_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/tongdai1022}/versions"
  chosen=""
  [ -r "$versions/current" ] && read -r chosen < "$versions/current"
  own=""
  for info in "$installed_dir"/_internal/tongdai1022-*.dist-info; do
    own="${info##*/tongdai1022-}"
    own="${own%.dist-info}"
  done
  case "$chosen" in
    "" | *[!0-9.]* | .* | *. | *..*) ;;
    *)
      if [ -x "$versions/$chosen/tongdai1022" ] && dpkg --compare-versions "$chosen" gt "$own" 2>/dev/null; then
        exec "$versions/$chosen/tongdai1022" "$@"
      fi
      ;;
  esac
fi
exec "$installed" "$@"
