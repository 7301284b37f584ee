//! Tokio peer (Debian's tokio 1.24 crate) on a current_thread runtime, so that it runs on
//! one thread like the other peers.
//!
//! Mechanisms:
//!   yield            tokio::task::yield_now().await
//!   event            tokio::sync::Notify (notify_one / notified)
//!   wake from thread Notify::notify_one from a std::thread
//!   wake from signal tokio::signal::unix::signal(SIGUSR1).recv(): Tokio's handler
//!                    (signal-hook-registry) only writes a pipe; user code cannot run in it
//!   timers           one spawned task per sleeper, tokio::time::sleep_until (1 ms wheel)
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

const PEER: &str = "tokio";
/// The first wake sets warm up caches, page tables and thread placement; not recorded.
const WARMUP: usize = 20;
const ALL: &str = "wake_thread_idle,wake_thread_busy,wake_signal,switch_2,switch_1000,\
event_pingpong,timers_100k,timers_1m,idle_wakeups";

fn now_ns() -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as i64 * 1_000_000_000 + ts.tv_nsec as i64
}

#[derive(Clone)]
struct Opts {
    workloads: Vec<String>,
    samples: usize,
    gap_min_us: u64,
    gap_max_us: u64,
    switches: i64,
    switches_1000: i64,
    batch: i64,
    timer_max_ms: u64,
    repeats: usize,
    idle_seconds: f64,
}

fn parse() -> Opts {
    let _ = allowed_cpus(); // remember the process's CPUs before any thread is pinned
    let mut o = Opts {
        workloads: vec![],
        samples: 2000,
        gap_min_us: 50,
        gap_max_us: 200,
        switches: 2_000_000,
        switches_1000: 2_000_000,
        batch: 1000,
        timer_max_ms: 100,
        repeats: 3,
        idle_seconds: 2.0,
    };
    let mut wl = "all".to_string();
    for a in std::env::args().skip(1) {
        let (k, v) = a.split_once('=').unwrap_or((a.as_str(), ""));
        match k {
            "--workload" | "--workloads" => wl = v.to_string(),
            "--samples" => o.samples = v.parse().unwrap(),
            "--gap-min-us" => o.gap_min_us = v.parse().unwrap(),
            "--gap-max-us" => o.gap_max_us = v.parse().unwrap(),
            "--switches" => o.switches = v.parse().unwrap(),
            "--switches-1000" => o.switches_1000 = v.parse().unwrap(),
            "--batch" => o.batch = v.parse().unwrap(),
            "--timer-max-ms" => o.timer_max_ms = v.parse().unwrap(),
            "--repeats" => o.repeats = v.parse().unwrap(),
            "--idle-seconds" => o.idle_seconds = v.parse().unwrap(),
            _ => {
                eprintln!(
                    "usage: peer_tokio [--workload=a,b|all] [--samples=N] ... workloads: {ALL}"
                );
                std::process::exit(2);
            }
        }
    }
    if wl == "all" {
        wl = ALL.to_string();
    }
    o.workloads = wl
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    o
}

fn summarize(mut v: Vec<f64>) -> (f64, f64, usize) {
    let n = v.len();
    if n == 0 {
        return (0.0, 0.0, 0);
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let med = if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    };
    let r = ((99 * n + 99) / 100).clamp(1, n); // nearest rank, ceil(0.99 n)
    (med, v[r - 1], n)
}

fn emit(workload: &str, unit: &str, v: Vec<f64>, extra: &str) {
    let (m, p, n) = summarize(v);
    println!(
        "{{\"peer\":\"{PEER}\",\"workload\":\"{workload}\",\"unit\":\"{unit}\",\"median\":{m:.6},\"p99\":{p:.6},\"samples\":{n}{extra}}}"
    );
}

fn vm_hwm_bytes() -> i64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for line in s.lines() {
        if let Some(rest) = line.strip_prefix("VmHWM:") {
            let kb: i64 = rest
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .unwrap_or(-1);
            return kb * 1024;
        }
    }
    -1
}

