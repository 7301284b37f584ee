// LoopAffinity: the one loop a task-context object (Lock, Queue) is used from while it holds
// anything. Such objects are not any-context: a use from another loop (a thread, a core, an
// interrupt level) while the object holds state of the first is an assertion, not a silent race.
#pragma once
#include "irqio/config.hpp"
#include "irqio/core/per_core.hpp"

namespace irqio {
class Loop;
namespace detail {
extern constinit IRQIO_THREAD_LOCAL PerContext<Loop*> tls_loop;  // core/loop.hpp

class LoopAffinity {
  public:
    // Task context. `idle`: the object holds nothing (no item, holder or waiter), so any loop may
    // take it over (objects outlive loops: a test's global Lock, a queue handed on).
    IRQIO_INLINE void check(bool idle) noexcept {
        Loop* l = tls_loop;
        if (idle) {
            owner_ = l;
            return;
        }
        IRQIO_ASSERT(owner_ == l || l == nullptr,
                     "a task-context object (Lock, Queue) used from two loops (threads, cores or "
                     "interrupt levels): share through any-context objects");
    }

  private:
    Loop* owner_ = nullptr;
};

}  // namespace detail
}  // namespace irqio
