// SpiBus: starting a transfer on the driver.
#include "irqio/periph/spi.hpp"

namespace irqio {

Result<void> SpiBus::start(const uint8_t* tx, uint8_t* rx, std::size_t n) noexcept {
    if (n == 0) return Error::invalid_argument;
    Result<void> r = done_.begin();
    if (!r) return r;
    r = d_->spi_start(tx, rx, n, &done_);
    if (!r) {
        done_.cancel();
        return r;
    }
    ++transfers_;
    bytes_ += n;
    return {};
}

}  // namespace irqio
