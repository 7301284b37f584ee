// The recording into a file: trace::dump's lines through a stdio buffer.
#include "irqio/linux/trace_file.hpp"

#include <stdio.h>
#include <stdlib.h>

#include "irqio/core/trace.hpp"

namespace irqio::linux_port {
namespace {
const char* g_exit_path = nullptr;

void to_file(void* ctx, const char* text, std::size_t len) {
    fwrite(text, 1, len, static_cast<FILE*>(ctx));
}
void at_exit() {
    if (g_exit_path) write_trace(g_exit_path);
}
}  // namespace

bool write_trace(const char* path) noexcept {
    FILE* f = fopen(path, "w");
    if (!f) return false;
    trace::dump(&to_file, f);
    const bool ok = ferror(f) == 0;
    return fclose(f) == 0 && ok;
}

void write_trace_at_exit(const char* path) noexcept {
    if (!g_exit_path) atexit(&at_exit);
    g_exit_path = path;
}

}  // namespace irqio::linux_port
