# Installs the Debian packages Strata builds, tests and runs with (SPEC §10).
# Sourced by scripts/build, scripts/test and scripts/run; a no-op when all are present.
strata_packages=(
  build-essential cmake ninja-build pkg-config
  tao-pegtl-dev librocksdb-dev libasio-dev nlohmann-json3-dev libssl-dev catch2
  libcli11-dev libedit-dev libspdlog-dev libbenchmark-dev libjemalloc-dev
  sqlite3 netcat-openbsd openssl
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc etcd-server etcd-client
)

strata_install_deps() {
  local missing=()
  for p in "${strata_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "scripts: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}
