// libedit, plain input and Ctrl-C for the shell (shell_input.hpp).
#include "cli/shell_input.hpp"

#include <editline/readline.h>
#include <signal.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

namespace strata::cli {
namespace {

volatile sig_atomic_t g_interrupted = 0;
NameCache* g_names = nullptr;  // for the completion callbacks, which take no context

void on_interrupt(int) { g_interrupted = 1; }

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
  ::rl_readline_name = "strata";
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
    // readline ends both on Ctrl-D and when Ctrl-C interrupted its read.
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