fn ctx_switches(who: libc::c_int) -> i64 {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut ru) };
    ru.ru_nvcsw as i64 + ru.ru_nivcsw as i64
}

/// Small deterministic PRNG (xorshift64*), so no rand crate is needed.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn pin_self(cpu: usize) {
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// The CPUs the process was started with (the runner restricts them with taskset), captured
/// once before anything is pinned.
fn allowed_cpus() -> Vec<usize> {
    static CPUS: std::sync::OnceLock<Vec<usize>> = std::sync::OnceLock::new();
    CPUS.get_or_init(|| unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set);
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect()
    })
    .clone()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

// ------------------------------------------------------------------ wake workloads

struct Driver {
    t_set: AtomicI64,
    ack: AtomicUsize,
    done: AtomicBool,
}

/// Setter thread: random gap, stamp, fire, spin-wait (on its own CPU) for the ack.
fn start_setter(
    o: &Opts,
    drv: Arc<Driver>,
    fire: impl Fn() + Send + 'static,
) -> std::thread::JoinHandle<()> {
    let cpus = allowed_cpus();
    let (n, lo, hi) = (o.samples + WARMUP, o.gap_min_us, o.gap_max_us);
    if cpus.len() >= 2 {
        pin_self(cpus[0]);
    }
    std::thread::spawn(move || {
        if cpus.len() >= 2 {
            pin_self(cpus[1]);
        }
        let mut rng = Rng(12345);
        for i in 0..n {
            std::thread::sleep(Duration::from_micros(rng.range(lo, hi)));
            drv.t_set.store(now_ns(), Ordering::Release);
            fire();
            while drv.ack.load(Ordering::Acquire) <= i {
                std::thread::yield_now();
            }
        }
        drv.done.store(true, Ordering::Release);
    })
}

fn wake_thread(o: &Opts, name: &str, busy: bool) {
    let rt = runtime();
    let drv = Arc::new(Driver {
        t_set: AtomicI64::new(0),
        ack: AtomicUsize::new(0),
        done: AtomicBool::new(false),
    });
    let notify = Arc::new(Notify::new());
    let stop = Arc::new(AtomicBool::new(false));
    let (lat, csw) = rt.block_on(async {
        let spinner = if busy {
            let stop = stop.clone();
            Some(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    tokio::task::yield_now().await;
                }
            }))
        } else {
            None
        };
        let n2 = notify.clone();
        let csw0 = ctx_switches(libc::RUSAGE_THREAD);
        let th = start_setter(o, drv.clone(), move || n2.notify_one());
        let mut lat = Vec::with_capacity(o.samples);
        for i in 0..o.samples + WARMUP {
            notify.notified().await;
            let l = (now_ns() - drv.t_set.load(Ordering::Acquire)) as f64;
            if i >= WARMUP {
                lat.push(l);
            }
            drv.ack.store(i + 1, Ordering::Release);
        }
        let csw = ctx_switches(libc::RUSAGE_THREAD) - csw0;
        stop.store(true, Ordering::Relaxed);
        if let Some(s) = spinner {
            s.await.unwrap();
        }
        th.join().unwrap();
        (lat, csw)
    });
    let extra = format!(
        ",\"loop_csw_per_set\":{:.3},\"mechanism\":\"Notify::notify_one from std::thread\"",
        csw as f64 / (o.samples + WARMUP) as f64
    );
    emit(name, "ns", lat, &extra);
}

