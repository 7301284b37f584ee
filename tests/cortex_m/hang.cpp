// Never ends: the runner must kill QEMU at its timeout and report 124.
int main() {
    for (;;) asm volatile("wfi");
}
