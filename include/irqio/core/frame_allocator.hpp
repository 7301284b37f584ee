// Where coroutine frames come from: the heap by default, or a fixed FramePool for heap-free
// programs. Frames remember their allocator by a one-byte id, so a frame is always returned where
// it came from.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "irqio/config.hpp"
#include "irqio/core/atomic_ops.hpp"
#include "irqio/core/per_core.hpp"

namespace irqio {
class Loop;
namespace detail {
extern constinit IRQIO_THREAD_LOCAL PerContext<Loop*>
    tls_loop;  // core/per_core.hpp: per core with IRQIO_CORES > 1
void* allocate_frame_block(std::size_t bytes, uint8_t& alloc_id) noexcept;
void free_frame_block(void* p, uint8_t alloc_id) noexcept;
}  // namespace detail

class FrameAllocator {
  public:
    // Task context. Returns nullptr when exhausted: the task then fails with Error::no_memory.
    virtual void* allocate(std::size_t bytes) noexcept = 0;
    virtual void deallocate(void* p) noexcept = 0;
    // 0 until the first frame comes from this allocator; then its slot in the registry.
    uint8_t id() const noexcept { return id_; }

  protected:
    // Constant-initialisable, so a global pool costs no start-up code: it registers itself
    // (at most IRQIO_MAX_FRAME_ALLOCATORS per program) when it hands out its first frame.
    constexpr FrameAllocator() noexcept = default;
    ~FrameAllocator();

  private:
    friend void* detail::allocate_frame_block(std::size_t bytes, uint8_t& alloc_id) noexcept;
    void register_self() noexcept;
    uint8_t id_ = 0;
};

// Frames for tasks created on this thread from now on come from `a` (nullptr: the heap).
void set_frame_allocator(FrameAllocator* a) noexcept;
FrameAllocator* frame_allocator() noexcept;

// RAII form of set_frame_allocator.
class FrameAllocatorScope {
  public:
    explicit FrameAllocatorScope(FrameAllocator& a) noexcept : prev_(frame_allocator()) {
        set_frame_allocator(&a);
    }
    ~FrameAllocatorScope() { set_frame_allocator(prev_); }
    FrameAllocatorScope(const FrameAllocatorScope&) = delete;
    FrameAllocatorScope& operator=(const FrameAllocatorScope&) = delete;

  private:
    FrameAllocator* prev_;
};

// Count blocks of BlockBytes each, in static storage. A frame larger than a block is refused
// (no_memory), never truncated. allocate() in the task context of one loop (an InterruptLoop has
// a pool of its own); deallocate() from any context, since a task spawned onto another loop (a
// thread, an interrupt level) ends there: those blocks come back through a lock-free stack.
template <std::size_t BlockBytes, std::size_t Count>
class FramePool final : public FrameAllocator {
    static_assert(BlockBytes >= sizeof(void*) && BlockBytes % 16 == 0, "blocks are 16-byte units");

  public:
    constexpr FramePool() noexcept = default;
    void* allocate(std::size_t bytes) noexcept override {
        void* b = nullptr;
        if (bytes <= BlockBytes) {
            if (!free_ && detail::load_acquire(returned_))
                free_ = detail::atomic_exchange(returned_, static_cast<Link*>(nullptr));
            if (free_) {
                b = free_;
                free_ = free_->next;
            } else if (carved_ < Count) {
                b = storage_[carved_++];  // blocks never used yet: no start-up loop links them
            }
        }
        if (!b) {
            ++refused_;
            return nullptr;
        }
        ++handed_out_;
        if (used() > high_water_) high_water_ = used();
        return b;
    }
    // Any context.
    void deallocate(void* p) noexcept override {
        Link* l = static_cast<Link*>(p);
        Link* head = returned_.load(std::memory_order_relaxed);
        do l->next = head;
        while (!detail::atomic_cas(returned_, head, l));
        detail::atomic_fetch_add(given_back_, std::size_t{1});
    }
    std::size_t used() const noexcept {
        return handed_out_ - given_back_.load(std::memory_order_acquire);
    }
    std::size_t high_water() const noexcept { return high_water_; }
    std::size_t refused() const noexcept { return refused_; }
    static constexpr std::size_t capacity() noexcept { return Count; }
    static constexpr std::size_t block_bytes() noexcept { return BlockBytes; }

  private:
    struct Link {
        Link* next;
    };
    Link* free_ = nullptr;                  // the allocating context's own
    std::atomic<Link*> returned_{nullptr};  // pushed by deallocate() from any context
    std::size_t carved_ = 0;
    std::size_t handed_out_ = 0, high_water_ = 0, refused_ = 0;
    std::atomic<std::size_t> given_back_{0};
    // Uninitialised: the pool stays in .bss (a constant initialiser would put the vtable pointer,
    // and so the whole pool, into .data: its size again in flash).
    alignas(16) unsigned char storage_[Count][BlockBytes];
};

}  // namespace irqio