fn wake_signal(o: &Opts) {
    use tokio::signal::unix::{signal, SignalKind};
    let rt = runtime();
    let drv = Arc::new(Driver {
        t_set: AtomicI64::new(0),
        ack: AtomicUsize::new(0),
        done: AtomicBool::new(false),
    });
    let (lat, csw) = rt.block_on(async {
        let mut sig = signal(SignalKind::user_defined1()).unwrap();
        let loop_thread = unsafe { libc::pthread_self() } as usize;
        let csw0 = ctx_switches(libc::RUSAGE_THREAD);
        let th = start_setter(o, drv.clone(), move || unsafe {
            libc::pthread_kill(loop_thread as libc::pthread_t, libc::SIGUSR1);
        });
        let mut lat = Vec::with_capacity(o.samples);
        for i in 0..o.samples + WARMUP {
            sig.recv().await;
            let l = (now_ns() - drv.t_set.load(Ordering::Acquire)) as f64;
            if i >= WARMUP {
                lat.push(l);
            }
            drv.ack.store(i + 1, Ordering::Release);
        }
        let csw = ctx_switches(libc::RUSAGE_THREAD) - csw0;
        th.join().unwrap();
        (lat, csw)
    });
    let extra = format!(
        ",\"loop_csw_per_set\":{:.3},\"mechanism\":\"pthread_kill SIGUSR1 -> tokio::signal::unix (handler writes pipe)\"",
        csw as f64 / (o.samples + WARMUP) as f64
    );
    emit("wake_signal", "ns", lat, &extra);
}

// ------------------------------------------------------------------ switch workloads

thread_local! {
    static COUNT: Cell<i64> = Cell::new(0);
    static TARGET: Cell<i64> = Cell::new(0);
    static BATCH: Cell<i64> = Cell::new(1000);
    static STAMPS: RefCell<Vec<i64>> = RefCell::new(Vec::new());
    static DONE: RefCell<Option<tokio::sync::oneshot::Sender<()>>> = RefCell::new(None);
}

fn count() -> i64 {
    COUNT.with(|c| c.get())
}
fn target() -> i64 {
    TARGET.with(|c| c.get())
}
fn tick() {
    let n = COUNT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if n % BATCH.with(|b| b.get()) == 0 {
        STAMPS.with(|s| s.borrow_mut().push(now_ns()));
    }
}
fn reset(o: &Opts, t: i64) {
    COUNT.with(|c| c.set(0));
    TARGET.with(|c| c.set(t));
    BATCH.with(|c| c.set(o.batch));
    STAMPS.with(|s| {
        let mut s = s.borrow_mut();
        s.clear();
        s.reserve((t / o.batch + 2) as usize);
    });
}
fn batch_samples() -> Vec<f64> {
    let b = BATCH.with(|b| b.get()) as f64;
    STAMPS.with(|s| {
        s.borrow()
            .windows(2)
            .map(|w| (w[1] - w[0]) as f64 / b)
            .collect()
    })
}

