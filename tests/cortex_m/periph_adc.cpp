// The portable irqio::Adc (irqio/periph/adc.hpp) on the board through TimerAdc: the dual timer
// (IRQ 10) paces a synthetic converter whose sample n has the value n & 0xFFFF, written by the
// timer interrupt into the caller's double buffer, with BlockSink::block_done at each full block.
// Run with -icount; while a worker task keeps the core busy, time is exact (instructions):
//   awaited:   kBlocks blocks in a row, each the next one (seq, first_sample, lost_before 0),
//              every sample equal to its number (gap-free counter), each block exactly one block
//              period after the previous one, the total exactly kBlocks block periods;
//   polled:    ready() / try_block() between sleeps, then blocking next_block_blocking();
//   too slow:  a task that spins for three block periods per block loses blocks: each loss shows
//              up as lost_before, the numbering jumps by exactly that much, the data still
//              matches the numbering, and overruns() / lost_samples() count every lost block.
// Then with the core asleep between samples (tickless idle; QEMU then times its timers on the
// host, so a loaded host merges periods, reported): kBlocks more blocks, data and accounting
// exact, the loop slept in between.
//   stop:      after stop() the timer no longer fires and the buffer is never written again;
//   cancel:    a task streaming into a buffer in its own frame is cancelled while it awaits a
//              block; its Adc's destructor stops the timer before the frame goes back to the
//              pool, and the freed memory is never written afterwards.
#include "check.hpp"
#include "irqio/cortex_m.hpp"
#include "irqio/cortex_m/cmsdk_dualtimer.hpp"
#include "irqio/cortex_m/timer_adc.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"
#include "named_tests.hpp"

namespace {

using namespace irqio;
using cm_test::report;
using cortex_m::DualTimer;

constexpr uint32_t kRate = 10'000;  // Hz: 2500 timer ticks per sample, exactly
constexpr std::size_t kLen = 32;    // samples per block: 3.2 ms
constexpr uint32_t kBlockUs = kLen * 1'000'000 / kRate;
constexpr uint32_t kPeriodUs = 1'000'000 / kRate;
constexpr uint32_t kBlocks = 200;  // 0.64 s of gap-free streaming, twice
constexpr uint16_t kPoison = 0xDEAD;

FramePool<2048, 4> g_pool;
cortex_m::TimerAdc g_drv;
uint16_t g_storage[2 * kLen];

// Every sample carries its own number: the block holds samples first_sample .. + len - 1.
bool continuous(const AdcBlock& b) {
    for (std::size_t i = 0; i < b.samples.size(); ++i)
        if (b.samples[i] != static_cast<uint16_t>(b.first_sample + i)) return false;
    return true;
}

void spin_us(uint32_t us) {
    uint32_t t0 = ticks_us();
    while (ticks_diff(ticks_us(), t0) < static_cast<int32_t>(us)) {
    }
}

// After a stop: poison the buffer, wait, check that neither the buffer was written nor the timer
// fired. Plain functions around a sleep, not a sub-task: a sub-task's frame could come from the
// very pool block that a cancelled task's buffer just went back to.
uint32_t poison(uint16_t* buf, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) buf[i] = kPoison;
    return DualTimer::fired();
}
void check_untouched(const uint16_t* buf, std::size_t n, uint32_t fired) {
    for (std::size_t i = 0; i < n; ++i) CM_CHECK(buf[i] == kPoison);
    CM_CHECK(DualTimer::fired() == fired);
    CM_CHECK(!g_drv.running());
}

// Keeps the core out of wfi: while it runs, QEMU's -icount time is exact (instructions), so
// the sample clock is exact too.
Task<void> busy_worker(const bool* stop, uint32_t* passes) {
    while (!*stop) {
        ++*passes;
        co_await yield_now();
    }
}

