#pragma once
// The shell's input (SPEC §7): lines from libedit on a terminal (line editing, history in a
// file, Tab completion through a NameCache, UTF-8 input) or plainly from standard input
// otherwise; and Ctrl-C. A SIGINT handler only raises a flag (installed without SA_RESTART, so
// a blocking read or poll returns). Reading a line, libedit gets its characters from a polling
// reader that watches the flag, so Ctrl-C ends the line as kInterrupted (the typed text is
// dropped) however busy libedit was; waiting for an answer, the shell turns it into a CANCEL.
// Ctrl-D on an empty line ends the input (kEnd).
// Thread-safety: one LineReader per process (libedit's readline interface is global).

#include <string>

#include "cli/shell_complete.hpp"

namespace strata::cli {

// Installs the SIGINT handler (idempotent).
void install_interrupt_handler();
// True once for every Ctrl-C since the previous call (and clears it).
bool take_interrupt();

struct InputLine {
  enum Kind { kLine, kInterrupted, kEnd } kind = kEnd;
  std::string text;  // kLine: the line without its '\n'
};

class LineReader {
 public:
  // interactive: libedit, history loaded from `history_file` ("" for none); otherwise lines
  // of standard input, without prompts. `names` (may be null) completes on Tab.
  LineReader(bool interactive, std::string history_file, NameCache* names);
  ~LineReader();  // saves the history
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  InputLine read(const std::string& prompt);
  // One history entry (a whole statement as typed, possibly several lines).
  void remember(const std::string& entry);

 private:
  bool interactive_;
  std::string history_file_;
};

}  // namespace strata::cli
