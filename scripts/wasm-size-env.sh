# Sourced by scripts/build-widget.sh and scripts/size.sh: how the widget's wasm is built
# for size. The servers keep the ordinary release profile (nothing here is exported to
# their builds: the callers set it only around the wasm builds).
#
# * The release profile tuned for size: opt-level z, one codegen unit, fat LTO.
# * The standard library rebuilt with the bundle (needs rustup's rust-src component,
#   which scripts/setup.sh adds), so that what the widget never shows goes: a panic
#   aborts on the spot without formatting a message (`-Cpanic=immediate-abort`),
#   `Debug` formatting is empty (`-Zfmt-debug=none`: the widget never shows a `{:?}`;
#   only native tests do), and no file/line of a panic is kept. That is 15 KB gzip of
#   the button bundle (`make size` prints the bundle either way). These are unstable
#   flags of the stable compiler, hence RUSTC_BOOTSTRAP, scoped to these builds.
# * Without rust-src (a machine where rustup cannot add it) the bundle is built the
#   ordinary way, and says so: larger, same behaviour.
#
# Usage: `wasm_size_env` prints the variables as `NAME=value` lines, for `env`.
wasm_size_env() {
  echo CARGO_PROFILE_RELEASE_OPT_LEVEL=z
  echo CARGO_PROFILE_RELEASE_LTO=true
  echo CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
  echo CARGO_PROFILE_RELEASE_PANIC=abort
  # Its own target folder: the flags below would otherwise rebuild the dependencies of
  # the ordinary wasm builds (the wasm tests) each time.
  echo CARGO_TARGET_DIR=target/wasm-size
  if [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    echo RUSTC_BOOTSTRAP=1
    echo CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    echo CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
    echo "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS=-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
  else
    echo "wasm-size-env: rustup's rust-src component is missing: the standard library is not rebuilt for size (run scripts/setup.sh wasm)" >&2
  fi
}
