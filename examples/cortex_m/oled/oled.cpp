// The LM3S6965 evaluation board's OLED (an SSD0323 on SSI0) drawn by irqio tasks, under QEMU's
// lm3s6965evb or on the board:
//   - the display task redraws the picture whenever something changed, with awaited frame
//     updates (irqio::Ssd0323 over irqio::SpiDevice and the PL022's interrupts);
//   - the glide task, a periodic timer job (every 2 ms), moves the marker one pixel a tick towards
//     the cell the keys chose and counts its steps;
//   - the keys: the arrow buttons (GPIO E0..E3) move the target cell, select (GPIO F1) changes
//     the marker's shade. Their interrupt handlers only put the key into a ThreadSafeQueue.
// Everything on the screen follows from the key strokes alone (a stroke counts on its release),
// so after a given sequence the picture is exactly predictable: tests/cortex_m/oled_host.py
// checks it pixel by pixel. Before the demo starts, the firmware measures a full-frame update,
// awaited and blocking, with and without a 20 us periodic job beside it (figures in
// docs/porting.md; instruction counts are exact under QEMU's -icount, shift=0: 1 ns each).
//
// Prints (semihosting): the figures, then "oled: idle keys=K steps=S" each time the picture has
// settled after K strokes.
#include <chrono>
#include <cstdint>

#include "font5x7.hpp"
#include "irqio/cortex_m/lm3s6965.hpp"
#include "irqio/cortex_m/semihosting.hpp"
#include "irqio/devices/ssd0323.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"

