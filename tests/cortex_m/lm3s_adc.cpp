// irqio::Adc over the LM3S6965's own ADC (Lm3sAdcDriver: general-purpose timer 1 triggers sample
// sequencer 0), on QEMU's lm3s6965evb, run with -icount.
//
// QEMU's converter has no analogue input: conversion k of the machine's life gives
// 0x200 + ((x_k >> 16) & 7) with x_k = x_{k-1} * 314159 + 1, x_0 = 0 (hw/arm/stellaris.c), and
// it converts twice per timer trigger, of which the driver keeps the first. The test replays that
// sequence, so every sample is checked against the conversion it must be: a
// sample lost, repeated or misplaced anywhere fails, and a loss is measured by the data itself.
//   rates:    argument errors; the period is the nearest whole number of clocks; a stream
//             stopped with conversions in the FIFO leaves none to the next;
//   exact:    with a worker keeping the core busy (time = instructions), kBlocks awaited blocks in
//             a row, each the next, every sample the conversion its number says, block timestamps
//             on the block period; then, stopped half a period after sample N, exactly N samples
//             and N / len blocks, at 10 kHz and at 8 kHz (1563 clocks a sample);
//   slow:     a task that spins three block periods per block loses whole blocks: each shows up as
//             lost_before, the data still matches its numbering, overruns() counts them all;
//   fifo:     interrupts masked for 21 sample periods: the hardware FIFO keeps 16 conversions, the
//   driver
//             counts one overflow, and the shortfall by the clock equals the one in the data;
//   idle:     the same stream with the core asleep between samples, the loop woken from wfi;
//             then polled (ready() / try_block() between sleeps) and blocking;
//   stop:     after stop() the ring is never written again and no conversion lands;
//   cancel:   a task streaming into its own frame is cancelled while awaiting a block; the ADC is
//             stopped before the frame goes back to the pool.
#include "check.hpp"
#include "irqio/cortex_m/irq.hpp"
#include "irqio/cortex_m/lm3s6965.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "named_tests.hpp"

