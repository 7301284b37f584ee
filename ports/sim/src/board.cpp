// The virtual board: one device thread services DMA channels and device models at simulated times
// derived from the wall clock, and raises interrupts through the IrqController.
#include "irqio/sim/board.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

#include "irqio/core/mpmc_ring.hpp"

namespace irqio::sim {
namespace {
constexpr uint64_t kNeverNs = UINT64_MAX;

void futex_wait_until(std::atomic<uint32_t>* word, uint32_t seen, uint64_t wall_deadline_ns) {
    if (wall_deadline_ns == kNeverNs) {
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_PRIVATE, seen, nullptr,
                nullptr, 0);
        return;
    }
    timespec ts{static_cast<time_t>(wall_deadline_ns / 1000000000u),
                static_cast<long>(wall_deadline_ns % 1000000000u)};
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT_BITSET_PRIVATE, seen, &ts,
            nullptr, FUTEX_BITSET_MATCH_ANY);
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Drivers

struct Board::Impl {
    Board& b;
    std::atomic<uint32_t> kick_seq{0};
    explicit Impl(Board& board) : b(board) {}

    void kick() noexcept {  // any context (async-signal-safe)
        kick_seq.fetch_add(1, std::memory_order_seq_cst);
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&kick_seq), FUTEX_WAKE_PRIVATE, 1, nullptr,
                nullptr, 0);
    }

    // ---- SPI1 with DMA ----
    struct Spi final : SpiDriver, Activity {
        Impl& im;
        const uint8_t* tx = nullptr;
        uint8_t* rx = nullptr;
        std::size_t n = 0, done = 0;
        uint64_t start_ns = 0;
        bool active = false;
        Completion* c = nullptr;
        std::atomic<bool> finished{false};
        explicit Spi(Impl& i) : im(i) {}

        uint64_t byte_end_ns(std::size_t bytes) const {
            return start_ns + static_cast<uint64_t>(bytes) * 8u * 1000000000ull / im.b.cfg_.spi_hz;
        }
        Result<void> spi_start(const uint8_t* t, uint8_t* r, std::size_t len,
                               Completion* done_c) noexcept override {
            {
                std::lock_guard<std::mutex> lk(im.b.mu_);
                if (active) return Error::busy;
                tx = t;
                rx = r;
                n = len;
                done = 0;
                c = done_c;
                finished.store(false);
                active = true;
                start_ns = im.b.now_ns();
                due = byte_end_ns(std::min<std::size_t>(n, chunk()));
            }
            im.kick();
            return {};
        }
        std::size_t chunk() const {  // bytes per 250 us of wall time, at least 64
            double scale = std::max(1.0, im.b.cfg_.time_scale);
            return std::max<std::size_t>(
                64, static_cast<std::size_t>(im.b.cfg_.spi_hz / 8 / 4000 * scale));
        }
        uint64_t service(uint64_t now) override {
            if (!active) return kNeverNs;
            uint64_t el = now - start_ns;
            std::size_t upto = static_cast<std::size_t>(
                std::min<uint64_t>(n, el * (im.b.cfg_.spi_hz / 8) / 1000000000ull));
            if (upto > done) {
                std::size_t k = upto - done;
                SpiDevice_* dev = im.b.spi_selected;
                uint8_t scratch[256];
                std::size_t off = 0;
                while (off < k) {
                    std::size_t m = std::min<std::size_t>(k - off, sizeof scratch);
                    const uint8_t* src = tx ? tx + done + off : nullptr;
                    uint8_t out[256];
                    if (!src) {
                        memset(out, 0xFF, m);
                        src = out;
                    } else if (tx == rx) {
                        memcpy(out, src, m);  // in place: send what was there before receiving
                        src = out;
                    }
                    if (dev)
                        dev->exchange(src, scratch, m);
                    else
                        memset(scratch, 0xFF, m);
                    if (rx) memcpy(rx + done + off, scratch, m);
                    off += m;
                }
                done = upto;
                im.b.dma_bytes_.fetch_add(k, std::memory_order_relaxed);
            }
            if (done == n) {
                active = false;
                finished.store(true, std::memory_order_seq_cst);
                im.b.irq_.pend(kIrqSpi1);
                return kNeverNs;
            }
            return byte_end_ns(std::min(n, done + chunk()));
        }
        void spi_abort() noexcept override {
            std::lock_guard<std::mutex> lk(im.b.mu_);
            active = false;
            due = kNeverNs;
            finished.store(false);
            im.b.irq_.clear_pending(kIrqSpi1);
        }
        void spi_select(uint8_t cs, bool on) noexcept override {
            std::lock_guard<std::mutex> lk(im.b.mu_);
            SpiDevice_* dev = cs == kCsDisplay ? static_cast<SpiDevice_*>(&im.b.display_)
                              : cs == kCsFlash ? static_cast<SpiDevice_*>(&im.b.flash_)
                                               : nullptr;
            if (on) {
                im.b.spi_selected = dev;
                if (dev) dev->select();
            } else {
                if (dev) dev->deselect();
                if (im.b.spi_selected == dev) im.b.spi_selected = nullptr;
            }
        }
        uint32_t spi_clock_hz() const noexcept override { return im.b.cfg_.spi_hz; }
        static void isr(void* ctx) noexcept {
            auto* s = static_cast<Spi*>(ctx);
            if (s->finished.exchange(false, std::memory_order_seq_cst))
                s->c->finish(Error::none, s->n);
        }
    } spi{*this};

    // ---- I2C1 ----
    struct I2c final : I2cDriver, Activity {
        Impl& im;
        uint8_t addr = 0;
        const uint8_t* w = nullptr;
        uint8_t* r = nullptr;
        std::size_t wn = 0, rn = 0;
        bool active = false;
        Completion* c = nullptr;
        std::atomic<uint8_t> outcome{0};  // 0 none, else Error + 1
        explicit I2c(Impl& i) : im(i) {}

        Result<void> i2c_start(uint8_t a, const uint8_t* wb, std::size_t wl, uint8_t* rb,
                               std::size_t rl, Completion* done_c) noexcept override {
            {
                std::lock_guard<std::mutex> lk(im.b.mu_);
                if (active) return Error::busy;
                addr = a;
                w = wb;
                wn = wl;
                r = rb;
                rn = rl;
                c = done_c;
                outcome.store(0);
                active = true;
                bool nack = a != kSensorAddr;
                uint64_t bits = nack ? 9 + 2 : 9 * (1 + wn) + (rn ? 9 * (1 + rn) + 1 : 0) + 2;
                due = im.b.now_ns() + bits * 1000000000ull / im.b.cfg_.i2c_hz;
            }
            im.kick();
            return {};
        }
        uint64_t service(uint64_t now) override {
            if (!active) return kNeverNs;
            SimSensor& s = im.b.sensor_;
            Error e = Error::none;
            if (s.bus_errors_ > 0) {
                --s.bus_errors_;
                e = Error::io;
            } else if (addr != kSensorAddr) {
                e = Error::nack;
            } else {
                s.update(now);
                if (wn > 0) {
                    s.ptr_ = w[0];
                    for (std::size_t i = 1; i < wn; ++i) s.regs_[s.ptr_++] = w[i];
                }
                for (std::size_t i = 0; i < rn; ++i) r[i] = s.regs_[s.ptr_++];
            }
            active = false;
            outcome.store(static_cast<uint8_t>(static_cast<uint8_t>(e) + 1),
                          std::memory_order_seq_cst);
            im.b.irq_.pend(kIrqI2c1);
            return kNeverNs;
        }
        void i2c_abort() noexcept override {
            std::lock_guard<std::mutex> lk(im.b.mu_);
            active = false;
            due = kNeverNs;
            outcome.store(0);
            im.b.irq_.clear_pending(kIrqI2c1);
        }
        static void isr(void* ctx) noexcept {
            auto* s = static_cast<I2c*>(ctx);
            uint8_t o = s->outcome.exchange(0, std::memory_order_seq_cst);
            if (o) s->c->finish(static_cast<Error>(o - 1), s->wn + s->rn);
        }
    } i2c{*this};

    // ---- ADC1 / DAC1: circular DMA over blocks ----
    struct Stream final : AdcDriver, DacDriver, Activity {
        Impl& im;
        bool is_adc;
        int line;
        uint16_t* buf = nullptr;
        const uint16_t* cbuf = nullptr;
        std::size_t len = 0;
        uint32_t nblocks = 0, rate = 0;
        BlockSink* sink = nullptr;
        uint64_t start_ns = 0, done = 0;  // samples moved
        bool active = false;
        std::atomic<uint32_t> blocks_pending{0};
        Stream(Impl& i, bool adc, int l) : im(i), is_adc(adc), line(l) {}

        uint64_t sample_ns(uint64_t s) const {
            return start_ns + (s * 1000000000ull + rate - 1) / rate;
        }
        Result<void> begin(uint16_t* b, const uint16_t* cb, std::size_t l, uint32_t nb, uint32_t r,
                           BlockSink* sk) {
            {
                std::lock_guard<std::mutex> lk(im.b.mu_);
                if (active) return Error::busy;
                buf = b;
                cbuf = cb;
                len = l;
                nblocks = nb;
                rate = r;
                sink = sk;
                done = 0;
                blocks_pending.store(0);
                active = true;
                start_ns = im.b.now_ns();
                due = next_due();
            }
            im.kick();
            return {};
        }
        uint64_t next_due() const {
            // The next block boundary, but at least every 2 ms of simulated time so the DMA
            // writes progressively (as hardware does) rather than a block at once (every 1 ms of
            // wall time).
            uint64_t boundary = (done / len + 1) * len;
            uint64_t step = std::max<uint64_t>(
                1, static_cast<uint64_t>(rate * std::max(1.0, im.b.cfg_.time_scale) / 1000));
            return sample_ns(std::min(boundary, done + step));
        }
        Result<void> adc_start(uint16_t* b, std::size_t l, uint32_t nb, uint32_t r,
                               BlockSink* sk) noexcept override {
            return begin(b, nullptr, l, nb, r, sk);
        }
        Result<void> dac_start(const uint16_t* b, std::size_t l, uint32_t nb, uint32_t r,
                               BlockSink* sk) noexcept override {
            return begin(nullptr, b, l, nb, r, sk);
        }
        uint64_t service(uint64_t now) override {
            if (!active) return kNeverNs;
            uint64_t upto = (now - start_ns) * rate / 1000000000ull;
            uint64_t ring = static_cast<uint64_t>(len) * nblocks;
            uint32_t blocks = 0;
            DacSink& ds = im.b.dac_sink_;
            uint64_t sum = 0;
            uint16_t last = 0;
            for (uint64_t s = done; s < upto; ++s) {
                if (is_adc) {
                    buf[s % ring] = im.b.gen_.sample(s, rate);
                } else {
                    last = cbuf[s % ring];
                    sum += last;
                }
                if ((s + 1) % len == 0) ++blocks;
            }
            if (!is_adc && upto > done) {
                ds.samples.fetch_add(upto - done);
                ds.sum.fetch_add(sum);
                ds.last.store(last);
            }
            if (upto > done)
                im.b.dma_bytes_.fetch_add((upto - done) * 2, std::memory_order_relaxed);
            done = std::max(done, upto);
            if (blocks) {
                blocks_pending.fetch_add(blocks, std::memory_order_seq_cst);
                im.b.irq_.pend(line);
            }
            return next_due();
        }
        void stop() {
            std::lock_guard<std::mutex> lk(im.b.mu_);
            active = false;
            due = kNeverNs;
            blocks_pending.store(0);
            im.b.irq_.clear_pending(line);
        }
        void adc_stop() noexcept override { stop(); }
        void dac_stop() noexcept override { stop(); }
        static void isr(void* ctx) noexcept {
            auto* s = static_cast<Stream*>(ctx);
            uint32_t k = s->blocks_pending.exchange(0, std::memory_order_seq_cst);
            uint64_t ts = mono_us();
            while (k--) s->sink->block_done(ts);
        }
    } adc{*this, true, kIrqAdc1}, dac{*this, false, kIrqDac1};

    // ---- UART1: 16-byte FIFOs each way, bytes at the baud rate ----
    struct Uart final : UartDriver, Activity {
        Impl& im;
        std::atomic<UartSink*> sink{nullptr};
        detail::MpmcRing<uint8_t, 16> rxf, txf;
        std::atomic<bool> tx_irq{false};
        std::atomic<bool> rx_irq{true};
        std::string inject;  // board locked
        std::size_t inject_pos = 0;
        uint64_t next_rx_ns = 0, next_tx_ns = 0;
        uint64_t rx_overruns = 0;
        explicit Uart(Impl& i) : im(i) {}

        uint64_t byte_ns() const { return 10ull * 1000000000ull / im.b.cfg_.uart_baud; }
        void uart_attach(UartSink* s) noexcept override {
            rx_irq.store(true, std::memory_order_seq_cst);
            sink.store(s);
        }
        void uart_rx_irq(bool on) noexcept override {
            rx_irq.store(on, std::memory_order_seq_cst);
            if (on && rxf.size() > 0) im.b.irq_.pend(kIrqUart1);
        }
        bool uart_rx(uint8_t& b) noexcept override { return rxf.pop(b); }
        bool uart_tx(uint8_t b) noexcept override {
            if (!txf.push(b)) return false;
            im.kick();
            return true;
        }
        void uart_tx_irq(bool on) noexcept override {
            tx_irq.store(on, std::memory_order_seq_cst);
            if (on && txf.size() < 16) im.b.irq_.pend(kIrqUart1);
        }
        uint64_t service(uint64_t now) override {
            uint64_t next = kNeverNs;
            // Transmit: one byte leaves the FIFO per byte time.
            if (txf.size() > 0) {
                if (next_tx_ns <= now) {
                    uint8_t c;
                    if (txf.pop(c)) {
                        if (im.b.uart_loop_)
                            inject.push_back(static_cast<char>(c));
                        else
                            im.b.uart_out_.push_back(static_cast<char>(c));
                        next_tx_ns = now + byte_ns();
                        if (tx_irq.load()) im.b.irq_.pend(kIrqUart1);
                    }
                }
                if (txf.size() > 0) next = std::min(next, std::max(next_tx_ns, now + 1));
            }
            // Receive: injected bytes arrive one per byte time.
            if (inject_pos < inject.size()) {
                if (next_rx_ns <= now) {
                    if (!rxf.push(static_cast<uint8_t>(inject[inject_pos]))) ++rx_overruns;
                    ++inject_pos;
                    next_rx_ns = now + byte_ns();
                    if (sink.load() && rx_irq.load()) im.b.irq_.pend(kIrqUart1);
                }
                if (inject_pos < inject.size())
                    next = std::min(next, std::max(next_rx_ns, now + 1));
            }
            if (inject_pos == inject.size() && inject_pos > 0) {
                inject.clear();
                inject_pos = 0;
            }
            return next;
        }
        static void isr(void* ctx) noexcept {
            auto* u = static_cast<Uart*>(ctx);
            if (UartSink* s = u->sink.load()) s->on_uart_irq();
        }
    } uart{*this};

    // ---- GPIO with EXTI ----
    struct Pin final : PinDriver {
        Impl* im = nullptr;
        int n = 0;
        std::atomic<EdgeSink*> sink{nullptr};
        std::atomic<uint8_t> edges{0};
        detail::MpmcRing<uint8_t, 32> fifo;  // levels after each edge, for the handler
        std::atomic<uint32_t> lost{0};
        bool pin_read() noexcept override { return im->b.level_[n].load(); }
        void pin_write(bool level) noexcept override { im->b.drive_pin(n, level); }
        void pin_irq(Edge e, EdgeSink* s) noexcept override {
            sink.store(s);
            edges.store(static_cast<uint8_t>(e));
        }
        static void isr(void* ctx) noexcept {
            auto* p = static_cast<Pin*>(ctx);
            uint8_t lv;
            while (p->fifo.pop(lv)) {
                uint64_t ts = mono_us();
                if (EdgeSink* s = p->sink.load()) s->on_edge(lv != 0, ts);
            }
        }
    } pins[kPins];

    // ---- one-shot events ----
    struct Events final : Activity {
        Impl& im;
        explicit Events(Impl& i) : im(i) {}
        uint64_t service(uint64_t now) override {
            auto& ev = im.b.events_;
            while (!ev.empty() && ev.begin()->first <= now) {
                auto fn = std::move(ev.begin()->second);
                ev.erase(ev.begin());
                fn();
            }
            return ev.empty() ? kNeverNs : ev.begin()->first;
        }
    } events{*this};

    int encoder_phase = 0;  // board locked
};

