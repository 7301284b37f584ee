// I2c: starting a transfer on the driver.
#include "irqio/periph/i2c.hpp"

namespace irqio {

Result<void> I2c::start(uint8_t addr, const uint8_t* w, std::size_t wn, uint8_t* r,
                        std::size_t rn) noexcept {
    if (addr > 0x7f) return Error::invalid_argument;
    Result<void> res = done_.begin();
    if (!res) return res;
    res = d_->i2c_start(addr, w, wn, r, rn, &done_);
    if (!res) done_.cancel();
    return res;
}

}  // namespace irqio