// Awaits `n` blocks from block `first` on: each the next one, nothing lost, every sample equal to
// its number, never sooner than the rate allows. Gives the timestamp of the last; counts the
// blocks that came one block period (+-1 sample period) after the previous one.
Task<uint64_t> await_blocks(Adc& adc, uint64_t first, uint32_t n, uint64_t t_start,
                            uint32_t* on_time) {
    uint64_t prev_ts = 0;
    for (uint64_t k = first; k < first + n; ++k) {
        // High priority: the consumer runs before the busy worker when a block is in.
        Result<AdcBlock> r = co_await adc.next_block(Priority::high);
        CM_CHECK(r.ok());
        const AdcBlock& b = r.value();
        if (b.seq != k || b.lost_before != 0) {
            report("block", k);
            report("seq", b.seq);
            report("lost_before", b.lost_before);
        }
        CM_CHECK(b.seq == k && b.lost_before == 0);
        CM_CHECK(b.first_sample == k * kLen && b.samples.size() == kLen);
        CM_CHECK(continuous(b));
        // Never faster than the rate: block k needs (k + 1) * kLen sample periods.
        CM_CHECK(b.timestamp_us + 50 >= t_start + (k + 1) * kBlockUs);
        uint64_t gap = b.timestamp_us - prev_ts;
        if (k > first && gap + kPeriodUs >= kBlockUs && gap <= kBlockUs + kPeriodUs) ++*on_time;
        prev_ts = b.timestamp_us;
    }
    co_return prev_ts;
}

Task<int> test_stream() {
    Adc adc(g_drv, g_storage);
    CM_CHECK(adc.block_len() == kLen && adc.blocks() == 2);
    CM_CHECK(adc.start(kRate).ok());
    CM_CHECK(adc.start(kRate).error() == Error::busy);
    uint64_t t_start = now_us();

    // Other work keeps the core busy through the strict phases: QEMU's -icount time is then
    // exact, so rate and loss are repeatable to the sample.
    bool stop = false;
    uint32_t passes = 0, on_time = 0;
    auto worker = create_task(busy_worker(&stop, &passes));

    // Awaited: gap-free and exactly at the rate.
    uint64_t last = co_await await_blocks(adc, 0, kBlocks, t_start, &on_time);
    uint64_t at_rate = uint64_t{kBlocks} * kBlockUs;
    report("awaited blocks, core busy", kBlocks);
    report("  one block period after the previous (+-1 sample)", on_time);
    report("  us for them (at the rate)", at_rate);
    report("  us for them (block timestamps)", last - t_start);
    report("  worker passes meanwhile", passes);
    CM_CHECK(on_time == kBlocks - 1);
    CM_CHECK(last - t_start + 50 >= at_rate && last - t_start <= at_rate + 200);
    CM_CHECK(passes > kBlocks);
    CM_CHECK(adc.overruns() == 0);

    // Polled: ready() / try_block() between sleeps, taking every block as it comes. The last
    // awaited block goes back first: held on, it would be overwritten within a block period.
    adc.release();
    uint64_t next = kBlocks;
    for (int i = 0; i < 20; ++i) {
        co_await sleep_us(kBlockUs / 2);
        while (adc.ready() != 0) {
            Result<AdcBlock> r = adc.try_block();
            CM_CHECK(r.ok());
            CM_CHECK(r.value().seq == next && r.value().lost_before == 0);
            CM_CHECK(continuous(r.value()));
            adc.release();  // at once: the DMA comes round to a held block after one period
            ++next;
        }
    }
    CM_CHECK(next > kBlocks + 5);
    // Blocking: spins in the task while the interrupt fills the blocks.
    for (int i = 0; i < 5; ++i) {
        Result<AdcBlock> r = adc.next_block_blocking();
        CM_CHECK(r.ok());
        CM_CHECK(r.value().seq == next && r.value().lost_before == 0);
        CM_CHECK(continuous(r.value()));
        ++next;
    }
    CM_CHECK(adc.overruns() == 0);
    report("polled + blocking blocks", next - kBlocks);

    // Too slow: three block periods of work per block. Every lost block is reported by the
    // next block given, and counted.
    uint64_t lost = 0, given = 0;
    for (int i = 0; i < 30; ++i) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok());
        const AdcBlock& b = r.value();
        CM_CHECK(b.seq == next + b.lost_before);
        CM_CHECK(b.first_sample == b.seq * kLen);
        CM_CHECK(continuous(b));  // what the task got is the block the numbering says
        lost += b.lost_before;
        next = b.seq + 1;
        ++given;
        adc.release();  // done with it: only the blocks behind are at risk while we work
        spin_us(3 * kBlockUs);
    }
    report("slow task: blocks given", given);
    report("slow task: blocks lost (sum of lost_before)", lost);
    report("overruns()", adc.overruns());
    report("lost_samples()", adc.lost_samples());
    CM_CHECK(lost >= given);  // at least one lost per block given at this pace
    CM_CHECK(adc.overruns() == lost && adc.lost_samples() == lost * kLen);
    CM_CHECK(g_drv.samples() >= next * kLen);
    stop = true;
    co_await worker;

    // Awaited with the core asleep between samples (tickless idle). The data and the accounting
    // must be exact as above; the timing is not repeatable here: while the core sleeps, QEMU
    // runs its timers on the host clock, and a stalled host merges sample periods or delivers
    // them in a burst. Both are reported; a burst longer than a block can cost blocks (counted,
    // never silent), so loss is not a failure in this phase.
    // The slow phase left the task blocks behind: catch up first (that loss is the slow phase's).
    Result<AdcBlock> sync = co_await adc.next_block();
    CM_CHECK(sync.ok() && continuous(sync.value()));
    next = sync.value().seq + 1;
    uint64_t sleeps0 = Loop::current()->stats().sleeps, overruns0 = adc.overruns();
    lost = 0;
    uint64_t gaps = 0;
    for (uint32_t i = 0; i < kBlocks; ++i) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok());
        const AdcBlock& b = r.value();
        CM_CHECK(b.seq == next + b.lost_before);
        CM_CHECK(b.first_sample == b.seq * kLen);
        CM_CHECK(continuous(b));
        lost += b.lost_before;
        if (b.lost_before) ++gaps;
        next = b.seq + 1;
    }
    uint64_t due = g_drv.samples_due(), taken = g_drv.samples();
    uint64_t sleeps = Loop::current()->stats().sleeps - sleeps0;
    report("awaited blocks, core idle", kBlocks);
    report("  loop sleeps meanwhile", sleeps);
    report("  sample periods QEMU merged while the core slept", due > taken ? due - taken : 0);
    report("  blocks lost to host stalls", lost);
    CM_CHECK(sleeps >= kBlocks);  // the consumer was woken from wfi, block after block
    CM_CHECK(adc.overruns() - overruns0 == lost);
    CM_CHECK(gaps * 4 < kBlocks);

    // stop(): the timer is off before it returns; the buffer is never written again.
    adc.stop();
    CM_CHECK(!adc.running() && !g_drv.running());
    uint32_t fired = poison(g_storage, 2 * kLen);
    co_await sleep_ms(20);
    check_untouched(g_storage, 2 * kLen, fired);

    // A second stream on the same driver starts from sample 0 again.
    CM_CHECK(adc.start(kRate).ok());
    Result<AdcBlock> r = co_await adc.next_block();
    CM_CHECK(r.ok() && r.value().seq == 0 && r.value().first_sample == 0);
    CM_CHECK(continuous(r.value()));
    co_return 0;  // ~Adc stops it
}

