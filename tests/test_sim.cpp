// The virtual board: interrupt controller priorities, nesting and masking; the ADC stream gap-free
// over 10 s of simulated sampling; radio packets from another thread.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"

using namespace irqio;
using namespace irqio::sim;

namespace {

struct Rec {
    IrqController* c;
    std::string log;
    int pend_in_handler = -1;  // line to pend from inside line `from`'s handler
    int from = -1;
    int max_depth = 0;
};
Rec* g_rec = nullptr;

template <int L>
void handler(void*) noexcept {
    Rec& r = *g_rec;
    r.log += "<" + std::to_string(L);
    if (r.c->nesting() > r.max_depth) r.max_depth = r.c->nesting();
    if (L == r.from && r.pend_in_handler >= 0) {
        int p = r.pend_in_handler;
        r.pend_in_handler = -1;
        r.c->pend(p);  // delivered at once if more urgent (preemption), else after we return
    }
    r.log += ">";
}

TEST(SimIrq, PendingLinesRunByPriorityWhenUnmasked) {
    IrqController c;
    Rec r{&c, {}};
    g_rec = &r;
    c.attach(5, &handler<5>, nullptr, 3);
    c.attach(6, &handler<6>, nullptr, 1);
    c.attach(7, &handler<7>, nullptr, 2);
    {
        CriticalSection cs;  // masks the controller's signal: everything stays pending
        c.pend(5);
        c.pend(7);
        c.pend(6);
        EXPECT_TRUE(c.pending(5) && c.pending(6) && c.pending(7));
        EXPECT_EQ(r.log, "");
    }
    EXPECT_EQ(r.log, "<6><7><5>");
    EXPECT_EQ(c.count(5), 1u);
    for (int l : {5, 6, 7}) c.detach(l);
}

TEST(SimIrq, MoreUrgentLinePreemptsEqualWaits) {
    IrqController c;
    Rec r{&c, {}};
    g_rec = &r;
    c.attach(1, &handler<1>, nullptr, 3);
    c.attach(2, &handler<2>, nullptr, 1);
    c.attach(3, &handler<3>, nullptr, 3);
    // Line 1 (prio 3) pends line 2 (prio 1): line 2 runs nested inside line 1.
    r.from = 1;
    r.pend_in_handler = 2;
    c.pend(1);
    EXPECT_EQ(r.log, "<1<2>>");
    EXPECT_EQ(r.max_depth, 2);
    // Line 1 pends line 3 (same priority): it runs after line 1 returns.
    r.log.clear();
    r.max_depth = 0;
    r.pend_in_handler = 3;
    c.pend(1);
    EXPECT_EQ(r.log, "<1><3>");
    EXPECT_EQ(r.max_depth, 1);
    // Line 2 (prio 1) pends line 1 (prio 3): waits.
    r.log.clear();
    r.from = 2;
    r.pend_in_handler = 1;
    c.pend(2);
    EXPECT_EQ(r.log, "<2><1>");
    EXPECT_GE(c.max_nesting(), 2u);
    for (int l : {1, 2, 3}) c.detach(l);
}

TEST(SimIrq, DisabledLineStaysPendingUntilEnabled) {
    IrqController c;
    Rec r{&c, {}};
    g_rec = &r;
    c.attach(9, &handler<9>, nullptr, 2);
    c.disable(9);
    c.pend(9);
    EXPECT_EQ(r.log, "");
    EXPECT_TRUE(c.pending(9));
    c.clear_pending(9);
    c.pend(9);
    c.enable(9);
    EXPECT_EQ(r.log, "<9>");
    EXPECT_FALSE(c.pending(9));
    c.detach(9);
}

TEST(SimIrq, PendsFromAnotherThreadReachTheLoopAsInterrupts) {
    IrqController c;
    ThreadSafeFlag flag;
    std::atomic<int> n{0};
    struct Ctx {
        ThreadSafeFlag* f;
        std::atomic<int>* n;
    } ctx{&flag, &n};
    c.attach(
        4,
        [](void* p) noexcept {
            auto* x = static_cast<Ctx*>(p);
            x->n->fetch_add(1);
            x->f->set();
        },
        &ctx, 2);
    auto body = [&]() -> Task<int> {
        std::thread t([&] {
            // A pend of a line already pending merges with it (as on an NVIC), so wait for each
            // handler before the next pend: every one must arrive.
            for (int i = 0; i < 200; ++i) {
                c.pend(4);
                for (int k = 0; k < 100000 && n.load() <= i; ++k) usleep(10);
            }
        });
        int wakes = 0;
        while (n.load() < 200) {
            auto r = co_await wait_for_ms(flag.wait(), 1000);
            if (!r) break;
            ++wakes;
        }
        t.join();
        co_return wakes;
    };
    int wakes = run(body());
    EXPECT_EQ(n.load(), 200);
    EXPECT_GT(wakes, 0);
    c.detach(4);
}

// 10 s of simulated sampling at 10 kHz in 1 s of wall time; samples are the sample counter, so any
// gap or repeat shows; a display frame goes out over SPI DMA meanwhile.
TEST(SimAdc, TenSecondsGapFree) {
    Config cfg;
    cfg.time_scale = 10.0;
    Board board(cfg);
    board.generator().counter = true;
    // Four blocks of 2000 samples (200 ms simulated, 20 ms wall each): the slack for a loaded host.
    std::vector<uint16_t> storage(4 * 2000);
    Adc adc(board.adc1(), storage, 4);
    SpiBus spi(board.spi1());
    std::vector<uint8_t> frame(kDisplayW * kDisplayH * 2, 0x55);
    uint64_t samples = 0, bad = 0, blocks = 0;
    auto spi_load = [&]() -> Task<void> {
        for (;;) {
            auto r = co_await spi.write(frame);
            if (!r) co_return;
        }
    };
    auto body = [&]() -> Task<void> {
        auto load = create_task(spi_load());
        EXPECT_TRUE(adc.start(10'000).ok());
        uint64_t expect = 0;
        while (samples < 10 * 10'000) {
            auto b = co_await adc.next_block();
            if (!b) break;
            EXPECT_EQ(b->first_sample, expect);
            for (std::size_t i = 0; i < b->samples.size(); ++i)
                if (b->samples[i] != static_cast<uint16_t>(b->first_sample + i)) ++bad;
            expect = b->first_sample + b->samples.size();
            samples += b->samples.size();
            ++blocks;
        }
        adc.release();
        adc.stop();
        load.cancel();
        co_await sleep_ms(0);
    };
    uint64_t t0 = mono_us();
    run(body());
    uint64_t wall = mono_us() - t0;
    EXPECT_EQ(samples, 100'000u);
    EXPECT_EQ(bad, 0u);
    EXPECT_EQ(adc.overruns(), 0u);
    EXPECT_EQ(adc.lost_samples(), 0u);
    EXPECT_EQ(blocks, 50u);
    EXPECT_LT(wall, 5'000'000u);  // simulated time ran ~10x faster than the wall clock
    printf("10 s simulated at 10 kHz: %llu samples in %.2f s wall, %llu overruns\n",
           (unsigned long long)samples, wall / 1e6, (unsigned long long)adc.overruns());
}

// The task falls behind on purpose: the overrun is counted and the numbering shows the gap.
TEST(SimAdc, OverrunIsCountedNotSilent) {
    Board board;
    board.generator().counter = true;
    std::vector<uint16_t> storage(2 * 100);
    Adc adc(board.adc1(), storage, 2);
    auto body = [&]() -> Task<void> {
        EXPECT_TRUE(adc.start(100'000).ok());  // a block per ms
        auto b = co_await adc.next_block();
        EXPECT_TRUE(b.ok());
        co_await sleep_ms(20);  // hold it for 20 blocks' time
        auto c = co_await adc.next_block();
        EXPECT_TRUE(c.ok());
        if (c) {
            EXPECT_GT(c->lost_before, 0u);
            EXPECT_EQ(c->first_sample, c->seq * 100);
        }
        adc.stop();
    };
    run(body());
    EXPECT_GT(adc.overruns(), 10u);
}

struct RadioRx {
    ThreadSafeQueue<RadioPacket, 64> q;
};

TEST(SimRadio, CallbackOnAnotherThreadFeedsAQueue) {
    Board board;
    RadioRx rx;
    auto body = [&]() -> Task<uint32_t> {
        board.start_radio(
            [](void* ctx, const RadioPacket& p) { static_cast<RadioRx*>(ctx)->q.try_put(p); }, &rx,
            500);
        uint32_t got = 0, next = 0;
        while (got < 200) {
            auto p = co_await wait_for_ms(rx.q.get(), 1000);
            if (!p) break;
            EXPECT_EQ(p->seq, next);
            next = p->seq + 1;
            ++got;
        }
        board.stop_radio();
        co_return got;
    };
    EXPECT_EQ(run(body()), 200u);
    EXPECT_EQ(rx.q.dropped(), 0u);
}

}  // namespace
