#pragma once
// Shows the shell's output (SPEC §7): text longer than the terminal goes through a pager —
// $PAGER, else `less -FRX` when less is installed — when standard output is a terminal and
// paging is on (\pager on|off); otherwise it is written to standard output.
// Thread-safety: one per shell.

#include <string>

namespace strata::cli {

class Pager {
 public:
  Pager();

  bool enabled() const { return enabled_; }
  void set_enabled(bool on) { enabled_ = on; }
  // The command used, "" when there is none.
  const std::string& command() const { return command_; }

  // Writes `text` to standard output, or through the pager when it does not fit the screen.
  void show(const std::string& text);

 private:
  bool enabled_ = true;
  std::string command_;
};

}  // namespace strata::cli
