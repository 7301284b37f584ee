// SerialPort: a tty (a USB-serial adapter, a UART device, one side of a pty) in raw mode with the
// line settings of a UART, read and written through a StreamReader / StreamWriter like a socket.
#pragma once
#include <cstdint>

#include "irqio/linux/fd_stream.hpp"
#include "irqio/result.hpp"

namespace irqio::linux_port {

enum class Parity : uint8_t { none, even, odd };
enum class FlowControl : uint8_t { none, rts_cts, xon_xoff };

struct SerialConfig {
    uint32_t baud = 115200;  // one of the standard termios rates (50 ... 4000000)
    uint8_t data_bits = 8;   // 5..8
    Parity parity = Parity::none;
    uint8_t stop_bits = 1;  // 1 or 2
    FlowControl flow = FlowControl::none;
};

class SerialPort {
  public:
    SerialPort() noexcept = default;
    // Opens `path` (O_NOCTTY, non-blocking) and applies `cfg` in raw mode, as configure() does
    // (its errors too). Error::not_found when nothing exists at `path`.
    static Result<SerialPort> open(const char* path, const SerialConfig& cfg = {},
                                   const StreamOptions& opts = {}) noexcept;
    // Takes ownership of an open tty fd (a pty side, say) and applies `cfg` in raw mode, as
    // configure() does; on an error the fd is closed. Error::invalid_argument for a non-tty.
    static Result<SerialPort> adopt(int fd, const SerialConfig& cfg = {},
                                    const StreamOptions& opts = {}) noexcept;

    // Changes the line settings now (bytes in flight keep their old framing), then reads them
    // back: Error::unsupported when the driver holds other settings than asked (baud, data bits,
    // parity, stop bits or flow control; a pty, say, keeps 8 data bits without parity). The
    // device is then left with what it took: config() tells what that is.
    // Error::invalid_argument for a value out of range (a non-standard baud, 9 data bits).
    Result<void> configure(const SerialConfig& cfg) noexcept;
    // The settings the driver holds, read back from termios.
    Result<SerialConfig> config() const noexcept;
    // Drops bytes received but not read yet (the kernel's and this reader's buffers).
    Result<void> flush_input() noexcept;

    StreamReader& reader() noexcept { return stream_.reader(); }
    StreamWriter& writer() noexcept { return stream_.writer(); }
    int fd() const noexcept { return stream_.fd(); }
    void close() noexcept { stream_.close(); }

  private:
    FdStream stream_;
};

}  // namespace irqio::linux_port
