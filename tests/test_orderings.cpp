// Cross-thread publication (the mutation catalogue's relaxed-ordering mutants). Each test
// hands data from one thread to another through exactly one of the wake path's atomics, with no
// other synchronisation on the way, so that ThreadSanitizer (the tsan preset) reports a data race
// on every hand-over if that atomic is weakened to relaxed. In the other presets they are plain
// functional checks.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "irqio/core/inbox.hpp"
#include "irqio/core/mpmc_ring.hpp"
#include "irqio/irqio.hpp"
#include "irqio/port/virtual_clock_port.hpp"

using namespace irqio;

namespace {

// MpmcRing: the producer writes an item (plain memory), the cell's sequence number publishes it.
TEST(Orderings, RingCellPublishedToAnotherThread) {
    struct Item {
        int a, b, c;
    };
    detail::MpmcRing<Item, 4> ring;
    constexpr int kItems = 20000;
    std::thread producer([&] {
        for (int i = 0; i < kItems;)
            if (ring.push(Item{i, i * 2, i * 3})) ++i;
    });
    long long bad = 0;
    for (int i = 0; i < kItems;) {
        Item v;
        if (!ring.pop(v)) continue;
        if (v.a != i || v.b != 2 * i || v.c != 3 * i) ++bad;
        ++i;
    }
    producer.join();
    EXPECT_EQ(bad, 0);
}

// IsrInbox: the poster fills a node, the CAS that links it publishes it to the loop's take.
TEST(Orderings, InboxNodePublishedToTheTakingThread) {
    struct Node : detail::InboxNode {
        int payload = 0;
    };
    detail::IsrInbox inbox;
    constexpr int kRounds = 5000;
    Node nodes[2];
    std::atomic<int> round{0};  // the taker -> poster direction only (it reads, then lets go)
    std::thread poster([&] {
        for (int r = 0; r < kRounds; ++r) {
            while (round.load(std::memory_order_acquire) != r) {
            }
            for (Node& n : nodes) {
                n.payload = r;
                inbox.post(&n);
            }
        }
    });
    int seen = 0, bad = 0;
    for (int r = 0; r < kRounds; ++r) {
        int got = 0;
        while (got < 2) {
            for (detail::InboxNode* n = inbox.take_all(); n;) {
                detail::InboxNode* next = n->next;
                if (static_cast<Node*>(n)->payload != r) ++bad;
                detail::store_sc(n->queued, 0);
                n = next;
                ++got;
            }
        }
        seen += got;
        round.store(r + 1, std::memory_order_release);
    }
    poster.join();
    EXPECT_EQ(seen, 2 * kRounds);
    EXPECT_EQ(bad, 0);
}

// ThreadSafeFlag: the waiter publishes its task and loop with the claim; a set() on another thread
// that finds the waiter reads them.
TEST(Orderings, FlagWaiterPublishedToTheSettingThread) {
    VirtualClockPort port{0};
    port.allow_idle_spin(true);  // the setter is another thread: an idle loop spins, never hangs
    Loop loop{port};
    ThreadSafeFlag flag;
    constexpr int kRounds = 2000;
    std::atomic<bool> stop{false};
    int woke = 0;
    auto main = [&]() -> Task<void> {
        std::thread setter([&] {
            while (!stop.load(std::memory_order_relaxed)) flag.set();
        });
        for (int i = 0; i < kRounds; ++i) {
            co_await flag.wait();
            ++woke;
        }
        stop.store(true, std::memory_order_relaxed);
        setter.join();
    };
    loop.run(main());
    EXPECT_EQ(woke, kRounds);
}

}  // namespace
