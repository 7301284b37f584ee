// The virtual board: peripherals with DMA whose device models run on their own thread, in real
// time (bytes move at the bus clock, samples at the sample rate), and raise interrupts through the
// IrqController on the loop's thread. Simulated time may run faster than the wall clock
// (Config::time_scale), e.g. to sample 10 s of ADC data in 1 s.
//
//   bus / line   device                              driver interface (periph/driver.hpp)
//   SPI1 (0)     cs0: display 240x240 RGB565 (DC pin 15), cs1: SPI NOR flash 1 MiB   SpiDriver
//   I2C1 (1)     temperature sensor at 0x48 (registers)                               I2cDriver
//   ADC1 (2)     signal generator (sine + noise, or a sample counter)                  AdcDriver
//   DAC1 (3)     sink (counts and checks samples)                                      DacDriver
//   UART1 (4)    host side: inject bytes, read what was sent, loopback                  UartDriver
//   GPIO 0..15   EXTI lines 8..23: button on pin 0 (active low, bounces),              PinDriver
//                encoder A/B on pins 1/2, DC on pin 15
//   radio        its own thread calls a receive callback (ESP-NOW style, "other core")
//
// Every abort/stop takes the board's lock, which the device thread holds while it touches DMA
// memory: when it returns, the transfer will never touch the buffer again, and its completion
// interrupt is withdrawn.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "irqio/periph/driver.hpp"
#include "irqio/sim/irq_controller.hpp"

namespace irqio::sim {

enum Line : int {
    kIrqSpi1 = 0,
    kIrqI2c1 = 1,
    kIrqAdc1 = 2,
    kIrqDac1 = 3,
    kIrqUart1 = 4,
    kIrqExti0 = 8,  // pin n -> line 8 + n
};
inline constexpr int kPins = 16;
inline constexpr int kPinButton = 0, kPinEncA = 1, kPinEncB = 2, kPinDisplayDc = 15;
inline constexpr uint8_t kCsDisplay = 0, kCsFlash = 1;
inline constexpr uint8_t kSensorAddr = 0x48;
inline constexpr int kDisplayW = 240, kDisplayH = 240;

struct Config {
    double time_scale = 1.0;       // simulated seconds per wall-clock second
    uint32_t spi_hz = 40'000'000;  // SPI1 clock
    uint32_t i2c_hz = 400'000;     // I2C1 clock
    uint32_t uart_baud = 115'200;
    // Interrupt priorities (lower is more urgent).
    uint8_t prio_adc = 1, prio_dac = 1, prio_spi = 2, prio_i2c = 3, prio_uart = 3, prio_exti = 4;
};

class Board;

// Something the device thread services at (simulated) times it chooses.
struct Activity {
    virtual ~Activity() = default;
    // Called with the board locked; returns the next simulated time it wants, or UINT64_MAX.
    virtual uint64_t service(uint64_t now_ns) = 0;
    uint64_t due = UINT64_MAX;
};

// ---- device models (device thread; state read by tests under the board lock or via atomics) ----

class SpiDevice_ {
  public:
    virtual ~SpiDevice_() = default;
    virtual void select() {}
    virtual void deselect() {}
    virtual void exchange(const uint8_t* tx, uint8_t* rx, std::size_t n) = 0;
};

class SimDisplay final : public SpiDevice_ {
  public:
    explicit SimDisplay(Board& b) : b_(b), fb_(kDisplayW * kDisplayH * 2) {}
    void select() override { cmd_ = 0; }
    void exchange(const uint8_t* tx, uint8_t* rx, std::size_t n) override;
    uint64_t frames() const { return frames_.load(); }
    uint32_t last_checksum() const { return checksum_.load(); }
    const std::vector<uint8_t>& framebuffer() const { return fb_; }  // under the board lock

  private:
    Board& b_;
    std::vector<uint8_t> fb_;
    std::size_t pos_ = 0;
    uint8_t cmd_ = 0;
    std::atomic<uint64_t> frames_{0};
    std::atomic<uint32_t> checksum_{0};
    uint32_t sum_ = 0;
};

class SimFlash final : public SpiDevice_ {
  public:
    SimFlash() : mem_(1u << 20, 0xFF) {}
    void select() override { n_ = 0; }
    void deselect() override;
    void exchange(const uint8_t* tx, uint8_t* rx, std::size_t n) override;
    std::vector<uint8_t>& memory() { return mem_; }

  private:
    uint8_t byte(uint8_t in);
    std::vector<uint8_t> mem_;
    std::size_t n_ = 0;  // bytes since select
    uint8_t cmd_ = 0;
    uint32_t addr_ = 0;
    bool wel_ = false;
    uint64_t busy_until_ns_ = 0;
    Board* b_ = nullptr;
    friend class Board;
};

class SimSensor {
  public:
    SimSensor() {
        regs_[0x0F] = 0xA5;  // WHO_AM_I
        regs_[0x10] = 0x00;  // CONFIG
    }
    uint8_t reg(uint8_t r) const { return regs_[r]; }
    void set_reg(uint8_t r, uint8_t v) { regs_[r] = v; }
    // Fails the next n transfers with a bus error (Error::io).
    void inject_bus_errors(int n) { bus_errors_ = n; }
    void update(uint64_t now_ns);  // temperature registers 0x00/0x01 (0.01 degC, big endian)

