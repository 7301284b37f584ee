// A HardFault is reported (pc, and the fault registers on ARMv7-M) and exits with 4.
int main() {
    asm volatile("udf #0");  // permanently undefined: UsageFault, escalated to HardFault
    return 0;
}
