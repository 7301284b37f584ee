// IsrScope's count of the handlers open on this thread (the hosted ports' handler test).
#include "irqio/isr/isr_scope.hpp"

namespace irqio::detail {
constinit IRQIO_THREAD_LOCAL uint32_t isr_depth = 0;
}  // namespace irqio::detail
