// libFuzzer entry: random byte streams in random chunks through StreamReader (see
// stream_check.hpp).
#include <cstddef>
#include <cstdint>

#include "stream_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    irqio::fuzz::check_stream(data, size);
    return 0;
}