fn switch(o: &Opts, name: &str, ntasks: usize, switches: i64) {
    let rt = runtime();
    reset(o, switches);
    rt.block_on(async {
        let hs: Vec<_> = (0..ntasks)
            .map(|_| {
                tokio::spawn(async {
                    while count() < target() {
                        tick();
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for h in hs {
            h.await.unwrap();
        }
    });
    emit(
        name,
        "ns",
        batch_samples(),
        ",\"mechanism\":\"tokio::task::yield_now, current_thread runtime\"",
    );
}

fn pingpong(o: &Opts) {
    let rt = runtime();
    reset(o, o.switches);
    rt.block_on(async {
        let a = Arc::new(Notify::new());
        let b = Arc::new(Notify::new());
        let (a2, b2) = (a.clone(), b.clone());
        let pong = tokio::spawn(async move {
            while count() < target() {
                b2.notified().await;
                tick();
                a2.notify_one();
            }
        });
        let ping = tokio::spawn(async move {
            while count() < target() {
                b.notify_one();
                a.notified().await;
                tick();
            }
            b.notify_one();
        });
        ping.await.unwrap();
        pong.await.unwrap();
    });
    emit(
        "event_pingpong",
        "ns",
        batch_samples(),
        ",\"mechanism\":\"tokio::sync::Notify pair\"",
    );
}

// ------------------------------------------------------------------ timers

fn timers(o: &Opts, name: &str, n: usize) {
    let (mut walls, mut rates, mut creates) = (vec![], vec![], vec![]);
    let mut mem = 0.0;
    let mut rng = Rng(777);
    for rep in 0..o.repeats {
        let hwm0 = vm_hwm_bytes();
        let rt = runtime();
        COUNT.with(|c| c.set(0));
        let (t0, t1, t2) = rt.block_on(async {
            let (tx, rx) = tokio::sync::oneshot::channel();
            DONE.with(|d| *d.borrow_mut() = Some(tx));
            let t0 = now_ns();
            let base = tokio::time::Instant::now();
            for _ in 0..n {
                let d = base + Duration::from_nanos(rng.range(0, o.timer_max_ms * 1_000_000));
                // The JoinHandle is dropped: the task is detached.
                tokio::spawn(async move {
                    tokio::time::sleep_until(d).await;
                    tick_expired(n);
                });
            }
            let t1 = now_ns();
            rx.await.unwrap();
            (t0, t1, now_ns())
        });
        if count() != n as i64 {
            eprintln!("tokio: expired {} of {}", count(), n);
        }
        if rep == 0 {
            mem = (vm_hwm_bytes() - hwm0) as f64 / n as f64;
        }
        drop(rt);
        walls.push((t2 - t0) as f64 / 1e6);
        rates.push(n as f64 / ((t2 - t0) as f64 / 1e9));
        creates.push((t1 - t0) as f64 / n as f64);
    }
    emit(name, "ms", walls, "");
    emit(&format!("{name}_rate"), "expiries_per_s", rates, "");
    emit(
        &format!("{name}_create"),
        "ns_per_task",
        creates,
        ",\"note\":\"spawn only; the Sleep is registered when the task first runs\"",
    );
    emit(
        &format!("{name}_mem"),
        "bytes_per_task",
        vec![mem],
        ",\"note\":\"VmHWM growth / N, first repeat\"",
    );
}

fn tick_expired(n: usize) {
    let c = COUNT.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    if c == n as i64 {
        DONE.with(|d| {
            if let Some(tx) = d.borrow_mut().take() {
                let _ = tx.send(());
            }
        });
    }
}

fn idle(o: &Opts) {
    let rt = runtime();
    let (c, secs) = rt.block_on(async {
        let far = tokio::spawn(tokio::time::sleep(Duration::from_secs(3600)));
        tokio::task::yield_now().await; // let the far sleeper register its timer
        let t0 = now_ns();
        let c0 = ctx_switches(libc::RUSAGE_SELF);
        tokio::time::sleep(Duration::from_secs_f64(o.idle_seconds)).await;
        let c = ctx_switches(libc::RUSAGE_SELF) - c0;
        far.abort();
        (c, (now_ns() - t0) as f64 / 1e9)
    });
    emit(
        "idle_wakeups",
        "wakeups_per_s",
        vec![c as f64 / secs],
        &format!(",\"context_switches\":{c},\"seconds\":{secs:.3}"),
    );
}

fn main() {
    let o = parse();
    for w in o.workloads.clone() {
        match w.as_str() {
            "wake_thread_idle" => wake_thread(&o, &w, false),
            "wake_thread_busy" => wake_thread(&o, &w, true),
            "wake_signal" => wake_signal(&o),
            "switch_2" => switch(&o, &w, 2, o.switches),
            "switch_1000" => switch(&o, &w, 1000, o.switches_1000),
            "event_pingpong" => pingpong(&o),
            "timers_100k" => timers(&o, &w, 100_000),
            "timers_1m" => timers(&o, &w, 1_000_000),
            "idle_wakeups" => idle(&o),
            _ => eprintln!("tokio: unknown workload {w}"),
        }
    }
}