// ---------------------------------------------------------------------------------------------
// Board

Board::Board(Config cfg) : cfg_(cfg), irq_(), t0_ns_(mono_ns()) {
    for (auto& l : level_) l.store(false);
    level_[kPinButton].store(true);  // button: pull-up, active low
    flash_.b_ = this;
    impl_ = new Impl(*this);
    for (int i = 0; i < kPins; ++i) {
        impl_->pins[i].im = impl_;
        impl_->pins[i].n = i;
        irq_.attach(kIrqExti0 + i, &Impl::Pin::isr, &impl_->pins[i], cfg_.prio_exti);
    }
    irq_.attach(kIrqSpi1, &Impl::Spi::isr, &impl_->spi, cfg_.prio_spi);
    irq_.attach(kIrqI2c1, &Impl::I2c::isr, &impl_->i2c, cfg_.prio_i2c);
    irq_.attach(kIrqAdc1, &Impl::Stream::isr, &impl_->adc, cfg_.prio_adc);
    irq_.attach(kIrqDac1, &Impl::Stream::isr, &impl_->dac, cfg_.prio_dac);
    irq_.attach(kIrqUart1, &Impl::Uart::isr, &impl_->uart, cfg_.prio_uart);
    activities_ = {&impl_->events, &impl_->spi, &impl_->i2c,
                   &impl_->adc,    &impl_->dac, &impl_->uart};
    impl_->uart.due = 0;  // polled on every pass (its FIFOs are fed from handlers)
    thread_ = std::thread([this] { run(); });
}

