// Step hooks for test builds: one global hook called at each internal step of the scheduler.
#include "irqio/core/step_hook.hpp"

#if IRQIO_STEP_HOOKS
namespace irqio::detail {
namespace {
StepHook g_hook = nullptr;
void* g_ctx = nullptr;
}  // namespace
void set_step_hook(StepHook hook, void* ctx) noexcept {
    g_hook = hook;
    g_ctx = ctx;
}
void step_hook(StepPoint p) noexcept {
    if (g_hook) g_hook(p, g_ctx);
}
}  // namespace irqio::detail
#endif
