#include "stream_check.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "irqio/irqio.hpp"
#include "irqio/port/virtual_clock_port.hpp"

namespace irqio::fuzz {
namespace {

// Draws small numbers from the tail of the input; zeros once it runs out (so every run ends).
class Choices {
  public:
    Choices(const uint8_t* p, std::size_t n) : p_(p), n_(n) {}
    uint8_t byte() { return i_ < n_ ? p_[i_++] : 0; }
    std::size_t upto(std::size_t max) { return max == 0 ? 0 : byte() % (max + 1); }
    bool exhausted() const { return i_ >= n_; }

  private:
    const uint8_t* p_;
    std::size_t n_, i_ = 0;
};

// A transport over a byte string that arrives in chunks and sometimes "would block".
class ChunkTransport final : public Transport {
  public:
    ChunkTransport(const std::vector<uint8_t>& data, Choices& c) : data_(data), c_(c) {}
    Result<std::size_t> try_read(std::span<uint8_t> into) noexcept override {
        IRQIO_ASSERT(!into.empty(), "empty read");
        if (blocked_) return Error::empty;
        if (!c_.exhausted() && c_.byte() % 4 == 0) {
            blocked_ = true;
            return Error::empty;
        }
        if (pos_ == data_.size()) return Error::eof;
        std::size_t n = std::min({into.size(), data_.size() - pos_, 1 + c_.upto(40)});
        std::memcpy(into.data(), data_.data() + pos_, n);
        pos_ += n;
        return n;
    }
    Result<std::size_t> try_write(std::span<const uint8_t>) noexcept override { return Error::io; }
    void set_listener(Direction d, ReadyListener* l) noexcept override {
        if (d == Direction::read) listener_ = l;
    }
    Result<void> shutdown_write() noexcept override { return {}; }
    // The "interrupt": data can flow again.
    void unblock() noexcept {
        if (!blocked_) return;
        blocked_ = false;
        if (listener_) listener_->on_ready(Direction::read);
    }
    bool blocked() const noexcept { return blocked_; }

  private:
    const std::vector<uint8_t>& data_;
    Choices& c_;
    std::size_t pos_ = 0;
    bool blocked_ = false;
    ReadyListener* listener_ = nullptr;
};

#define CHECK(cond) IRQIO_ASSERT(cond, "stream property violated: " #cond)

Task<void> consume(StreamReader& r, const std::vector<uint8_t>& payload, Choices& c, bool& done) {
    std::size_t pos = 0;  // bytes of payload handed out so far
    std::vector<uint8_t> into(64);
    auto expect = [&](std::span<const uint8_t> got) {
        CHECK(got.size() <= payload.size() - pos);
        CHECK(std::memcmp(got.data(), payload.data() + pos, got.size()) == 0);
        pos += got.size();
    };
    for (int guard = 0; guard < 100000; ++guard) {
        const uint32_t timeout_us = c.byte() % 3 == 0 ? 1000 : 1000000000;
        const std::size_t k = 1 + c.upto(r.capacity() + 2);
        // Once the input is used up, plain reads run the stream to its end.
        switch (c.exhausted() ? 2 : c.byte() % 4) {
            case 0: {
                auto got = co_await wait_for_us(r.readline(k), timeout_us);
                if (got) {
                    std::span<const uint8_t> s = got.value();
                    CHECK(!s.empty() && s.size() <= std::min(k, r.capacity()));
                    const uint8_t* nl =
                        static_cast<const uint8_t*>(std::memchr(s.data(), '\n', s.size()));
                    // Ends at its first '\n', or is the unterminated rest of the stream.
                    CHECK(nl ? nl == s.data() + s.size() - 1 : s.size() == payload.size() - pos);
                    expect(s);
                } else if (got.error() == Error::too_long) {
                    std::size_t m = std::min(k, r.capacity());
                    CHECK(pos + m <= payload.size());
                    CHECK(std::memchr(payload.data() + pos, '\n', m) == nullptr);
                    CHECK(r.buffered() >= m);
                } else if (got.error() == Error::eof) {
                    CHECK(pos == payload.size());
                } else {
                    CHECK(got.error() == Error::timed_out);
                }
                break;
            }
            case 1: {
                auto got = co_await wait_for_us(r.readexactly(k), timeout_us);
                if (got) {
                    CHECK(got.value().size() == k);
                    expect(got.value());
                } else if (got.error() == Error::too_long) {
                    CHECK(k > r.capacity());
                } else if (got.error() == Error::eof) {
                    CHECK(payload.size() - pos < k);
                    CHECK(r.buffered() == payload.size() - pos);  // the partial bytes stay
                } else {
                    CHECK(got.error() == Error::timed_out);
                }
                break;
            }
            case 2: {
                auto got = co_await wait_for_us(r.read(k), timeout_us);
                if (got) {
                    CHECK(!got.value().empty() && got.value().size() <= k);
                    expect(got.value());
                } else if (got.error() == Error::eof) {
                    CHECK(pos == payload.size());
                    done = true;
                    co_return;
                } else {
                    CHECK(got.error() == Error::timed_out);
                }
                break;
            }
            default: {
                std::span<uint8_t> dst(into.data(), 1 + c.upto(into.size() - 1));
                auto got = co_await wait_for_us(r.readinto(dst), timeout_us);
                if (got) {
                    CHECK(got.value() >= 1 && got.value() <= dst.size());
                    expect(dst.first(got.value()));
                } else if (got.error() == Error::eof) {
                    CHECK(pos == payload.size());
                } else {
                    CHECK(got.error() == Error::timed_out);
                }
                break;
            }
        }
        CHECK(r.buffered() <= r.capacity());
    }
    CHECK(false && "no end of stream after 100000 operations");
}

// Plays the interrupt side: unblocks the transport and moves the clock, in steps the input picks.
Task<void> drive(ChunkTransport& t, VirtualClockPort& port, Choices& c, bool& done) {
    while (!done) {
        if (t.blocked() && c.byte() % 2 == 0) t.unblock();
        if (c.byte() % 3 == 0) port.advance_us(c.exhausted() ? 0 : 600);
        co_await yield_now();
        if (c.exhausted()) t.unblock();
    }
}

}  // namespace

void check_stream(const uint8_t* data, std::size_t size) {
    if (size < 3) return;
    const std::size_t cap = 1 + data[0] % 64;
    const std::size_t len = std::min<std::size_t>(size - 3, (data[1] | data[2] << 8) % 2048);
    std::vector<uint8_t> payload(data + 3, data + 3 + len);
    // Make newlines common whatever the fuzzer picks, so lines of every length appear.
    for (uint8_t& b : payload)
        if (b % 8 == 0) b = '\n';
    Choices choices(data + 3 + len, size - 3 - len);

    VirtualClockPort port(1000000);
    port.allow_idle_spin(true);
    Loop loop(port);
    ChunkTransport transport(payload, choices);
    std::vector<uint8_t> storage(cap);
    StreamReader reader(transport, storage);
    bool done = false;
    auto main = [&]() -> Task<void> {
        auto driver = create_task(drive(transport, port, choices, done));
        co_await consume(reader, payload, choices, done);
        done = true;
        (void)co_await driver;
    };
    loop.run(main());
}

}  // namespace irqio::fuzz