Board::~Board() {
    stop_radio();
    {
        std::lock_guard<std::mutex> lk(mu_);
        stop_ = true;
    }
    impl_->kick();
    thread_.join();
    for (int i = 0; i < IrqController::kLines; ++i) irq_.detach(i);
    delete impl_;
}

SpiDriver& Board::spi1() {
    return impl_->spi;
}
I2cDriver& Board::i2c1() {
    return impl_->i2c;
}
AdcDriver& Board::adc1() {
    return impl_->adc;
}
DacDriver& Board::dac1() {
    return impl_->dac;
}
UartDriver& Board::uart1() {
    return impl_->uart;
}
PinDriver& Board::pin(int n) {
    return impl_->pins[n];
}

uint64_t Board::now_ns() const {
    return static_cast<uint64_t>(static_cast<double>(mono_ns() - t0_ns_) * cfg_.time_scale);
}
uint64_t Board::wall_ns(uint64_t sim_ns) const {
    if (sim_ns == kNeverNs) return kNeverNs;
    return t0_ns_ + static_cast<uint64_t>(static_cast<double>(sim_ns) / cfg_.time_scale);
}

void Board::add_activity(Activity* a, uint64_t due_ns) {
    a->due = due_ns;
}

void Board::run() {
    std::unique_lock<std::mutex> lk(mu_);
    while (!stop_) {
        // Read the kick counter before looking at the work: a kick from a handler (no lock) after
        // this point makes the wait below return at once.
        uint32_t seen = impl_->kick_seq.load(std::memory_order_seq_cst);
        uint64_t now = now_ns();
        uint64_t next = kNeverNs;
        for (Activity* a : activities_) {
            if (a->due <= now || a == &impl_->uart) a->due = a->service(now);
            if (a == &impl_->uart && a->due == kNeverNs) continue;
            next = std::min(next, a->due);
        }
        if (next <= now_ns()) continue;
        lk.unlock();
        futex_wait_until(&impl_->kick_seq, seen, wall_ns(next));
        lk.lock();
    }
}

