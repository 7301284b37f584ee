// Byte spans to and from text, for tests that push strings through streams.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace irqio_test {

inline std::string str(std::span<const uint8_t> b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}
inline std::span<const uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace irqio_test
