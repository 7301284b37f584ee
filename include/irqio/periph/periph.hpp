// All portable peripherals: SpiBus/SpiDevice, I2c, Adc, Dac, Pin/Button/QuadratureEncoder, Uart.
// Each works on any board that implements the small driver interfaces in periph/driver.hpp
// (ports/sim/ for the virtual board on Linux).
#pragma once
#include "irqio/periph/adc.hpp"
#include "irqio/periph/completion.hpp"
#include "irqio/periph/driver.hpp"
#include "irqio/periph/i2c.hpp"
#include "irqio/periph/pin.hpp"
#include "irqio/periph/spi.hpp"
#include "irqio/periph/uart.hpp"
