// The board's constants under the name the CMSDK drivers include (irqio::cortex_m::board).
#pragma once
#include "irqio/cortex_m/mps2_an385.hpp"
