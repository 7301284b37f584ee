// Smoke test: the start-up code ran (data copied, bss zeroed, constructors called), semihosting
// prints, and main's return value becomes QEMU's exit code.
#include "check.hpp"

namespace {

int g_data = 42;  // .data: copied from flash by Reset_Handler
int g_bss;        // .bss: zeroed by Reset_Handler

struct Constructed {
    int value;
    Constructed() : value(g_data + 1) {}  // runs from .init_array, after .data is in place
};
Constructed g_constructed;

}  // namespace

int main() {
    cm_test::sh::write("irqio cortex-m smoke: hello from mps2-an385\n");
    CM_CHECK(g_data == 42);
    CM_CHECK(g_bss == 0);
    CM_CHECK(g_constructed.value == 43);
    cm_test::sh::write("PASS\n");
    return 0;
}