namespace {

using namespace irqio;
namespace sh = cortex_m::semihosting;
using oled_example::glyph;

FramePool<512, 8> g_pool;

// ---- the picture ----

// The playfield: 6 x 5 cells of 8 pixels; the marker is a 6 x 6 square inside its cell.
constexpr int kCols = 6, kRows = 5, kCell = 8;
constexpr int kFieldX = 74, kFieldY = 17;  // the first cell's top left pixel
constexpr uint8_t kShades[3] = {15, 10, 6};

int marker_x(int col) {
    return kFieldX + col * kCell + 1;
}
int marker_y(int row) {
    return kFieldY + row * kCell + 1;
}

// Invariant: changed only by tasks of the one loop (the keys task, the glide task), so the
// display task reads a consistent state between two of its own awaits.
struct State {
    int col = 2, row = 2;                  // the cell the keys chose
    int x = marker_x(2), y = marker_y(2);  // where the marker is now (the glide moves it)
    unsigned shade = 0;                    // index into kShades
    uint32_t keys = 0;                     // strokes handled
    uint32_t steps = 0;                    // pixels the glide task moved the marker
    bool settled() const { return x == marker_x(col) && y == marker_y(row); }
};
State g_state;
Event g_changed;  // set by whoever changes g_state; the display task redraws

void draw_text(Ssd0323::Frame& f, int x, int y, const char* s, uint8_t grey) {
    for (; *s; ++s, x += 6) {
        const uint8_t* g = glyph(*s);
        for (int c = 0; c < 5; ++c)
            for (int r = 0; r < 7; ++r)
                if (g[c] >> r & 1) f.set(x + c, y + r, grey);
    }
}

void draw_number(Ssd0323::Frame& f, int x, int y, uint32_t n, uint8_t grey) {
    char text[11];
    char* p = text + sizeof text - 1;
    *p = 0;
    do {
        *--p = static_cast<char>('0' + n % 10);
        n /= 10;
    } while (n != 0);
    draw_text(f, x, y, p, grey);
}

void draw(Ssd0323::Frame& f, const State& s) {
    f.clear(0);
    // The border follows the marker's shade (dimmed): every update changes the first and the
    // last row too once the select key was pressed, so a frame that leaves one out shows.
    f.draw_rect(0, 0, Ssd0323::kWidth, Ssd0323::kHeight, kShades[s.shade] / 2);
    draw_text(f, 4, 3, "IRQIO LM3S6965 OLED", 15);
    f.fill_rect(1, 12, Ssd0323::kWidth - 2, 1, 3);
    draw_text(f, 4, 17, "KEYS", 9);
    draw_number(f, 40, 17, s.keys, 15);
    draw_text(f, 4, 27, "STEPS", 9);
    draw_number(f, 40, 27, s.steps, 15);
    draw_text(f, 4, 37, "SHADE", 9);
    f.fill_rect(40, 37, 7, 7, kShades[s.shade]);
    for (int g = 0; g < 16; ++g) f.fill_rect(4 + 4 * g, 50, 4, 9, static_cast<uint8_t>(g));
    f.draw_rect(kFieldX - 2, kFieldY - 2, kCols * kCell + 4, kRows * kCell + 4, 7);
    for (int r = 0; r < kRows; ++r)
        for (int c = 0; c < kCols; ++c) f.set(kFieldX + c * kCell + 3, kFieldY + r * kCell + 3, 4);
    f.fill_rect(s.x, s.y, 6, 6, kShades[s.shade]);
}

// ---- the keys ----

enum Key : uint8_t { kUp, kDown, kLeft, kRight, kSelect };
ThreadSafeQueue<uint8_t, 16> g_keys;

// Interrupt context (the GPIO port's handler): a stroke counts on its release, the rising edge.
// QEMU's gamepad drives a line only from its first key event on, so the first press of a key may
// bring no falling edge; every release brings a rising one.
void on_key_edge(void* ctx, bool level, uint64_t) noexcept {
    if (level) g_keys.try_put(*static_cast<const uint8_t*>(ctx));
}

Task<void> keys_task() {
    for (;;) {
        Result<uint8_t> k = co_await g_keys.get();
        if (!k) continue;
        State& s = g_state;
        switch (k.value()) {
            case kUp:
                s.row = s.row > 0 ? s.row - 1 : 0;
                break;
            case kDown:
                s.row = s.row < kRows - 1 ? s.row + 1 : s.row;
                break;
            case kLeft:
                s.col = s.col > 0 ? s.col - 1 : 0;
                break;
            case kRight:
                s.col = s.col < kCols - 1 ? s.col + 1 : s.col;
                break;
            default:
                s.shade = (s.shade + 1) % 3;
                break;
        }
        ++s.keys;
        g_changed.set();
    }
}

// ---- the timer job ----

constexpr uint32_t kGlideTickUs = 2000;

Task<void> glide_task() {
    for (;;) {
        co_await sleep_us(kGlideTickUs);
        State& s = g_state;
        int tx = marker_x(s.col), ty = marker_y(s.row);
        if (s.x != tx) {
            s.x += s.x < tx ? 1 : -1;
        } else if (s.y != ty) {
            s.y += s.y < ty ? 1 : -1;
        } else {
            continue;
        }
        ++s.steps;
        g_changed.set();
    }
}

// ---- the figures ----

// A periodic job beside the frame updates: counts the periods it served, the ones that passed
// while it could not run, and how late it ran at worst.
struct TickerStats {
    uint32_t jobs = 0;
    uint32_t missed = 0;
    uint64_t max_late_us = 0;
};
constexpr uint32_t kTickerUs = 20;

Task<void> ticker(TickerStats* st) {
    uint64_t due = now_us() + kTickerUs;
    for (;;) {
        co_await sleep_until(Clock::time_point(std::chrono::microseconds(due)));
        uint64_t now = now_us();
        if (now - due > st->max_late_us) st->max_late_us = now - due;
        ++st->jobs;
        due += kTickerUs;
        while (due <= now) {
            due += kTickerUs;
            ++st->missed;
        }
    }
}

void report(const char* name, uint64_t value) {
    sh::write("oled: ");
    sh::write(name);
    sh::write(" = ");
    sh::write_dec64(value);
    sh::write("\n");
}

constexpr uint32_t kFrames = 64;  // the clock has 1 us: +-16 instructions a frame

// kFrames updates back to back (the blocking ones with a turn of the loop between two frames, as a
// task drawing in a loop would give); reports the time per frame, which under -icount is the
// instructions per frame / 1000, and what a ticker running beside them did.
Task<void> measure(Ssd0323& oled, const Ssd0323::Frame& f, bool awaited, bool with_ticker) {
    TickerStats st;
    TaskHandle<void> t;
    if (with_ticker) {
        t = create_task(ticker(&st));
        co_await yield_now();  // the ticker takes its first deadline
    }
    uint64_t t0 = now_us();
    for (uint32_t i = 0; i < kFrames; ++i) {
        if (awaited) {
            Result<void> r = co_await oled.update(f);
            if (!r) sh::exit(1);
        } else {
            if (!oled.update_blocking(f)) sh::exit(1);
            co_await yield_now();
        }
    }
    uint64_t t1 = now_us();
    t.cancel();
    const char* mode = awaited ? "awaited" : "blocking";
    sh::write("oled: ");
    sh::write(mode);
    sh::write(with_ticker ? " frames, 20 us ticker beside them\n" : " frames\n");
    report("  instructions per frame (icount)", (t1 - t0) * 1000 / kFrames);
    if (with_ticker) {
        report("  ticker periods due during the frames", (t1 - t0) / kTickerUs);
        report("  ticker jobs during the frames", st.jobs);
        report("  ticker periods missed", st.missed);
        report("  ticker latest (us)", st.max_late_us);
    }
}

// ---- the display ----

Ssd0323::Frame g_frame;

Task<int> display(Ssd0323& oled) {
    if (!(co_await oled.init())) co_return 1;
    draw(g_frame, g_state);
    for (bool awaited : {true, false})
        for (bool with_ticker : {false, true})
            co_await measure(oled, g_frame, awaited, with_ticker);
    report("frame bytes (window command + pixels)", 6 + Ssd0323::kFrameBytes);

    create_task(keys_task());
    create_task(glide_task());
    uint32_t reported = ~0u;
    for (;;) {
        const State& s = g_state;
        if (s.settled() && !g_changed.is_set() && g_keys.empty() && s.keys != reported) {
            reported = s.keys;
            sh::write("oled: idle keys=");
            sh::write_dec(s.keys);
            sh::write(" steps=");
            sh::write_dec(s.steps);
            sh::write("\n");
        }
        co_await g_changed.wait();
        g_changed.clear();
        draw(g_frame, g_state);
        if (!(co_await oled.update(g_frame))) co_return 1;
    }
}

}  // namespace

