#include "irqio/result.hpp"
#include "irqio/port.hpp"

namespace irqio {

const char* to_string(Error e) noexcept {
    switch (e) {
        case Error::none:
            return "none";
        case Error::cancelled:
            return "cancelled";
        case Error::timed_out:
            return "timed_out";
        case Error::full:
            return "full";
        case Error::empty:
            return "empty";
        case Error::closed:
            return "closed";
        case Error::io:
            return "io";
        case Error::invalid_argument:
            return "invalid_argument";
        case Error::no_memory:
            return "no_memory";
        case Error::eof:
            return "eof";
        case Error::reset:
            return "reset";
        case Error::busy:
            return "busy";
        case Error::nack:
            return "nack";
        case Error::overrun:
            return "overrun";
        case Error::too_long:
            return "too_long";
        case Error::not_found:
            return "not_found";
        case Error::unsupported:
            return "unsupported";
    }
    return "unknown";
}

namespace detail {
void assert_fail(const char* what, const char* file, int line) noexcept {
    port::fatal(what, file, line);
}
}  // namespace detail
}  // namespace irqio
