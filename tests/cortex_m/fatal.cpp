// irqio::port::fatal (what IRQIO_ASSERT calls) prints the broken contract and exits with 3.
#include "irqio/port.hpp"

int main() {
    irqio::port::fatal("deliberate failure", __FILE__, __LINE__);
}
