// Shared helpers for irqio's own benchmark programs. Options, statistics, JSON lines and the wake
// driver come from bench/peers/common.hpp so irqio is measured exactly as the peers are.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "common.hpp"  // bench/peers/common.hpp

namespace ibench {
using namespace peers;

constexpr const char* kPeer = "irqio";

// Current resident set size (VmRSS) in bytes.
inline long vm_rss_bytes() {
    FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kb = -1;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::atol(line + 6);
    }
    std::fclose(f);
    return kb * 1024;
}

// A human-readable line on stderr next to the JSON line on stdout.
inline void human(const char* workload, const char* unit, const Summary& s, const char* note = "") {
    std::fprintf(stderr, "  %-28s %12.4g %-14s p99 %12.4g  (n=%zu) %s\n", workload, s.median, unit,
                 s.p99, s.n, note);
}

inline void report(const char* workload, const char* unit, const Summary& s,
                   const std::string& extra = "", const char* note = "") {
    emit(kPeer, workload, unit, s, extra);
    human(workload, unit, s, note);
}
inline void report_value(const char* workload, const char* unit, double v,
                         const std::string& extra = "", const char* note = "") {
    report(workload, unit, Summary{v, v, 1}, extra, note);
}

}  // namespace ibench
