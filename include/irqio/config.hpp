// Build-time configuration of the portable core.
// Every knob has a default; a port or a user overrides it with -D on the command line.
#pragma once
#include <cstdint>

// Depth of the soft-interrupt ring served by schedule() (per loop).
#ifndef IRQIO_SCHEDULE_DEPTH
#define IRQIO_SCHEDULE_DEPTH 8
#endif

// Cores without compare-and-swap (ARMv6-M) replace atomic read-modify-write with a short
// interrupt-masked section; see core/atomic_ops.hpp.
#ifndef IRQIO_NO_CAS
#if defined(__ARM_ARCH_6M__)
#define IRQIO_NO_CAS 1
#else
#define IRQIO_NO_CAS 0
#endif
#endif

// Bare-metal builds have one loop and no threads, so "the current loop" is a plain global.
#ifndef IRQIO_SINGLE_THREAD
#if defined(__arm__) && !defined(__linux__)
#define IRQIO_SINGLE_THREAD 1
#else
#define IRQIO_SINGLE_THREAD 0
#endif
#endif

// One core: handlers interrupt the loop on the same CPU, which sees its own memory accesses in
// program order, so cross-context ordering needs only compiler fences, never a `dmb`.
// A part with several cores sharing the loop's memory must set it to 0.
#ifndef IRQIO_UNIPROCESSOR
#define IRQIO_UNIPROCESSOR IRQIO_SINGLE_THREAD
#endif

// For the few-instruction helpers on interrupt paths, which -Os would otherwise call out of line.
#if defined(__GNUC__)
#define IRQIO_INLINE inline __attribute__((always_inline))
#else
#define IRQIO_INLINE inline
#endif

// Bare metal with a loop on each of several cores: the per-thread state (the current loop, the
// frame allocator) is kept per core instead, in a slot that the port's core_id() picks
// (core/per_core.hpp); the port's inline header then defines `unsigned port::core_id()`.
#ifndef IRQIO_CORES
#define IRQIO_CORES 1
#endif

#if IRQIO_SINGLE_THREAD || IRQIO_CORES > 1
#define IRQIO_THREAD_LOCAL
#else
#define IRQIO_THREAD_LOCAL thread_local
#endif

// Interrupt levels (InterruptLoop: a loop whose tasks run inside a software-triggered interrupt).
// On bare metal, 0 lets the loop's wake path fold "any interrupt ends the wait" to a constant,
// which saves a load and a branch on it; a program without levels may set it.
#ifndef IRQIO_LEVELS
#define IRQIO_LEVELS 1
#endif

// How many FrameAllocators (pools) a program may create; each costs a pointer of RAM.
// 32-bit targets keep the id in 3 bits of the task header: at most 7 there.
#ifndef IRQIO_MAX_FRAME_ALLOCATORS
#if IRQIO_SINGLE_THREAD || UINTPTR_MAX <= 0xFFFFFFFFu
#define IRQIO_MAX_FRAME_ALLOCATORS 4
#else
#define IRQIO_MAX_FRAME_ALLOCATORS 32
#endif
#endif

// Whether task frames may come from operator new when no FrameAllocator is set. Bare-metal builds
// default to no: a program without a pool gets Error::no_memory instead of pulling in malloc.
#ifndef IRQIO_HEAP_FRAMES
#if IRQIO_SINGLE_THREAD
#define IRQIO_HEAP_FRAMES 0
#else
#define IRQIO_HEAP_FRAMES 1
#endif
#endif

// Test builds let a test run code at each internal step of the scheduler (see core/step_hook.hpp).
// How many loops may have tasks waiting on one Event at the same time (threads, cores, interrupt
// levels). Each costs the Event one small part (a doorbell and a wait list); a wait from one loop
// too many is an assertion. Bare metal runs one loop per core: raise it there for several.
#ifndef IRQIO_EVENT_LOOPS
#if IRQIO_SINGLE_THREAD
#define IRQIO_EVENT_LOOPS 1
#else
#define IRQIO_EVENT_LOOPS 4
#endif
#endif

// Tracing (core/trace.hpp): the CMake option IRQIO_TRACE sets it to 1. Off, every hook is empty.
// The built-in ring's size in records (a power of two) and how many names it can hold.
#ifndef IRQIO_TRACE
#define IRQIO_TRACE 0
#endif
#ifndef IRQIO_TRACE_EVENTS
#if IRQIO_SINGLE_THREAD
#define IRQIO_TRACE_EVENTS 256
#else
#define IRQIO_TRACE_EVENTS 4096
#endif
#endif
#ifndef IRQIO_TRACE_NAMES
#if IRQIO_SINGLE_THREAD
#define IRQIO_TRACE_NAMES 16
#else
#define IRQIO_TRACE_NAMES 64
#endif
#endif

#ifndef IRQIO_STEP_HOOKS
#define IRQIO_STEP_HOOKS 0
#endif

namespace irqio::detail {
// Documented assertion: reports the broken contract through the port and stops.
[[noreturn]] void assert_fail(const char* what, const char* file, int line) noexcept;
}  // namespace irqio::detail

// Whether a failed assertion reports its message and full file path (1), or only the file's base
// name and line (0). The texts are several hundred bytes of flash in a small bare-metal program,
// so release builds for bare metal (NDEBUG, IRQIO_SINGLE_THREAD) leave them out by default.
#ifndef IRQIO_ASSERT_TEXT
#if IRQIO_SINGLE_THREAD && defined(NDEBUG)
#define IRQIO_ASSERT_TEXT 0
#else
#define IRQIO_ASSERT_TEXT 1
#endif
#endif

#if IRQIO_ASSERT_TEXT
#define IRQIO_ASSERT(cond, what) \
    ((cond) ? (void)0 : ::irqio::detail::assert_fail(what, __FILE__, __LINE__))
#else
#if defined(__FILE_NAME__)
#define IRQIO_ASSERT_FILE_ __FILE_NAME__
#else
#define IRQIO_ASSERT_FILE_ ""
#endif
#define IRQIO_ASSERT(cond, what) \
    ((cond) ? (void)0 : ::irqio::detail::assert_fail(nullptr, IRQIO_ASSERT_FILE_, __LINE__))
#endif
