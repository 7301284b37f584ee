// The property behind the stream fuzz target and its replay test: whatever the chunking of the
// input, the pauses of the transport and the timeouts that cancel reads midway, readline /
// readexactly / read / readinto hand out the bytes whole and in order, losing and inventing none.
// Input layout: the first bytes choose the reader's capacity and the payload length, the payload
// follows, then the rest drives chunk sizes, pauses, timeouts and the sequence of operations.
#pragma once
#include <cstddef>
#include <cstdint>

namespace irqio::fuzz {
// Returns normally when the property held; aborts (through IRQIO_ASSERT) when it did not.
void check_stream(const uint8_t* data, std::size_t size);
}  // namespace irqio::fuzz
