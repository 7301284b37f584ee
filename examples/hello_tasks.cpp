// Tasks, timers and an Event: a ticker, a worker that waits for it, and a timeout.
#include <cstdio>

#include "irqio/irqio.hpp"

using namespace irqio;

Task<void> ticker(Event& tick, int n) {
    for (int i = 0; i < n; ++i) {
        co_await sleep_ms(100);
        std::printf("[%6u ms] tick %d\n", static_cast<unsigned>(ticks_ms() % 1000000), i);
        tick.set();
    }
}

Task<int> worker(Event& tick, int n) {
    int seen = 0;
    while (seen < n) {
        co_await tick.wait();
        tick.clear();
        ++seen;
    }
    co_return seen;
}

Task<int> main_task() {
    Event tick;
    auto w = create_task(worker(tick, 3));
    auto t = create_task(ticker(tick, 3));
    auto seen = co_await w;
    Event never;
    auto r = co_await wait_for_ms(never.wait(), 50);
    std::printf("worker saw %d ticks; waiting on a silent event: %s\n", seen.value(),
                to_string(r.error()));
    co_return 0;
}

int main() {
    return run(main_task());
}
