// board_demo: irqio on the virtual board (ports/sim).
//
// A display frame goes out over SPI DMA while the next one is drawn; the ADC streams without a gap
// (10 kHz by default) into a ring of blocks; a bouncing button changes the drawing mode; an encoder
// changes a value; radio packets arrive from another thread (as ESP-NOW's callback on the other
// core) through a ThreadSafeQueue; a sensor is read over I2C; the DAC plays a tone. A one-screen
// status updates live, and the run ends by itself with a summary.
//
//   board_demo [--seconds 5] [--blocking] [--adc-rate 10000] [--adc-blocks 2] [--trace out.rec]
//              [--no-live] [--levels]
//
// --blocking flushes frames with blocking SPI transfers (for the frame-rate comparison).
// --levels runs the ADC and radio tasks on an interrupt level (an InterruptLoop on board line
// 24): they preempt the display's drawing instead of waiting for its step to end.
// --trace writes the library's recording (IRQIO_TRACE builds: board_demo_traced, which
// scripts/demo.sh --trace runs and converts with tools/irqio_trace.py into a Perfetto trace).
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/linux/trace_file.hpp"
#include "irqio/periph/periph.hpp"
#include "irqio/sim/board.hpp"
#include "irqio/sim/level_line.hpp"

using namespace irqio;
using namespace irqio::sim;

namespace {

// ---------------------------------------------------------------- options
struct Options {
    double seconds = 5.0;
    bool blocking = false;
    uint32_t adc_rate = 10'000;
    uint32_t adc_blocks = 2;
    bool levels = false;
    const char* trace = nullptr;
    bool live = true;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> const char* {
            if (i + 1 >= argc) {
                fprintf(stderr, "board_demo: %s needs a value\n", a.c_str());
                exit(2);
            }
            return argv[++i];
        };
        if (a == "--seconds")
            o.seconds = atof(next());
        else if (a == "--blocking")
            o.blocking = true;
        else if (a == "--adc-rate")
            o.adc_rate = static_cast<uint32_t>(atol(next()));
        else if (a == "--adc-blocks")
            o.adc_blocks = static_cast<uint32_t>(atol(next()));
        else if (a == "--trace")
            o.trace = next();
        else if (a == "--levels")
            o.levels = true;
        else if (a == "--no-live")
            o.live = false;
        else {
            fprintf(stderr,
                    "usage: board_demo [--seconds S] [--blocking] [--adc-rate HZ] [--adc-blocks N] "
                    "[--trace out.rec] [--no-live] [--levels]\n");
            exit(2);
        }
    }
    if (o.adc_rate < 100 || o.adc_rate > 1'000'000 || o.adc_blocks < 2 || o.seconds <= 0) {
        fprintf(stderr, "board_demo: bad option value\n");
        exit(2);
    }
    return o;
}