int main() {
    sh::write("oled: SSD0323 on SSI0 of the LM3S6965 (irqio::Ssd0323)\n");
    FrameAllocatorScope scope(g_pool);

    cortex_m::lm3s6965::oled_route_ssi0();
    cortex_m::Pl061Pin dc(cortex_m::lm3s6965::gpio_c(), cortex_m::lm3s6965::kOledDcPin, true);
    SpiBus bus(cortex_m::lm3s6965::ssi0());
    SpiDevice device(bus, 0);  // the frame signal selects the chip: no GPIO select
    Ssd0323 oled(device, dc);

    static constexpr uint8_t kIds[5] = {kUp, kDown, kLeft, kRight, kSelect};
    cortex_m::Pl061Pin up(cortex_m::lm3s6965::gpio_e(), 0), down(cortex_m::lm3s6965::gpio_e(), 1),
        left(cortex_m::lm3s6965::gpio_e(), 2), right(cortex_m::lm3s6965::gpio_e(), 3),
        select(cortex_m::lm3s6965::gpio_f(), 1);
    Pin pins[5] = {Pin(up), Pin(down), Pin(left), Pin(right), Pin(select)};
    for (int i = 0; i < 5; ++i) pins[i].set_handler(&on_key_edge, const_cast<uint8_t*>(&kIds[i]));

    return run(display(oled));
}
