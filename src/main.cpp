// The strata binary: every subcommand lives in src/cli (SPEC §7).
#include "cli/cli.hpp"

#ifdef STRATA_JEMALLOC
// jemalloc reads this at its first allocation (jemalloc(3), "malloc_conf"; MALLOC_CONF in the
// environment still overrides it). Transparent huge pages for jemalloc's arenas and metadata:
// the kernel here hands them out only on request (THP "madvise"), and a big migration touches
// hundreds of MiB of fresh memory, so 4 KiB page faults were a fifth of W1's time
// (bench/NOTES.md).
extern "C" const char* malloc_conf;
const char* malloc_conf = "thp:always,metadata_thp:always";
#endif

int main(int argc, char** argv) { return strata::cli::run_main(argc, argv); }
