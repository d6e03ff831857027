# Installs the Debian packages Strata builds, tests and runs with (SPEC §10).
# Sourced by scripts/build, scripts/test, scripts/run, scripts/sanitize and scripts/fuzz; a no-op
# when all are present.
strata_packages=(
  build-essential cmake ninja-build pkg-config
  tao-pegtl-dev librocksdb-dev libasio-dev nlohmann-json3-dev libssl-dev catch2
  libcli11-dev libedit-dev libspdlog-dev libbenchmark-dev libjemalloc-dev
  libcpp-httplib-dev
  sqlite3 netcat-openbsd openssl
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc etcd-server etcd-client
  clang libclang-rt-14-dev llvm  # scripts/sanitize, scripts/fuzz (libFuzzer), llvm-symbolizer
)
# The console's browser test (tests/console/browser_test.cpp): headless Chromium driven over
# chromedriver's WebDriver API, and fonts to render the pages with. Optional: where they cannot
# be installed, that test is skipped with the reason printed.
strata_browser_packages=(chromium chromium-driver fonts-dejavu-core)

strata_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

strata_apt_install() {
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

strata_install_deps() {
  local missing
  missing=($(strata_missing_packages "${strata_packages[@]}"))
  if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts: installing ${missing[*]}" >&2
    strata_apt_install "${missing[@]}"
  fi
  missing=($(strata_missing_packages "${strata_browser_packages[@]}"))
  if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts: installing ${missing[*]} (for the console's browser test)" >&2
    strata_apt_install "${missing[@]}" ||
      echo "scripts: could not install ${missing[*]}; the browser test will be skipped" >&2
  fi
}

# A compiler cache, where ccache is installed: sets STRATA_LAUNCHER to CMake's launcher options
# (empty without ccache, or when the environment chose a launcher). Paths are hashed relative
# to the checkout and without the build directory, so every clone of the repository on this
# machine reuses the compilations of the others (a clean clone's scripts/test builds in
# minutes, not half an hour). CI starts cold: no gain, no harm.
strata_compiler_cache() {
  STRATA_LAUNCHER=()
  command -v ccache >/dev/null || return 0
  [ -n "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ] && return 0
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$1}"
  export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
  STRATA_LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
}
