// libedit, plain input and Ctrl-C for the shell (shell_input.hpp).
#include "cli/shell_input.hpp"

#include <editline/readline.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace strata::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
NameCache* g_names = nullptr;  // for the completion callbacks, which take no context

void on_interrupt(int) { g_interrupted = 1; }

// libedit's source of characters: one character (a Unicode code point, decoded from UTF-8) of
// `in`, or EOF — also when Ctrl-C was pressed, which makes readline() return null at once. It
// polls, so a Ctrl-C that lands while libedit is busy (not inside read) is never missed.
int interruptible_getc(FILE* in) {
  const int fd = ::fileno(in);
  auto next_byte = [&](unsigned char* byte) {
    while (true) {
      if (g_interrupted) return false;
      pollfd p{fd, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      if (ready < 0 && errno != EINTR) return false;
      if (ready <= 0) continue;
      const ssize_t n = ::read(fd, byte, 1);
      if (n == 1) return true;
      if (n == 0 || errno != EINTR) return false;
    }
  };
  unsigned char c;
  if (!next_byte(&c)) return EOF;
  if (c < 0x80) return c;
  const int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  int code_point = c & (0x3f >> extra);
  for (int i = 0; i < extra; ++i) {
    unsigned char more;
    if (!next_byte(&more)) return EOF;
    code_point = (code_point << 6) | (more & 0x3f);
  }
  return code_point;
}

// libedit edits characters of the locale's encoding: make it UTF-8, as names are (SPEC §1).
void use_utf8_input() {
  std::setlocale(LC_CTYPE, "");
  const char* codeset = ::nl_langinfo(CODESET);
  if (codeset == nullptr || std::string(codeset) != "UTF-8") std::setlocale(LC_CTYPE, "C.UTF-8");
}

// libedit's generator protocol: called with state 0 first, then until it returns null.
std::vector<std::string> g_matches;
char* next_match(const char*, int state) {
  static size_t at = 0;
  if (state == 0) at = 0;
  if (at >= g_matches.size()) return nullptr;
  return ::strdup(g_matches[at++].c_str());
}

char** complete(const char* text, int start, int) {
  ::rl_attempted_completion_over = 1;  // never fall back to file names
  if (g_names == nullptr) return nullptr;
  const std::string before(::rl_line_buffer, static_cast<size_t>(start));
  try {
    g_matches = completions(*g_names, before, text);
  } catch (const std::exception&) {
    g_matches.clear();
  }
  if (g_matches.empty()) return nullptr;
  return ::rl_completion_matches(text, next_match);
}

// Characters that end the word being completed: a quote does not, so `"Us` completes to a
// quoted name.
char kWordBreaks[] = " \t\n(),;=<>!{}";

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
  ::sigaction(SIGINT, &action, nullptr);
}

bool take_interrupt() {
  if (!g_interrupted) return false;
  g_interrupted = 0;
  return true;
}

LineReader::LineReader(bool interactive, std::string history_file, NameCache* names)
    : interactive_(interactive), history_file_(std::move(history_file)) {
  if (!interactive_) return;
  g_names = names;
  use_utf8_input();
  ::rl_readline_name = "strata";
  ::rl_getc_function = interruptible_getc;
  ::rl_catch_signals = 0;  // our handler sees Ctrl-C; libedit leaves signals alone
  ::rl_basic_word_break_characters = kWordBreaks;
  ::rl_attempted_completion_function = complete;
  ::using_history();
  if (!history_file_.empty()) ::read_history(history_file_.c_str());
}

LineReader::~LineReader() {
  if (interactive_ && !history_file_.empty()) ::write_history(history_file_.c_str());
  g_names = nullptr;
}

InputLine LineReader::read(const std::string& prompt) {
  take_interrupt();  // a Ctrl-C that came before the prompt is spent
  if (!interactive_) {
    std::string line;
    if (std::getline(std::cin, line)) return {InputLine::kLine, std::move(line)};
    return {take_interrupt() ? InputLine::kInterrupted : InputLine::kEnd, {}};
  }
  char* raw = ::readline(prompt.c_str());
  if (raw == nullptr) {
    // readline ends both on Ctrl-D and when Ctrl-C stopped interruptible_getc.
    return {take_interrupt() ? InputLine::kInterrupted : InputLine::kEnd, {}};
  }
  std::string line(raw);
  std::free(raw);
  return {InputLine::kLine, std::move(line)};
}

void LineReader::remember(const std::string& entry) {
  if (interactive_ && !entry.empty()) ::add_history(entry.c_str());
}

}  // namespace strata::cli
