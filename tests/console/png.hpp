#pragma once
// A small PNG reader for the browser test's screenshots: 8-bit RGB / RGBA, non-interlaced (what
// Chromium writes), inflated with zlib and unfiltered. Enough to tell a rendered page from a
// blank one: how many distinct colors, and how much of the image the commonest one covers.
// Thread-safety: plain functions.

#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace strata::console::testing {

struct PngStats {
  bool ok = false;
  std::string error;
  uint32_t width = 0, height = 0;
  size_t distinct_colors = 0;
  double commonest_share = 1.0;  // the fraction of pixels of the most frequent color
};

inline uint32_t be32(const std::string& s, size_t at) {
  return (uint32_t(uint8_t(s[at])) << 24) | (uint32_t(uint8_t(s[at + 1])) << 16) |
         (uint32_t(uint8_t(s[at + 2])) << 8) | uint32_t(uint8_t(s[at + 3]));
}

inline PngStats png_stats(const std::string& png) {
  PngStats st;
  if (png.size() < 8 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) {
    st.error = "not a PNG";
    return st;
  }
  uint8_t depth = 0, color = 0, interlace = 0;
  std::string idat;
  for (size_t at = 8; at + 12 <= png.size();) {
    const uint32_t len = be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (at + 12 + len > png.size()) break;
    if (type == "IHDR") {
      st.width = be32(png, at + 8);
      st.height = be32(png, at + 12);
      depth = uint8_t(png[at + 16]);
      color = uint8_t(png[at + 17]);
      interlace = uint8_t(png[at + 20]);
    } else if (type == "IDAT") {
      idat.append(png, at + 8, len);
    }
    at += 12 + len;
  }
  const int channels = color == 6 ? 4 : color == 2 ? 3 : 0;
  if (depth != 8 || channels == 0 || interlace != 0 || st.width == 0 || st.height == 0) {
    st.error = "unsupported PNG layout";
    return st;
  }
  const size_t stride = size_t(st.width) * channels;
  std::vector<uint8_t> raw((stride + 1) * st.height);
  uLongf raw_len = raw.size();
  if (uncompress(raw.data(), &raw_len, reinterpret_cast<const Bytef*>(idat.data()),
                 idat.size()) != Z_OK ||
      raw_len != raw.size()) {
    st.error = "cannot inflate the image data";
    return st;
  }
  std::vector<uint8_t> prev(stride, 0), cur(stride);
  std::map<uint32_t, size_t> colors;
  for (uint32_t y = 0; y < st.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    for (size_t x = 0; x < stride; ++x) {
      const int a = x >= size_t(channels) ? cur[x - channels] : 0;
      const int b = prev[x];
      const int c = x >= size_t(channels) ? prev[x - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: st.error = "bad filter"; return st;
      }
      cur[x] = uint8_t(in[x] + predicted);
    }
    for (uint32_t x = 0; x < st.width; ++x) {
      const uint8_t* p = &cur[size_t(x) * channels];
      ++colors[(uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | p[2]];
    }
    std::swap(prev, cur);
  }
  size_t top = 0;
  for (const auto& [rgb, n] : colors) top = std::max(top, n);
  st.distinct_colors = colors.size();
  st.commonest_share = double(top) / (double(st.width) * st.height);
  st.ok = true;
  return st;
}

}  // namespace strata::console::testing