// Streams into a buffer that lives in this task's own frame, until cancelled.
Task<void> stream_in_frame(uint16_t** where, uint32_t* got) {
    uint16_t storage[2 * kLen];
    *where = storage;
    Adc adc(g_drv, storage);
    CM_CHECK(adc.start(kRate).ok());
    for (;;) {
        Result<AdcBlock> r = co_await adc.next_block();
        CM_CHECK(r.ok() && continuous(r.value()));
        ++*got;
    }
}

Task<int> test_cancel() {
    CM_CHECK(!g_drv.running());
    uint16_t* where = nullptr;
    uint32_t got = 0;
    {
        auto t = create_task(stream_in_frame(&where, &got));
        while (got < 10) co_await sleep_us(kBlockUs);
        CM_CHECK(g_drv.running() && g_pool.used() == 2);
        t.cancel();  // it is suspended in next_block()
        Result<void> res = co_await t;
        CM_CHECK(res.error() == Error::cancelled);
        // Its Adc was destroyed with its frame's locals: the timer is off already.
        CM_CHECK(!g_drv.running());
    }
    // The handle is gone too: the frame, and the buffer in it, went back to the pool.
    CM_CHECK(g_pool.used() == 1);  // only this task's frame
    report("blocks before the cancel", got);
    uint32_t fired = poison(where, 2 * kLen);
    co_await sleep_ms(20);
    check_untouched(where, 2 * kLen, fired);
    co_return 0;
}

constexpr cm_test::NamedTest kTests[] = {
    {"stream", test_stream},
    {"cancel", test_cancel},
};

}  // namespace

int main() {
    cm_test::sh::write("cm_periph_adc: irqio::Adc over TimerAdc (dual timer paced sampler)\n");
    FrameAllocatorScope scope(g_pool);
    cm_test::run_named(kTests, [] {
        CM_CHECK(g_pool.used() == 0);
        CM_CHECK(!g_drv.running());
    });
    cm_test::sh::write("PASS\n");
    return 0;
}