namespace {

using namespace irqio;
using cm_test::report;
using cortex_m::Lm3sAdcDriver;

constexpr uint32_t kClock = IRQIO_CORE_CLOCK_HZ;  // 12.5 MHz
constexpr uint32_t kRate = 10'000;                // 1250 clocks: 100 us a sample
constexpr std::size_t kLen = 32;                  // 3.2 ms a block
constexpr uint32_t kPeriodUs = 1'000'000 / kRate;
constexpr uint32_t kBlockUs = kLen * kPeriodUs;
constexpr uint32_t kBlocks = 100;
constexpr uint16_t kPoison = 0xDEAD;

FramePool<2048, 4> g_pool;
uint16_t g_storage[2 * kLen];

Lm3sAdcDriver& drv() {
    return cortex_m::lm3s6965::adc();
}

// QEMU's conversion sequence, replayed. `next` counts the samples (triggers) already made.
struct Conversions {
    uint32_t x = 0;
    uint64_t next = 0;
    uint16_t convert() {
        x = x * 314159u + 1u;
        return static_cast<uint16_t>(0x200 + ((x >> 16) & 7));
    }
    uint16_t step() {  // one sample: the first conversion of a trigger
        uint16_t v = convert();
        for (uint32_t i = 1; i < Lm3sAdcDriver::kConversionsPerTrigger; ++i) convert();
        ++next;
        return v;
    }
    void skip(uint64_t n) {
        for (uint64_t i = 0; i < n; ++i) step();
    }
};
Conversions g_conv;  // the machine's: the first stream starts at conversion 0

// The block holds the next conversions, in order.
bool matches(const AdcBlock& b, Conversions& c) {
    bool ok = true;
    for (std::size_t i = 0; i < b.samples.size(); ++i) ok = (b.samples[i] == c.step()) && ok;
    return ok;
}

// A later stream starts past the conversions the previous one left unread: find where, by the
// first block (96 bits of evidence), within `limit` conversions.
bool resync(const AdcBlock& b, uint64_t limit) {
    for (uint64_t skip = 0; skip < limit; ++skip) {
        Conversions c = g_conv;
        for (uint64_t i = 0; i < skip; ++i) c.convert();
        if (matches(b, c)) {
            report("  resynchronised, conversions skipped", skip);
            g_conv = c;
            return true;
        }
    }
    return false;
}

void spin_us(uint32_t us) {
    uint32_t t0 = ticks_us();
    while (ticks_diff(ticks_us(), t0) < static_cast<int32_t>(us)) {
    }
}

// Keeps the core out of wfi: while it runs, -icount time is instructions, exactly.
Task<void> busy_worker(const bool* stop, uint32_t* passes) {
    while (!*stop) {
        ++*passes;
        co_await yield_now();
    }
}

Task<int> test_rates() {
    Adc adc(drv(), g_storage);
    CM_CHECK(adc.start(0).error() == Error::invalid_argument);
    CM_CHECK(adc.start(kClock / Lm3sAdcDriver::kMinClocksPerSample + 1).error() ==
             Error::invalid_argument);
    CM_CHECK(!drv().running());
    CM_CHECK(drv().select_channel(4).error() == Error::invalid_argument);
    CM_CHECK(drv().select_channel(1).ok());
    CM_CHECK(adc.start(kRate).ok());
    CM_CHECK(drv().period_clocks() == kClock / kRate);
    CM_CHECK(drv().select_channel(0).error() == Error::busy);
    Adc other(drv(), g_storage);
    CM_CHECK(other.start(kRate).error() == Error::busy);
    // Nothing converted yet, and nothing read: the stop leaves the sequence where it was.
    adc.stop();
    CM_CHECK(!drv().running() && drv().samples() == 0);
    CM_CHECK(drv().select_channel(0).ok());

    // A stream stopped with conversions still in the FIFO (its handler held off): the next
    // stream does not start with them. Its first block is full at its own 32nd sample, and it
    // holds the conversions after the three left behind.
    CM_CHECK(adc.start(kRate).ok());
    uint32_t primask = cortex_m::irq_disable();
    spin_us(3 * kPeriodUs + kPeriodUs / 2);
    adc.stop();
    cortex_m::irq_restore(primask);
    CM_CHECK(drv().samples() == 0);
    g_conv.skip(3);
    CM_CHECK(adc.start(kRate).ok());
    uint64_t t0 = now_us();
    Result<AdcBlock> r = co_await adc.next_block(Priority::high);
    CM_CHECK(r.ok() && r.value().seq == 0);
    CM_CHECK(r.value().timestamp_us >= t0 + kBlockUs);
    CM_CHECK(matches(r.value(), g_conv));
    adc.stop();  // at once: no conversion since the block's last (the FIFO is empty)
    co_return 0;
}

// Awaits `n` blocks from `first` on: each the next one, every sample the next conversion, each
// block one block period after the start's (k + 1) periods. Returns the last block's timestamp.
Task<uint64_t> await_exact(Adc& adc, uint64_t first, uint32_t n, uint64_t t0) {
    uint64_t ts = 0;
    for (uint64_t k = first; k < first + n; ++k) {
        Result<AdcBlock> r = co_await adc.next_block(Priority::high);
        CM_CHECK(r.ok());
        const AdcBlock& b = r.value();
        CM_CHECK(b.seq == k && b.lost_before == 0 && b.first_sample == k * kLen);
        CM_CHECK(matches(b, g_conv));
        // The block is full at its last conversion; the handler's timestamp follows within
        // a few dozen instructions (ns under -icount).
        uint64_t due = t0 + (k + 1) * kBlockUs;
        if (b.timestamp_us < due || b.timestamp_us > due + 2) {
            report("block", k);
            report("  timestamp - start", b.timestamp_us - t0);
        }
        CM_CHECK(b.timestamp_us >= due && b.timestamp_us <= due + 2);
        ts = b.timestamp_us;
    }
    co_return ts;
}

// Runs a stream for half a period past sample `n` (core busy), stops it, and checks the counts:
// exactly n samples, n / len blocks, no FIFO overflow. `read`: samples the test has checked.
Task<void> exact_window(Adc& adc, uint64_t t0, uint64_t n, uint64_t read) {
    uint64_t period_ns = uint64_t{drv().period_clocks()} * 1'000'000'000 / kClock;
    uint64_t end = t0 + (n * period_ns + period_ns / 2) / 1000;
    co_await sleep_us(end - now_us());
    uint64_t due = drv().samples_due(), taken = drv().samples();
    uint64_t filled = adc.blocks_filled();
    adc.stop();
    report("  conversions due by the clock", due);
    report("  samples moved", taken);
    report("  blocks filled", filled);
    CM_CHECK(due == n && taken == n && filled == n / kLen);
    CM_CHECK(drv().fifo_overflows() == 0);
    g_conv.skip(n - read);  // made, not read: the next stream starts after them
}

Task<int> test_exact() {
    bool stop = false;
    uint32_t passes = 0;
    auto worker = create_task(busy_worker(&stop, &passes));
    co_await yield_now();

    Adc adc(drv(), g_storage);
    CM_CHECK(adc.start(kRate).ok());
    uint64_t t0 = now_us();
    uint64_t last = co_await await_exact(adc, 0, kBlocks, t0);
    report("awaited blocks at 10 kHz, core busy", kBlocks);
    report("  us from start to the last", last - t0);
    report("  worker passes meanwhile", passes);
    CM_CHECK(passes > kBlocks && adc.overruns() == 0);
    adc.release();
    // The exact count: stopped half a period after sample 4000 (0.40005 s).
    co_await exact_window(adc, t0, 4'000, kBlocks * kLen);

    // A rate that is not a whole number of clocks: 12.5 MHz / 8 kHz = 1562.5, rounded to 1563.
    CM_CHECK(adc.start(8'000).ok());
    t0 = now_us();
    CM_CHECK(drv().period_clocks() == 1563);
    report("8 kHz: clocks a sample", drv().period_clocks());
    Result<AdcBlock> r = co_await adc.next_block(Priority::high);
    CM_CHECK(r.ok() && r.value().seq == 0);
    CM_CHECK(resync(r.value(), 1000));  // the unread tail of the 10 kHz stream
    adc.release();
    co_await exact_window(adc, t0, 1'000, kLen);  // 0.125 s
    stop = true;
    co_await worker;
    co_return 0;
}

// A stream started now, resynchronised on its first block; the block is released.
Task<void> start_synced(Adc& adc) {
    CM_CHECK(adc.start(kRate).ok());
    Result<AdcBlock> r = co_await adc.next_block(Priority::high);
    CM_CHECK(r.ok() && r.value().seq == 0);
    CM_CHECK(resync(r.value(), 1000));
    adc.release();
}

Task<int> test_slow() {
    Adc adc(drv(), g_storage);
    co_await start_synced(adc);
    uint64_t next = 1, lost = 0, given = 0;
    for (int i = 0; i < 30; ++i) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok());
        const AdcBlock& b = r.value();
        CM_CHECK(b.seq == next + b.lost_before && b.first_sample == b.seq * kLen);
        g_conv.skip(b.lost_before * kLen);  // the lost blocks' conversions: skipped, counted
        CM_CHECK(matches(b, g_conv));       // the block given is the block its number says
        lost += b.lost_before;
        next = b.seq + 1;
        ++given;
        adc.release();
        spin_us(3 * kBlockUs);
    }
    report("slow task: blocks given", given);
    report("slow task: blocks lost (sum of lost_before)", lost);
    report("overruns()", adc.overruns());
    CM_CHECK(lost >= given);
    CM_CHECK(adc.overruns() == lost && adc.lost_samples() == lost * kLen);
    CM_CHECK(drv().fifo_overflows() == 0);
    co_return 0;
}

// Interrupts masked for 21 sample periods: the hardware FIFO overflows.
Task<int> test_fifo_overflow() {
    Adc adc(drv(), g_storage);
    co_await start_synced(adc);
    CM_CHECK(drv().samples() < 2 * kLen);  // the next block is still filling
    uint32_t primask = cortex_m::irq_disable();
    spin_us(21 * kPeriodUs);
    cortex_m::irq_restore(primask);
    co_await sleep_us(kPeriodUs / 2);
    uint64_t shortfall = drv().samples_due() - drv().samples();
    report("fifo: overflows counted", drv().fifo_overflows());
    report("fifo: conversions lost by the clock", shortfall);
    CM_CHECK(drv().fifo_overflows() == 1);
    // 20..22 periods went by masked; the FIFO kept 16 conversions of them.
    constexpr uint64_t kKept = 16 / Lm3sAdcDriver::kConversionsPerTrigger;
    CM_CHECK(shortfall >= 20 - kKept && shortfall <= 22 - kKept);
    // The data shows the same loss: block 1 matches the sequence with exactly `shortfall`
    // conversions left out, somewhere within it.
    Result<AdcBlock> r = co_await adc.next_block();
    CM_CHECK(r.ok() && r.value().seq == 1);
    const AdcBlock& b = r.value();
    uint64_t found = ~uint64_t{0};
    for (std::size_t gap_at = 0; gap_at <= kLen && found == ~uint64_t{0}; ++gap_at) {
        Conversions c = g_conv;
        bool ok = true;
        for (std::size_t i = 0; i < kLen && ok; ++i) {
            if (i == gap_at) c.skip(shortfall);
            ok = b.samples[i] == c.step();
        }
        if (ok) found = gap_at;
    }
    report("fifo: gap found at sample", found);
    CM_CHECK(found != ~uint64_t{0} && found > 0 && found < kLen);
    co_return 0;
}

Task<int> test_idle() {
    Adc adc(drv(), g_storage);
    co_await start_synced(adc);
    uint64_t sleeps0 = Loop::current()->stats().sleeps, prev = 0;
    for (uint64_t k = 1; k <= kBlocks; ++k) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok());
        CM_CHECK(r.value().seq == k && r.value().lost_before == 0);
        // One block period apart, to the microsecond: the sleeping core wakes on each block.
        if (k > 1)
            CM_CHECK(r.value().timestamp_us + 1 >= prev + kBlockUs &&
                     r.value().timestamp_us <= prev + kBlockUs + 1);
        prev = r.value().timestamp_us;
        if (!matches(r.value(), g_conv)) {
            report("idle: block", k);
            report("idle: fifo overflows", drv().fifo_overflows());
            CM_CHECK(false);
        }
    }
    uint64_t sleeps = Loop::current()->stats().sleeps - sleeps0;
    report("idle: blocks, every one the next", kBlocks);
    report("idle: loop sleeps meanwhile", sleeps);
    CM_CHECK(sleeps >= kBlocks);
    CM_CHECK(adc.overruns() == 0 && drv().fifo_overflows() == 0);

    // Polled between sleeps, then blocking: the same stream, every block the next.
    adc.release();
    uint64_t next = kBlocks + 1;
    for (int i = 0; i < 10; ++i) {
        co_await sleep_us(kBlockUs / 2);
        while (adc.ready() != 0) {
            Result<AdcBlock> r = adc.try_block();
            CM_CHECK(r.ok() && r.value().seq == next++ && r.value().lost_before == 0);
            CM_CHECK(matches(r.value(), g_conv));
            adc.release();
        }
    }
    for (int i = 0; i < 5; ++i) {
        Result<AdcBlock> r = adc.next_block_blocking();
        CM_CHECK(r.ok() && r.value().seq == next++ && r.value().lost_before == 0);
        CM_CHECK(matches(r.value(), g_conv));
    }
    report("idle: polled and blocking blocks, every one the next", next - kBlocks - 1);
    CM_CHECK(next > kBlocks + 8 && adc.overruns() == 0);

    // stop(): nothing converted lands after it returns.
    adc.stop();
    uint64_t samples = drv().samples();
    for (uint16_t& s : g_storage) s = kPoison;
    co_await sleep_ms(20);
    for (uint16_t s : g_storage) CM_CHECK(s == kPoison);
    CM_CHECK(drv().samples() == samples && !drv().running());
    co_return 0;
}

// Streams into a buffer in this task's own frame until cancelled.
Task<void> stream_in_frame(uint16_t** where, uint32_t* got) {
    uint16_t storage[2 * kLen];
    *where = storage;
    Adc adc(drv(), storage);
    CM_CHECK(adc.start(kRate).ok());
    for (;;) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok());
        ++*got;
    }
}