uint64_t thread_cpu_us(clockid_t c) {
    timespec ts;
    clock_gettime(c, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
}

// ---------------------------------------------------------------- trace (the library's)
// Names for the recording: the virtual board's lines are interrupt ids 0x100 + line.
[[maybe_unused]] const char* const kIrqNames[IrqController::kLines] = {"IRQ spi1",
                                                                       "IRQ i2c1",
                                                                       "IRQ adc1",
                                                                       "IRQ dac1",
                                                                       "IRQ uart1",
                                                                       "IRQ 5",
                                                                       "IRQ 6",
                                                                       "IRQ 7",
                                                                       "IRQ exti0 (button)",
                                                                       "IRQ exti1 (enc A)",
                                                                       "IRQ exti2 (enc B)",
                                                                       "IRQ exti3",
                                                                       "IRQ exti4",
                                                                       "IRQ exti5",
                                                                       "IRQ exti6",
                                                                       "IRQ exti7",
                                                                       "IRQ exti8",
                                                                       "IRQ exti9",
                                                                       "IRQ exti10",
                                                                       "IRQ exti11",
                                                                       "IRQ exti12",
                                                                       "IRQ exti13",
                                                                       "IRQ exti14",
                                                                       "IRQ exti15",
                                                                       "IRQ 24",
                                                                       "IRQ 25",
                                                                       "IRQ 26",
                                                                       "IRQ 27",
                                                                       "IRQ 28",
                                                                       "IRQ 29",
                                                                       "IRQ 30",
                                                                       "IRQ 31"};
// The SPI DMA's busy state, as a counter on the trace (a user id, named in main()).
constexpr uintptr_t kTraceDmaBusy = 1;

// ---------------------------------------------------------------- latency statistics
struct Latency {
    std::vector<uint32_t> us;
    Latency() { us.reserve(1 << 20); }
    void add(uint64_t v) {
        if (us.size() < us.capacity())
            us.push_back(static_cast<uint32_t>(std::min<uint64_t>(v, UINT32_MAX)));
    }
    uint32_t pct(double p) const {
        if (us.empty()) return 0;
        std::vector<uint32_t> c = us;
        std::size_t k =
            std::min(c.size() - 1, static_cast<std::size_t>(p * static_cast<double>(c.size())));
        std::nth_element(c.begin(), c.begin() + static_cast<long>(k), c.end());
        return c[k];
    }
    uint32_t max() const { return us.empty() ? 0 : *std::max_element(us.begin(), us.end()); }
};

// ---------------------------------------------------------------- drawing
constexpr int kW = kDisplayW, kH = kDisplayH;
constexpr std::size_t kFrameBytes = kW * kH * 2;
int16_t g_sin[256];

// Renders rows [y0, y1) of frame `t` in `mode`; `detail` scales the work per pixel.
void render_rows(uint8_t* fb, int y0, int y1, uint32_t t, int mode, int value, int detail) {
    for (int y = y0; y < y1; ++y) {
        uint8_t* row = fb + static_cast<std::size_t>(y) * kW * 2;
        for (int x = 0; x < kW; ++x) {
            int v = 0;
            for (int k = 0; k < detail; ++k) {
                int a = (x * (k + 3) + t * (k + 1)) & 255;
                int b = (y * (k + 2) - t * 2 + value * 4) & 255;
                v += g_sin[a] + g_sin[b] + g_sin[(a + b + k * 37) & 255];
            }
            v = (v / (detail * 3) + 128) & 255;
            uint16_t c;
            switch (mode) {
                case 0:
                    c = static_cast<uint16_t>(((v >> 3) << 11) | (((255 - v) >> 2) << 5) |
                                              ((v + value * 8) & 255) >> 3);
                    break;
                case 1:
                    c = static_cast<uint16_t>(((x + t + value) & 32) ? (v >> 3) << 11
                                                                     : (v >> 2) << 5);
                    break;
                default:
                    c = static_cast<uint16_t>(((((x ^ y) + t) & 16) ? 0xFFFF : 0) ^ (v >> 3));
                    break;
            }
            row[2 * x] = static_cast<uint8_t>(c >> 8);
            row[2 * x + 1] = static_cast<uint8_t>(c);
        }
    }
}

// ---------------------------------------------------------------- the demo state
struct Demo {
    Options opt;
    Board& board;
    SpiBus spi;
    SpiDevice display;
    Pin dc, button_pin, enc_a, enc_b;
    Button button;
    QuadratureEncoder encoder;
    I2c i2c;
    std::vector<uint16_t> adc_storage, dac_storage;
    Adc adc;
    Dac dac;
    ThreadSafeQueue<RadioPacket, 64> radio_q;
    std::vector<uint8_t> fb[2];

    // Shared figures.
    std::atomic<int> mode{0};
    std::atomic<int> value{0};
    int detail = 1;
    double draw_ms = 0, flush_ms = 0;
    uint64_t frames_drawn = 0, frames_flushed = 0, flush_wait_us = 0;
    uint64_t adc_samples = 0, adc_blocks = 0, adc_gaps = 0;
    double adc_rms = 0;
    uint64_t radio_rx = 0, radio_seq_gaps = 0;
    uint32_t radio_next = 0;
    std::atomic<uint32_t> radio_hwm{0};
    uint32_t presses = 0;
    uint64_t sensor_reads = 0, sensor_errors = 0;
    double temperature = 0;
    uint64_t dac_blocks = 0;
    Latency lat_adc, lat_radio, lat_button_edge;
    uint64_t t_start_us = 0;
    bool stopping = false;
    // --levels: the interrupt level that runs the ADC and radio tasks, its frames, and the frames
    // of the tasks spawned onto it (a level takes no heap frames).
    static constexpr int kLevelLine = 24;
    static constexpr uint8_t kLevelPriority = 2;  // below the ADC's and DAC's lines, above none
    FramePool<4096, 8> level_frames, spawn_frames;
    std::unique_ptr<LevelLine> level_line;
    std::unique_ptr<InterruptLoop> level;

    Demo(Options o, Board& b)
        : opt(o),
          board(b),
          spi(b.spi1()),
          display(spi, kCsDisplay),
          dc(b.pin(kPinDisplayDc)),
          button_pin(b.pin(kPinButton)),
          enc_a(b.pin(kPinEncA)),
          enc_b(b.pin(kPinEncB)),
          button(button_pin, true, 20),
          encoder(enc_a, enc_b),
          i2c(b.i2c1()),
          adc_storage(static_cast<std::size_t>(std::max<uint32_t>(o.adc_rate / 20, 64)) *
                      o.adc_blocks),
          dac_storage(2 * 400),
          adc(b.adc1(), adc_storage, o.adc_blocks),
          dac(b.dac1(), dac_storage, 2) {
        fb[0].resize(kFrameBytes);
        fb[1].resize(kFrameBytes);
    }

    static void radio_cb(void* ctx, const RadioPacket& p) {
        auto* d = static_cast<Demo*>(ctx);
        d->radio_q.try_put(p);  // any context: another thread here
        uint32_t s = d->radio_q.size();
        uint32_t h = d->radio_hwm.load(std::memory_order_relaxed);
        while (s > h && !d->radio_hwm.compare_exchange_weak(h, s)) {
        }
    }

    // Calibrates the drawing work to about the SPI flush time, the case where overlap matters.
    void calibrate() {
        flush_ms = static_cast<double>(kFrameBytes) * 8.0 / board.config().spi_hz * 1000.0;
        // CPU time, not wall time: on a busy host the wall clock would include preemption.
        render_rows(fb[0].data(), 0, kH, 0, 0, 0, 4);  // warm up
        uint64_t t0 = thread_cpu_us(CLOCK_THREAD_CPUTIME_ID);
        int reps = 0;
        while (thread_cpu_us(CLOCK_THREAD_CPUTIME_ID) - t0 < 80'000 || reps < 2) {
            render_rows(fb[0].data(), 0, kH, reps, 0, 0, 4);
            ++reps;
        }
        double per_detail_ms =
            static_cast<double>(thread_cpu_us(CLOCK_THREAD_CPUTIME_ID) - t0) / 1000.0 / reps / 4;
        detail = std::max(1, static_cast<int>(std::lround(flush_ms * 0.9 / per_detail_ms)));
        draw_ms = per_detail_ms * detail;
    }

    Task<Result<void>> send_command(SpiDevice::Transaction& tx, uint8_t cmd) {
        dc.write(false);
        uint8_t c[1] = {cmd};
        auto r = co_await tx.write(c);
        dc.write(true);
        co_return r;
    }

    // Draws frames; each goes out over SPI DMA while the next one is drawn (or blocking).
    Task<void> display_task() {
        trace::name_current_task("display");
        int back = 0;
        SpiDevice::Transaction tx;  // the flush in flight (holds the chip select)
        for (uint32_t t = 0;; ++t) {
            const int m = mode.load(), v = value.load();
            for (int y = 0; y < kH; y += 8) {
                render_rows(fb[back].data(), y, std::min(kH, y + 8), t, m, v, detail);
                co_await yield_now();  // let the other tasks run between slices
            }
            ++frames_drawn;
            if (opt.blocking) {
                auto btx = display.transaction_blocking();
                if (!btx) continue;
                dc.write(false);
                uint8_t c[1] = {0x2C};
                (void)spi.write_blocking(c);
                dc.write(true);
                trace::user(kTraceDmaBusy, 1);
                if (spi.write_blocking(fb[back])) ++frames_flushed;
                trace::user(kTraceDmaBusy, 0);
                continue;  // same buffer next time: nothing is in flight
            }
            if (tx) {  // wait for the previous frame's DMA, then release the display
                uint64_t w0 = mono_us();
                auto r = co_await spi.done();
                flush_wait_us += mono_us() - w0;
                trace::user(kTraceDmaBusy, 0);
                if (r) ++frames_flushed;
                tx.end();
            }
            tx = co_await display.transaction();
            if (!(co_await send_command(tx, 0x2C))) continue;
            if (!spi.start_write(fb[back])) continue;
            trace::user(kTraceDmaBusy, 1);  // started: the DMA holds fb[back] now
            back ^= 1;                      // draw the next frame into the other one
        }
    }

    Task<void> adc_task() {
        trace::name_current_task("adc");
        uint64_t expect = 0;
        for (;;) {
            auto b = co_await adc.next_block(Priority::high);
            if (!b) co_return;
            lat_adc.add(mono_us() - b->timestamp_us);
            if (b->first_sample != expect) ++adc_gaps;
            expect = b->first_sample + b->samples.size();
            double acc = 0;
            for (uint16_t x : b->samples) {
                double d = static_cast<double>(x) - 2048.0;
                acc += d * d;
            }
            adc_rms = std::sqrt(acc / static_cast<double>(b->samples.size()));
            adc_samples += b->samples.size();
            ++adc_blocks;
        }
    }

    Task<void> dac_task() {
        trace::name_current_task("dac");
        uint64_t n = 0;
        for (;;) {
            auto blk = co_await dac.next_free();
            if (!blk) co_return;
            for (uint16_t& x : *blk) {
                x = static_cast<uint16_t>(2048 + g_sin[(n * 256 * 1000 / 8000) & 255] * 8);
                ++n;
            }
            dac.submit();
            ++dac_blocks;
        }
    }

    Task<void> radio_task() {
        trace::name_current_task("radio");
        for (;;) {
            auto p = co_await radio_q.get();
            if (!p) co_return;
            lat_radio.add(mono_us() - p->sent_us);
            if (p->seq != radio_next) radio_seq_gaps += p->seq - radio_next;
            radio_next = p->seq + 1;
            ++radio_rx;
        }
    }

    Task<void> button_task() {
        trace::name_current_task("button");
        for (;;) {
            auto t = co_await button.wait_press();
            if (!t) co_return;
            lat_button_edge.add(mono_us() - t.value());  // includes the 20 ms debounce
            mode.store((mode.load() + 1) % 3);
            ++presses;
            auto r = co_await button.wait_release();
            if (!r) co_return;
        }
    }

    Task<void> encoder_task() {
        trace::name_current_task("encoder");
        int32_t seen = 0;
        for (;;) {
            seen = co_await encoder.changed(seen);
            value.store(seen / 4);
        }
    }

    Task<void> sensor_task() {
        trace::name_current_task("sensor");
        for (;;) {
            co_await sleep_ms(100);
            uint8_t reg[1] = {0x00}, out[2] = {};
            auto r = co_await i2c.write_read(kSensorAddr, reg, out);
            if (r) {
                ++sensor_reads;
                temperature = static_cast<int16_t>((out[0] << 8) | out[1]) / 100.0;
            } else {
                ++sensor_errors;
            }
        }
    }

    // The simulated world: presses and turns at chosen times.
    void script_world() {
        uint64_t now = board.now_ns();
        uint64_t end = now + static_cast<uint64_t>(opt.seconds * 1e9);
        int k = 0;
        for (uint64_t t = now + 700'000'000; t < end; t += 1'300'000'000, ++k)
            board.press_button(t, 120'000'000, 3 + k % 3);
        k = 0;
        for (uint64_t t = now + 300'000'000; t < end; t += 450'000'000, ++k)
            board.turn_encoder(t, (k % 4 == 3) ? -2 : 3, 20'000'000);
        board.start_radio(&Demo::radio_cb, this, 2000);  // ~500 packets/s
    }

    std::string status(bool final_) {
        double el = static_cast<double>(mono_us() - t_start_us) / 1e6;
        char buf[4096];
        IrqController& irq = board.irq();
        int n = snprintf(
            buf, sizeof buf,
            "irqio board_demo  %s%s  t=%5.2f s / %.1f s%s\n"
            "display  frames drawn %6llu  flushed %6llu  %6.1f fps  (draw ~%.1f ms, SPI %.1f "
            "ms/frame @ %u MHz)\n"
            "         device saw %llu frames, mode %d, value %d\n"
            "adc      %7.0f samples/s (set %u Hz)  blocks %llu of %zu  lost samples %llu  gaps "
            "%llu  rms %.0f\n"
            "         irq->task latency  median %u us  p99 %u us  max %u us\n"
            "dac      blocks %llu  played %llu  underruns %llu\n"
            "radio    rx %llu / sent %llu (%.0f/s)  drops %u  seq gaps %llu  queue hwm %u/%u\n"
            "         thread->task latency  median %u us  p99 %u us  max %u us\n"
            "button   presses %u  (edges incl. bounces %u)   encoder position %d\n"
            "sensor   reads %llu  errors %llu  temperature %.2f C\n"
            "irqs     total %llu  spi %llu adc %llu i2c %llu dac %llu exti %llu  max nesting %u\n",
            opt.blocking ? "[blocking SPI]" : "[overlapped SPI DMA]",
            opt.levels ? " [adc, radio on an interrupt level]" : "", el, opt.seconds,
            final_ ? "  (finished)" : "", (unsigned long long)frames_drawn,
            (unsigned long long)frames_flushed, frames_flushed / std::max(el, 1e-3), draw_ms,
            flush_ms, board.config().spi_hz / 1000000, (unsigned long long)board.display().frames(),
            mode.load(), value.load(), adc_samples / std::max(el, 1e-3), opt.adc_rate,
            (unsigned long long)adc_blocks, adc.block_len(), (unsigned long long)adc.lost_samples(),
            (unsigned long long)adc_gaps, adc_rms, lat_adc.pct(0.5), lat_adc.pct(0.99),
            lat_adc.max(), (unsigned long long)dac_blocks, (unsigned long long)dac.blocks_played(),
            (unsigned long long)dac.underruns(), (unsigned long long)radio_rx,
            (unsigned long long)board.radio_sent(), radio_rx / std::max(el, 1e-3),
            radio_q.dropped(), (unsigned long long)radio_seq_gaps, radio_hwm.load(),
            radio_q.capacity(), lat_radio.pct(0.5), lat_radio.pct(0.99), lat_radio.max(), presses,
            button_pin.edges(), encoder.position(), (unsigned long long)sensor_reads,
            (unsigned long long)sensor_errors, temperature, (unsigned long long)irq.total(),
            (unsigned long long)irq.count(kIrqSpi1), (unsigned long long)irq.count(kIrqAdc1),
            (unsigned long long)irq.count(kIrqI2c1), (unsigned long long)irq.count(kIrqDac1),
            (unsigned long long)(irq.count(kIrqExti0) + irq.count(kIrqExti0 + 1) +
                                 irq.count(kIrqExti0 + 2)),
            irq.max_nesting());
        return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    }

    Task<void> status_task() {
        trace::name_current_task("status");
        for (;;) {
            co_await sleep_ms(250);
            std::string st = status(false);
            printf("\x1b[H\x1b[J%s", st.c_str());
            fflush(stdout);
        }
    }

    Task<int> main_task() {
        trace::name_current_task("main");
        trace::set_name(reinterpret_cast<uintptr_t>(&radio_q), "radio");  // its depth counter
        t_start_us = mono_us();
        uint64_t cpu0 = thread_cpu_us(CLOCK_THREAD_CPUTIME_ID);
        clockid_t dev_clock;
        pthread_getcpuclockid(board.device_thread(), &dev_clock);
        uint64_t dev0 = thread_cpu_us(dev_clock);

        if (!adc.start(opt.adc_rate)) co_return 1;
        for (int i = 0; i < 2; ++i) {  // prime the DAC's two blocks
            auto b = dac.try_free();
            if (b) {
                std::fill(b->begin(), b->end(), 2048);
                dac.submit();
            }
        }
        if (!dac.start(8000)) co_return 1;
        TaskGroup group;
        auto display_t = display_task();
        group.create_task(std::move(display_t));
        TaskHandle<void> adc_h, radio_h;
        if (opt.levels) {
            level_line = std::make_unique<LevelLine>(board.irq(), kLevelLine, kLevelPriority);
            level = std::make_unique<InterruptLoop>(*level_line, level_frames);
            level_line->start(*level);
            FrameAllocatorScope frames(spawn_frames);
            adc_h = spawn(*level, adc_task());
            radio_h = spawn(*level, radio_task());
        } else {
            group.create_task(adc_task(), Priority::high);
            group.create_task(radio_task(), Priority::high);
        }
        group.create_task(dac_task());
        group.create_task(button_task());
        group.create_task(encoder_task());
        group.create_task(sensor_task());
        if (opt.live && isatty(1)) group.create_task(status_task());
        script_world();

        co_await sleep_us(static_cast<uint64_t>(opt.seconds * 1e6));
        stopping = true;
        board.stop_radio();
        group.cancel();
        if (level) {
            adc_h.cancel();  // across levels: finished before these return
            radio_h.cancel();
            co_await adc_h;
            co_await radio_h;
        }
        co_await sleep_ms(0);
        adc.stop();
        dac.stop();
        spi.abort();

        uint64_t cpu = thread_cpu_us(CLOCK_THREAD_CPUTIME_ID) - cpu0;
        uint64_t dev = thread_cpu_us(dev_clock) - dev0;
        double el = static_cast<double>(mono_us() - t_start_us) / 1e6;
        std::string st = status(true);
        if (opt.live && isatty(1)) printf("\x1b[H\x1b[J");
        printf("%s", st.c_str());
        printf("cpu      loop thread %.2f s (%.1f%% of one core), device thread %.2f s (%.1f%%)\n",
               cpu / 1e6, 100.0 * cpu / 1e6 / el, dev / 1e6, 100.0 * dev / 1e6 / el);
        printf(
            "summary  mode=%s levels=%d fps=%.1f adc_rate=%u lost_samples=%llu adc_p50_us=%u "
            "adc_p99_us=%u adc_max_us=%u radio_p50_us=%u radio_p99_us=%u radio_max_us=%u "
            "radio_drops=%u\n",
            opt.blocking ? "blocking" : "overlapped", opt.levels ? 1 : 0, frames_flushed / el,
            opt.adc_rate, (unsigned long long)adc.lost_samples(), lat_adc.pct(0.5),
            lat_adc.pct(0.99), lat_adc.max(), lat_radio.pct(0.5), lat_radio.pct(0.99),
            lat_radio.max(), radio_q.dropped());
        level.reset();  // its interrupt stopped first, then its (finished) tasks
        level_line.reset();
        co_return 0;
    }
};

}  // namespace

int main(int argc, char** argv) {
    Options opt = parse(argc, argv);
    for (int i = 0; i < 256; ++i)
        g_sin[i] = static_cast<int16_t>(std::lround(127 * std::sin(i * 2 * M_PI / 256)));
    if (opt.trace) {
#if IRQIO_TRACE
        // The last ~260k records (a few seconds of the demo): the ring overwrites the oldest.
        constexpr std::size_t kSlots = std::size_t{1} << 18;
        trace::set_buffer(new trace::Slot[kSlots], kSlots);
        for (int i = 0; i < IrqController::kLines; ++i)
            trace::set_name(0x100u + static_cast<uint32_t>(i), kIrqNames[i]);
        trace::set_name(kTraceDmaBusy, "SPI1 DMA busy");
#else
        fprintf(stderr, "board_demo: --trace needs a build with IRQIO_TRACE (board_demo_traced)\n");
        return 2;
#endif
    }
    Board board;  // on this thread: interrupts are delivered here
    int rc;
    {
        Demo demo(opt, board);
        demo.calibrate();
        auto main_t = demo.main_task();
        rc = run(std::move(main_t));
    }
    if (opt.trace) {
        if (linux_port::write_trace(opt.trace))
            printf("trace    %llu records written to %s (%llu lost: the ring keeps the last %zu)\n",
                   (unsigned long long)(trace::written() - trace::lost()), opt.trace,
                   (unsigned long long)trace::lost(), trace::capacity());
        else
            fprintf(stderr, "board_demo: cannot write %s\n", opt.trace);
    }
    return rc;
}
