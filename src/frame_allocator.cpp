// Frame allocation: a table of registered allocators indexed by the id stored in each task header.
// Id 0 is the heap (operator new); pools register themselves on construction.
#include <atomic>
#include <new>

#include "irqio/config.hpp"
#include "irqio/core/atomic_ops.hpp"
#include "irqio/core/frame_allocator.hpp"
#include "irqio/core/per_core.hpp"

namespace irqio {
namespace {
std::atomic<FrameAllocator*> g_allocators[IRQIO_MAX_FRAME_ALLOCATORS + 1];
std::atomic<unsigned> g_allocator_count{0};  // zero-initialised: no .data image
IRQIO_THREAD_LOCAL detail::PerContext<FrameAllocator*> t_current{};
}  // namespace

void FrameAllocator::register_self() noexcept {
    unsigned id = detail::atomic_fetch_add(g_allocator_count, 1u) + 1;  // id 0 is the heap
    IRQIO_ASSERT(id <= IRQIO_MAX_FRAME_ALLOCATORS,
                 "more frame allocators than IRQIO_MAX_FRAME_ALLOCATORS");
    detail::store_sc(g_allocators[id], this);
    id_ = static_cast<uint8_t>(id);
}

FrameAllocator::~FrameAllocator() {
    if (id_ != 0) detail::store_sc(g_allocators[id_], static_cast<FrameAllocator*>(nullptr));
    if (t_current == this) t_current = nullptr;
}

void set_frame_allocator(FrameAllocator* a) noexcept {
    t_current = a;
}
FrameAllocator* frame_allocator() noexcept {
    return t_current;
}

namespace detail {
void* allocate_frame_block(std::size_t bytes, uint8_t& alloc_id) noexcept {
    if (FrameAllocator* a = t_current) {
        if (a->id_ == 0) a->register_self();
        alloc_id = a->id_;
        return a->allocate(bytes);
    }
    alloc_id = 0;
#if IRQIO_HEAP_FRAMES
    return ::operator new(bytes, std::nothrow);
#else
    (void)bytes;
    return nullptr;  // no pool set and no heap: the task fails with Error::no_memory
#endif
}

void free_frame_block(void* p, uint8_t alloc_id) noexcept {
    if (alloc_id == 0) {
#if IRQIO_HEAP_FRAMES
        ::operator delete(p);
#endif
        return;
    }
    FrameAllocator* a = detail::load_sc(g_allocators[alloc_id]);
    IRQIO_ASSERT(a != nullptr, "frame freed after its FramePool was destroyed");
    a->deallocate(p);
}
}  // namespace detail
}  // namespace irqio