void Board::at(uint64_t at_ns, std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        events_.emplace(at_ns, std::move(fn));
        impl_->events.due = events_.begin()->first;
    }
    impl_->kick();
}

void Board::drive_pin(int n, bool level) {
    bool old = level_[n].exchange(level, std::memory_order_seq_cst);
    if (old == level) return;
    Impl::Pin& p = impl_->pins[n];
    uint8_t want = level ? static_cast<uint8_t>(Edge::rising) : static_cast<uint8_t>(Edge::falling);
    if ((p.edges.load() & want) && p.sink.load()) {
        if (!p.fifo.push(level ? 1 : 0)) p.lost.fetch_add(1);
        irq_.pend(kIrqExti0 + n);
    }
}

void Board::press_button(uint64_t at_ns, uint64_t hold_ns, int bounces) {
    std::lock_guard<std::mutex> lk(mu_);
    auto level_at = [this](uint64_t t, bool lv) {
        events_.emplace(t, [this, lv] { drive_pin(kPinButton, lv); });
    };
    const uint64_t b = 150'000;  // 150 us between bounce edges
    // Press: low, then bounces (high, low) pairs, ending low.
    level_at(at_ns, false);
    for (int i = 0; i < bounces; ++i) {
        level_at(at_ns + (2 * i + 1) * b, true);
        level_at(at_ns + (2 * i + 2) * b, false);
    }
    uint64_t r = at_ns + hold_ns;
    level_at(r, true);
    for (int i = 0; i < bounces; ++i) {
        level_at(r + (2 * i + 1) * b, false);
        level_at(r + (2 * i + 2) * b, true);
    }
    impl_->events.due = events_.begin()->first;
    impl_->kick();
}

