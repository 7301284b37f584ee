// Linux I/O in one header: fd readiness, streams over fds, TCP / UNIX sockets, serial ports.
#pragma once
#include "irqio/linux.hpp"
#include "irqio/linux/fd_ready.hpp"
#include "irqio/linux/fd_stream.hpp"
#include "irqio/linux/fd_transport.hpp"
#include "irqio/linux/serial.hpp"
#include "irqio/linux/socket.hpp"
