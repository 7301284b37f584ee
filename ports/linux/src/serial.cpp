// SerialPort over termios: cfmakeraw (no echo, no line editing, no CR/LF translation, no signals
// from ^C), then the UART framing and flow control the caller asked for.
#include "irqio/linux/serial.hpp"

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace irqio::linux_port {
namespace {

struct BaudRate {
    uint32_t baud;
    speed_t code;
};
constexpr BaudRate kRates[] = {
    {50, B50},           {75, B75},           {110, B110},         {134, B134},
    {150, B150},         {200, B200},         {300, B300},         {600, B600},
    {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
    {115200, B115200},   {230400, B230400},   {460800, B460800},   {500000, B500000},
    {576000, B576000},   {921600, B921600},   {1000000, B1000000}, {1152000, B1152000},
    {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000},
    {3500000, B3500000}, {4000000, B4000000},
};

Result<void> apply(int fd, const SerialConfig& c) noexcept {
    speed_t speed = 0;
    bool found = false;
    for (const BaudRate& r : kRates) {
        if (r.baud == c.baud) {
            speed = r.code;
            found = true;
        }
    }
    if (!found || c.data_bits < 5 || c.data_bits > 8 || (c.stop_bits != 1 && c.stop_bits != 2))
        return Error::invalid_argument;
    termios t{};
    if (tcgetattr(fd, &t) != 0) return errno == ENOTTY ? Error::invalid_argument : Error::io;
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
    static constexpr tcflag_t kSizes[] = {CS5, CS6, CS7, CS8};
    t.c_cflag |= kSizes[c.data_bits - 5];
    if (c.parity != Parity::none) {
        t.c_cflag |= PARENB;
        if (c.parity == Parity::odd) t.c_cflag |= PARODD;
        t.c_iflag |= INPCK;  // check parity of what arrives
    }
    if (c.stop_bits == 2) t.c_cflag |= CSTOPB;
    t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    if (c.flow == FlowControl::rts_cts) t.c_cflag |= CRTSCTS;
    if (c.flow == FlowControl::xon_xoff) t.c_iflag |= IXON | IXOFF;
    // The fd is non-blocking; VMIN 1 / VTIME 0 makes a read return whatever has arrived.
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0) return Error::invalid_argument;
    if (tcsetattr(fd, TCSANOW, &t) != 0) return Error::io;
    // tcsetattr succeeds if the driver took any of the changes: read back what it holds (a pty,
    // say, keeps 8 data bits without parity).
    termios got{};
    if (tcgetattr(fd, &got) != 0) return Error::io;
    constexpr tcflag_t kCflags = CSIZE | PARENB | CSTOPB | CRTSCTS;
    constexpr tcflag_t kIflags = IXON | IXOFF;
    bool same = cfgetispeed(&got) == speed && cfgetospeed(&got) == speed &&
                (got.c_cflag & kCflags) == (t.c_cflag & kCflags) &&
                (got.c_iflag & kIflags) == (t.c_iflag & kIflags) &&
                (!(t.c_cflag & PARENB) || (got.c_cflag & PARODD) == (t.c_cflag & PARODD));
    if (!same) return Error::unsupported;
    return {};
}

}  // namespace

Result<SerialPort> SerialPort::adopt(int fd, const SerialConfig& cfg,
                                     const StreamOptions& opts) noexcept {
    if (fd < 0) return Error::invalid_argument;
    if (Result<void> r = apply(fd, cfg); !r) {
        ::close(fd);
        return r.error();
    }
    Result<FdStream> s = FdStream::adopt(fd, opts);
    if (!s) return s.error();
    SerialPort p;
    p.stream_ = std::move(s).value();
    return p;
}

Result<SerialPort> SerialPort::open(const char* path, const SerialConfig& cfg,
                                    const StreamOptions& opts) noexcept {
    int fd = ::open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? Error::not_found : Error::io;
    return adopt(fd, cfg, opts);
}

Result<void> SerialPort::configure(const SerialConfig& cfg) noexcept {
    if (!stream_) return Error::closed;
    return apply(fd(), cfg);
}

Result<SerialConfig> SerialPort::config() const noexcept {
    if (!stream_) return Error::closed;
    termios t{};
    if (tcgetattr(fd(), &t) != 0) return Error::io;
    SerialConfig c;
    speed_t sp = cfgetospeed(&t);
    c.baud = 0;
    for (const BaudRate& r : kRates)
        if (r.code == sp) c.baud = r.baud;
    switch (t.c_cflag & CSIZE) {
        case CS5:
            c.data_bits = 5;
            break;
        case CS6:
            c.data_bits = 6;
            break;
        case CS7:
            c.data_bits = 7;
            break;
        default:
            c.data_bits = 8;
            break;
    }
    c.parity = !(t.c_cflag & PARENB)  ? Parity::none
               : (t.c_cflag & PARODD) ? Parity::odd
                                      : Parity::even;
    c.stop_bits = (t.c_cflag & CSTOPB) ? 2 : 1;
    c.flow = (t.c_cflag & CRTSCTS) ? FlowControl::rts_cts
             : (t.c_iflag & IXON)  ? FlowControl::xon_xoff
                                   : FlowControl::none;
    return c;
}

Result<void> SerialPort::flush_input() noexcept {
    if (!stream_) return Error::closed;
    if (tcflush(fd(), TCIFLUSH) != 0) return Error::io;
    reader().discard(reader().buffered());
    return {};
}

}  // namespace irqio::linux_port
