#!/bin/sh
# rustup stand-in for the fraiseql-test/rust-cross image (test-only).
# Debian's rustc is the only toolchain; targets are the std libraries that
# Debian installed under $(rustc --print sysroot)/lib/rustlib/<triple>/lib.
# `rustup target add T` succeeds when T's std is installed and fails otherwise,
# which is how real rustup behaves when it cannot download a target.
set -eu

sysroot="$(rustc --print sysroot)"
rustlib="$sysroot/lib/rustlib"

installed_targets() {
    for d in "$rustlib"/*/lib; do
        [ -d "$d" ] || continue
        if ls "$d"/libstd-*.rlib >/dev/null 2>&1; then
            t="${d%/lib}"
            echo "${t##*/}"
        fi
    done
}

has_target() {
    installed_targets | grep -qx "$1"
}

usage() {
    echo "rustup stand-in (fraiseql-deploy test image): supports 'target add|list', 'show', 'toolchain list', '--version'" >&2
}

case "${1:-}" in
    --version | -V)
        echo "rustup 0.0.0-standin (fraiseql-deploy test image; Debian $(rustc --version))"
        ;;
    target)
        shift
        case "${1:-}" in
            add | install)
                shift
                [ "$#" -gt 0 ] || { echo "error: rustup target add: no target given" >&2; exit 1; }
                for t in "$@"; do
                    case "$t" in -*) continue ;; esac
                    if has_target "$t"; then
                        echo "info: component 'rust-std' for target '$t' is up to date"
                    else
                        echo "error: rustup stand-in: std for target '$t' is not installed in this image" >&2
                        echo "error: installed targets: $(installed_targets | tr '\n' ' ')" >&2
                        exit 1
                    fi
                done
                ;;
            list)
                shift
                if [ "${1:-}" = "--installed" ]; then
                    installed_targets
                else
                    installed_targets | sed 's/$/ (installed)/'
                fi
                ;;
            *) usage; exit 1 ;;
        esac
        ;;
    show)
        if [ "${2:-}" = "active-toolchain" ]; then
            echo "system (default)"
        else
            echo "Default host: $(rustc -vV | sed -n 's/^host: //p')"
            echo "installed targets:"; installed_targets
            echo "active toolchain: system ($(rustc --version))"
        fi
        ;;
    toolchain)
        [ "${2:-}" = "list" ] && { echo "system (default)"; exit 0; }
        usage; exit 1
        ;;
    *)
        echo "error: rustup stand-in: unsupported command: rustup $*" >&2
        usage
        exit 1
        ;;
esac