  private:
    friend class Board;
    uint8_t regs_[256] = {};
    uint8_t ptr_ = 0;
    int bus_errors_ = 0;
};

struct SignalGenerator {
    bool counter = false;     // samples are the sample number (mod 65536): for gap checks
    double freq_hz = 440.0;   // sine
    double amplitude = 1500;  // around mid-scale 2048, 12-bit
    double noise = 20;
    uint16_t sample(uint64_t n, uint32_t rate_hz);
};

struct DacSink {
    std::atomic<uint64_t> samples{0};
    std::atomic<uint32_t> last{0};
    std::atomic<uint64_t> sum{0};
};

struct RadioPacket {
    uint32_t seq = 0;
    uint64_t sent_us = 0;  // mono_us() on the radio thread when the callback started
    int8_t rssi = 0;
    uint8_t len = 0;
    uint8_t data[32] = {};
};
using RadioCallback = void (*)(void* ctx, const RadioPacket& p);

// ---- the board ----

class Board {
  public:
    // Construct on the thread that runs the loop: interrupts are delivered to it.
    explicit Board(Config cfg = {});
    ~Board();
    Board(const Board&) = delete;

    IrqController& irq() { return irq_; }
    const Config& config() const { return cfg_; }

    // Drivers for the portable peripherals.
    SpiDriver& spi1();
    I2cDriver& i2c1();
    AdcDriver& adc1();
    DacDriver& dac1();
    UartDriver& uart1();
    PinDriver& pin(int n);

    // Devices.
    SimDisplay& display() { return display_; }
    SimFlash& flash() { return flash_; }
    SimSensor& sensor() { return sensor_; }
    SignalGenerator& generator() { return gen_; }
    DacSink& dac_sink() { return dac_sink_; }

    // Simulated time in ns since the board started (time_scale times the wall clock).
    uint64_t now_ns() const;
    // The wall-clock ns (mono_ns) at which simulated time t is reached.
    uint64_t wall_ns(uint64_t sim_ns) const;

    // Runs fn on the device thread at simulated time `at_ns` (board locked).
    void at(uint64_t at_ns, std::function<void()> fn);
    // Input pins driven by the world (device thread or tests): sets a level, raises the edge.
    void drive_pin(int n, bool level);
    bool pin_level(int n) const { return level_[n].load(); }

    // The world: a press of the button on pin 0 (active low) with contact bounce.
    void press_button(uint64_t at_ns, uint64_t hold_ns, int bounces);
    // The world: turns the encoder by `detents` (negative: the other way), 4 edges per detent.
    // An edge waits while the decoder has not yet taken the previous one: A and B sit on two EXTI
    // lines of equal priority, and a batch holding edges of both would be run line by line (as an
    // NVIC would), out of their real order.
    void turn_encoder(uint64_t at_ns, int detents, uint64_t detent_ns);
    // Radio on its own thread: a packet every `mean_interval_us` (exponential), or bursts.
    void start_radio(RadioCallback cb, void* ctx, uint32_t mean_interval_us, uint32_t burst = 1);
    void stop_radio();
    uint64_t radio_sent() const { return radio_sent_.load(); }

    // UART host side.
    void uart_inject(const std::string& bytes);
    std::string uart_take_output();
    void uart_loopback(bool on) { uart_loop_ = on; }

    // Counters.
    uint64_t dma_bytes() const { return dma_bytes_.load(); }
    std::mutex& lock() { return mu_; }
    std::thread::native_handle_type device_thread() { return thread_.native_handle(); }

    // --- internal: used by the drivers ---
    void add_activity(Activity* a, uint64_t due_ns);  // board locked
    void kick() { cv_.notify_one(); }
    SpiDevice_* spi_selected = nullptr;
    std::atomic<uint64_t> dma_bytes_{0};

  private:
    // One encoder edge at `t`, then the next `left - 1` every `gap_ns` (board lock held).
    void encoder_edge(uint64_t t, int left, int dir, uint64_t gap_ns);
    void run();
    void radio_run(RadioCallback cb, void* ctx, uint32_t mean_us, uint32_t burst);

    Config cfg_;
    IrqController irq_;
    uint64_t t0_ns_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Activity*> activities_;
    std::multimap<uint64_t, std::function<void()>> events_;
    bool stop_ = false;
    std::thread thread_;

    SimDisplay display_{*this};
    SimFlash flash_;
    SimSensor sensor_;
    SignalGenerator gen_;
    DacSink dac_sink_;
    std::atomic<bool> level_[kPins];
    bool uart_loop_ = false;
    std::string uart_out_;

    std::thread radio_thread_;
    std::atomic<bool> radio_stop_{false};
    std::atomic<uint64_t> radio_sent_{0};

    struct Impl;
    Impl* impl_;
    friend struct Impl;
};

}  // namespace irqio::sim
