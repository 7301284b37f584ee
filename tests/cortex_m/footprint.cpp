// RAM per task on this target: the header in front of each coroutine frame (TaskBase, rounded
// up to the frame's alignment), and what a few typical frames take, measured by an allocator
// that records the sizes it is asked for. Prints the figures for docs/porting.md.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/irqio.hpp"

namespace {

using namespace irqio;
using cm_test::report;

// A FramePool that remembers the size of the last request.
class Recorder final : public FrameAllocator {
  public:
    void* allocate(std::size_t bytes) noexcept override {
        last = bytes;
        return pool_.allocate(bytes);
    }
    void deallocate(void* p) noexcept override { pool_.deallocate(p); }
    std::size_t last = 0;

  private:
    FramePool<256, 4> pool_;
};
Recorder g_rec;
ThreadSafeFlag g_flag;

Task<void> empty_task() {
    co_return;
}
Task<void> sleeper() {
    co_await sleep_ms(1);
}
Task<void> flag_waiter() {
    co_await g_flag.wait();
}

Task<int> measure() {
    std::size_t header = detail::header_bytes<void>();
    report("sizeof(detail::TaskBase)", sizeof(detail::TaskBase));
    report("task header in front of a Task<void> frame (bytes)", header);
    report("task header in front of a Task<int> frame (bytes)", detail::header_bytes<int>());
    struct Case {
        const char* name;
        Task<void> (*fn)();
    };
    const Case cases[] = {{"frame of an empty Task<void> (bytes)", empty_task},
                          {"frame of a task that sleeps once (bytes)", sleeper},
                          {"frame of a task that waits on a ThreadSafeFlag (bytes)", flag_waiter}};
    for (const Case& c : cases) {
        auto h = create_task(c.fn());
        report(c.name, g_rec.last - header);
        g_flag.set();
        co_await h;
    }
    report("Loop object (bytes, on the stack of run())", sizeof(Loop));
    report("ThreadSafeFlag (bytes)", sizeof(ThreadSafeFlag));
    report("Event (bytes)", sizeof(Event));
    report("sleep awaiter in a frame (bytes)", sizeof(detail::SleepAwaiter));
    CM_CHECK(header == sizeof(detail::TaskBase));  // no padding beyond the struct itself
    CM_CHECK(header < 32);  // the promise: under 32 B of RAM per task beyond its frame
    co_return 0;
}

}  // namespace

int main() {
    FrameAllocatorScope scope(g_rec);
    int rc = run(measure());
    cm_test::sh::write("PASS\n");
    return rc;
}
