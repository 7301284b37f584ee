// The PL061 GPIO with edge interrupts under the portable irqio::Pin, on lm3s6965evb: the board's
// "up" button (GPIO E0, active low), pressed by the host through QEMU's monitor (sendkey up: a
// press, then a release 100 ms later; gpio_keys_host.py). Each line the firmware prints asks the
// host for one key stroke.
//   awaited:   co_await wait_for_edge(falling) then (rising): the press and the release;
//   blocking:  wait_for_edge_blocking(falling), then the release awaited;
//   started:   arm(rising) before the stroke, the task polls busy() and sleeps, then done();
//   cancelled: a wait_for_edge given up by wait_for (no key) disarms the pin: the edges that
//              come later are counted by the pin but complete no wait.
#include "check.hpp"
#include "irqio/cortex_m/lm3s6965.hpp"
#include "irqio/irqio.hpp"
#include "irqio/periph/periph.hpp"

namespace {

using namespace irqio;
using cm_test::report;

FramePool<1536, 3> g_pool;

void ask(const char* what) {
    cm_test::sh::write("gpio-keys: ");
    cm_test::sh::write(what);
    cm_test::sh::write("\n");
}

Task<int> keys() {
    cortex_m::Pl061Pin up(cortex_m::lm3s6965::gpio_e(), 0);
    Pin pin(up);
    // Released is high (a pull-up on the board). QEMU's gamepad drives its lines only from the
    // first key event on, so a first stroke's release brings the line up there.
    if (!pin.read()) {
        ask("press 0");
        CM_CHECK((co_await pin.wait_for_high()).ok());
    }
    CM_CHECK(pin.read());

    ask("press 1");  // awaited
    Result<EdgeEvent> press = co_await pin.wait_for_edge(Edge::falling);
    CM_CHECK(press.ok() && !press.value().level);
    Result<EdgeEvent> release = co_await pin.wait_for_edge(Edge::rising);
    CM_CHECK(release.ok() && release.value().level);
    CM_CHECK(release.value().timestamp_us > press.value().timestamp_us);
    report("awaited: press held (us)", release.value().timestamp_us - press.value().timestamp_us);
    CM_CHECK(pin.read());

    ask("press 2");  // blocking
    Result<EdgeEvent> b = pin.wait_for_edge_blocking(Edge::falling);
    CM_CHECK(b.ok() && !b.value().level);
    CM_CHECK((co_await pin.wait_for_edge(Edge::rising)).ok());

    pin.arm(Edge::rising);  // started: armed before the stroke
    ask("press 3");
    uint32_t polls = 0;
    while (pin.busy()) {
        ++polls;
        co_await sleep_ms(5);
    }
    Result<EdgeEvent> s = co_await pin.done();
    CM_CHECK(s.ok() && s.value().level);
    report("started: polls while armed", polls);
    CM_CHECK(polls > 0);

    // Cancelled: nobody presses within 20 ms; the wait is given up and the pin disarmed.
    uint32_t edges_before = pin.edges();
    auto gave_up = co_await wait_for_ms(pin.wait_for_edge(Edge::falling), 20);
    CM_CHECK(!gave_up.ok());
    CM_CHECK(!pin.busy());
    ask("press 4");  // edges that complete nothing
    while (pin.edges() < edges_before + 2) co_await sleep_ms(5);
    CM_CHECK(!pin.busy());
    report("edges seen", pin.edges());
    co_return 0;
}

}  // namespace

int main() {
    cm_test::sh::write("cm_gpio_keys: irqio::Pin over Pl061Pin (GPIO E0, the up button)\n");
    FrameAllocatorScope scope(g_pool);
    int rc = run(keys());
    CM_CHECK(g_pool.used() == 0);
    cm_test::sh::write("PASS\n");
    return rc;
}