Task<int> test_cancel() {
    uint16_t* where = nullptr;
    uint32_t got = 0;
    {
        auto t = create_task(stream_in_frame(&where, &got));
        while (got < 5) co_await sleep_us(kBlockUs);
        CM_CHECK(drv().running() && g_pool.used() == 2);
        t.cancel();
        Result<void> res = co_await t;
        CM_CHECK(res.error() == Error::cancelled);
        CM_CHECK(!drv().running());  // the Adc went with the frame's locals
    }
    CM_CHECK(g_pool.used() == 1);
    for (std::size_t i = 0; i < 2 * kLen; ++i) where[i] = kPoison;
    co_await sleep_ms(20);
    for (std::size_t i = 0; i < 2 * kLen; ++i) CM_CHECK(where[i] == kPoison);
    co_return 0;
}

constexpr cm_test::NamedTest kTests[] = {
    {"rates", test_rates},        {"exact", test_exact}, {"slow", test_slow},
    {"fifo", test_fifo_overflow}, {"idle", test_idle},   {"cancel", test_cancel},
};

}  // namespace

int main() {
    cm_test::sh::write("cm_lm3s_adc: irqio::Adc over the LM3S6965 ADC, timer 1 triggered\n");
    FrameAllocatorScope scope(g_pool);
    cm_test::run_named(kTests, [] {
        CM_CHECK(g_pool.used() == 0);
        CM_CHECK(!drv().running());
    });
    cm_test::sh::write("PASS\n");
    return 0;
}
