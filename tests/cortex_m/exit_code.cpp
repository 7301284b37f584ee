// main's return value reaches the host unchanged (SYS_EXIT_EXTENDED): the runner expects 42.
int main() {
    return 42;
}