void Board::turn_encoder(uint64_t at_ns, int detents, uint64_t detent_ns) {
    std::lock_guard<std::mutex> lk(mu_);
    if (detents == 0) return;
    encoder_edge(at_ns, std::abs(detents) * 4, detents > 0 ? 1 : -1, detent_ns / 4);
    impl_->events.due = events_.begin()->first;
    impl_->kick();
}

void Board::encoder_edge(uint64_t t, int left, int dir, uint64_t gap_ns) {
    events_.emplace(t, [this, t, left, dir, gap_ns] {
        const bool busy =
            impl_->pins[kPinEncA].fifo.size() != 0 || impl_->pins[kPinEncB].fifo.size() != 0;
        if (busy) {  // the decoder has not taken the last edge yet: a knob is slower than that
            encoder_edge(now_ns() + 20'000, left, dir, gap_ns);
            return;
        }
        // Gray sequence AB: 00 -> 10 -> 11 -> 01 -> 00 clockwise (positive).
        static constexpr uint8_t kSeq[4] = {0b00, 0b10, 0b11, 0b01};
        int& ph = impl_->encoder_phase;
        ph = (ph + dir + 4) % 4;
        const uint8_t ab = kSeq[ph];
        drive_pin(kPinEncA, (ab & 2) != 0);
        drive_pin(kPinEncB, (ab & 1) != 0);
        if (left > 1) encoder_edge(t + gap_ns, left - 1, dir, gap_ns);
    });
}

void Board::start_radio(RadioCallback cb, void* ctx, uint32_t mean_us, uint32_t burst) {
    stop_radio();
    radio_stop_.store(false);
    radio_thread_ = std::thread([=, this] { radio_run(cb, ctx, mean_us, burst); });
}

void Board::stop_radio() {
    radio_stop_.store(true);
    if (radio_thread_.joinable()) radio_thread_.join();
}

void Board::radio_run(RadioCallback cb, void* ctx, uint32_t mean_us, uint32_t burst) {
    std::mt19937 rng(12345);
    std::exponential_distribution<double> gap(1.0 / mean_us);
    std::uniform_int_distribution<int> rssi(-90, -30);
    uint32_t seq = 0;
    uint64_t next = mono_ns();
    while (!radio_stop_.load()) {
        next += static_cast<uint64_t>(gap(rng) * 1000.0 / cfg_.time_scale);
        timespec ts{static_cast<time_t>(next / 1000000000u), static_cast<long>(next % 1000000000u)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
        for (uint32_t i = 0; i < burst && !radio_stop_.load(); ++i) {
            RadioPacket p;
            p.seq = seq++;
            p.rssi = static_cast<int8_t>(rssi(rng));
            p.len = 16;
            for (int k = 0; k < p.len; ++k) p.data[k] = static_cast<uint8_t>(p.seq + k);
            p.sent_us = mono_us();
            cb(ctx, p);  // runs on this thread, as ESP-NOW's receive callback on the other core
            radio_sent_.fetch_add(1);
        }
    }
}

void Board::uart_inject(const std::string& bytes) {
    {
        std::lock_guard<std::mutex> lk(mu_);
        impl_->uart.inject += bytes;
    }
    impl_->kick();
}

std::string Board::uart_take_output() {
    std::lock_guard<std::mutex> lk(mu_);
    std::string s;
    s.swap(uart_out_);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Device models

void SimDisplay::exchange(const uint8_t* tx, uint8_t* rx, std::size_t n) {
    memset(rx, 0, n);
    bool data = b_.pin_level(kPinDisplayDc);
    if (!data) {
        for (std::size_t i = 0; i < n; ++i) {
            cmd_ = tx[i];
            if (cmd_ == 0x2C) {  // RAMWR: pixel data follows from the top left
                pos_ = 0;
                sum_ = 0;
            }
        }
        return;
    }
    if (cmd_ != 0x2C) return;
    std::size_t i = 0;
    while (i < n) {
        std::size_t m = std::min(n - i, fb_.size() - pos_);
        memcpy(fb_.data() + pos_, tx + i, m);
        for (std::size_t k = (64 - pos_ % 64) % 64; k < m; k += 64) sum_ = sum_ * 31 + tx[i + k];
        pos_ += m;
        i += m;
        if (pos_ == fb_.size()) {
            frames_.fetch_add(1);
            checksum_.store(sum_);
            pos_ = 0;
            sum_ = 0;
        }
    }
}

uint8_t SimFlash::byte(uint8_t in) {
    std::size_t k = n_++;
    uint64_t now = b_ ? b_->now_ns() : 0;
    bool busy = now < busy_until_ns_;
    if (k == 0) {
        cmd_ = in;
        addr_ = 0;
        if (cmd_ == 0x06 && !busy) wel_ = true;
        if (cmd_ == 0x04) wel_ = false;
        return 0xFF;
    }
    switch (cmd_) {
        case 0x9F: {
            static const uint8_t id[3] = {0xEF, 0x40, 0x14};
            return k <= 3 ? id[k - 1] : 0xFF;
        }
        case 0x05:
            return static_cast<uint8_t>((busy ? 1 : 0) | (wel_ ? 2 : 0));
        case 0x03:
            if (k <= 3) {
                addr_ = (addr_ << 8) | in;
                return 0xFF;
            }
            return mem_[addr_++ % mem_.size()];
        case 0x02:
            if (k <= 3) {
                addr_ = (addr_ << 8) | in;
                return 0xFF;
            }
            if (wel_ && !busy) {
                uint32_t a = (addr_ & ~0xFFu) | (addr_ & 0xFFu);
                mem_[a % mem_.size()] &= in;
                addr_ = (addr_ & ~0xFFu) | ((addr_ + 1) & 0xFFu);  // wraps inside the page
            }
            return 0xFF;
        case 0x20:
            if (k <= 3) addr_ = (addr_ << 8) | in;
            return 0xFF;
        default:
            return 0xFF;
    }
}

void SimFlash::exchange(const uint8_t* tx, uint8_t* rx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) rx[i] = byte(tx[i]);
}

void SimFlash::deselect() {
    uint64_t now = b_ ? b_->now_ns() : 0;
    if (cmd_ == 0x02 && n_ > 4 && wel_) {
        wel_ = false;
        busy_until_ns_ = now + 700'000;  // page program 0.7 ms
    } else if (cmd_ == 0x20 && n_ >= 4 && wel_ && now >= busy_until_ns_) {
        uint32_t base = (addr_ & ~0xFFFu) % mem_.size();
        std::fill(mem_.begin() + base, mem_.begin() + base + 4096, 0xFF);
        wel_ = false;
        busy_until_ns_ = now + 30'000'000;  // sector erase 30 ms
    }
    n_ = 0;
}

void SimSensor::update(uint64_t now_ns) {
    double t = static_cast<double>(now_ns) / 1e9;
    int v = static_cast<int>(2500 + 300 * std::sin(2 * M_PI * t / 10.0));
    regs_[0x00] = static_cast<uint8_t>(v >> 8);
    regs_[0x01] = static_cast<uint8_t>(v);
}

uint16_t SignalGenerator::sample(uint64_t n, uint32_t rate_hz) {
    if (counter) return static_cast<uint16_t>(n);
    static thread_local uint32_t x = 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    double noise_v = (static_cast<double>(x % 2001) / 1000.0 - 1.0) * noise;
    double v = 2048 + amplitude * std::sin(2 * M_PI * freq_hz * static_cast<double>(n) / rate_hz) +
               noise_v;
    return static_cast<uint16_t>(std::clamp(v, 0.0, 4095.0));
}

}  // namespace irqio::sim
