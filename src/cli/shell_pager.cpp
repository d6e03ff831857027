// The shell's pager (shell_pager.hpp).
#include "cli/shell_pager.hpp"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace strata::cli {
namespace {

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// Screen rows `text` takes on a terminal `columns` wide (long lines wrap).
size_t rows_of(const std::string& text, size_t columns) {
  size_t rows = 0, width = 0;
  for (unsigned char c : text) {
    if (c == '\n') {
      rows += columns ? std::max<size_t>(1, (width + columns - 1) / columns) : 1;
      width = 0;
    } else if ((c & 0xc0) != 0x80) {
      ++width;
    }
  }
  return rows + (width ? 1 : 0);
}

}  // namespace

Pager::Pager() {
  const char* pager = std::getenv("PAGER");
  if (pager != nullptr && *pager != '\0') {
    command_ = pager;
  } else if (on_path("less")) {
    command_ = "less -FRX";
  }
}

void Pager::show(const std::string& text) {
  winsize size{};
  const bool terminal = ::isatty(1) && ::ioctl(1, TIOCGWINSZ, &size) == 0 && size.ws_row > 0;
  if (!enabled_ || command_.empty() || !terminal ||
      rows_of(text, size.ws_col) < static_cast<size_t>(size.ws_row)) {
    std::cout << text << std::flush;
    return;
  }
  std::cout << std::flush;
  FILE* pipe = ::popen(command_.c_str(), "w");
  if (pipe == nullptr) {
    std::cout << text << std::flush;
    return;
  }
  // The reader may quit early (q in less): the rest of the text is dropped, not a SIGPIPE.
  struct sigaction ignore {}, saved {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &saved);
  std::fwrite(text.data(), 1, text.size(), pipe);
  ::pclose(pipe);
  ::sigaction(SIGPIPE, &saved, nullptr);
}

}  // namespace strata::cli
