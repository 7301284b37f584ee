// Getting a recording (core/trace.hpp, IRQIO_TRACE=1) out of a Linux program: into a file, on
// demand or when the program exits; tools/irqio_trace.py turns it into a Perfetto trace.
#pragma once

namespace irqio::linux_port {

// Task context (or any thread): writes the ring's records as text; false if the file cannot be
// written. Recording pauses while it writes.
bool write_trace(const char* path) noexcept;
// Writes the recording to `path` when the program exits normally (std::exit or main's return).
// `path` must outlive the program's run (a literal or argv).
void write_trace_at_exit(const char* path) noexcept;

}  // namespace irqio::linux_port
