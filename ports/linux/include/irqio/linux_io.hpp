// Linux I/O in one header: fd readiness, streams over fds, TCP / UNIX sockets, serial ports.
#pragma once
#include "irqio/io/fd_ready.hpp"
#include "irqio/io/fd_stream.hpp"
#include "irqio/io/fd_transport.hpp"
#include "irqio/io/serial.hpp"
#include "irqio/io/socket.hpp"
#include "irqio/linux.hpp"
