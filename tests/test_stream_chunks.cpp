// Replays the stream fuzz property (tests/fuzz/stream_check.hpp) on pseudo-random inputs in every
// build, so gcc and the sanitizer presets exercise it too; the clang preset also runs libFuzzer.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "fuzz/stream_check.hpp"

TEST(StreamChunks, RandomInputsKeepBytesWholeAndInOrder) {
    std::mt19937 rng(12345);
    for (int i = 0; i < 3000; ++i) {
        std::vector<uint8_t> in(3 + rng() % 4000);
        for (uint8_t& b : in) b = static_cast<uint8_t>(rng());
        irqio::fuzz::check_stream(in.data(), in.size());
    }
}
